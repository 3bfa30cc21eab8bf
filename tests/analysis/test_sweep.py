"""The Compression Lab sweep on small images: results, progress, cancel, external points."""

from __future__ import annotations

import io
import math
import threading

import numpy as np
import pytest
from PIL import Image

from playground.analysis.reencode import encode
from playground.analysis.sampling import TILE_SIDE, make_sampler, sampled_scores
from playground.analysis.scenes import photo_like_scene
from playground.analysis.sweep import (
    SweepPoint,
    SweepResult,
    encode_point,
    measure_external_point,
    run_sweep,
    sweep_tasks,
)
from tests.analysis.builders import encode_array

QUALITIES = (50, 80, 95)


@pytest.fixture(scope="module")
def original() -> bytes:
    return encode_array(photo_like_scene(160, 120, noise=2.0, seed=4))


@pytest.fixture(scope="module")
def result(original: bytes):
    return run_sweep(original, qualities=QUALITIES, workers=2)


def test_sweep_covers_every_format_and_quality(result) -> None:
    labels = [p.label for p in result.points]
    assert labels == ["JPEG q50", "JPEG q80", "JPEG q95", "PNG", "WebP q50", "WebP q80",
                      "WebP q95"]
    assert (result.width, result.height) == (160, 120)
    assert result.original_format == "PNG"
    assert not result.is_cancelled
    assert "over the whole image" in result.ssim_method


def test_quality_buys_bytes_and_fidelity(result) -> None:
    for name in ("JPEG", "WebP"):
        pts = sorted(result.series(name), key=lambda p: p.quality)
        assert [p.size_bytes for p in pts] == sorted(p.size_bytes for p in pts)
        assert [p.ssim for p in pts] == sorted(p.ssim for p in pts)
        assert all(p.format == ("JPEG" if name == "JPEG" else "WebP") for p in pts)
    png = result.series("PNG")[0]
    assert (png.ssim, png.psnr_db) == (1.0, math.inf)


def test_suggested_is_the_smallest_file_over_the_threshold(result) -> None:
    jpeg = result.series("JPEG")
    best = result.suggested("JPEG")
    passing = [p for p in jpeg if p.ssim >= result.threshold]
    assert best == (min(passing, key=lambda p: p.size_bytes) if passing else None)
    assert result.suggested("PNG").label == "PNG"
    assert any(line.startswith("JPEG: ") for line in result.summary())


def test_no_point_reaches_an_impossible_threshold(original: bytes) -> None:
    res = run_sweep(original, qualities=(50,), formats=("JPEG",), threshold=0.99999)
    assert res.suggested("JPEG") is None
    assert "no point reaches SSIM 0.99999" in res.summary()[0]


def test_points_are_the_bytes_encode_point_recreates(original: bytes, result) -> None:
    for p in result.points:
        assert len(encode_point(original, p.series, p.quality)) == p.size_bytes


def test_parallel_and_sequential_agree(original: bytes, result) -> None:
    """Also the regression test for Image.save's per-object options racing across threads."""
    seq = run_sweep(original, qualities=QUALITIES, workers=1)
    assert [(p.label, p.size_bytes, p.ssim) for p in seq.points] == [
        (p.label, p.size_bytes, p.ssim) for p in result.points]


def test_progress_is_reported_up_to_the_total(original: bytes) -> None:
    calls: list[tuple[int, int]] = []
    run_sweep(original, qualities=(60, 90), formats=("JPEG", "PNG"),
              progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 3)
    assert calls[-1] == (3, 3)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_cancel_stops_the_sweep_early(original: bytes) -> None:
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done >= 1:
            cancel.set()

    res = run_sweep(original, qualities=range(50, 101, 5), progress=progress, cancel=cancel,
                    workers=1)
    assert res.is_cancelled
    assert 1 <= len(res.points) < 23


def test_cancelled_before_start(original: bytes) -> None:
    cancel = threading.Event()
    cancel.set()
    res = run_sweep(original, qualities=QUALITIES, cancel=cancel)
    assert res.is_cancelled and res.points == ()


def test_external_point_matches_the_local_encode(original: bytes, result) -> None:
    img = Image.open(io.BytesIO(original)).convert("RGB")
    vertex_like = encode(img, "JPEG", 80)
    ext = measure_external_point(original, vertex_like, label="Vertex JPEG", quality=80)
    local = next(p for p in result.points if p.label == "JPEG q80")
    assert (ext.size_bytes, ext.ssim, ext.psnr_db) == (local.size_bytes, local.ssim, local.psnr_db)
    assert ext.source == "external"
    merged = result.with_points([ext])
    assert merged.series_names()[-1] == "Vertex JPEG"
    assert merged.series("Vertex JPEG") == [ext]


def test_external_point_of_another_size_is_aligned(original: bytes) -> None:
    small = encode_array(photo_like_scene(80, 60, noise=2.0, seed=4), "JPEG", quality=90)
    ext = measure_external_point(original, small, label="Vertex JPEG")
    assert 0 < ext.ssim < 1


def test_knee_of_a_series_needs_three_points() -> None:
    pts = tuple(SweepPoint("JPEG", "JPEG", q, size, ssim, 40.0) for q, size, ssim in [
        (50, 100, 0.80), (60, 150, 0.90), (70, 200, 0.95), (80, 300, 0.975), (90, 600, 0.985),
        (100, 2000, 0.99)])
    res = SweepResult(100, 100, 5000, "PNG", pts, 0.98, "test")
    # normalised: x = 0, .026, .053, .105, .263, 1 and y = 0, .526, .789, .921, .974, 1;
    # y − x peaks at .816 for q80
    assert res.knee("JPEG").quality == 80
    assert res.suggested("JPEG").quality == 90
    assert SweepResult(100, 100, 5000, "PNG", pts[:2], 0.98, "test").knee("JPEG") is None


def test_task_order_and_validation() -> None:
    assert sweep_tasks((90, 50), ("jpeg", "png", "webp")) == [
        ("PNG", None), ("JPEG", 90), ("JPEG", 50), ("WebP", 90), ("WebP", 50)]
    with pytest.raises(ValueError, match="unknown format"):
        sweep_tasks((90,), ("AVIF",))
    with pytest.raises(ValueError, match="between 0 and 100"):
        sweep_tasks((101,), ("JPEG",))


def test_large_images_are_scored_on_tiles() -> None:
    sampler = make_sampler(5504, 3072)
    assert len(sampler.boxes) == 16
    assert all(x1 - x0 == y1 - y0 == TILE_SIDE for x0, y0, x1, y1 in sampler.boxes)
    assert all(x0 >= 0 and x1 <= 5504 and y0 >= 0 and y1 <= 3072
               for x0, y0, x1, y1 in sampler.boxes)
    assert "16 full-resolution tiles of 384×384" in sampler.describe()
    assert make_sampler(1024, 1024).is_whole_image


def test_sampled_scores_on_tiles() -> None:
    arr = photo_like_scene(1600, 1600, noise=0)
    sampler = make_sampler(1600, 1600)
    assert not sampler.is_whole_image
    ref = sampler.tiles(arr)
    assert sampled_scores(ref, arr, sampler) == (1.0, math.inf)
    shifted = np.clip(arr.astype(np.int16) + 5, 0, 255).astype(np.uint8)
    ssim, psnr = sampled_scores(ref, shifted, sampler)
    assert ssim < 1.0
    assert psnr == pytest.approx(20 * math.log10(255 / 5), abs=0.5)
