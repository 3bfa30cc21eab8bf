"""Compression Lab logic: the sweep job, server-side Vertex points, and the chart's data."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from playground.analysis.sweep import SweepPoint, SweepResult, measure_external_point, run_sweep
from playground.domain.types import GenerationResult, ImageFacts
from playground.history.store import HistoryStore

SERVER_SERIES = "Vertex server-side JPEG"


def server_side_candidates(store: HistoryStore, result: GenerationResult,
                           facts: ImageFacts) -> list[tuple[int, ImageFacts]]:
    """Vertex JPEGs of the same prompt/model/ratio/size asked for at a compressionQuality."""
    req = result.request
    out: dict[int, ImageFacts] = {}
    for other in store.list(search=req.prompt, backend="vertex", status="ok", limit=200):
        o = other.request
        same = (o.prompt, o.model, o.aspect_ratio, o.image_size) == (
            req.prompt, req.model, req.aspect_ratio, req.image_size)
        img = other.image
        if (same and o.compression_quality is not None and img is not None
                and img.sniffed_mime == "image/jpeg" and img.sha256 != facts.sha256):
            out.setdefault(o.compression_quality, img)
    return sorted(out.items())


def sweep_job(store: HistoryStore, facts: ImageFacts,
              candidates: list[tuple[int, ImageFacts]]) -> Callable[..., SweepResult]:
    """The background work: the local sweep, then each server-side point scored the same way."""

    def work(progress: Callable[[int, int], None], cancel: threading.Event) -> SweepResult:
        data = store.original(facts)
        extra = len(candidates)

        def local_progress(done: int, total: int) -> None:
            progress(done, total + extra)

        result = run_sweep(data, progress=local_progress, cancel=cancel)
        points: list[SweepPoint] = []
        for n, (quality, img) in enumerate(candidates, start=1):
            if cancel.is_set() or not store.has_original(img):
                continue
            points.append(measure_external_point(data, store.original(img),
                                                 label=SERVER_SERIES, quality=quality))
            progress(len(result.points) + n, len(result.points) + extra)
        return result.with_points(points)

    return work


def with_threshold(result: SweepResult, threshold: float) -> SweepResult:
    return replace(result, threshold=threshold)


def chart_rows(result: SweepResult) -> list[dict[str, Any]]:
    """One row per point, with the knee and the suggestion flagged, for the Altair chart."""
    rows = []
    for name in result.series_names():
        knee, best = result.knee(name), result.suggested(name)
        for p in result.series(name):
            rows.append({
                "series": name, "quality": p.quality, "label": p.label,
                "megabytes": p.size_bytes / 1e6, "bytes": p.size_bytes,
                "ssim": p.ssim, "psnr_db": None if p.psnr_db == float("inf") else p.psnr_db,
                "is_knee": knee is not None and p == knee,
                "is_suggested": best is not None and p == best,
                "source": p.source,
            })
    return rows
