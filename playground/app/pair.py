"""What shows under two results: the comparison slider and why their sizes differ."""

from __future__ import annotations

import streamlit as st

from playground.analysis.explain import explain_size_difference
from playground.app.runtime import Runtime
from playground.app.slider import SLIDER_MAX_SIDE, image_slider
from playground.app.text import plain
from playground.domain.errors import ImageDataError
from playground.domain.imaging import format_name
from playground.domain.labels import human_bytes, image_ref, platform_label
from playground.domain.types import GenerationResult, ImageFacts


def slider_label(result: GenerationResult) -> str:
    img = result.image
    assert img is not None
    return f"{platform_label(result.backend)} · {format_name(img.sniffed_mime)} · {human_bytes(img.size_bytes)}"


def _slider_preview(runtime: Runtime, img: ImageFacts) -> bytes:
    return runtime.store.reduced_preview(img, SLIDER_MAX_SIDE)


def pair_view(runtime: Runtime, results: list[GenerationResult]) -> None:
    with_images = [r for r in results if r.image is not None]
    if len(with_images) != 2:
        return
    a, b = with_images
    img_a, img_b = a.image, b.image
    assert img_a is not None and img_b is not None
    st.markdown(f"**Why the sizes differ** (A = {platform_label(a.backend)}, "
                f"B = {platform_label(b.backend)}): "
                + " ".join(explain_size_difference(img_a, img_b)[:3]))
    st.page_link("pages/compare.py", label="Open this pair in Compare (pixel-peeper, SSIM, "
                 "like-for-like sizes)", icon=":material/compare:",
                 query_params={"a": image_ref(a.id, img_a), "b": image_ref(b.id, img_b)})
    try:
        previews = tuple(_slider_preview(runtime, img) for img in (img_a, img_b))
    except (OSError, ImageDataError) as exc:
        st.warning(f"The comparison slider needs both images: {plain(str(exc))}")
        return
    st.markdown("**Comparison slider** — drag to reveal; previews, not the originals")
    image_slider(*previews, label_a=slider_label(a), label_b=slider_label(b),
                 key=(img_a.sha256, img_b.sha256))
