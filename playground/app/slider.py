"""streamlit-image-comparison 0.0.4, wrapped safely (why: docs/decisions.md, "The slider").

The package as-is loads JuxtaposeJS from a CDN (blank offline), re-encodes originals at JPEG
q100 (≈46 MB of HTML for two 4K images), writes temp files that concurrent sessions delete
(unless in_memory=True), pastes labels into JS unescaped, and switches off Pillow's
decompression-bomb guard for the whole process. This wrapper:
- passes small previews (≤ SLIDER_MAX_SIDE px), never originals, with in_memory=True;
- escapes the labels;
- captures the HTML instead of letting the package render it, inlines the vendored
  JuxtaposeJS (no CDN) and renders it with st.iframe (components.v1.html is deprecated);
- restores Image.MAX_IMAGE_PIXELS after every call.
"""

from __future__ import annotations

import io
import json
import threading
from importlib import resources
from typing import Any

import streamlit as st
import streamlit_image_comparison as sic
from PIL import Image

SLIDER_MAX_SIDE = 1000
CDN = "https://cdn.knightlab.com/libs/juxtapose/latest"
_LOCK = threading.Lock()


def escape_label(label: str) -> str:
    """Safe inside a single-quoted JS string inside an HTML <script> block."""
    inner = json.dumps(label, ensure_ascii=True)[1:-1]
    return inner.replace("'", "\\'").replace("<", "\\u003c").replace(">", "\\u003e")


def _vendor(name: str) -> str:
    return (resources.files("playground.app") / "vendor" / "juxtapose" / name).read_text("utf-8")


def inline_vendor(html: str) -> str:
    css_tag = f'<link rel="stylesheet" href="{CDN}/css/juxtapose.css">'
    js_tag = f'<script src="{CDN}/js/juxtapose.min.js"></script>'
    if css_tag not in html or js_tag not in html:
        raise RuntimeError("streamlit-image-comparison changed its HTML; update playground/app/slider.py")
    html = html.replace(css_tag, f"<style>{_vendor('juxtapose.css')}</style>")
    return html.replace(js_tag, f"<script>{_vendor('juxtapose.min.js')}</script>")


def _small(data: bytes) -> Image.Image:
    img: Image.Image = Image.open(io.BytesIO(data))
    img.load()
    img = img.convert("RGB")
    if max(img.size) > SLIDER_MAX_SIDE:
        img.thumbnail((SLIDER_MAX_SIDE, SLIDER_MAX_SIDE), Image.Resampling.LANCZOS)
    return img


def comparison_html(preview_a: bytes, preview_b: bytes, label_a: str, label_b: str,
                    width: int = 700) -> tuple[str, int]:
    """(HTML, height) of the slider for two preview images (bytes of ≤ ~1600 px JPEGs)."""
    captured: dict[str, Any] = {}

    def capture(html: str, width: int | None = None, height: int | None = None, **_: Any) -> None:
        captured.update(html=html, height=height)

    img_a, img_b = _small(preview_a), _small(preview_b)
    with _LOCK:  # the package mutates module globals; serialise the short call
        saved_limit = Image.MAX_IMAGE_PIXELS
        original_html = sic.components.html
        sic.components.html = capture
        try:
            sic.image_comparison(img_a, img_b, label1=escape_label(label_a),
                                 label2=escape_label(label_b), width=width, in_memory=True,
                                 make_responsive=True, show_labels=True)
        finally:
            sic.components.html = original_html
            Image.MAX_IMAGE_PIXELS = saved_limit
    return inline_vendor(captured["html"]), int(captured["height"] or 400)


@st.cache_data(max_entries=16, show_spinner=False)
def _cached_html(key: tuple[str, str], _preview_a: bytes, _preview_b: bytes, label_a: str,
                 label_b: str, width: int) -> tuple[str, int]:
    del key  # the cache key; the bytes (underscored) are not hashed
    return comparison_html(_preview_a, _preview_b, label_a, label_b, width)


def image_slider(preview_a: bytes, preview_b: bytes, *, label_a: str, label_b: str,
                 key: tuple[str, str], width: int = 700) -> None:
    """Render the comparison slider. `key` (e.g. the two sha256) makes reruns free."""
    html, height = _cached_html(key, preview_a, preview_b, label_a, label_b, width)
    st.iframe(html, height=height + 24, width="stretch")
