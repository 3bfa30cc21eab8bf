from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from playground.analysis.crops import (
    DEFAULT_CROP_SIDE,
    PEEPER_BUDGET_BYTES,
    Region,
    clamp_region,
    crop_region,
    map_region,
    peeper_view,
    region_presets,
)
from playground.analysis.decoding import decode_image
from playground.analysis.scenes import photo_like_scene
from tests.analysis.builders import encode_array


def decode(data: bytes) -> np.ndarray:
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    return np.asarray(img.convert("RGB"))


def test_zoom_one_is_pixel_exact(scene: np.ndarray, scene_jpeg: bytes) -> None:
    crop = decode(crop_region(encode_array(scene), 10, 20, 30, 40))
    assert np.array_equal(crop, scene[20:60, 10:40])
    # a JPEG's artefacts are shown exactly as decoded, not re-compressed
    decoded = np.asarray(decode_image(scene_jpeg))
    assert np.array_equal(decode(crop_region(scene_jpeg, 5, 5, 16, 16)), decoded[5:21, 5:21])


def test_zoom_two_makes_two_by_two_blocks(scene: np.ndarray) -> None:
    crop = decode(crop_region(encode_array(scene), 100, 50, 25, 15, zoom=2))
    assert crop.shape == (30, 50, 3)
    src = scene[50:65, 100:125]
    assert np.array_equal(crop, np.repeat(np.repeat(src, 2, axis=0), 2, axis=1))


def test_crop_is_clamped_to_the_image(scene: np.ndarray) -> None:
    crop = decode(crop_region(encode_array(scene), 300, 230, 100, 100))
    assert crop.shape == (100, 100, 3)
    assert np.array_equal(crop, scene[140:240, 220:320])


def test_invalid_zoom(scene_png: bytes) -> None:
    with pytest.raises(ValueError, match="zoom"):
        crop_region(scene_png, 0, 0, 8, 8, zoom=3)


@pytest.mark.parametrize(("region", "expected"), [
    (Region(-5, -5, 10, 10), Region(0, 0, 10, 10)),
    (Region(95, 45, 10, 10), Region(90, 40, 10, 10)),
    (Region(0, 0, 500, 500), Region(0, 0, 100, 50)),
    (Region(10, 10, 0, 0), Region(10, 10, 1, 1)),
])
def test_clamp_region(region: Region, expected: Region) -> None:
    assert clamp_region(region, 100, 50) == expected


def test_map_region_scales_coordinates() -> None:
    assert map_region(Region(100, 50, 200, 100), (1376, 768), (2752, 1536)) == Region(
        200, 100, 400, 200)
    assert map_region(Region(200, 100, 400, 200), (2752, 1536), (1376, 768)) == Region(
        100, 50, 200, 100)
    mapped = map_region(Region(1300, 700, 76, 68), (1376, 768), (100, 100))
    assert mapped.x + mapped.w <= 100 and mapped.y + mapped.h <= 100


def test_region_presets_without_and_with_a_grid() -> None:
    presets = region_presets(2000, 1000, side=512)
    assert set(presets) == {"centre", "top-left", "top-right", "bottom-left", "bottom-right"}
    assert presets["centre"] == Region(744, 244, 512, 512)
    assert presets["bottom-right"] == Region(1488, 488, 512, 512)
    grid = [[0.0] * 4 for _ in range(4)]
    grid[3][0] = 5.0
    busiest = region_presets(2000, 1000, side=512, grid=grid)["busiest"]
    assert busiest == Region(0, 488, 512, 512)  # centre of cell (3, 0), slid inside the image
    zoomed = region_presets(2000, 1000, side=512, zoom=2)
    assert zoomed["centre"] == Region(872, 372, 256, 256)


def test_presets_on_a_tiny_image() -> None:
    presets = region_presets(1, 1)
    assert all(r == Region(0, 0, 1, 1) for r in presets.values())


def test_peeper_view_maps_b_and_fits_the_budget() -> None:
    scene = photo_like_scene(1024, 1024, noise=4.0, seed=3)
    img_a = Image.fromarray(scene)
    img_b = Image.fromarray(np.repeat(np.repeat(scene, 2, axis=0), 2, axis=1))
    view = peeper_view(img_a, img_b, Region(256, 256, DEFAULT_CROP_SIDE, DEFAULT_CROP_SIDE))
    assert view.region_b == Region(512, 512, 1024, 1024)
    assert view.total_bytes == len(view.a) + len(view.b)
    assert view.mime == "image/png"
    single = peeper_view(img_a, img_a, Region(256, 256, DEFAULT_CROP_SIDE, DEFAULT_CROP_SIDE))
    assert single.total_bytes <= PEEPER_BUDGET_BYTES
    assert single.is_within_budget


def test_lossless_webp_crop_is_exact(scene: np.ndarray) -> None:
    img = Image.fromarray(scene)
    view = peeper_view(img, img, Region(0, 0, 64, 64), fmt="WEBP")
    assert view.mime == "image/webp"
    got = np.asarray(Image.open(io.BytesIO(view.a)).convert("RGB"))
    assert np.array_equal(got, scene[:64, :64])
