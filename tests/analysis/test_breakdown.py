"""Byte breakdown on files spliced by hand, with exact byte counts."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from playground.analysis.breakdown import byte_breakdown
from playground.analysis.decoding import decode_rgb
from playground.domain.errors import AnalysisInputError
from tests.analysis.builders import (
    encode_array,
    handmade_png,
    jpeg_segment,
    png_chunk,
    splice_after_soi,
)

TEXT = png_chunk(b"tEXt", b"Software\x00Banana Split test")
ZTXT = png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"hello " * 50))
ITXT = png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta/>" + b" " * 300)
CABX = png_chunk(b"caBX", b"\x00\x00\x00\x20jumb" + b"\x00" * 24 + b"c2pa manifest" * 40)


def test_png_with_text_and_c2pa_chunks() -> None:
    data, idat = handmade_png(16, 8, [TEXT, ZTXT, ITXT, CABX])
    bd = byte_breakdown(data)
    assert (bd.format, bd.width, bd.height) == ("PNG", 16, 8)
    assert bd.pixel_bytes == idat
    assert bd.metadata_bytes == len(TEXT) + len(ZTXT) + len(ITXT) + len(CABX)
    assert bd.container_bytes == 8 + 25 + 12 + 12  # signature, IHDR, IDAT framing, IEND
    assert bd.trailing_bytes == 0
    assert [s.kind for s in bd.segments] == ["tEXt", "zTXt", "iTXt", "caBX"]
    assert [s.label for s in bd.segments] == ["Software", "Comment", "XMP", "C2PA/JUMBF"]
    assert bd.segments[3].size_bytes == len(CABX)
    assert bd.pixel_bytes + bd.metadata_bytes + bd.container_bytes == len(data)
    assert decode_rgb(data).shape == (8, 16, 3), "the spliced file is still a valid PNG"


def test_png_trailing_bytes_after_iend() -> None:
    data, idat = handmade_png(4, 4)
    bd = byte_breakdown(data + b"appended junk")
    assert bd.trailing_bytes == 13
    assert bd.pixel_bytes == idat


def test_png_bytes_per_pixel() -> None:
    data, _ = handmade_png(10, 5)
    bd = byte_breakdown(data)
    assert bd.pixel_count == 50
    assert bd.bytes_per_pixel == pytest.approx(len(data) / 50)
    assert bd.bits_per_pixel == pytest.approx(8 * len(data) / 50)


EXIF = jpeg_segment(0xE1, b"Exif\x00\x00II*\x00\x08\x00\x00\x00" + b"\x00" * 96)  # empty IFD0
XMP = jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + b" " * 500 + b"</x>")
JUMBF = jpeg_segment(0xEB, b"JP\x00\x00\x00\x00\x00\x01" + b"\x00\x00\x10\x00jumb" + b"m" * 2000)


def scan_bytes(jpeg: bytes) -> int:
    """Independent count for a baseline JPEG: from the end of the SOS header to EOI."""
    sos = jpeg.index(b"\xff\xda")
    (length,) = struct.unpack(">H", jpeg[sos + 2:sos + 4])
    assert jpeg.endswith(b"\xff\xd9")
    return len(jpeg) - 2 - (sos + 2 + length)


def test_jpeg_with_exif_xmp_and_jumbf() -> None:
    plain = encode_array(np.random.default_rng(0).integers(0, 256, (24, 40, 3), np.uint8), "JPEG",
                         quality=90)
    data = splice_after_soi(plain, [EXIF, XMP, JUMBF])
    bd = byte_breakdown(data)
    jfif = 18  # Pillow writes a JFIF APP0: FF E0, length 16
    labels = [(s.kind, s.label, s.size_bytes) for s in bd.segments]
    assert labels == [("APP1", "EXIF", len(EXIF)), ("APP1", "XMP", len(XMP)),
                      ("APP11", "C2PA/JUMBF", len(JUMBF)), ("APP0", "JFIF", jfif)]
    assert len(EXIF) == 110 + 4 and len(JUMBF) == 2016 + 4
    assert bd.metadata_bytes == len(EXIF) + len(XMP) + len(JUMBF) + jfif
    assert bd.pixel_bytes == scan_bytes(data)
    assert bd.container_bytes == len(plain) - jfif - scan_bytes(plain)
    assert bd.trailing_bytes == 0
    assert decode_rgb(data).shape == (24, 40, 3)


def test_progressive_jpeg_counts_every_scan() -> None:
    arr = np.random.default_rng(1).integers(0, 256, (32, 32, 3), np.uint8)
    data = encode_array(arr, "JPEG", quality=90, progressive=True)
    bd = byte_breakdown(data)
    assert data.count(b"\xff\xda") > 1
    assert bd.pixel_bytes > 0.8 * len(data) - 1000
    assert bd.pixel_bytes + bd.metadata_bytes + bd.container_bytes == len(data)


def test_jpeg_trailing_data_after_eoi(scene_jpeg: bytes) -> None:
    bd = byte_breakdown(scene_jpeg + b"\x00" * 100)
    assert bd.trailing_bytes == 100


def test_webp_breakdown(scene: np.ndarray) -> None:
    data = encode_array(scene, "WEBP", quality=80, exif=b"Exif\x00\x00" + b"\x00" * 30)
    bd = byte_breakdown(data)
    assert bd.format == "WebP"
    assert [s.label for s in bd.segments] == ["EXIF"]
    assert bd.pixel_bytes > 0.9 * len(data) - 100
    assert bd.pixel_bytes + bd.metadata_bytes + bd.container_bytes == len(data)


def test_gif_is_not_walked(scene: np.ndarray) -> None:
    data = encode_array(scene, "GIF")
    bd = byte_breakdown(data)
    assert not bd.is_parsed
    assert bd.pixel_bytes == len(data)


def test_truncated_files_do_not_crash(scene_jpeg: bytes, scene_png: bytes) -> None:
    for data in (scene_jpeg[:300], scene_png[:100], scene_png[:20]):
        bd = byte_breakdown(data)
        assert bd.pixel_bytes + bd.metadata_bytes + bd.container_bytes + bd.trailing_bytes \
            == len(data)


@pytest.mark.parametrize("data", [b"", b"not an image"])
def test_unusable_bytes(data: bytes) -> None:
    with pytest.raises(AnalysisInputError):
        byte_breakdown(data)
