"""Putting a reply on the wire at the right moments.

Headers leave at `headers_at` (a loop-clock deadline counted from the request's arrival, so the
time spent rendering is part of the wait, as with the real API). The body then goes out in
pieces spread evenly by bytes over `body_s`, the last byte at exactly headers_at + body_s.
Delivery faults cut the body short: `truncated` ends it cleanly mid-JSON; `drop` advertises the
full length, sends part, then aborts the connection (the ASGI way: raise after the response
started; the server closes the socket and the client reads an incomplete body).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import anyio
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from playground.emulator.errors import EmulatorError

JSON_TYPE = "application/json; charset=UTF-8"
#: Body pieces: at least 50 ms and 64 KiB apart (every send costs event-loop time, and 32
#: responses due at once must not make each other late), at most 200 per reply.
_MIN_INTERVAL_S = 0.05
_MIN_PIECE_BYTES = 64 * 1024
_MAX_SENDS = 200
_GOOGLE_HEADERS = (
    (b"vary", b"Origin, X-Origin, Referer"),
    (b"server", b"scaffolding on HTTPServer2"),
    (b"x-xss-protection", b"0"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-banana-split-emulator", b"1"),  # honest marker: this is not Google
)


class ConnectionDropped(EmulatorError):
    """Raised on purpose to make the server abort the connection (the `drop` fault)."""


@dataclass
class Reply:
    status: int
    pieces: list[bytes]
    content_type: str = JSON_TYPE
    streamed: bool = False  # chunked transfer, no Content-Length
    drop_at: int | None = None  # abort the connection after this many body bytes

    @property
    def size(self) -> int:
        return sum(len(piece) for piece in self.pieces)

    def truncate(self, keep: int) -> None:
        """Keep only the first `keep` bytes; the reply still ends cleanly (`truncated`)."""
        self.pieces = _cut(self.pieces, keep)


def _cut(pieces: list[bytes], keep: int) -> list[bytes]:
    out, left = [], keep
    for piece in pieces:
        if left <= 0:
            break
        out.append(piece[:left])
        left -= len(piece)
    return out


class TimedResponse(Response):
    def __init__(self, reply: Reply, headers_at: float, body_s: float) -> None:
        super().__init__(status_code=reply.status)
        self.reply = reply
        self.headers_at = headers_at
        self.body_s = body_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        reply = self.reply
        headers = [(b"content-type", reply.content_type.encode()), *_GOOGLE_HEADERS]
        if not reply.streamed:
            headers.append((b"content-length", str(reply.size).encode()))
        await _sleep_until(self.headers_at)
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        pieces = reply.pieces if reply.drop_at is None else _cut(reply.pieces, reply.drop_at)
        start = anyio.current_time()
        plan = _schedule_events(pieces, self.body_s) if reply.streamed \
            else _schedule(pieces, self.body_s)
        for index, (offset_s, chunk) in enumerate(plan):
            await _sleep_until(start + offset_s)
            is_last = index == len(plan) - 1 and reply.drop_at is None
            await send({"type": "http.response.body", "body": chunk, "more_body": not is_last})
        if reply.drop_at is not None:
            raise ConnectionDropped("drop fault: connection aborted mid-body on purpose")
        if not plan:
            await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _sleep_until(deadline: float) -> None:
    delay = deadline - anyio.current_time()
    if delay > 0:
        await anyio.sleep(delay)


def _schedule_events(pieces: list[bytes], body_s: float) -> list[tuple[float, bytes]]:
    """Stream events keep their own writes (a mid-stream error is its own chunk after the
    events before it, never merged into one); each event's bytes are spread over its share of
    `body_s`, so the last byte still leaves at body_s."""
    pieces = [p for p in pieces if p]
    total = sum(len(p) for p in pieces)
    plan: list[tuple[float, bytes]] = []
    done = 0
    for piece in pieces:
        start = body_s * done / total if total else 0.0
        for offset_s, chunk in _schedule([piece], body_s * len(piece) / total if total else 0.0):
            plan.append((start + offset_s, chunk))
        done += len(piece)
    return plan


def _schedule(pieces: list[bytes], body_s: float) -> list[tuple[float, bytes]]:
    """(offset from headers, chunk) pairs; with body_s > 0, evenly spread by bytes."""
    pieces = [p for p in pieces if p]
    total = sum(len(p) for p in pieces)
    if body_s <= 0 or total == 0:
        return [(0.0, p) for p in pieces]
    sends = max(1, min(_MAX_SENDS, math.ceil(body_s / _MIN_INTERVAL_S),
                        math.ceil(total / _MIN_PIECE_BYTES)))
    data = memoryview(b"".join(pieces))
    bounds = [round(total * k / sends) for k in range(sends + 1)]
    return [(body_s * bounds[k + 1] / total, bytes(data[bounds[k]:bounds[k + 1]]))
            for k in range(sends) if bounds[k + 1] > bounds[k]]
