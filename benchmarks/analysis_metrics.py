"""Compare-page speed and payload on a realistic 4K pair: a PNG and its JPEG q95.

Targets (docs/analysis.md): first metrics ≤ 3 s including decode, ≤ 0.2 s cached; a 100 % pixel-
peeper view of both images ≤ 1 MB. Run from the repo root:

    python benchmarks/analysis_metrics.py [--width 5504 --height 3072 --noise 2 --repeat 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import load_warning
from PIL import Image
from skimage.metrics import structural_similarity

from playground.analysis import metrics
from playground.analysis.alignment import align_pair
from playground.analysis.breakdown import byte_breakdown
from playground.analysis.crops import (
    DEFAULT_CROP_SIDE,
    PEEPER_BUDGET_BYTES,
    peeper_view,
    region_presets,
)
from playground.analysis.decoding import decode_image
from playground.analysis.heatmap import difference_heatmap
from playground.analysis.memo import LruMemo
from playground.analysis.reencode import like_for_like
from playground.analysis.scenes import photo_like_scene

COLD_TARGET_S, CACHED_TARGET_S = 3.0, 0.2


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def build_pair(width: int, height: int, noise: float) -> tuple[bytes, bytes]:
    arr = photo_like_scene(width, height, noise=noise)
    img = Image.fromarray(arr)
    png, jpeg = io.BytesIO(), io.BytesIO()
    img.save(png, "PNG", compress_level=6)
    img.save(jpeg, "JPEG", quality=95)
    return png.getvalue(), jpeg.getvalue()


def verdict(value: float, target: float) -> str:
    return f"{'OK ' if value <= target else 'MISS'} ({value / target:.2f}× the target)"


def bench_metrics(png: bytes, jpeg: bytes, repeat: int) -> None:
    colds, cpus = [], []
    for _ in range(repeat):
        memo: LruMemo = LruMemo()
        cpu0 = time.process_time()
        cold, result = timed(lambda m=memo: metrics.compare_bytes_cached(png, jpeg, memo=m))
        colds.append(cold)
        cpus.append(time.process_time() - cpu0)
    cached = min(timed(lambda m=memo: metrics.compare_bytes_cached(png, jpeg, memo=m))[0]
                 for _ in range(5))
    cold = statistics.median(colds)
    print(f"first metrics (sha256 + decode + SSIM + diff), median of {repeat}: {cold:.2f} s "
          f"[runs {', '.join(f'{c:.2f}' for c in colds)}] target ≤ {COLD_TARGET_S} s: "
          f"{verdict(cold, COLD_TARGET_S)}; CPU {statistics.median(cpus):.2f} s over all threads "
          f"({load_warning()})")
    print(f"cached metrics: {cached * 1000:.1f} ms, target ≤ {CACHED_TARGET_S * 1000:.0f} ms: "
          f"{verdict(cached, CACHED_TARGET_S)}")
    print(f"  SSIM {result.ssim:.5f}  PSNR {result.psnr_db:.2f} dB  MAD {result.mad:.3f}  "
          f"max {result.max_diff}  — {result.concentration}")


def bench_parts(png: bytes, jpeg: bytes) -> object:
    t_align, pair = timed(lambda: align_pair(png, jpeg))
    t_metrics, _ = timed(lambda: metrics.compute_metrics(pair.a, pair.b))
    t_banded, banded = timed(lambda: metrics.ssim_luma(pair.a, pair.b))
    ya, yb = metrics.luma(pair.a), metrics.luma(pair.b)
    t_single, single = timed(lambda: structural_similarity(ya, yb, data_range=255))
    print(f"  decode + align {t_align:.2f} s; banded metrics pass {t_metrics:.2f} s")
    print(f"  luma SSIM: banded on {metrics.DEFAULT_WORKERS} threads {t_banded:.2f} s vs one "
          f"skimage call {t_single:.2f} s ({t_single / t_banded:.1f}× faster); "
          f"|difference| {abs(banded - single):.1e}")
    return pair


def bench_heatmap(pair) -> None:  # type: ignore[no-untyped-def]
    t, heat = timed(lambda: difference_heatmap(pair.a, pair.b))
    t_auto, auto = timed(lambda: difference_heatmap(pair.a, pair.b, amplification=None))
    print(f"heatmap ×8: {t:.2f} s, {heat.width}×{heat.height} {heat.mime}, "
          f"{len(heat.image) / 1e3:.0f} kB — {heat.scale_text}")
    print(f"heatmap auto: {t_auto:.2f} s, {len(auto.image) / 1e3:.0f} kB — ×{auto.amplification:.1f}")


def bench_peeper(png: bytes, jpeg: bytes, grid) -> None:  # type: ignore[no-untyped-def]
    img_a, img_b = decode_image(png), decode_image(jpeg)
    presets = region_presets(*img_a.size, grid=grid)
    for name in ("centre", "busiest"):
        for zoom in (1, 2):
            region = region_presets(*img_a.size, zoom=zoom, grid=grid)[name]
            for fmt in ("PNG", "WEBP"):
                t, view = timed(lambda r=region, z=zoom, f=fmt: peeper_view(img_a, img_b, r, z, f))
                print(f"peeper {name:7s} zoom {zoom} {fmt:4s}: A {len(view.a) / 1e3:4.0f} kB + B "
                      f"{len(view.b) / 1e3:4.0f} kB = {view.total_bytes / 1e3:5.0f} kB in {t:.2f} s"
                      f", target ≤ {PEEPER_BUDGET_BYTES / 1e3:.0f} kB: "
                      f"{verdict(view.total_bytes, PEEPER_BUDGET_BYTES)}")
    noise = Image.fromarray(np.random.default_rng(0).integers(
        0, 256, (DEFAULT_CROP_SIDE, DEFAULT_CROP_SIDE, 3), np.uint8))
    worst = peeper_view(noise, noise, presets["top-left"])
    print(f"  worst case (pure random noise, no generator makes it): {worst.total_bytes / 1e3:.0f}"
          " kB")




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, default=5504)
    parser.add_argument("--height", type=int, default=3072)
    parser.add_argument("--noise", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    t, (png, jpeg) = timed(lambda: build_pair(args.width, args.height, args.noise))
    print(f"pair {args.width}×{args.height}, noise σ {args.noise}: PNG {len(png) / 1e6:.1f} MB, "
          f"JPEG q95 {len(jpeg) / 1e6:.1f} MB ({len(png) / len(jpeg):.1f}×), built in {t:.1f} s")
    for data in (png, jpeg):
        bd = byte_breakdown(data)
        print(f"  {bd.format}: {bd.bits_per_pixel:.2f} bits/pixel, pixel data {bd.share(bd.pixel_bytes):.2%}")
    bench_metrics(png, jpeg, args.repeat)
    pair = bench_parts(png, jpeg)
    bench_heatmap(pair)
    bench_peeper(png, jpeg, metrics.compute_metrics(pair.a, pair.b).grid)
    t, l4l = timed(lambda: like_for_like(png, jpeg))
    print(f"like-for-like re-encode: {t:.1f} s — {l4l.sentence()}")
    print(load_warning())


if __name__ == "__main__":
    main()
