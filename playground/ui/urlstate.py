"""Keep a widget and a short URL parameter in step (e.g. ?a=12&b=13&view=peeper).

`bind="query-params"` writes the *formatted* label into the URL; for ids and view names we
want short, stable parameters, so these widgets sync by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st


def seed_from_url(key: str, param: str, options: Sequence[Any], default: Any,
                  parse: Callable[[str], Any] = str) -> None:
    """Before the widget: start from ?param= when valid, else the default."""
    if key in st.session_state and st.session_state[key] in options:
        return
    raw = st.query_params.get(param)
    try:
        value = parse(raw) if raw is not None else default
    except ValueError:
        value = default
    st.session_state[key] = value if value in options else default


def write_to_url(key: str, param: str) -> None:
    """After the widget: mirror its value into the URL."""
    value = st.session_state.get(key)
    if value is None:
        st.query_params.pop(param, None)
    elif st.query_params.get(param) != str(value):
        st.query_params[param] = str(value)
