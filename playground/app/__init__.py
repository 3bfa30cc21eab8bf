"""The Streamlit-only part of the app: widgets and views the pages are made of, the server-wide
runtime (cached resources), the slider wrapper and the error boundary at the page edge.

The one package that imports streamlit; may import every other package except cli/.
"""
