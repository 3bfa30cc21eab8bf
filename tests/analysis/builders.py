"""Test images built in memory: Pillow encodes and files spliced by hand (no binaries)."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def encode_array(arr: np.ndarray, fmt: str = "PNG", **params: object) -> bytes:
    out = io.BytesIO()
    Image.fromarray(arr).save(out, fmt, **params)
    return out.getvalue()


def encode_image(img: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def png_chunk(ctype: bytes, body: bytes) -> bytes:
    """length, type, body, CRC: 12 bytes of framing around the body."""
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def handmade_png(width: int, height: int, extra_chunks: list[bytes] = ()) -> tuple[bytes, int]:
    """An 8-bit RGB PNG built chunk by chunk; returns (bytes, IDAT payload length)."""
    raw = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width * 3))
                   for y in range(height))
    idat = zlib.compress(raw, 6)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + b"".join(extra_chunks)
            + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))
    return data, len(idat)


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    """FF, marker, 2-byte length (payload + 2), payload: payload + 4 bytes in the file."""
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def splice_after_soi(jpeg: bytes, segments: list[bytes]) -> bytes:
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + b"".join(segments) + jpeg[2:]
