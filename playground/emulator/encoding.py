"""JSON bytes as Google's front ends write them, with large values spliced in, never escaped.

Images travel as `Blob` (raw bytes, base64-encoded on the way out) and thought signatures as
`Encoded` (already base64 text) inside the response dicts; both are spliced into the encoded
JSON as bytes, so a 20 MB image or a 1.4 MB signature is never escaped or copied through
`json.dumps`.

Layouts (docs/emulator.md "Streaming"): non-streamed bodies pretty-printed with a 2-space
indent; SSE events `data: {"a": 1,"b": 2}` (space after the colon, none after the comma) ended
by CRLF CRLF; the AI Studio JSON-array stream `[{…},\\r\\n{…}]`; the Vertex one `[\\n{…},\\n{…}\\n]`
(the infinigence/octollm Vertex stream test).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

_MARK = "@@banana-split-splice@@"


@dataclass(frozen=True)
class Blob:
    """Raw bytes, sent as standard base64."""

    data: bytes


@dataclass(frozen=True)
class Encoded:
    """Text that is already safe inside a JSON string (base64), sent as is."""

    text: bytes


def encode_json(obj: Any, *, pretty: bool) -> list[bytes]:
    """JSON bytes as pieces, with every Blob and Encoded spliced in."""
    splices: list[Blob | Encoded] = []

    def placeholder(value: Any) -> str:
        if isinstance(value, Blob | Encoded):
            splices.append(value)
            return f"{_MARK}{len(splices) - 1}{_MARK}"
        raise TypeError(f"cannot encode {type(value).__name__}")

    if pretty:
        text = json.dumps(obj, indent=2, ensure_ascii=False, default=placeholder)
    else:  # Google's one-line form: no space after commas, one after colons
        text = json.dumps(obj, separators=(",", ": "), ensure_ascii=False, default=placeholder)
    pieces = text.split(_MARK)
    return [_spliced(splices[int(piece)]) if k % 2 else piece.encode()
            for k, piece in enumerate(pieces)]


def _spliced(value: Blob | Encoded) -> bytes:
    return base64.b64encode(value.data) if isinstance(value, Blob) else value.text


def encode_sse(chunks: list[dict[str, Any]], line_end: str = "\r\n") -> list[bytes]:
    """`data: {json}` events; each event is one piece so images stay whole."""
    end = (line_end * 2).encode()
    return [b"".join([b"data: ", *encode_json(chunk, pretty=False), end]) for chunk in chunks]


def encode_json_array(chunks: list[dict[str, Any]], platform: str) -> list[bytes]:
    """The stream without `alt=sse`: one JSON array, one element per piece, then the `]`."""
    first, between, last = (b"[\n", b",\n", b"\n]") if platform == "vertex" \
        else (b"[", b",\r\n", b"]")
    pieces = []
    for index, chunk in enumerate(chunks):
        lead = first if index == 0 else between
        pieces.append(b"".join([lead, *encode_json(chunk, pretty=True)]))
    pieces.append(last)
    return pieces
