"""The timed HTTP exchange, the retry policy and the shared httpx client.

Timing truth: the clock starts right before the request is sent (after any token refresh),
`ttfb_s` is read when httpx hands over the response headers of a streamed request, and
`total_s` when the last body byte has been read; all on time.perf_counter().
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import httpx

from playground.clients.base import WireRequest
from playground.config import DEFAULT_MAX_RETRY_WAIT_S, Settings
from playground.domain.errors import ApiError, PlaygroundError, TransportError

USER_AGENT = "banana-split/0.1"



@dataclass(frozen=True)
class RetryPolicy:
    """Retries on 429/500/502/503/504, timeouts and dropped connections."""

    retries: int = 2
    base_delay_s: float = 1.0
    max_delay_s: float = DEFAULT_MAX_RETRY_WAIT_S  # no single wait is longer, advice included
    max_total_s: float = 900.0

    def delay(self, attempt: int, error: PlaygroundError, rng: random.Random) -> float:
        """RetryInfo's delay when the server gave one, else exponential backoff with jitter;
        either way at most `max_delay_s` (see `advised`)."""
        advised = self.advised(error)
        if advised is not None:
            return min(advised, self.max_delay_s)
        backoff = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return backoff * rng.uniform(0.5, 1.0)

    @classmethod
    def from_settings(cls, settings: Settings, retries: int | None = None) -> RetryPolicy:
        """The user's retries and wait cap (PLAYGROUND_RETRIES, PLAYGROUND_MAX_RETRY_WAIT_S):
        a 53 s RetryInfo must not stall a call unless the cap allows it."""
        return cls(settings.retries if retries is None else retries,
                   max_delay_s=settings.max_retry_wait_s)

    @staticmethod
    def advised(error: PlaygroundError) -> float | None:
        """The wait the server asked for (RetryInfo or "Please retry in Ns"), if any."""
        return error.retry_delay_s if isinstance(error, ApiError) else None


def make_client(settings: Settings, *, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The transport is the seam: production, emulator and tests differ only here."""
    return httpx.Client(
        transport=transport, timeout=httpx.Timeout(settings.timeout_s, connect=10.0),
        headers={"user-agent": USER_AGENT}, follow_redirects=False,
        limits=httpx.Limits(max_connections=128, max_keepalive_connections=64),
    )


@dataclass
class RawReply:
    status_code: int
    body: bytes
    ttfb_s: float
    total_s: float
    request_bytes: int
    response_bytes: int


def send(client: httpx.Client, wire: WireRequest, auth: httpx.Auth, *,
         timeout_s: float | None = None) -> RawReply:
    """One timed exchange. Token refresh happens before the clock starts."""
    prepare = getattr(auth, "prepare", None)
    if prepare:
        prepare()
    chunks = wire.chunks()  # built before the clock starts: encoding is not latency
    size = sum(len(c) for c in chunks)
    headers = dict(wire.headers)
    content: bytes | list[bytes] | None = None
    if len(chunks) == 1:
        content = chunks[0] or None
    elif chunks:  # large images: sent from the pieces, never joined into one 90 MB buffer
        content, headers["Content-Length"] = chunks, str(size)
    timeout = httpx.Timeout(timeout_s, connect=10.0) if timeout_s else httpx.USE_CLIENT_DEFAULT
    start = time.perf_counter()
    ttfb_s: float | None = None
    try:
        with client.stream(wire.method, wire.url, content=content, headers=headers,
                           auth=auth, timeout=timeout) as response:
            ttfb_s = time.perf_counter() - start
            body = response.read()
            total_s = time.perf_counter() - start
            return RawReply(response.status_code, body, ttfb_s, total_s, size,
                            response.num_bytes_downloaded)
    except httpx.TimeoutException as exc:
        raise _transport_error(exc, "timeout", start, ttfb_s) from None
    except httpx.HTTPError as exc:
        raise _transport_error(exc, "connection", start, ttfb_s) from None


def _transport_error(exc: Exception, kind: str, start: float, ttfb_s: float | None) -> TransportError:
    elapsed = time.perf_counter() - start
    when = "before the response headers" if ttfb_s is None else "while reading the body"
    if kind == "timeout":
        return TransportError(
            f"Timed out after {elapsed:.1f} s {when} ({type(exc).__name__}).",
            hint="Image models can take over 100 s at 4K: raise the timeout, or retry.",
            error_class="timeout", elapsed_s=elapsed, ttfb_s=ttfb_s,
        )
    return TransportError(
        f"The connection failed {when} after {elapsed:.1f} s: {type(exc).__name__}: {exc}",
        hint="Check the network and the base URL; a dropped connection is usually worth a retry.",
        error_class="connection", elapsed_s=elapsed, ttfb_s=ttfb_s,
    )
