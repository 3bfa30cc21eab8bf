from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from playground.analysis.heatmap import colormap_lut, difference_heatmap, mean_abs_difference


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_colormap_runs_from_black_to_white() -> None:
    lut = colormap_lut()
    assert lut.shape == (256, 3)
    assert lut[0].tolist() == [0, 0, 0]
    assert lut[255].tolist() == [255, 255, 255]
    brightness = lut.astype(int).sum(axis=1)
    assert np.all(np.diff(brightness) >= 0), "brighter always means more difference"


def test_identical_images_give_a_black_map() -> None:
    a = np.full((20, 30, 3), 77, np.uint8)
    h = difference_heatmap(a, a, fmt="PNG")
    assert decode(h.image).max() == 0
    assert (h.width, h.height) == (30, 20)


def test_fixed_amplification_maps_known_levels() -> None:
    a = np.zeros((10, 10, 3), np.uint8)
    b = a.copy()
    b[:, :5] = 16  # 16 levels × 8 = 128: the middle of the colour scale
    b[:, 5:] = 40  # ≥ 32 levels saturates to white
    h = difference_heatmap(a, b, amplification=8, fmt="PNG")
    img = decode(h.image)
    assert img[0, 0].tolist() == colormap_lut()[128].tolist()
    assert img[0, 9].tolist() == [255, 255, 255]
    assert h.full_scale_levels == pytest.approx(31.875)
    assert "white = ≥ 31.9 levels of difference (×8 amplification)" in h.scale_text
    assert h.mime == "image/png"


def test_auto_amplification_puts_the_99th_percentile_at_white() -> None:
    a = np.zeros((100, 100, 3), np.uint8)
    b = a.copy()
    b[...] = 4
    h = difference_heatmap(a, b, amplification=None)
    assert h.amplification == pytest.approx(255 / 4)
    assert h.full_scale_levels == pytest.approx(4.0)
    assert "auto-scaled" in h.scale_text
    assert h.mime == "image/jpeg"


def test_heatmap_is_preview_sized_and_averages() -> None:
    a = np.zeros((400, 2000, 3), np.uint8)
    b = a.copy()
    b[:, ::2] = 10  # every other column: the box average is 5 levels
    h = difference_heatmap(a, b, amplification=8, max_side=500, fmt="PNG")
    assert (h.width, h.height) == (500, 100)
    assert np.all(decode(h.image) == colormap_lut()[40])


def test_mean_abs_difference_averages_channels() -> None:
    a = np.zeros((1, 1, 3), np.uint8)
    b = np.array([[[3, 6, 255]]], np.uint8)
    assert mean_abs_difference(a, b)[0, 0] == pytest.approx(88.0)
