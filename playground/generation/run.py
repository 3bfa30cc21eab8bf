"""Generate: one request to one platform, with retries (fanning out is fanout.py).

`generate()` returns the result, image bytes included, and stores nothing: the caller saves it
(`store.save(result)`), as simonw/llm's `after_response` hook does. Each attempt is timed by
`clients.http.send`; every attempt, failed or not, is kept in `result.attempts`.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx

from playground.clients.base import Platform, WireRequest
from playground.clients.google_errors import error_from_body
from playground.clients.http import RetryPolicy, send
from playground.domain.errors import (
    ApiError,
    PlaygroundError,
    ResponseShapeError,
    TransportError,
    UnsupportedOptionError,
)
from playground.domain.options import RequestCheck, check_request
from playground.domain.redaction import redact_result
from playground.domain.types import Attempt, GenerationResult, ImageRequest, Timing


@dataclass(frozen=True)
class ProgressEvent:
    platform: str
    attempt: int
    state: str  # "sending" | "retrying" | "done" | "failed"
    elapsed_s: float
    detail: str = ""
    variant: int | None = None

    @property
    def key(self) -> str:
        """The slot it belongs to: "aistudio", or "aistudio#2" for a second variant."""
        return self.platform if self.variant is None else f"{self.platform}#{self.variant}"


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass(frozen=True)
class RunOptions:
    """How to run a request: everything but the request, the platform and the client."""

    policy: RetryPolicy | None = None  # None: the settings' retries, default backoff
    timeout_s: float | None = None  # per attempt; None: the client's (settings) timeout
    on_progress: ProgressCallback | None = None
    cancel: threading.Event | None = None
    group_id: str | None = None  # shared by the results of one fan-out ("Both") run
    variant: int | None = None  # 1-based place among the variants of one run (fanout.py)
    rng: random.Random | None = None
    raw_body: dict[str, Any] | None = None  # send this body exactly as written ("send raw")
    #: Called with the result right before the first attempt leaves: the caller writes its
    #: "pending" row there, so a process killed mid-request still leaves a trace.
    before_send: Callable[[GenerationResult], object] | None = None

    def with_(self, **changes: Any) -> RunOptions:
        return replace(self, **changes)


DEFAULTS = RunOptions()


def generate(request: ImageRequest | RequestCheck, platform: Platform, *, client: httpx.Client,
             options: RunOptions = DEFAULTS) -> GenerationResult:
    """Send one request to one platform with retries; every failure becomes an error result."""
    check = request if isinstance(request, RequestCheck) else check_request(request, [platform.name])
    req = check.request
    result = GenerationResult(backend=platform.name, request=req, status="error", model=req.model,
                              created_at=time.time(), group_id=options.group_id,
                              variant=options.variant)
    try:
        auth = platform.auth  # loads the credentials: a ConfigError here ends before any I/O
        wire = _wire(check, platform, options.raw_body)
        result.notes.extend(wire.notes)
        result.request_json, result.request_url = wire.shown_body, wire.url
        if options.raw_body is not None:
            result.notes.append("Sent raw: the body went out exactly as written, without the "
                                "fixes Banana Split normally applies (such as role: user).")
        policy = options.policy or RetryPolicy.from_settings(platform.settings)
        if options.before_send is not None:
            options.before_send(result)
        _run_attempts(result, wire, platform, auth, client, policy, options)
    except PlaygroundError as exc:
        result.status = "error"
        result.error = exc.to_info()
    redact_result(result, platform.secrets())  # after the attempts: the token is known now
    return result


def _wire(check: RequestCheck, platform: Platform, raw_body: dict[str, Any] | None) -> WireRequest:
    if raw_body is not None:
        return platform.build_raw(raw_body, check.request.model, check.request)
    problems = check.errors(platform.name)
    if problems:
        raise UnsupportedOptionError(" ".join(problems), hint=problems[0])
    return platform.build(check.request, check.for_platform(platform.name))


def _run_attempts(result: GenerationResult, wire: WireRequest, platform: Platform,
                  auth: httpx.Auth, client: httpx.Client, policy: RetryPolicy,
                  options: RunOptions) -> None:
    started = time.perf_counter()
    rng = options.rng or random.Random()
    cancel = options.cancel

    def emit(attempt: int, state: str, detail: str = "") -> None:
        if options.on_progress:
            options.on_progress(ProgressEvent(platform.name, attempt, state,
                                              time.perf_counter() - started, detail,
                                              options.variant))

    for number in range(1, policy.retries + 2):
        emit(number, "sending")
        attempt = Attempt(number=number, started_at=time.time(), http_status=None, ttfb_s=None,
                          total_s=None)
        result.attempts.append(attempt)
        error = _attempt_once(result, attempt, wire, platform, auth, client, options.timeout_s)
        if error is None:
            emit(number, "done")
            return
        result.error = error.to_info()
        retryable = getattr(error, "is_retryable", False)
        if not retryable or number > policy.retries:
            break
        delay = policy.delay(number, error, rng)
        if time.perf_counter() - started + delay > policy.max_total_s:
            result.notes.append(f"Stopped retrying: waiting {delay:.1f} s more would pass the "
                                f"{policy.max_total_s:.0f} s total cap.")
            break
        attempt.retry_delay_s = round(delay, 3)
        advised = policy.advised(error)
        if advised is not None and advised > delay:
            attempt.retry_advice_s = round(advised, 3)
            attempt.error_message = (f"{attempt.error_message} [the server advised waiting "
                                     f"{advised:g} s; capped at {delay:g} s by the retry policy]")
        emit(number, "retrying", f"{attempt.error_class} — next attempt in {delay:.1f} s")
        if cancel is not None and cancel.wait(delay):
            result.notes.append("Cancelled while waiting to retry.")
            break
        if cancel is None:
            time.sleep(delay)
    result.status = "error"
    emit(len(result.attempts), "failed", result.error.message if result.error else "")


def _attempt_once(result: GenerationResult, attempt: Attempt, wire: WireRequest,
                  platform: Platform, auth: httpx.Auth, client: httpx.Client,
                  timeout_s: float | None) -> PlaygroundError | None:
    try:
        reply = send(client, wire, auth, timeout_s=timeout_s)
    except TransportError as exc:
        attempt.total_s, attempt.ttfb_s = exc.elapsed_s, exc.ttfb_s
        attempt.error_class, attempt.error_message = exc.error_class, exc.message
        return exc
    attempt.http_status, attempt.ttfb_s, attempt.total_s = reply.status_code, reply.ttfb_s, reply.total_s
    attempt.request_bytes, attempt.response_bytes = reply.request_bytes, reply.response_bytes
    result.http_status = reply.status_code
    result.timing = Timing(reply.ttfb_s, reply.total_s)
    result.request_bytes, result.response_bytes = reply.request_bytes, reply.response_bytes
    if reply.status_code >= 300:
        error = error_from_body(reply.status_code, reply.body, platform=platform.name)
        attempt.error_class = _error_class(reply.status_code, error)
        attempt.error_message = error.message
        return error
    try:
        platform.parse(reply.body, result)
    except ResponseShapeError as exc:
        attempt.error_class, attempt.error_message = "shape", exc.message
        return exc
    except ApiError as exc:  # an error the server sent after the stream opened
        attempt.error_class, attempt.error_message = f"{exc.http_status}-stream", exc.message
        return exc
    return None


def _error_class(http_status: int, error: PlaygroundError) -> str:
    return str(http_status) if isinstance(error, ApiError) else f"{http_status}-shape"
