"""Under a result regenerated at 2K/4K from an earlier one: the two paths to a larger image
side by side (a Lanczos resize of the original, and the regeneration), in the slider and the
pixel-peeper, with SSIM/PSNR between them and what each path cost."""

from __future__ import annotations

import streamlit as st

from playground.analysis import crops
from playground.analysis.upscale import UpscalePaths, compare_upscale
from playground.app.compare_view import crop_row
from playground.app.media import show_image
from playground.app.runtime import Runtime
from playground.app.slider import SLIDER_MAX_SIDE, image_slider
from playground.app.text import plain
from playground.domain.catalog import IMAGEN_UPSCALER, IMAGEN_UPSCALER_RETIRED
from playground.domain.errors import PlaygroundError
from playground.domain.imaging import preview_of
from playground.domain.labels import cost_text
from playground.domain.types import GenerationResult, ImageFacts
from playground.history.store import HistoryStore

PEEPER_SIDE = 256


@st.cache_resource(max_entries=2, show_spinner="Resizing the original with Lanczos and measuring…")
def _paths(sha_small: str, sha_big: str, _store: HistoryStore, _small: ImageFacts,
           _big: ImageFacts) -> UpscalePaths:
    del sha_small, sha_big  # the cache key: the originals are read only on a miss
    return compare_upscale(_store.original(_small), _store.original(_big))


@st.cache_resource(max_entries=2)
def _resized_preview(sha_small: str, sha_big: str, _paths: UpscalePaths) -> bytes:
    """The slider's copy of the Lanczos resize, made once (not a PNG of the 4K per rerun)."""
    del sha_small, sha_big  # the cache key
    return preview_of(_paths.resized, SLIDER_MAX_SIDE)


def source_of(store: HistoryStore, result: GenerationResult) -> GenerationResult | None:
    ref = next((i.source_ref for i in result.request.inputs if i.source_ref), None)
    found = store.find_ref(ref) if ref else None
    return found[0] if found else None


def regen_panel(runtime: Runtime, result: GenerationResult) -> None:
    store = runtime.store
    source = source_of(store, result)
    if source is None or source.image is None or result.image is None:
        return
    st.markdown(f"**{plain(result.request.derived_from or '')}: regenerated vs a Lanczos resize "
                "of the original**")
    try:
        paths = _paths(source.image.sha256, result.image.sha256, store, source.image,
                       result.image)
    except PlaygroundError as exc:
        st.warning(f"The comparison needs both originals: {plain(str(exc))}")
        return
    m = paths.metrics
    w, h = paths.regenerated.size
    st.caption(
        f"At {w}×{h}: SSIM {'n/a' if m.ssim is None else f'{m.ssim:.4f}'} · PSNR {m.psnr_db:.2f} dB between the resize (A) and the "
        f"regeneration (B) — how far the model's new pixels depart from a plain resize. "
        f"Cost: the resize path is the original's {cost_text(source)} (the resize runs here); "
        f"the regenerate path adds {cost_text(result)}. Imagen's upscaler ({IMAGEN_UPSCALER}) "
        f"was retired with Vertex's Imagen models on {IMAGEN_UPSCALER_RETIRED}.")
    resized_preview = _resized_preview(source.image.sha256, result.image.sha256, paths)
    image_slider(resized_preview, store.reduced_preview(result.image, SLIDER_MAX_SIDE),
                 label_a=f"A · Lanczos resize of #{source.id}", label_b=f"B · regenerated #{result.id}",
                 key=(f"lanczos-{source.image.sha256}", result.image.sha256))
    region = crops.view_region(w, h, w // 2, h // 2, 1, PEEPER_SIDE)
    view = crops.peeper_view(paths.resized, paths.regenerated, region)
    with crop_row("regen-peeper", view.region_a.w):
        for col, data, name in zip(st.columns(2, gap="small"), (view.a, view.b),
                                   ("A · resize", "B · regenerated"), strict=True):
            show_image(data, where=col, output_format="PNG", width=view.region_a.w,
                      caption=f"{name}: centre {view.region_a.w}×{view.region_a.h} px at 100 %")
