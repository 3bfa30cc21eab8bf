"""Stand-ins for the metadata Google embeds in its images (docs/wire-notes.md "Formats and metadata").

* AI Studio JPEG: JFIF APP0 at 300 dpi, then an APP11 segment carrying a JUMBF box — the C2PA
  embedding seen in a real gemini-3-pro-image-preview JPEG (`FFD8 FFE0 … FFEB … "JP" … "jumb"`),
  whose APP11 segment is 5,990 bytes around a 5,980-byte box (docs/emulator.md "Images"); the
  stub is padded with a JUMBF `free` box to that size.
* Vertex PNG: a `zTXt` chunk keyed "Raw profile type exif" (seen in a real Vertex PNG), and
  optionally a `caBX` chunk, where PNG puts C2PA.

The boxes are structurally valid JUMBF but hold a note, not a signed manifest: tools will list a
C2PA segment of plausible size, and a C2PA validator will (rightly) reject it.
"""

from __future__ import annotations

import json
import struct
import zlib
from functools import lru_cache

# ISO/IEC 19566-5 content-type UUIDs: "c2pa" manifest store and "json" content.
_C2PA_UUID = bytes.fromhex("6332706100110010800000AA00389B71")
_JSON_UUID = bytes.fromhex("6A736F6E00110010800000AA00389B71")
_STUB_NOTE = {
    "generator": "Banana Split emulator",
    "note": "Stand-in for Google's C2PA manifest. Not signed; not a real Content Credential.",
}


def _box(box_type: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + box_type + payload


def _description(uuid: bytes, label: str) -> bytes:
    return _box(b"jumd", uuid + b"\x03" + label.encode() + b"\x00")  # toggles: requestable+label


#: The observed box size (the APP11 segment is 10 bytes more: marker length, "JP", instance, seq).
OBSERVED_JUMBF_BYTES = 5980


@lru_cache(maxsize=8)
def jumbf_stub(model: str, size: int = OBSERVED_JUMBF_BYTES) -> bytes:
    """A C2PA-labelled JUMBF superbox with one JSON content box, padded to `size` bytes with a
    `free` box (no padding when the note alone is larger)."""
    note = json.dumps({**_STUB_NOTE, "model": model}).encode()
    inner = _box(b"jumb", _description(_JSON_UUID, "banana-split.stub") + _box(b"json", note))
    body = _description(_C2PA_UUID, "c2pa") + inner
    padding = size - 8 - len(body)
    if padding >= 8:
        body += _box(b"free", bytes(padding - 8))
    return _box(b"jumb", body)


def app11_segment(jumbf: bytes) -> bytes:
    """JPEG APP11 carrying JUMBF: "JP", box instance 1, packet sequence 1 (as observed)."""
    payload = b"JP" + struct.pack(">HI", 1, 1) + jumbf
    return b"\xff\xeb" + struct.pack(">H", 2 + len(payload)) + payload


def insert_after_app0(jpeg: bytes, segment: bytes) -> bytes:
    """Put `segment` right after the JFIF APP0 (or after SOI when there is none)."""
    pos = 2
    if jpeg[2:4] == b"\xff\xe0":
        (length,) = struct.unpack(">H", jpeg[4:6])
        pos = 4 + length
    return jpeg[:pos] + segment + jpeg[pos:]


@lru_cache(maxsize=1)
def raw_profile_exif() -> bytes:
    """ImageMagick-style "Raw profile type exif" text: a tiny EXIF block in hex."""
    software = b"Banana Split emulator\x00"
    ifd = struct.pack(">H", 1) + struct.pack(">HHII", 0x0131, 2, len(software), 26)
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + ifd + struct.pack(">I", 0) + software
    exif = b"Exif\x00\x00" + tiff
    hex_text = exif.hex()
    lines = "\n".join(hex_text[i:i + 72] for i in range(0, len(hex_text), 72))
    return f"\nexif\n{len(exif):8d}\n{lines}\n".encode("latin-1")


def png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    body = chunk_type + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def ztxt_chunk(keyword: str, text: bytes) -> bytes:
    return png_chunk(b"zTXt", keyword.encode("latin-1") + b"\x00\x00" + zlib.compress(text))


def png_metadata_chunks(model: str, *, with_cabx: bool,
                        jumbf_bytes: int = OBSERVED_JUMBF_BYTES) -> list[bytes]:
    chunks = [ztxt_chunk("Raw profile type exif", raw_profile_exif())]
    if with_cabx:
        chunks.append(png_chunk(b"caBX", jumbf_stub(model, jumbf_bytes)))
    return chunks
