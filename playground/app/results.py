"""Results side by side: preview, stats card, notes and hints, download of the original bytes."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from playground.app.edit_actions import result_actions
from playground.app.runtime import Runtime
from playground.app.slider import SLIDER_MAX_SIDE
from playground.app.text import plain
from playground.domain.errors import ImageDataError
from playground.domain.imaging import format_name
from playground.domain.labels import cost_text, human_bytes, platform_label, seconds, stats_rows
from playground.domain.types import GenerationResult, ImageFacts
from playground.history.files import extension_for
from playground.history.store import HistoryStore


def backend_title(runtime: Runtime, platform: str) -> str:
    tag = " · demo (emulator)" if platform in runtime.demo_platforms else ""
    return f"{platform_label(platform)}{tag}"


def stats_card(result: GenerationResult) -> None:
    rows = "\n".join(f"| {k} | {v} |" for k, v in stats_rows(result))
    st.markdown(f"| Measured | |\n|---|---|\n{rows}")


def download_original(store: HistoryStore, img: ImageFacts, result: GenerationResult,
                      key: str) -> None:
    if not store.has_original(img):
        st.warning("The original file is missing from the history folder (deleted on disk?).")
        return
    st.download_button(
        f"Download original ({format_name(img.sniffed_mime)}, {human_bytes(img.size_bytes)})",
        data=lambda: store.original(img),  # a callable: bytes are read only on click
        file_name=f"{result.backend}-{result.model}-{img.sha256[:10]}."
                  f"{extension_for(img.sniffed_mime)}",
        mime=img.sniffed_mime, on_click="ignore", key=key,
    )


def result_column(runtime: Runtime, result: GenerationResult, *, key: str) -> None:
    st.subheader(backend_title(runtime, result.backend), anchor=False)
    img = result.image
    if img is not None:
        try:
            st.image(runtime.store.preview(img), width="stretch",
                     caption=f"{img.width}×{img.height} {format_name(img.sniffed_mime)} "
                             f"(preview; the download is the original)")
        except (OSError, ImageDataError) as exc:
            st.warning(f"Cannot show this image: {plain(str(exc))}")
    elif result.status in ("blocked", "no_image"):
        st.warning(plain(result.explanation) or "No image came back.", icon=":material/block:")
    if result.finish_message or result.block_message:
        st.caption("Google's own explanation, as sent:")
        st.text(result.finish_message or result.block_message)
    stats_card(result)
    if result.error is not None:
        st.error(f"**{plain(result.error.message)}**\n\n{result.error.hint}",
                 icon=":material/error:")
        if result.error.raw:
            with st.expander("Raw error"):
                st.code(result.error.raw, language="json")
    for note in result.notes:
        st.caption(f":material/info: {plain(note)}")
    if img is not None:
        download_original(runtime.store, img, result, key=f"{key}-dl")
        result_actions(runtime, result, key=key)
    if result.draft_images:
        with st.expander(f"Draft (thought) images: {len(result.draft_images)}"):
            for n, draft in enumerate(result.draft_images):
                st.image(runtime.store.preview(draft, 640), caption=f"Draft {n + 1}")
    if result.thought_texts:
        with st.expander("Thoughts"):
            st.markdown("\n\n".join(plain(t) for t in result.thought_texts))


def variant_card(runtime: Runtime, result: GenerationResult, *, key: str) -> None:
    """One variant in the grid: its image, the figures that tell variants apart, its actions."""
    img = result.image
    with st.container(border=True):
        st.caption(f"Variant {result.variant} · #{result.id}")
        if img is not None:
            try:
                st.image(runtime.store.reduced_preview(img, SLIDER_MAX_SIDE), width="stretch")
            except (OSError, ImageDataError) as exc:
                st.warning(f"Cannot show this image: {plain(str(exc))}")
            st.caption(f"{format_name(img.sniffed_mime)} · {human_bytes(img.size_bytes)} · "
                       f"{img.width}×{img.height} · {seconds(result.timing.total_s)} · "
                       f"{cost_text(result)}")
            result_actions(runtime, result, key=key, is_variant=True)
        else:
            st.warning(plain(result.explanation or (result.error.message if result.error
                                                    else result.status)))


def load_results(store: HistoryStore, ids: dict[str, int]) -> list[GenerationResult]:
    out = []
    for gen_id in ids.values():
        got = store.get(gen_id)
        if got is not None:
            out.append(got)
    return out


def warm_previews(store: HistoryStore) -> Callable[[GenerationResult], None]:
    """A job callback that builds display previews in the worker thread, as each result lands."""

    def warm(result: GenerationResult) -> None:
        for img in result.final_images:
            try:  # the column preview, then the slider's smaller copy of it
                store.reduced_preview(img, SLIDER_MAX_SIDE)
            except (OSError, ImageDataError):
                pass  # shown as a warning when the page renders

    return warm
