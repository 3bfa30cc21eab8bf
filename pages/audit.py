"""Audit log: sign-ins, role denials, budget refusals, settings views and deletions (operators)."""

import streamlit as st

from playground.app.chrome import error_boundary
from playground.app.frame import require_app_frame
from playground.app.identity import require
from playground.app.runtime import get_runtime
from playground.app.team_view import audit_table
from playground.history.team import audit_log

require_app_frame()
require("audit")
runtime = get_runtime()
st.title("Audit log")
st.caption("Who did what, newest first (times in UTC).")

with error_boundary(runtime):
    actions = ["sign-in", "denied", "budget refused", "settings viewed", "deleted"]
    action = st.selectbox("Action", ["all", *actions], key="audit-action")
    entries = audit_log(runtime.store, action=None if action == "all" else action)
    if not entries:
        st.info("Nothing recorded yet.", icon=":material/policy:")
    else:
        audit_table(entries)
