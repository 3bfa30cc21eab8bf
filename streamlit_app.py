"""Banana Split: page config and navigation — nothing else."""

import streamlit as st

from playground.app.browser_memory import remember
from playground.app.chrome import demo_banner, page_style
from playground.app.frame import app_frame
from playground.app.runtime import get_runtime

st.set_page_config(page_title="Banana Split", page_icon="🍌", layout="wide")

nav = st.navigation({
    "Create": [
        st.Page("pages/generate.py", title="Generate", icon=":material/auto_awesome:", default=True),
        st.Page("pages/history.py", title="History", icon=":material/history:"),
    ],
    "Review": [
        st.Page("pages/compare.py", title="Compare", icon=":material/compare:"),
        st.Page("pages/compression_lab.py", title="Compression Lab", icon=":material/tune:"),
        st.Page("pages/review.py", title="Review", icon=":material/how_to_vote:"),
    ],
    "Measure": [st.Page("pages/benchmark.py", title="Benchmark", icon=":material/speed:")],
    "Setup": [st.Page("pages/settings.py", title="Settings", icon=":material/settings:")],
})
with app_frame():
    page_style()
    remember("reviewer", "reviewer")
    demo_banner(get_runtime(), blind=nav.url_path == "review")
    nav.run()
