"""Who is using the app: the one place a page asks for the current reviewer.

Single-user mode: the reviewer name typed in Settings (or on the Review page), kept in
`st.session_state["reviewer"]` and remembered in the browser (browser_memory.py). Team mode
replaces this function's body with the signed-in user; every caller stays as it is
(docs/decisions.md "Blind review").
"""

from __future__ import annotations

import streamlit as st

REVIEWER_KEY = "reviewer"


def current_reviewer() -> str:
    """The current reviewer's name, trimmed; "" when none is set."""
    return str(st.session_state.get(REVIEWER_KEY) or "").strip()
