"""Known answers, and agreement with skimage's reference functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from playground.analysis import metrics
from playground.analysis.memo import LruMemo, pair_key
from playground.analysis.metrics import compare_bytes, compare_bytes_cached, compute_metrics
from tests.analysis.builders import encode_array


def noisy(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def test_identical_images(scene: np.ndarray) -> None:
    m = compute_metrics(scene, scene.copy())
    assert m.ssim == 1.0
    assert m.psnr_db == math.inf
    assert m.mad == 0.0
    assert m.max_diff == 0
    assert m.is_identical
    assert m.hotspots == ()
    assert "identical" in m.concentration


def test_constant_offset_gives_known_values() -> None:
    a = np.full((64, 64, 3), 100, np.uint8)
    a[::2] = 110  # uniform-ish: horizontal stripes
    b = a + np.uint8(10)
    m = compute_metrics(a, b)
    assert m.mad == pytest.approx(10.0)
    assert m.max_diff == 10
    assert m.psnr_db == pytest.approx(20 * math.log10(255 / 10), abs=1e-9)
    assert m.psnr_db == pytest.approx(28.1308, abs=1e-4)


def test_psnr_matches_skimage() -> None:
    a, b = noisy((37, 53, 3), 1), noisy((37, 53, 3), 2)
    m = compute_metrics(a, b)
    assert m.psnr_db == pytest.approx(peak_signal_noise_ratio(a, b, data_range=255), rel=1e-12)
    assert metrics.psnr(a, b) == pytest.approx(m.psnr_db, rel=1e-12)


@pytest.mark.parametrize("shape", [(37, 53, 3), (200, 41, 3), (7, 7, 3)])
def test_banded_ssim_equals_one_skimage_call(shape: tuple[int, ...]) -> None:
    a = noisy(shape, 3)
    b = np.clip(a.astype(np.int16) + noisy(shape, 4) // 16 - 8, 0, 255).astype(np.uint8)
    reference = structural_similarity(metrics.luma(a), metrics.luma(b), data_range=255,
                                      win_size=7)
    for band_rows, tile_cols in ((2, 5), (5, 8), (16, 1), (1000, 1000)):
        got = metrics.ssim_luma(a, b, band_rows=band_rows, tile_cols=tile_cols, workers=2)
        assert got == pytest.approx(reference, abs=1e-6)
    assert compute_metrics(a, b).ssim == pytest.approx(reference, abs=1e-6)


def test_luma_uses_bt601_weights() -> None:
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], np.uint8)
    assert metrics.luma(rgb).tolist()[0] == pytest.approx([76.245, 149.685, 29.07], rel=1e-5)


def test_grid_localises_a_difference_in_the_top_left() -> None:
    a = np.full((80, 80, 3), 50, np.uint8)
    b = a.copy()
    b[:20, :20] = 90
    m = compute_metrics(a, b, grid=8)
    assert len(m.grid) == 8 and len(m.grid[0]) == 8
    assert m.grid[0][0] == pytest.approx(40.0)
    assert m.grid[7][7] == 0.0
    assert m.hotspots[0].description == "row 1 of 8, column 1 of 8 (top-left)"
    assert "top-left quarter (100% of it)" in m.concentration
    assert m.mad == pytest.approx(40.0 * 400 / 6400)


def test_spread_difference_is_called_spread() -> None:
    a = noisy((64, 64, 3), 5)
    m = compute_metrics(a, noisy((64, 64, 3), 6))
    assert "spread out" in m.concentration


@pytest.mark.parametrize(("side", "ssim_is_none", "win"), [(1, True, None), (2, True, None),
                                                            (3, False, 3), (6, False, 5)])
def test_tiny_images_do_not_crash(side: int, ssim_is_none: bool, win: int | None) -> None:
    a = noisy((side, side, 3), 7)
    b = noisy((side, side, 3), 8)
    m = compute_metrics(a, b)
    assert (m.ssim is None) == ssim_is_none
    assert metrics.ssim_window(side, side) == win
    assert m.notes, "a tiny image always explains what happened to SSIM"
    assert m.mad == pytest.approx(float(np.abs(a.astype(int) - b).mean()))
    if win:
        reference = structural_similarity(metrics.luma(a), metrics.luma(b), data_range=255,
                                          win_size=win)
        assert m.ssim == pytest.approx(reference, abs=1e-6)


def test_one_by_one_identical_pair() -> None:
    data = encode_array(np.array([[[1, 2, 3]]], np.uint8))
    m = compare_bytes(data, data)
    assert m.ssim is None
    assert m.psnr_db == math.inf
    assert "at least 3×3" in m.notes[0]


def test_compare_bytes_carries_the_alignment_note(scene: np.ndarray) -> None:
    big = encode_array(np.repeat(np.repeat(scene, 2, axis=0), 2, axis=1))
    m = compare_bytes(encode_array(scene), big)
    assert m.notes[0].startswith("Image B (640×480) was resized to 320×240")
    assert m.ssim is not None and m.ssim > 0.9


def test_png_against_its_jpeg(scene_png: bytes, scene_jpeg: bytes) -> None:
    m = compare_bytes(scene_png, scene_jpeg)
    assert 0.5 < m.ssim < 1.0
    assert 25 < m.psnr_db < 60
    assert m.max_diff > 0
    assert "7×7 uniform window" in m.ssim_method


def test_shape_mismatch_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="align them first"):
        compute_metrics(np.zeros((2, 2, 3), np.uint8), np.zeros((3, 3, 3), np.uint8))


def test_cached_comparison_uses_the_memo(scene_png: bytes, scene_jpeg: bytes) -> None:
    memo: LruMemo = LruMemo(maxsize=2)
    first = compare_bytes_cached(scene_png, scene_jpeg, memo=memo)
    second = compare_bytes_cached(scene_png, scene_jpeg, memo=memo)
    assert second is first
    assert len(memo) == 1


def test_lru_memo_drops_the_least_recently_used() -> None:
    memo: LruMemo[int] = LruMemo(maxsize=2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # "a" is now the most recent
    memo.put("c", 3)
    assert memo.get("b") is None
    assert memo.get_or_compute("a", lambda: 99) == 1
    assert memo.get_or_compute("d", lambda: 4) == 4


def test_pair_key_is_ordered() -> None:
    assert pair_key("x", "y") != pair_key("y", "x")
    assert pair_key("x", "y", "metrics", 8) == ("x", "y", "metrics", 8)
