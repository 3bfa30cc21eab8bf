"""History page pieces: filters, the thumbnail grid and the detail view."""

from __future__ import annotations

import html
import time

import streamlit as st

from playground.app.media import show_image
from playground.app.runtime import Runtime
from playground.app.text import plain
from playground.domain.errors import ImageDataError
from playground.domain.imaging import format_name
from playground.domain.labels import human_bytes, platform_label
from playground.domain.types import GenerationResult

STATUS_ICONS = {"ok": ":green[:material/check_circle:]", "blocked": ":orange[:material/block:]",
                "no_image": ":orange[:material/hide_image:]", "error": ":red[:material/error:]",
                "pending": ":blue[:material/hourglass_top:]",
                "interrupted": ":red[:material/running_with_errors:]",
                "cancelled": ":gray[:material/cancel:]"}
STATUSES = ["all", "ok", "blocked", "no_image", "error", "pending", "interrupted", "cancelled"]
PAGE_SIZE = 24


def ago(ts: float) -> str:
    seconds = max(0, time.time() - ts)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit} ago"
    return f"{seconds:.0f} s ago"


def card_caption(r: GenerationResult) -> str:
    img = r.image
    facts = (f"{format_name(img.sniffed_mime)} · {human_bytes(img.size_bytes)} · "
             f"{img.width}×{img.height}") if img else plain(r.error.message[:60] if r.error else
                                                               (r.explanation or "")[:60])
    total = f" · {r.timing.total_s:.1f} s" if r.timing.total_s is not None else ""
    return (f"{STATUS_ICONS.get(r.status, '')} **{platform_label(r.backend)}** · {r.model}{total}  \n"
            f"{facts}  \n_{plain(r.request.prompt[:80])}_  \n{ago(r.created_at)} · #{r.id}")


def thumbnail(runtime: Runtime, r: GenerationResult) -> None:
    img = r.image
    if img is None:
        st.markdown(f"<div style='height:120px;display:flex;align-items:center;justify-content:"
                    f"center;border:1px dashed #999;border-radius:6px'>{html.escape(r.status)}</div>",
                    unsafe_allow_html=True)
        return
    try:
        show_image(runtime.store.thumbnail(img), width="stretch")
    except (OSError, ImageDataError):
        st.caption("(image file missing)")


def grid(runtime: Runtime, results: list[GenerationResult], columns: int = 4) -> int | None:
    """Cards in rows; returns the id whose "Details" button was clicked."""
    clicked = None
    for start in range(0, len(results), columns):
        for col, r in zip(st.columns(columns), results[start:start + columns], strict=False):
            with col, st.container(border=True):
                thumbnail(runtime, r)
                st.markdown(card_caption(r))
                if st.button("Details", key=f"hist-open-{r.id}"):
                    clicked = r.id
    return clicked


def list_filters(runtime: Runtime, models: list[str]) -> tuple[dict[str, str | None], bool]:
    """The filter row (kept in the URL) and whether benchmark generations are hidden."""
    # One row that wraps: at 800 px the selects keep a readable width instead of squeezing.
    row = st.container(horizontal=True, wrap=True)
    with row:
        search = st.text_input("Search prompts", key="hist_q", bind="query-params", width=330)
        backend = st.selectbox("Backend", ["all", "aistudio", "vertex"], key="hist_backend",
                               format_func=lambda v: "All" if v == "all" else platform_label(v),
                               bind="query-params", width=140)
        model = st.selectbox("Model", ["all", *models], key="hist_model", bind="query-params",
                             width=260)
        status = st.selectbox("Status", STATUSES, key="hist_status", bind="query-params",
                              width=140)
    filters = {"search": search or None, "backend": None if backend == "all" else backend,
               "model": None if model == "all" else model,
               "status": None if status == "all" else status}
    hide_bench = st.toggle("Hide benchmark generations", value=True, key="hist_hide_bench",
                           help="Benchmark runs make many generations; their figures are on the "
                                "Benchmark page.")
    return filters, hide_bench


def list_caption(runtime: Runtime, filters: dict[str, str | None], hide_bench: bool,
                 total: int, page: int = 1, page_size: int = 0) -> str:
    text = f"{total} generation{'s' if total != 1 else ''}, newest first."
    if page_size and total > page_size:
        first = (page - 1) * page_size + 1
        pages = -(-total // page_size)
        text += f" Page {page} of {pages}: {first}–{min(total, page * page_size)}."
    if hide_bench:
        hidden = runtime.store.count_bench(**filters)
        if hidden:
            text += (f" {hidden} benchmark generation{'s are' if hidden != 1 else ' is'} hidden "
                     "(turn off “Hide benchmark generations” to see them).")
    return text
