"""The Compression Lab: one image re-encoded at many qualities, bytes against SSIM/PSNR.

Points: JPEG (4:2:0) and lossy WebP (method 4) at DEFAULT_QUALITIES, plus one optimised PNG
(lossless, so SSIM 1 and PSNR ∞ by construction; it is not decoded again). Bytes are always those
of the full-resolution encode; scores come from `sampling` (full-resolution tiles for large
images). Only sizes and scores are kept; `encode_point` re-creates any point's bytes on demand
(Pillow's encoders are deterministic), so a 4K sweep never holds 25 encoded copies in memory.

The job runs on a thread pool (Pillow's encoders/decoders and skimage/scipy release the GIL),
reports progress(done, total) on the calling thread and stops early when `cancel` is set: it
returns within ~0.2 s with the points finished so far; queued points are dropped and the at most
`workers` encodes already running finish in the background (up to ~17 s of CPU for the 4K PNG).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image

from playground.analysis.alignment import align_images
from playground.analysis.decoding import decode_image, image_to_array
from playground.analysis.knee import find_knee
from playground.analysis.reencode import encode
from playground.analysis.sampling import Sampler, make_sampler, sampled_scores
from playground.domain import imaging

DEFAULT_QUALITIES = (50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 98, 100)
DEFAULT_FORMATS = ("JPEG", "WebP", "PNG")
DEFAULT_THRESHOLD = 0.98
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepPoint:
    series: str  # "JPEG", "WebP", "PNG", or an external label such as "Vertex JPEG"
    format: str  # format of the encoded bytes, from their magic bytes
    quality: int | None
    size_bytes: int
    ssim: float | None
    psnr_db: float
    source: str = "local"  # "local" (re-encoded here) or "external" (supplied by the caller)
    elapsed_s: float = 0.0  # encode + decode + scoring time for this point

    @property
    def label(self) -> str:
        return self.series if self.quality is None else f"{self.series} q{self.quality}"


@dataclass(frozen=True)
class SweepResult:
    width: int
    height: int
    original_bytes: int
    original_format: str
    points: tuple[SweepPoint, ...]
    threshold: float
    ssim_method: str
    elapsed_s: float = 0.0
    workers: int = 1
    is_cancelled: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def series_names(self) -> list[str]:
        return list(dict.fromkeys(p.series for p in self.points))

    def series(self, name: str) -> list[SweepPoint]:
        """Points of one series, smallest file first."""
        return sorted((p for p in self.points if p.series == name), key=lambda p: p.size_bytes)

    def knee(self, name: str) -> SweepPoint | None:
        pts = [p for p in self.series(name) if p.ssim is not None]
        idx = find_knee([p.size_bytes for p in pts], [p.ssim or 0.0 for p in pts])
        return pts[idx] if idx is not None else None

    def suggested(self, name: str) -> SweepPoint | None:
        """The smallest file of the series whose SSIM reaches the threshold."""
        ok = [p for p in self.series(name) if p.ssim is not None and p.ssim >= self.threshold]
        return ok[0] if ok else None

    def with_points(self, extra: Iterable[SweepPoint]) -> SweepResult:
        return replace(self, points=(*self.points, *extra))

    def summary(self) -> list[str]:
        return [suggestion_sentence(self, name) for name in self.series_names()]


def suggestion_sentence(result: SweepResult, name: str) -> str:
    best = result.suggested(name)
    if best is None:
        top = max((p.ssim or 0.0 for p in result.series(name)), default=0.0)
        return (f"{name}: no point reaches SSIM {result.threshold:g} (best {top:.4f}); "
                "keep the original or lower the threshold.")
    ratio = best.size_bytes / result.original_bytes
    knee = result.knee(name)
    knee_words = f"; the knee of the curve is at {knee.label}" if knee else ""
    return (f"{name}: smallest file with SSIM ≥ {result.threshold:g} is {best.label}, "
            f"{best.size_bytes / 1e6:.2f} MB ({ratio:.2f}× the original, SSIM {best.ssim:.4f})"
            f"{knee_words}.")


def sweep_tasks(qualities: Iterable[int], formats: Iterable[str]) -> list[tuple[str, int | None]]:
    """(series, quality) in pool order: the single slow PNG first so it overlaps everything
    else, then the whole JPEG curve (cheap, and the one Vertex's compressionQuality maps to),
    then WebP (2–5 s per 4K encode at method 4)."""
    names = {f.upper() for f in formats}
    unknown = names - {"JPEG", "WEBP", "PNG"}
    if unknown:
        raise ValueError(f"unknown format(s) {sorted(unknown)}: use JPEG, WebP or PNG")
    qualities = sorted(set(qualities), reverse=True)
    if any(not 0 <= q <= 100 for q in qualities):
        raise ValueError(f"qualities must be between 0 and 100, got {qualities}")
    tasks: list[tuple[str, int | None]] = [("PNG", None)] if "PNG" in names else []
    for name, label in (("JPEG", "JPEG"), ("WEBP", "WebP")):
        if name in names:
            tasks += [(label, q) for q in qualities]
    return tasks


def run_sweep(data: bytes, *, qualities: Iterable[int] = DEFAULT_QUALITIES,
              formats: Iterable[str] = DEFAULT_FORMATS, threshold: float = DEFAULT_THRESHOLD,
              progress: Progress | None = None, cancel: threading.Event | None = None,
              workers: int = DEFAULT_WORKERS) -> SweepResult:
    """Re-encode `data` at every (format, quality) and score each against the original."""
    start = time.perf_counter()
    img = decode_image(data)
    arr = image_to_array(img)
    sampler = make_sampler(*img.size)
    reference = sampler.tiles(arr)
    tasks = sweep_tasks(qualities, formats)
    cancel = cancel or threading.Event()
    local = threading.local()

    def job(task: tuple[str, int | None]) -> SweepPoint | None:
        if cancel.is_set():
            return None
        if not hasattr(local, "img"):  # Image.save keeps its options on the Image object,
            local.img = img.copy()  # so concurrent saves of one Image race: one copy per thread
        return measure_point(local.img, reference, sampler, *task)

    points = _run_jobs(job, tasks, progress, cancel, workers)
    return SweepResult(
        width=img.width, height=img.height, original_bytes=len(data),
        original_format=imaging.format_name(imaging.sniff_format(data)), points=tuple(points),
        threshold=threshold, ssim_method=sampler.describe(),
        elapsed_s=time.perf_counter() - start, workers=workers, is_cancelled=cancel.is_set(),
    )


def _run_jobs(job: Callable[[tuple[str, int | None]], SweepPoint | None],
              tasks: list[tuple[str, int | None]], progress: Progress | None, cancel: threading.Event,
              workers: int) -> list[SweepPoint]:
    total, points = len(tasks), []
    if progress:
        progress(0, total)
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    pending: set[Future[SweepPoint | None]] = {pool.submit(job, t) for t in tasks}
    try:
        while pending and not cancel.is_set():
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            points += [p for p in (f.result() for f in finished) if p is not None]
            if finished and progress:
                progress(len(points), total)
    finally:
        # Return at once: queued points are dropped, and the ≤ `workers` encodes already running
        # (Pillow cannot interrupt an encoder) finish in the background and are discarded.
        pool.shutdown(wait=False, cancel_futures=True)
    points += [p for f in pending if f.done() and not f.cancelled() and (p := f.result())]
    return sorted(points, key=lambda p: (p.series, p.quality or 0))


def measure_point(img: Image.Image, reference: list[np.ndarray], sampler: Sampler, series: str,
                  quality: int | None) -> SweepPoint:
    """Encode at full resolution, decode, and score against the reference tiles."""
    start = time.perf_counter()
    encoded = encode(img, series, quality)
    ssim: float | None
    if series == "PNG":  # lossless: the decode would give back exactly the reference pixels
        ssim, psnr = 1.0, math.inf
    else:
        decoded = image_to_array(decode_image(encoded, f"The {series} q{quality} encode"))
        ssim, psnr = sampled_scores(reference, decoded, sampler)
    return SweepPoint(series, imaging.format_name(imaging.sniff_format(encoded)), quality,
                      len(encoded), ssim, psnr, elapsed_s=time.perf_counter() - start)


def encode_point(data: bytes, series: str, quality: int | None) -> bytes:
    """The exact bytes behind a local sweep point, re-created on demand."""
    return encode(decode_image(data), series, quality)


def measure_external_point(reference: bytes, candidate: bytes, *, label: str,
                           quality: int | None = None) -> SweepPoint:
    """Score bytes made elsewhere (e.g. Vertex `compressionQuality` outputs) for the same chart.

    The candidate is compared with `reference` (e.g. the PNG of the same prompt and seed) with
    the sweep's own sampler; a candidate of another size is aligned first (see alignment.py).
    """
    start = time.perf_counter()
    pair = align_images(decode_image(reference, "The reference"),
                        decode_image(candidate, f"The {label} image"))
    sampler = make_sampler(*pair.size)
    ssim, psnr = sampled_scores(sampler.tiles(pair.a), pair.b, sampler)
    return SweepPoint(label, imaging.format_name(imaging.sniff_format(candidate)), quality,
                      len(candidate), ssim, psnr, source="external",
                      elapsed_s=time.perf_counter() - start)
