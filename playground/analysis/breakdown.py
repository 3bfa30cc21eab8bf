"""Where the bytes of one image file go: pixel data, metadata, container overhead, trailing data.

- metadata: exactly `imaging.metadata_segments` (JPEG APPn/COM before the first scan, PNG
  ancillary chunks, WebP EXIF/XMP/ICCP), each with its own framing bytes;
- pixel data: JPEG entropy-coded scan bytes (all scans, restart markers included), PNG IDAT
  payloads plus PLTE/tRNS payloads (needed to rebuild the pixels), WebP VP8/VP8L/ALPH/ANMF
  payloads;
- container: everything else before the end marker (signature, headers, quantisation and Huffman
  tables, chunk lengths and CRCs);
- trailing: bytes after JPEG EOI / PNG IEND / the RIFF size, which decoders ignore.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from playground.analysis.decoding import AnalysisInputError
from playground.domain import imaging
from playground.domain.types import Segment

_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")  # a marker that is not RSTn or stuffing
_PNG_PIXEL_CHUNKS = {b"IDAT", b"PLTE", b"tRNS"}
_WEBP_PIXEL_CHUNKS = {b"VP8 ", b"VP8L", b"ALPH", b"ANMF"}


@dataclass(frozen=True)
class ByteBreakdown:
    mime: str  # sniffed from magic bytes
    format: str  # "PNG", "JPEG", …
    width: int | None
    height: int | None
    size_bytes: int
    pixel_bytes: int
    metadata_bytes: int
    container_bytes: int
    trailing_bytes: int
    segments: tuple[Segment, ...]
    is_parsed: bool  # False: a format whose container we do not walk (GIF, HEIF, AVIF)

    @property
    def pixel_count(self) -> int | None:
        return self.width * self.height if self.width and self.height else None

    @property
    def bytes_per_pixel(self) -> float | None:
        n = self.pixel_count
        return self.size_bytes / n if n else None

    @property
    def bits_per_pixel(self) -> float | None:
        bpp = self.bytes_per_pixel
        return bpp * 8 if bpp is not None else None

    def share(self, part_bytes: int) -> float:
        return part_bytes / self.size_bytes if self.size_bytes else 0.0


def byte_breakdown(data: bytes) -> ByteBreakdown:
    """Split one file's bytes; raises AnalysisInputError for empty or unrecognised bytes."""
    if not data:
        raise AnalysisInputError("The image has no bytes: the file is empty or was deleted.",
                                 hint="Re-run the generation or pick another image.")
    mime = imaging.sniff_format(data)
    if mime == "application/octet-stream":
        raise AnalysisInputError(
            f"These {len(data)} bytes are not a PNG, JPEG, WebP, GIF, HEIF or AVIF file "
            "(unknown magic bytes).", hint="Check that the file is a complete image.")
    walkers = {"image/png": png_pixel_and_end, "image/jpeg": jpeg_pixel_and_end,
               "image/webp": webp_pixel_and_end}
    segments = tuple(imaging.metadata_segments(data))
    metadata = sum(s.size_bytes for s in segments)
    walker = walkers.get(mime)
    if walker is None:
        pixel, end = len(data) - metadata, len(data)
    else:
        pixel, end = walker(data)
    dims = imaging.read_dimensions(data)
    return ByteBreakdown(
        mime=mime, format=imaging.format_name(mime), width=dims[0] if dims else None,
        height=dims[1] if dims else None, size_bytes=len(data), pixel_bytes=pixel,
        metadata_bytes=metadata, container_bytes=max(0, end - pixel - metadata),
        trailing_bytes=len(data) - end, segments=segments, is_parsed=walker is not None,
    )


def png_pixel_and_end(data: bytes) -> tuple[int, int]:
    """(pixel payload bytes, offset just after IEND or where the chunks stop making sense)."""
    pos, pixel = 8, 0
    while pos + 12 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        end = min(len(data), pos + 12 + length)
        if ctype in _PNG_PIXEL_CHUNKS:
            pixel += max(0, min(length, len(data) - pos - 8))
        pos = end
        if ctype == b"IEND":
            break
    return pixel, min(pos, len(data))


def jpeg_pixel_and_end(data: bytes) -> tuple[int, int]:
    """(entropy-coded scan bytes, offset just after EOI)."""
    pos, pixel = 2, 0
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:  # garbage between segments: give up, count the rest as container
            return pixel, len(data)
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:  # EOI
            return pixel, pos + 2
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:
            pos += 2
            continue
        if pos + 4 > len(data):
            break
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        pos += 2 + length
        if marker == 0xDA:  # SOS: entropy-coded data follows the header
            found = _SCAN_END.search(data, pos)
            scan_end = found.start() if found else len(data)
            pixel += max(0, scan_end - pos)
            pos = scan_end
    return pixel, min(pos, len(data))


def webp_pixel_and_end(data: bytes) -> tuple[int, int]:
    """(VP8/VP8L/ALPH/ANMF payload bytes, end of the RIFF container)."""
    (riff_size,) = struct.unpack("<I", data[4:8]) if len(data) >= 8 else (0,)
    end = min(len(data), 8 + riff_size)
    pos, pixel = 12, 0
    while pos + 8 <= end:
        ctype, length = struct.unpack("<4sI", data[pos:pos + 8])
        if ctype in _WEBP_PIXEL_CHUNKS:
            pixel += max(0, min(length, end - pos - 8))
        pos += 8 + length + (length & 1)
    return pixel, end
