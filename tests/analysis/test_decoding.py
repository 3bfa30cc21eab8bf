"""Bad and unusual inputs: each gets a clear AnalysisInputError or correct handling."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from PIL import Image

from playground.analysis.breakdown import byte_breakdown
from playground.analysis.crops import crop_region
from playground.analysis.decoding import decode_rgb
from playground.analysis.metrics import compare_bytes
from playground.analysis.reencode import like_for_like
from playground.analysis.sweep import run_sweep
from playground.domain.errors import AnalysisInputError, ImageDataError
from tests.analysis.builders import encode_array, encode_image, png_chunk


def huge_png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", b"x" * 16)


def test_error_is_an_image_data_error() -> None:
    assert issubclass(AnalysisInputError, ImageDataError)


@pytest.mark.parametrize("data", [b"", None])
def test_empty_bytes_say_the_file_is_missing(data: bytes | None) -> None:
    with pytest.raises(AnalysisInputError, match="empty or was deleted") as info:
        decode_rgb(data)
    assert "Re-run" in str(info.value)
    assert info.value.hint


def test_garbage_bytes_say_what_to_check() -> None:
    with pytest.raises(AnalysisInputError, match="could not be decoded") as info:
        decode_rgb(b"this is not an image at all" * 10)
    assert "complete PNG, JPEG or WebP" in str(info.value)


def test_truncated_png_is_refused_plainly(scene_png: bytes) -> None:
    with pytest.raises(AnalysisInputError, match="could not be decoded"):
        decode_rgb(scene_png[: len(scene_png) // 2])


def test_huge_header_is_refused_before_decoding() -> None:
    with pytest.raises(AnalysisInputError, match="decompression-bomb") as info:
        decode_rgb(huge_png_header(30000, 30000))
    assert "30000×30000" in str(info.value)


def test_pixel_limit_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    data = encode_array(np.zeros((40, 40, 3), np.uint8), "JPEG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(AnalysisInputError, match="1,600 pixels, above the decompression-bomb limit of 1,000"):
        decode_rgb(data)


def test_bomb_guard_is_never_switched_off() -> None:
    assert Image.MAX_IMAGE_PIXELS is not None


def test_one_pixel_image_decodes() -> None:
    arr = decode_rgb(encode_array(np.array([[[10, 20, 30]]], np.uint8)))
    assert arr.shape == (1, 1, 3)
    assert arr.tolist() == [[[10, 20, 30]]]


def test_cmyk_jpeg_becomes_rgb() -> None:
    data = encode_image(Image.new("CMYK", (16, 8), (0, 0, 0, 0)), "JPEG", quality=95)
    arr = decode_rgb(data)
    assert arr.shape == (8, 16, 3)
    assert arr.min() >= 250  # no ink is white


def test_rgba_png_is_composited_on_white() -> None:
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[:2, :, 3] = 255  # top half opaque red, bottom half transparent
    arr = decode_rgb(encode_array(rgba))
    assert arr[0, 0].tolist() == [200, 0, 0]
    assert arr[3, 0].tolist() == [255, 255, 255]


def test_sixteen_bit_png_is_scaled_to_eight_bits() -> None:
    gray = np.full((4, 4), 0x8000, np.uint16)
    img = Image.fromarray(gray)
    assert img.mode.startswith("I;16")
    arr = decode_rgb(encode_image(img))
    assert arr.shape == (4, 4, 3)
    assert arr[0, 0].tolist() == [128, 128, 128]


def test_big_endian_sixteen_bit_tiff() -> None:
    """Regression: imaging.to_rgb crashed on I;16B ("point operation not supported")."""
    gray = np.array([[0, 256, 32768, 65535]], dtype=">u2")
    img = Image.frombytes("I;16B", (4, 1), gray.tobytes())
    arr = decode_rgb(encode_image(img, "TIFF"))
    assert arr[0, :, 0].tolist() == [0, 1, 128, 255]


def test_palette_png_with_transparency() -> None:
    img = Image.new("P", (4, 4), 1)
    img.putpalette([0, 0, 0, 10, 200, 30] + [0] * 762)
    img.putpixel((0, 0), 0)
    arr = decode_rgb(encode_image(img, transparency=0))
    assert arr[0, 0].tolist() == [255, 255, 255]  # transparent index → white
    assert arr[1, 1].tolist() == [10, 200, 30]


@pytest.mark.parametrize("call", [
    lambda d: compare_bytes(d, d),
    lambda d: crop_region(d, 0, 0, 4, 4),
    lambda d: like_for_like(d, d),
    lambda d: run_sweep(d, qualities=(80,), formats=("JPEG",)),
    byte_breakdown,
], ids=["compare", "crop", "like_for_like", "sweep", "breakdown"])
@pytest.mark.parametrize("data", [b"", b"\x00garbage\xff" * 20], ids=["empty", "garbage"])
def test_every_entry_point_raises_the_plain_error(call, data: bytes) -> None:
    with pytest.raises(AnalysisInputError):
        call(data)
