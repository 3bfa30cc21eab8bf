"""Make every page run inside streamlit_app.py's frame, even on a deep link to a fresh server.

Streamlit decides once per process whether to use its legacy `pages/` folder routing: until
the first `st.navigation` call it finds `pages/` (our agreed layout) and runs a page such as
/compare on its own, without the entry point (no page config, banner or menu). A page that
finds itself outside the frame switches the process to `st.navigation` routing and reruns;
the rerun goes through streamlit_app.py to the same URL.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

_IN_FRAME: contextvars.ContextVar[bool] = contextvars.ContextVar("banana_frame", default=False)


@contextmanager
def app_frame() -> Iterator[None]:
    token = _IN_FRAME.set(True)
    try:
        yield
    finally:
        _IN_FRAME.reset(token)


def require_app_frame() -> None:
    if _IN_FRAME.get():
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()
