"""The buttons under a result that build on it: Continue editing (or "Use this one" for a
variant), Use as input, and Regenerate at 2K/4K from this.

They run as callbacks, before the page draws again, so the form below shows what the next
Generate will send: the thread's model and platforms, its ratio and size, an empty prompt for
the next instruction.
"""

from __future__ import annotations

import streamlit as st

from playground.app.controls import AUTO_RATIO, BACKEND_OPTIONS
from playground.app.edit_state import continue_from, edit_state
from playground.app.inputs_view import add_stored
from playground.app.runtime import Runtime
from playground.domain import catalog
from playground.domain.errors import PlaygroundError
from playground.domain.types import GenerationResult
from playground.generation.conversation import LARGER_SIZES

REGEN_KEY = "edit_regen"  # (generation id, size) to send when the page runs next
GO_KEY = "edit_go"  # set by the callbacks: a page other than Generate switches to it


def follow_to_generate() -> None:
    """On History (or any page but Generate): after one of these buttons, open Generate, where
    the conversation, the new input or the regeneration waits."""
    if st.session_state.pop(GO_KEY, False):
        st.switch_page("pages/generate.py")


def result_actions(runtime: Runtime, result: GenerationResult, *, key: str,
                   is_variant: bool = False) -> None:
    if not result.ok or result.image is None or result.id is None:
        return
    info = catalog.MODELS.get(result.model)
    larger = [s for s in LARGER_SIZES if info and s in info.sizes and s != result.request.image_size]
    row = st.container(horizontal=True, wrap=True)  # buttons at their own width, wrapping
    label = "Use this one" if is_variant else "Continue editing"
    row.button(label, key=f"{key}-continue", icon=":material/edit:", on_click=_continue,
                   args=(runtime, result, not is_variant),
                   help="Send the next instruction as a new turn of this conversation: the "
                        "earlier turns and the model's answers (with their signatures) are "
                        "replayed." + ("" if is_variant else " In Both, each platform "
                                       "continues its own thread."))
    row.button("Use as input", key=f"{key}-input", icon=":material/add_photo_alternate:",
                   on_click=_use_as_input, args=(runtime, result),
                   help="Add this image to the input images of a new prompt.")
    for size in larger:
        row.button(f"Regenerate at {size}", key=f"{key}-regen-{size}", icon=":material/zoom_in:",
                   on_click=_regenerate, args=(result, size),
                   help=f"Send this image as the reference with the same prompt at {size}, and "
                        "compare it with a Lanczos resize of this one.")


def _continue(runtime: Runtime, result: GenerationResult, with_siblings: bool) -> None:
    st.session_state[GO_KEY] = True
    state = edit_state()
    if not with_siblings:  # a chosen variant: keep only threads of the same run
        keep = {p: i for p, i in state.threads.items()
                if (r := runtime.store.get(i)) is not None and r.group_id == result.group_id}
        state.threads = keep
    try:
        continue_from(runtime, result, with_siblings=with_siblings)
    except PlaygroundError as exc:
        st.session_state["edit_upload_problems"] = [str(exc)]
        return
    platforms = sorted(state.threads)
    backend = next((k for k, v in BACKEND_OPTIONS.items() if sorted(v) == platforms), "Both")
    st.session_state.update(prompt="", model=result.model, backend=backend,
                            ratio=result.request.aspect_ratio or AUTO_RATIO)
    if result.request.image_size:
        st.session_state["size"] = result.request.image_size


def _use_as_input(runtime: Runtime, result: GenerationResult) -> None:
    assert result.image is not None
    st.session_state[GO_KEY] = True
    add_stored(runtime, edit_state(), result, result.image)


def _regenerate(result: GenerationResult, size: str) -> None:
    st.session_state[GO_KEY] = True
    st.session_state[REGEN_KEY] = (result.id, size)
