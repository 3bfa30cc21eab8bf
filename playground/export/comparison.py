"""The numbers of one pair for metrics.json and index.html, from the analysis library.

Everything here is computed, never templated: PSNR/SSIM/MAD from `metrics`, the byte breakdown
from `breakdown`, the "why is one bigger?" sentences from `explain`, and like-for-like sizes from
`reencode` only when asked (≈12 s on a 4K pair). A missing or undecodable image gives a pair
entry with an `error` sentence instead of numbers; the sentences from the stored facts remain.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from playground.analysis import breakdown, explain, metrics, reencode
from playground.analysis.reencode import LikeForLike
from playground.domain.errors import ImageDataError
from playground.domain.imaging import format_name
from playground.export.selection import PackImage, PackPair


def pair_entry(pair: PackPair, data_a: bytes | None, data_b: bytes | None, *,
               like_for_like: bool = False,
               computed: LikeForLike | None = None) -> dict[str, Any]:
    """One element of metrics.json `pairs`. `data_*` is None when the file is missing.
    `computed` is a like-for-like re-encode already made (e.g. shown in Compare): it goes into
    the pack as it was, without the ~12 s of redoing it."""
    entry: dict[str, Any] = {
        "pair_id": pair.pair_id, "kind": pair.kind, "group_id": pair.group_id,
        "a": side(pair.a), "b": side(pair.b),
        "metrics": None, "byte_breakdown": {"a": None, "b": None},
        "like_for_like": None, "why_bigger": [], "error": None,
    }
    l4l: LikeForLike | None = None
    if data_a is None or data_b is None:
        gone = [n for n, d in (("A", data_a), ("B", data_b)) if d is None]
        entry["error"] = (f"Image {' and '.join(gone)} is missing on disk, so no pixel metrics "
                          "were computed.")
    else:
        try:
            entry["metrics"] = metrics_json(metrics.compare_bytes_cached(
                data_a, data_b, sha_a=pair.a.facts.sha256, sha_b=pair.b.facts.sha256))
            entry["byte_breakdown"] = {"a": breakdown_json(breakdown.byte_breakdown(data_a)),
                                       "b": breakdown_json(breakdown.byte_breakdown(data_b))}
            if computed is not None or like_for_like:
                l4l = computed or reencode.like_for_like(data_a, data_b)
                entry["like_for_like"] = like_for_like_json(l4l)
        except ImageDataError as exc:  # AnalysisInputError is one: it says what to do
            entry["error"] = str(exc)
    entry["why_bigger"] = explain.explain_size_difference(pair.a.facts, pair.b.facts, l4l)
    return entry


def side(item: PackImage) -> dict[str, Any]:
    f = item.facts
    return {"image_id": item.image_id, "generation_id": item.generation_id,
            "backend": item.result.backend, "model": item.result.model, "is_draft": f.is_draft,
            "path": item.pack_path, "format": format_name(f.sniffed_mime),
            "size_bytes": f.size_bytes, "width": f.width, "height": f.height,
            "sha256": f.sha256}


def metrics_json(m: metrics.PairMetrics) -> dict[str, Any]:
    """PSNR is null with psnr_is_infinite=true for identical images: JSON has no Infinity."""
    infinite = math.isinf(m.psnr_db)
    return {
        "width": m.width, "height": m.height,
        "psnr_db": None if infinite else round(m.psnr_db, 4), "psnr_is_infinite": infinite,
        "ssim": None if m.ssim is None else round(m.ssim, 6), "ssim_method": m.ssim_method,
        "mad": round(m.mad, 4), "max_diff": m.max_diff, "is_identical": m.is_identical,
        "concentration": m.concentration,
        "hotspots": [asdict(h) for h in m.hotspots],
        "grid_mad": [[round(v, 3) for v in row] for row in m.grid],
        "notes": list(m.notes),
    }


def breakdown_json(b: breakdown.ByteBreakdown) -> dict[str, Any]:
    return {"format": b.format, "size_bytes": b.size_bytes, "pixel_bytes": b.pixel_bytes,
            "metadata_bytes": b.metadata_bytes, "container_bytes": b.container_bytes,
            "trailing_bytes": b.trailing_bytes,
            "bits_per_pixel": None if b.bits_per_pixel is None else round(b.bits_per_pixel, 4),
            "segments": [asdict(s) for s in b.segments]}


def like_for_like_json(l4l: LikeForLike) -> dict[str, Any]:
    return {"png_a": l4l.png_a, "png_b": l4l.png_b, "jpeg_a": l4l.jpeg_a, "jpeg_b": l4l.jpeg_b,
            "matched_a": l4l.matched_a, "matched_b": l4l.matched_b,
            "matched_to": l4l.matched_to, "settings": l4l.settings,
            "sentence": l4l.sentence()}


def psnr_text(entry_metrics: dict[str, Any]) -> str:
    if entry_metrics["psnr_is_infinite"]:
        return "∞ (identical pixels)"
    return f"{entry_metrics['psnr_db']:.2f} dB"
