"""Banana Split: page config, sign-in and navigation — nothing else."""

import streamlit as st

from playground.app.browser_memory import remember
from playground.app.chrome import demo_banner, page_style, signed_in_as
from playground.app.frame import app_frame
from playground.app.identity import sign_in_gate
from playground.app.navigation import navigation
from playground.app.runtime import get_runtime

st.set_page_config(page_title="Banana Split", page_icon="🍌", layout="wide")

runtime = get_runtime()
user = sign_in_gate(runtime.settings)  # team mode: nothing below runs for a stranger
nav = navigation(user)
with app_frame():
    page_style()
    remember("reviewer", "reviewer")
    demo_banner(runtime, blind=nav.url_path == "review")
    signed_in_as(user)
    nav.run()
