"""What shows under two results: the comparison slider and why their sizes differ."""

from __future__ import annotations

import streamlit as st

from playground.analysis.explain import explain_size_difference
from playground.capabilities import platform_label
from playground.imaging import format_name
from playground.models import GenerationResult
from playground.report import human_bytes
from playground.ui.runtime import Runtime
from playground.ui.slider import image_slider


def slider_label(result: GenerationResult) -> str:
    img = result.image
    assert img is not None
    return f"{platform_label(result.backend)} · {format_name(img.sniffed_mime)} · {human_bytes(img.size_bytes)}"


def pair_view(runtime: Runtime, results: list[GenerationResult]) -> None:
    with_images = [r for r in results if r.image is not None]
    if len(with_images) != 2:
        return
    a, b = with_images
    img_a, img_b = a.image, b.image
    assert img_a is not None and img_b is not None
    st.markdown(f"**Why the sizes differ** (A = {platform_label(a.backend)}, "
                f"B = {platform_label(b.backend)})")
    st.markdown(" ".join(explain_size_difference(img_a, img_b)))
    try:
        previews = runtime.store.preview(img_a), runtime.store.preview(img_b)
    except (OSError, ValueError) as exc:
        st.warning(f"The comparison slider needs both images: {exc}")
        return
    st.markdown("**Comparison slider** — drag to reveal; previews, not the originals")
    image_slider(*previews, label_a=slider_label(a), label_b=slider_label(b),
                 key=(img_a.sha256, img_b.sha256))
