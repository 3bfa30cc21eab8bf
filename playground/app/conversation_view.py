"""Above Generate's form while a conversation is continued: which thread each platform
continues, how the signatures are sent, and the way back to a new prompt."""

from __future__ import annotations

import streamlit as st

from playground.app.edit_state import EditState
from playground.app.runtime import Runtime
from playground.app.text import plain
from playground.domain.errors import ImageDataError
from playground.domain.labels import platform_label

SIGNATURE_LABELS = {
    "replay": "as returned (the default)",
    "strip": "without them — AI Studio answers 400, Vertex accepts",
    "bypass": "Google's bypass value where one is missing (imported or older turns)",
}


def conversation_banner(runtime: Runtime, state: EditState) -> None:
    if not state.threads:
        return
    with st.container(border=True):
        st.markdown("**Continuing a conversation** — type the next instruction below; each "
                    "platform continues its own thread.")
        columns = st.columns(len(state.threads))
        for column, (platform, gen_id) in zip(columns, sorted(state.threads.items()), strict=True):
            with column:
                _thread_card(runtime, platform, gen_id)
        mode = st.radio("Thought signatures of the replayed turns", list(SIGNATURE_LABELS),
                        format_func=SIGNATURE_LABELS.__getitem__, horizontal=True,
                        key="edit_signatures", index=list(SIGNATURE_LABELS).index(state.signatures))
        state.signatures = mode  # type: ignore[assignment]
        if st.button("Start a new conversation", key="edit_new", icon=":material/restart_alt:"):
            state.threads = {}
            st.rerun()


def _thread_card(runtime: Runtime, platform: str, gen_id: int) -> None:
    result = runtime.store.get(gen_id)
    if result is None:
        st.warning(f"{platform_label(platform)}: generation #{gen_id} is no longer in History.")
        return
    turns = len(runtime.store.thread(gen_id))
    left, right = st.columns([1, 3], vertical_alignment="center")
    if result.image is not None:
        try:
            left.image(runtime.store.thumbnail(result.image), width=96)
        except (OSError, ImageDataError):
            left.caption("(image file missing)")
    right.markdown(f"**{platform_label(platform)}** · {plain(result.model)}  \n"
                   f"next: turn {turns + 1}, after #{gen_id}")
    right.caption(plain(result.request.prompt[:90]))
