"""The pages a user may open: in team mode, only those their role allows are in the menu,
so a deep link to any other (`/settings` for a member) is not a page Streamlit serves; each
page checks the role again itself (identity.require)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.app.identity import User

#: (section, script, title, icon, the action the page needs)
PAGES = [
    ("Create", "pages/generate.py", "Generate", ":material/auto_awesome:", "generate"),
    ("Create", "pages/history.py", "History", ":material/history:", "browse"),
    ("Review", "pages/compare.py", "Compare", ":material/compare:", "browse"),
    ("Review", "pages/compression_lab.py", "Compression Lab", ":material/tune:", "browse"),
    ("Review", "pages/review.py", "Review", ":material/how_to_vote:", "vote"),
    ("Measure", "pages/benchmark.py", "Benchmark", ":material/speed:", "benchmark"),
    ("Team", "pages/usage.py", "Usage", ":material/payments:", "usage"),
    ("Team", "pages/audit.py", "Audit log", ":material/policy:", "audit"),
    ("Setup", "pages/settings.py", "Settings", ":material/settings:", "settings"),
]
TEAM_ONLY = {"pages/usage.py", "pages/audit.py"}


def navigation(user: User) -> Any:
    """st.navigation over the pages this user may open (the first one is the default)."""
    sections: dict[str, list[Any]] = {}
    first = True
    for section, script, title, icon, action in PAGES:
        if not user.may(action) or (script in TEAM_ONLY and user.mode == "none"):
            continue
        sections.setdefault(section, []).append(
            st.Page(script, title=title, icon=icon, default=first))
        first = False
    return st.navigation(sections)
