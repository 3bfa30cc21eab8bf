"""Compression Lab pieces: the sweep's progress, the chart, and a point's preview and download."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from playground.analysis import crops
from playground.analysis.sweep import SweepResult, encode_point
from playground.app import analysis_cache as cache
from playground.app.compare_view import PEEPER_SIDE, crop_row
from playground.app.media import download_button, show_image
from playground.app.slider import image_slider
from playground.domain.imaging import format_name, make_preview
from playground.domain.labels import human_bytes
from playground.domain.types import ImageFacts
from playground.history.files import extension_for
from playground.history.store import HistoryStore
from playground.review.lab import chart_rows

MIMES = {"JPEG": "image/jpeg", "WebP": "image/webp", "PNG": "image/png"}


def sweep_chart(result: SweepResult, metric: str) -> alt.TopLevelMixin:
    df = pd.DataFrame(chart_rows(result))
    df = df[df[metric].notna()]
    title = {"ssim": "SSIM to the original", "psnr_db": "PSNR to the original (dB)"}[metric]
    base = alt.Chart(df).encode(
        x=alt.X("megabytes:Q", title="File size (MB)", scale=alt.Scale(type="log")),
        y=alt.Y(f"{metric}:Q", title=title, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["label", alt.Tooltip("megabytes:Q", format=".3f"), alt.Tooltip("ssim:Q", format=".4f"),
                 alt.Tooltip("psnr_db:Q", format=".2f")],
    )
    pick = alt.selection_point(name="pick", fields=["label"], on="click", nearest=True)
    layers = [base.mark_line(point=alt.OverlayMarkDef(size=70)).add_params(pick)]
    knees = base.transform_filter(alt.datum.is_knee)
    layers += [knees.mark_point(size=260, shape="diamond", filled=False, strokeWidth=2),
               knees.mark_text(dy=-14, fontSize=11).encode(text=alt.value("knee"))]
    best = base.transform_filter(alt.datum.is_suggested)
    layers += [best.mark_point(size=200, shape="triangle-up", filled=True),
               best.mark_text(dy=16, fontSize=11).encode(text="label:N")]
    if metric == "ssim":
        rule = alt.Chart(pd.DataFrame({"t": [result.threshold]})).mark_rule(strokeDash=[4, 4]).encode(
            y="t:Q")
        layers.append(rule)
    return alt.layer(*layers).properties(height=340)


def clicked_label(event: object) -> str | None:
    """The label of the point a click on the sweep chart selected, if any."""
    selection = getattr(event, "selection", None) or {}
    picked = selection.get("pick") if isinstance(selection, dict) else None
    if isinstance(picked, list) and picked and isinstance(picked[0], dict):
        label = picked[0].get("label")
        return str(label) if label is not None else None
    return None


@st.cache_data(max_entries=8, show_spinner="Encoding this point…")
def point_bytes(sha256: str, series: str, quality: int | None, _store: HistoryStore,
                _image: ImageFacts) -> bytes:
    return encode_point(_store.original(_image), series, quality)


@st.cache_data(max_entries=8, show_spinner="Preparing the preview and the 100% crops…")
def point_views(sha256: str, series: str, quality: int | None, label: str, _store: HistoryStore,
                _image: ImageFacts) -> tuple[bytes, crops.PeeperView]:
    """The point's display preview and a centre crop of both images; decoded once per point."""
    data = point_bytes(sha256, series, quality, _store, _image)
    img_o = cache.decoded(sha256, _store, _image)
    region = crops.region_presets(*img_o.size, side=PEEPER_SIDE)["centre"]
    return make_preview(data), crops.peeper_view(img_o, cache.decoding.decode_image(data, label),
                                                 region)


def point_preview(store: HistoryStore, image: ImageFacts, result: SweepResult,
                  label: str) -> None:
    point = next(p for p in result.points if p.label == label)
    if point.source != "local":
        st.caption("Server-side points are shown in Compare (pick both images there).")
        return
    sha256 = image.sha256
    data = point_bytes(sha256, point.series, point.quality, store, image)
    preview, view = point_views(sha256, point.series, point.quality, point.label, store, image)
    image_slider(store.preview(image), preview, label_a="Original",
                 label_b=f"{point.label} · {human_bytes(len(data))}", key=(sha256, point.label))
    with crop_row("lab", view.region_a.w):
        for col, crop, name in zip(st.columns(2, gap="small"), (view.a, view.b),
                                   ("Original", point.label), strict=True):
            show_image(crop, where=col, output_format="PNG", width=view.region_a.w,
                      caption=f"{name}, centre 100%")
    mime = MIMES.get(point.format, "application/octet-stream")
    download_button(
        f"Download {point.label} ({format_name(mime)}, {human_bytes(len(data))})",
        data=lambda: point_bytes(sha256, point.series, point.quality, store, image),
        file_name=f"{sha256[:10]}-{point.label.replace(' ', '-')}.{extension_for(mime)}",
        mime=mime, on_click="ignore", key=f"lab-dl-{point.label}")
