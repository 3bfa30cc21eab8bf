"""Compression Lab on a 4K original: the full sweep sequential vs parallel, progress and cancel
latency, how far tile-sampled SSIM is from whole-image SSIM, and the suggested quality.

    python benchmarks/compression_sweep.py [--width 5504 --height 3072 --noise 2 --skip-sequential]
"""

from __future__ import annotations

import argparse
import io
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_warning
from PIL import Image

from playground.analysis.decoding import decode_rgb
from playground.analysis.metrics import ssim_luma
from playground.analysis.sampling import make_sampler, sampled_scores
from playground.analysis.scenes import photo_like_scene
from playground.analysis.sweep import SweepResult, encode_point, run_sweep


def build_original(width: int, height: int, noise: float) -> bytes:
    out = io.BytesIO()
    Image.fromarray(photo_like_scene(width, height, noise=noise)).save(out, "PNG",
                                                                       compress_level=6)
    return out.getvalue()


def timed_sweep(data: bytes, workers: int) -> tuple[SweepResult, dict[str, float]]:
    start = time.perf_counter()
    marks: dict[str, float] = {}

    def progress(done: int, total: int) -> None:
        if done >= 1 and "first" not in marks:
            marks["first"] = time.perf_counter() - start

    result = run_sweep(data, progress=progress, workers=workers)
    jpeg_done = max(p.elapsed_s for p in result.series("JPEG"))
    marks["total"] = time.perf_counter() - start
    marks["slowest_jpeg_point"] = jpeg_done
    return result, marks


def print_result(result: SweepResult) -> None:
    print(f"{'point':10s} {'bytes':>12s} {'× orig':>7s} {'SSIM':>7s} {'PSNR dB':>8s} {'s':>5s}")
    for p in sorted(result.points, key=lambda p: (p.series, p.size_bytes)):
        print(f"{p.label:10s} {p.size_bytes:12,d} {p.size_bytes / result.original_bytes:7.3f} "
              f"{p.ssim:7.4f} {p.psnr_db:8.2f} {p.elapsed_s:5.2f}")
    print(f"SSIM method: {result.ssim_method}")
    for line in result.summary():
        print(f"  {line}")


def cancel_latency(data: bytes) -> None:
    cancel = threading.Event()
    marks: dict[str, float] = {}

    def progress(done: int, total: int) -> None:
        if done >= 3 and not cancel.is_set():
            marks["set"] = time.perf_counter()
            cancel.set()

    result = run_sweep(data, progress=progress, cancel=cancel)
    latency = time.perf_counter() - marks["set"]
    print(f"cancel: returned {latency:.2f} s after the Event was set, with "
          f"{len(result.points)} of 25 points, is_cancelled={result.is_cancelled}")


def sampling_error(data: bytes, result: SweepResult) -> None:
    """Tile-sampled SSIM (what the sweep reports) against luma SSIM over the whole image."""
    original = decode_rgb(data)
    sampler = make_sampler(original.shape[1], original.shape[0])
    reference = sampler.tiles(original)
    worst = 0.0
    for series, quality in (("JPEG", 50), ("JPEG", 80), ("JPEG", 95), ("JPEG", 100),
                            ("WebP", 80), ("WebP", 95)):
        decoded = decode_rgb(encode_point(data, series, quality))
        t0 = time.perf_counter()
        whole = ssim_luma(original, decoded)
        t_whole = time.perf_counter() - t0
        t0 = time.perf_counter()
        sampled, _ = sampled_scores(reference, decoded, sampler)
        t_sampled = time.perf_counter() - t0
        worst = max(worst, abs(sampled - whole))
        print(f"  {series} q{quality:<3d} whole-image SSIM {whole:.4f} ({t_whole:.2f} s, 2 threads)"
              f"  sampled {sampled:.4f} ({t_sampled:.2f} s, 1 thread)  Δ {sampled - whole:+.4f}")
    print(f"  largest |Δ| {worst:.4f}")




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, default=5504)
    parser.add_argument("--height", type=int, default=3072)
    parser.add_argument("--noise", type=float, default=2.0)
    parser.add_argument("--skip-sequential", action="store_true")
    args = parser.parse_args()
    data = build_original(args.width, args.height, args.noise)
    print(f"original {args.width}×{args.height} PNG, {len(data) / 1e6:.1f} MB")
    par, marks = timed_sweep(data, workers=2)
    print(f"parallel (2 workers): {marks['total']:.1f} s; first point after {marks['first']:.1f} s"
          f" ({load_warning()})")
    print_result(par)
    if not args.skip_sequential:
        seq, seq_marks = timed_sweep(data, workers=1)
        same = [(p.label, p.size_bytes) for p in seq.points] == [
            (p.label, p.size_bytes) for p in par.points]
        print(f"sequential (1 worker): {seq_marks['total']:.1f} s → parallel is "
              f"{seq_marks['total'] / marks['total']:.2f}× faster; identical points: {same} "
              f"({load_warning()})")
    cancel_latency(data)
    print("sampled vs whole-image SSIM:")
    sampling_error(data, par)
    print(load_warning())


if __name__ == "__main__":
    main()
