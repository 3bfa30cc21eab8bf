from __future__ import annotations

import numpy as np
import pytest

from playground.analysis.alignment import align_pair, ratio_text
from playground.analysis.scenes import photo_like_scene
from tests.analysis.builders import encode_array


def png(width: int, height: int, seed: int = 0) -> bytes:
    return encode_array(photo_like_scene(width, height, noise=2.0, seed=seed))


def test_same_size_is_left_alone() -> None:
    pair = align_pair(png(64, 32), png(64, 32, seed=1))
    assert pair.note is None
    assert pair.resized is None
    assert pair.a.shape == pair.b.shape == (32, 64, 3)


def test_larger_b_is_resized_to_a() -> None:
    pair = align_pair(png(86, 48), png(172, 96))
    assert pair.resized == "B"
    assert pair.size == (86, 48)
    assert pair.note == "Image B (172×96) was resized to 86×48 to match A for the comparison."
    assert not pair.is_aspect_different


def test_larger_a_is_resized_to_b() -> None:
    pair = align_pair(png(200, 100), png(100, 50))
    assert pair.resized == "A"
    assert pair.b.shape == pair.a.shape == (50, 100, 3)
    assert pair.note.startswith("Image A (200×100) was resized to 100×50 to match B")


def test_different_aspect_ratio_is_stretched_and_said() -> None:
    pair = align_pair(png(160, 90), png(200, 200))
    assert pair.resized == "B"
    assert pair.size == (160, 90)
    assert pair.is_aspect_different
    assert "aspect ratios differ (16:9 for A, 1:1 for B)" in pair.note
    assert "distorted geometry" in pair.note


def test_equal_pixel_count_resizes_b() -> None:
    pair = align_pair(png(40, 10), png(20, 20))
    assert pair.resized == "B"
    assert pair.size == (40, 10)


def test_one_pixel_against_a_larger_image() -> None:
    one = encode_array(np.array([[[0, 0, 0]]], np.uint8))
    pair = align_pair(one, png(8, 8))
    assert pair.size == (1, 1)
    assert pair.resized == "B"


@pytest.mark.parametrize(("size", "text"), [
    ((1920, 1080), "16:9"), ((1024, 1024), "1:1"), ((1376, 768), "1.79:1"), ((5504, 3072), "1.79:1"),
])
def test_ratio_text(size: tuple[int, int], text: str) -> None:
    assert ratio_text(size) == text
