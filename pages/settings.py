"""Settings: where each backend's credentials come from, a connection test, and demo mode."""

import streamlit as st

from playground.app.chrome import error_boundary
from playground.app.frame import require_app_frame
from playground.app.identity import audit, require
from playground.app.runtime import get_runtime
from playground.app.settings_view import (
    credential_rows,
    list_status,
    model_rows,
    profile_choices,
)
from playground.app.text import plain
from playground.clients.probe import check_connection
from playground.domain.labels import platform_label

require_app_frame()
user = require("settings")
audit("settings viewed")
runtime = get_runtime()
st.title("Settings")

with error_boundary(runtime):
    for platform in ("aistudio", "vertex"):
        with st.container(border=True):
            st.subheader(platform_label(platform), anchor=False)
            st.markdown("\n".join(f"- **{k}:** {v}" for k, v in credential_rows(runtime, platform)))
            if st.button("Test connection", key=f"test-{platform}"):
                st.session_state[f"conn-{platform}"] = check_connection(
                    runtime.platforms[platform], runtime.client)
            report = st.session_state.get(f"conn-{platform}")
            if report is not None:
                if report.ok:
                    st.success(f"{plain(report.message)} ({report.latency_s:.2f} s)", icon=":material/check_circle:")
                else:
                    st.error(f"**{plain(report.message)}**\n\n{report.hint}", icon=":material/error:")

    with st.container(border=True):
        st.subheader("Models each backend offers now", anchor=False)
        if st.button("Refresh model lists", key="models-refresh"):
            runtime.model_lists(refresh=True)
        for line in list_status(runtime):
            st.text(line)
        st.dataframe(model_rows(runtime), hide_index=True, width="stretch")
        st.caption("listed / not listed come from the platform's own model list; the lifecycle "
                   "is Banana Split's dated catalog. A model not listed is not sent unless you "
                   "turn on “Send models a platform does not list” in Generate → Advanced.")

    with st.container(border=True):
        st.subheader("Demo mode", anchor=False)
        if runtime.emulator is None:
            st.write("Off: both backends use real credentials.")
        else:
            st.write(f"On for {', '.join(platform_label(p) for p in sorted(runtime.demo_platforms))}: "
                     f"served by the built-in emulator at `{runtime.emulator.base_url}` "
                     "(loopback only, shared by every session of this server).")
            choices = profile_choices()
            current = runtime.emulator.control.get_profile()
            picked = st.radio("Emulator latency profile", list(choices), horizontal=True,
                              index=list(choices).index(current) if current in choices else 0,
                              format_func=lambda p: f"{p} — {choices[p]}", key="demo_profile",
                              disabled=runtime.settings.team.is_team,
                              help="Team mode: set PLAYGROUND_EMULATOR_PROFILE instead.")
            if picked != current and not runtime.settings.team.is_team:
                runtime.emulator.control.set_profile(picked)
                runtime.demo_profile = picked
                st.toast(f"Emulator latency profile: {picked}")

    with st.container(border=True):
        st.subheader("You and your history", anchor=False)
        if runtime.settings.team.is_team:
            st.write(f"Review notes are signed with your email ({plain(user.email)}).")
        else:
            st.text_input("Reviewer name (stored with review notes; remembered in this browser)",
                          key="reviewer", persist_state="session")
        st.write(f"History: **{runtime.store.count()}** generations in `{runtime.store.data_dir}` "
                 f"(schema v{runtime.store.schema_version}).")
