"""Keep a widget and a short URL parameter in step (e.g. ?a=12&b=13&view=peeper).

`bind="query-params"` writes the *formatted* label into the URL; for ids and view names we
want short, stable parameters, so these widgets sync by hand: the URL wins when the page
opens (a shared link), and every change is written back at once by an on_change callback.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any

import streamlit as st

NOTICES_KEY = "url_notices"


def notice(text: str) -> None:
    """Say that (and which) part of a link could not be used, instead of dropping it silently.
    The notice stays on the page it was made on until another page is opened."""
    page = _page()
    store: dict[str, list[str]] = st.session_state.setdefault(NOTICES_KEY, {})
    for other in [k for k in store if k != page]:
        del store[other]
    notices = store.setdefault(page, [])
    if text not in notices:
        notices.append(text)


def _page() -> str:
    try:
        return str(st.context.url).split("?", 1)[0]
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest): one page at a time
        return ""


def show_notices() -> None:
    """This page's link notices, as plain text."""
    from playground.app.text import plain

    for text in st.session_state.get(NOTICES_KEY, {}).get(_page(), []):
        st.info(plain(text), icon=":material/link_off:")


def seed_from_url(key: str, param: str, options: Container[Any], default: Any,
                  parse: Callable[[str], Any] = str) -> None:
    """Before the widget: take ?param= when it is a valid option, else keep or default (and
    say that the link's value was not used)."""
    raw = st.query_params.get(param)
    if raw is not None:
        try:
            value = parse(raw)
        except (ValueError, OverflowError):
            value = None
        if value is not None and value in options:
            st.session_state[key] = value
            return
        if st.session_state.get(f"_url_seen_{param}") != raw:
            notice(f"The link's {param}={raw[:80]!r} is not one of the choices here, so it was "
                   "ignored.")
            st.session_state[f"_url_seen_{param}"] = raw
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default


def check_param(param: str, options: Container[Any]) -> None:
    """For widgets bound with bind="query-params" (Streamlit drops invalid values silently)."""
    raw = st.query_params.get(param)
    if raw is not None and raw not in options and st.session_state.get(f"_url_seen_{param}") != raw:
        notice(f"The link's {param}={raw[:80]!r} is not one of the choices here, so it was "
               "ignored.")
        st.session_state[f"_url_seen_{param}"] = raw


def to_url(key: str, param: str) -> Callable[[], None]:
    """An on_change callback that writes the widget's new value into the URL before the rerun."""

    def sync() -> None:
        write_to_url(key, param)
        st.session_state.pop(NOTICES_KEY, None)  # the user moved on from the link

    return sync


def write_to_url(key: str, param: str) -> None:
    value = st.session_state.get(key)
    if value is None:
        st.query_params.pop(param, None)
    elif st.query_params.get(param) != str(value):
        st.query_params[param] = str(value)
