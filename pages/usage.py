"""Usage: what the team spent, by day, user, platform and model (members see their own)."""

import streamlit as st

from playground.app.chrome import error_boundary
from playground.app.frame import require_app_frame
from playground.app.identity import require
from playground.app.runtime import get_runtime
from playground.app.team_view import GROUPINGS, since_day, usage_chart, usage_frame, usage_table
from playground.history.team import usage

require_app_frame()
user = require("usage")
runtime = get_runtime()
st.title("Usage")
everyone = user.may("usage_all")
st.caption("Spend per UTC day from the team's ledger: each request counts at the cost its "
           "answer's usage counters give, or at its estimate until then. "
           + ("You see everyone's." if everyone else "You see your own."))

with error_boundary(runtime):
    days = st.segmented_control("Period", [7, 30, 90], default=30, key="usage-days",
                                format_func=lambda d: f"{d} days") or 30
    rows = usage(runtime.store, user_email=None if everyone else user.email,
                 since_day=since_day(int(days)))
    if not rows:
        st.info("Nothing spent in this period.", icon=":material/savings:")
    else:
        frame = usage_frame(rows)
        total = frame["cost_usd"].sum()
        st.metric("Spend in the period", f"${total:,.4f}", border=True)
        by = st.segmented_control("Colour by", list(GROUPINGS), default="User",
                                  key="usage-by") or "User"
        usage_chart(frame, by)
        usage_table(frame)
