"""Review tools over the history: choosing images to review, the Compression Lab's jobs and
the background task runner that keeps slow analysis off the page thread.

May import domain/, history/ and analysis/.
"""
