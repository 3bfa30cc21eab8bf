"""Small values remembered per browser in its localStorage (the reviewer name), because a new
browser session starts with an empty st.session_state. A v2 component (no iframe, no CDN): on
mount it reports the stored value; given a value to keep, it stores it first.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

_JS = """
export default function({ data, setStateValue }) {
  const key = "banana-split:" + data.name;
  try {
    if (typeof data.keep === "string") { window.localStorage.setItem(key, data.keep); }
    const stored = window.localStorage.getItem(key);
    if (stored !== data.known) { setStateValue("value", stored); }
  } catch (e) { /* storage disabled: nothing is remembered */ }
}
"""
_memory = st.components.v2.component("banana_browser_memory", js=_JS, html="<span></span>")


def remember(name: str, session_key: str) -> None:
    """Keep `st.session_state[session_key]` in this browser, and bring it back in a new session.

    Call it on every page that shows or uses the value (the app frame does): a value typed in
    this session is stored; an empty session takes the stored one.
    """
    current = str(st.session_state.get(session_key) or "")
    last_kept = st.session_state.get(f"_kept_{name}")

    def restore() -> None:
        stored = st.session_state.get(f"_mem_{name}")
        value = getattr(stored, "value", None) if stored is not None else None
        if isinstance(value, str) and not st.session_state.get(session_key):
            st.session_state[session_key] = value

    keep: Any = current if current and current != last_kept else None
    if keep is not None:
        st.session_state[f"_kept_{name}"] = current
    _memory(key=f"_mem_{name}", data={"name": name, "keep": keep, "known": current or None},
            default={"value": None}, on_value_change=restore)
