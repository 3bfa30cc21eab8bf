"""Keep a widget and a short URL parameter in step (e.g. ?a=12&b=13&view=peeper).

`bind="query-params"` writes the *formatted* label into the URL; for ids and view names we
want short, stable parameters, so these widgets sync by hand: the URL wins when the page
opens (a shared link), and every change is written back at once by an on_change callback.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any

import streamlit as st


def seed_from_url(key: str, param: str, options: Container[Any], default: Any,
                  parse: Callable[[str], Any] = str) -> None:
    """Before the widget: take ?param= when it is a valid option, else keep or default."""
    raw = st.query_params.get(param)
    if raw is not None:
        try:
            value = parse(raw)
        except ValueError:
            value = None
        if value is not None and value in options:
            st.session_state[key] = value
            return
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default


def to_url(key: str, param: str) -> Callable[[], None]:
    """An on_change callback that writes the widget's new value into the URL before the rerun."""

    def sync() -> None:
        write_to_url(key, param)

    return sync


def write_to_url(key: str, param: str) -> None:
    value = st.session_state.get(key)
    if value is None:
        st.query_params.pop(param, None)
    elif st.query_params.get(param) != str(value):
        st.query_params[param] = str(value)
