"""The Usage and Audit log pages' parts: spend by day, user, platform and model (Altair, CSV),
and the audit log as a table (text cells: never Markdown)."""

from __future__ import annotations

import time
from dataclasses import asdict

import altair as alt
import pandas as pd
import streamlit as st

from playground.app.media import download_button
from playground.history.team import AuditEntry, UsageRow, utc_day

GROUPINGS = {"User": "user_email", "Model": "model", "Platform": "backend"}


def usage_frame(rows: list[UsageRow]) -> pd.DataFrame:
    columns = ["day", "user_email", "backend", "model", "requests", "cost_usd", "estimated_usd"]
    return pd.DataFrame([asdict(r) for r in rows], columns=columns)


def since_day(days: int) -> str:
    return utc_day(time.time() - (days - 1) * 86400)


def usage_chart(frame: pd.DataFrame, by: str) -> None:
    """Stacked bars: spend per UTC day, coloured by user, model or platform."""
    column = GROUPINGS[by]
    data = frame.groupby(["day", column], as_index=False)["cost_usd"].sum()
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("day:N", title="Day (UTC)"),
        y=alt.Y("cost_usd:Q", title="Spend (USD)"),
        color=alt.Color(f"{column}:N", title=by),
        tooltip=["day", column, alt.Tooltip("cost_usd:Q", format="$.4f")],
    )
    st.altair_chart(chart, width="stretch")


def usage_table(frame: pd.DataFrame) -> None:
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        "day": "Day (UTC)", "user_email": "User", "backend": "Platform", "model": "Model",
        "requests": "Requests",
        "cost_usd": st.column_config.NumberColumn("Spend (USD)", format="$%.4f"),
        "estimated_usd": st.column_config.NumberColumn(
            "Of which estimated", format="$%.4f",
            help="Requests whose answer gave no usage counters (yet) count at the estimate."),
    })
    download_button("Download CSV", frame.to_csv(index=False), file_name="usage.csv",
                       mime="text/csv", key="usage-csv", on_click="ignore")


def audit_table(entries: list[AuditEntry]) -> None:
    frame = pd.DataFrame([{
        "time (UTC)": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(e.created_at)),
        "user": e.user_email, "action": e.action, "detail": e.detail} for e in entries],
        columns=["time (UTC)", "user", "action", "detail"])
    st.table(frame, hide_index=True)  # cells as text, readable by screen readers and tests
