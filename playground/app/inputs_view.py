"""Generate's input images: upload (several at once, drag and drop), pick from History, or use
the current result; each shown with its real format, bytes and pixels, reorderable and
removable, with the model's limits said before anything is sent."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from playground.app.controls import AUTO_RATIO
from playground.app.edit_state import EditState
from playground.app.media import show_image
from playground.app.runtime import Runtime
from playground.app.text import plain
from playground.domain import catalog
from playground.domain.errors import ImageDataError, PlaygroundError
from playground.domain.imaging import format_name, make_preview
from playground.domain.input_checks import INLINE_LIMIT_BYTES
from playground.domain.labels import human_bytes, image_ref, platform_label
from playground.domain.turns import InputImage, describe_input
from playground.domain.types import GenerationResult, ImageFacts
from playground.generation.conversation import as_input

UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "heic", "heif", "gif", "avif"]
THUMB_SIDE = 160
RECENT = 30


def inputs_panel(runtime: Runtime, state: EditState, model_id: str) -> None:
    info = catalog.MODELS.get(model_id)
    limit = info.max_input_images if info else 14
    title = f"Input images ({len(state.inputs)} of at most {limit} for {model_id})"
    with st.expander(title, expanded=bool(state.inputs), icon=":material/add_photo_alternate:"):
        left, right = st.columns([3, 2])
        with left:
            _uploader(state)
        with right:
            _from_history(runtime, state)
        _listing(state)
        if state.needs_consent:
            st.checkbox("Re-encode or downscale images the model cannot take (over "
                        f"{human_bytes(INLINE_LIMIT_BYTES)}, or a GIF/AVIF); the result notes "
                        "what was done", key="edit_fit", value=state.fit,
                        on_change=_set_fit, args=(state,))


def _set_fit(state: EditState) -> None:
    state.fit = bool(st.session_state.get("edit_fit"))


def _first_image_added(state: EditState) -> None:
    """An edit keeps its photo's shape unless the user picked a ratio on purpose."""
    if len(state.inputs) == 1 and st.session_state.get("ratio") in (None, "1:1"):
        st.session_state["ratio"] = AUTO_RATIO


def _uploader(state: EditState) -> None:
    # Callbacks run before the form draws again, so an upload may still set the ratio.
    key = f"edit_upload_{state.uploader_round}"
    st.file_uploader("Upload images (several at once, or drop them here)", type=UPLOAD_TYPES,
                     accept_multiple_files=True, key=key, on_change=_uploaded, args=(state, key))


def _uploaded(state: EditState, key: str) -> None:
    files = st.session_state.get(key) or []
    problems = []
    for f in files:
        try:
            image = describe_input(f.getvalue(), name=f.name, source="upload")
        except ImageDataError as exc:
            problems.append(str(exc))
            continue
        if state.add(image):
            _first_image_added(state)
    if files:
        state.uploader_round += 1  # the files now live in the list below; empty the uploader
    if problems:
        st.session_state["edit_upload_problems"] = problems


def _from_history(runtime: Runtime, state: EditState) -> None:
    choices: dict[str, tuple[int, int]] = {}
    for result in runtime.store.list(limit=RECENT, exclude_bench=True):
        for img in result.images:
            kind = "draft" if img.is_draft else "image"
            label = (f"#{image_ref(result.id, img)} · {platform_label(result.backend)} · {kind} · "
                     f"{result.request.prompt[:40]}")
            choices[label] = (result.id or 0, img.position or 0)
    pick = st.selectbox("Or pick one from History (drafts included)", ["", *choices],
                        key="edit_pick", format_func=lambda v: v or "choose an image…")
    st.button("Add it", key="edit_pick_add", disabled=not pick, on_click=_picked,
              args=(runtime, state, choices.get(pick or "")))


def _picked(runtime: Runtime, state: EditState, choice: tuple[int, int] | None) -> None:
    if choice is None:
        return
    found = runtime.store.find_ref(f"{choice[0]}.{choice[1] + 1}")
    if found is not None:
        add_stored(runtime, state, *found)


def add_stored(runtime: Runtime, state: EditState, result: GenerationResult,
               image: ImageFacts) -> None:
    """Add a stored image (a History pick, or "Use as input" on a result)."""
    try:
        picked = as_input(runtime.store, result, image)
    except PlaygroundError as exc:
        st.session_state["edit_upload_problems"] = [str(exc)]
        return
    if state.add(picked):
        _first_image_added(state)


def input_thumb(img: InputImage, read: Callable[[InputImage], bytes] | None = None,
                ) -> bytes | None:
    """A small JPEG of an input image, made once per image and session (not on every rerun);
    `read` fetches the bytes of a stored one. None when it cannot be shown (HEIC and friends
    have no decoder here; a file gone from the store)."""
    thumbs: dict[str, bytes | None] = st.session_state.setdefault("edit_thumbs", {})
    if img.sha256 not in thumbs:
        try:
            data = img.data if img.data is not None or read is None else read(img)
            thumbs[img.sha256] = make_preview(data or b"", max_side=THUMB_SIDE, quality=80)
        except (OSError, PlaygroundError):
            thumbs[img.sha256] = None
    return thumbs[img.sha256]


def facts_line(img: InputImage) -> str:
    pixels = f"{img.width}×{img.height}" if img.width else "pixels unknown (not decoded here)"
    return f"{format_name(img.mime)} · {human_bytes(img.size_bytes)} ({img.size_bytes:,} bytes) · {pixels}"


def _listing(state: EditState) -> None:
    for problem in st.session_state.pop("edit_upload_problems", []):
        st.error(plain(problem), icon=":material/broken_image:")
    if not state.inputs:
        st.caption("No images yet: the prompt alone is sent.")
        return
    for n, img in enumerate(state.inputs):
        thumb, text, buttons = st.columns([1, 4, 2], vertical_alignment="center")
        preview = input_thumb(img)
        if preview:
            show_image(preview, where=thumb, width=80)
        with text:
            st.text(f"{n + 1}. {img.name or 'image'}")
            st.caption(plain(facts_line(img) + (f" · {img.note}" if img.note else "")))
        up, down, drop = buttons.columns(3)
        if up.button("", key=f"edit_up_{n}", icon=":material/arrow_upward:", disabled=n == 0,
                     help="Move up"):
            state.move(n, -1)
            st.rerun()
        if down.button("", key=f"edit_down_{n}", icon=":material/arrow_downward:",
                       disabled=n == len(state.inputs) - 1, help="Move down"):
            state.move(n, 1)
            st.rerun()
        if drop.button("", key=f"edit_drop_{n}", icon=":material/close:", help="Remove"):
            state.remove(n)
            st.rerun()
