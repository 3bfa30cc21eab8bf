"""Blind previews give nothing away but pixels: one format, one size, no metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from playground.analysis.blind import blind_crops, blind_previews, common_size
from playground.domain.imaging import read_dimensions, sniff_format


def encoded(fmt: str, size: tuple[int, int], **save: object) -> bytes:
    img = Image.radial_gradient("L").convert("RGB").resize(size)
    out = io.BytesIO()
    img.save(out, fmt, **save)
    return out.getvalue()


def test_a_jpeg_and_a_png_of_different_sizes_come_out_alike() -> None:
    exif = Image.Exif()
    exif[0x0131] = "Vertex AI"  # Software: a label that must not travel
    jpeg = encoded("JPEG", (1200, 900), quality=70, exif=exif.tobytes())
    png = encoded("PNG", (1600, 1200))
    a, b = blind_previews(jpeg, png)
    assert sniff_format(a) == sniff_format(b) == "image/jpeg"
    assert read_dimensions(a) == read_dimensions(b) == (1024, 768)
    for data in (a, b):
        assert b"Vertex" not in data and not Image.open(io.BytesIO(data)).getexif()
    ca, cb = blind_crops(jpeg, png, "top-right")
    assert sniff_format(ca) == sniff_format(cb) == "image/png"
    assert read_dimensions(ca) == read_dimensions(cb) == (384, 384)
    with pytest.raises(ValueError):
        blind_crops(jpeg, png, "middle")


def test_common_size_is_the_smaller_image_capped() -> None:
    assert common_size((2048, 2048), (1024, 1024)) == (1024, 1024)
    assert common_size((512, 512), (1024, 1024)) == (512, 512)
    assert common_size((4096, 2304), (4096, 2304), 1024) == (1024, 576)
