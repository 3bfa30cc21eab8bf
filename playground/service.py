"""Generate, fan out, retry and time: the only place that does API I/O (STYLE.md).

Timing truth (issue 3 §3): the clock starts right before the request is sent (after any token
refresh), `ttfb_s` is read when httpx hands us the parsed response headers of a streamed
request, and `total_s` when the last body byte has been read; all on time.perf_counter().
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import httpx

from playground import catalog
from playground.auth import ApiKeyAuth, GoogleCredentialsAuth, auth_for
from playground.backends import gemini_api, vertex
from playground.backends.wire import WireRequest, parse_response, status_of
from playground.capabilities import check_request, errors_of
from playground.config import Settings, missing_config_message
from playground.errors import (
    ApiError,
    ConfigError,
    PlaygroundError,
    ResponseShapeError,
    TransportError,
    UnsupportedOptionError,
    error_from_body,
)
from playground.imaging import describe_image, format_name
from playground.models import Attempt, GenerationResult, ImageRequest, Timing
from playground.redaction import redact_json, redact_text
from playground.storage.history import HistoryStore

USER_AGENT = "banana-split/0.1"


@dataclass(frozen=True)
class ProgressEvent:
    platform: str
    attempt: int
    state: str  # "sending" | "retrying" | "done" | "failed"
    elapsed_s: float
    detail: str = ""


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass(frozen=True)
class RetryPolicy:
    """Retries on 429/500/502/503/504, timeouts and dropped connections (issue 3 §2)."""

    retries: int = 2
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    max_total_s: float = 900.0

    def delay(self, attempt: int, error: PlaygroundError, rng: random.Random) -> float:
        """RetryInfo's delay when the server gave one, else exponential backoff with jitter."""
        if isinstance(error, ApiError) and error.retry_delay_s is not None:
            return error.retry_delay_s
        backoff = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return backoff * rng.uniform(0.5, 1.0)


def make_client(settings: Settings, *, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The transport is the seam: production, emulator and tests differ only here."""
    return httpx.Client(
        transport=transport, timeout=httpx.Timeout(settings.timeout_s, connect=10.0),
        headers={"user-agent": USER_AGENT}, follow_redirects=False,
        limits=httpx.Limits(max_connections=128, max_keepalive_connections=64),
    )


# --- backends --------------------------------------------------------------------------------


class Backend:
    """One configured platform: where to send, how to authenticate, how to build requests."""

    def __init__(self, platform: str, settings: Settings) -> None:
        problem = missing_config_message(platform, settings)
        if problem:
            raise ConfigError(problem, hint=problem)
        self.platform = platform
        self.settings = settings
        self.auth: ApiKeyAuth | GoogleCredentialsAuth = auth_for(platform, settings)

    @property
    def is_demo(self) -> bool:
        return self.platform in self.settings.demo_platforms

    def _vertex_kwargs(self) -> dict[str, Any]:
        v = self.settings.vertex
        return {"base_url": v.resolved_base_url, "project": v.project, "location": v.location,
                "express": v.is_express, "api_version": v.api_version}

    def build(self, req: ImageRequest) -> WireRequest:
        if self.platform == "aistudio":
            a = self.settings.aistudio
            return gemini_api.build_request(req, base_url=a.base_url, api_version=a.api_version)
        return vertex.build_request(req, **self._vertex_kwargs())

    def build_raw(self, body: dict[str, Any], model: str) -> WireRequest:
        if self.platform == "aistudio":
            a = self.settings.aistudio
            return gemini_api.build_raw_request(body, model, base_url=a.base_url,
                                                api_version=a.api_version)
        return vertex.build_raw_request(body, model, **self._vertex_kwargs())

    def build_get(self, model: str) -> WireRequest:
        if self.platform == "aistudio":
            a = self.settings.aistudio
            return gemini_api.build_get_model(model, base_url=a.base_url, api_version=a.api_version)
        return vertex.build_get_model(model, **self._vertex_kwargs())


# --- one HTTP exchange -----------------------------------------------------------------------


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
    content = wire.content()
    timeout = httpx.Timeout(timeout_s, connect=10.0) if timeout_s else httpx.USE_CLIENT_DEFAULT
    start = time.perf_counter()
    ttfb_s: float | None = None
    try:
        with client.stream(wire.method, wire.url, content=content or None, headers=wire.headers,
                           auth=auth, timeout=timeout) as response:
            ttfb_s = time.perf_counter() - start
            body = response.read()
            total_s = time.perf_counter() - start
            return RawReply(response.status_code, body, ttfb_s, total_s, len(content),
                            response.num_bytes_downloaded)
    except httpx.TimeoutException as exc:
        raise _transport_error(exc, "timeout", start, ttfb_s) from None
    except httpx.HTTPError as exc:
        raise _transport_error(exc, "connection", start, ttfb_s) from None


def _transport_error(exc: Exception, kind: str, start: float, ttfb_s: float | None) -> TransportError:
    elapsed = time.perf_counter() - start
    when = "before the response headers" if ttfb_s is None else "while reading the body"
    if kind == "timeout":
        err = TransportError(
            f"Timed out after {elapsed:.1f} s {when} ({type(exc).__name__}).",
            hint="Image models can take over 100 s at 4K: raise the timeout, or retry.",
            error_class="timeout",
        )
    else:
        err = TransportError(
            f"The connection failed {when} after {elapsed:.1f} s: {type(exc).__name__}: {exc}",
            hint="Check the network and the base URL; a dropped connection is usually worth a retry.",
            error_class="connection",
        )
    err.elapsed_s = elapsed  # type: ignore[attr-defined]
    err.ttfb_s = ttfb_s  # type: ignore[attr-defined]
    return err


# --- generate --------------------------------------------------------------------------------


def generate(req: ImageRequest, platform: str, settings: Settings, *, client: httpx.Client,
             store: HistoryStore | None = None, policy: RetryPolicy | None = None,
             timeout_s: float | None = None, on_progress: ProgressCallback | None = None,
             cancel: threading.Event | None = None, raw_body: dict[str, Any] | None = None,
             group_id: str | None = None, backend: Backend | None = None,
             rng: random.Random | None = None) -> GenerationResult:
    """Send `req` to one platform with retries; the result is saved before it is returned."""
    result = GenerationResult(backend=platform, request=req, status="error", model=req.model,  # type: ignore[arg-type]
                              created_at=time.time(), group_id=group_id)
    try:
        backend = backend or Backend(platform, settings)
        problems = errors_of(check_request(req, platform)) if raw_body is None else []
        if problems:
            raise UnsupportedOptionError(" ".join(p.message for p in problems),
                                         hint=problems[0].message)
        wire = backend.build_raw(raw_body, req.model) if raw_body is not None else backend.build(req)
        result.notes.extend(wire.notes)
        result.request_json = redact_json(wire.body, settings.secrets())
        result.request_url = redact_text(wire.url, settings.secrets())
        if raw_body is not None:
            result.notes.append("Sent raw: the body went out exactly as written, without the "
                                "fixes Banana Split normally applies (such as role: user).")
        _run_attempts(result, wire, backend, client, store, policy or RetryPolicy(settings.retries),
                      timeout_s, on_progress, cancel, rng or random.Random())
    except PlaygroundError as exc:
        result.status = "error"
        result.error = exc.to_info()
    result.error = _redacted_error(result, settings)
    if store is not None:
        store.save(result)
    return result


def _redacted_error(result: GenerationResult, settings: Settings) -> Any:
    err = result.error
    if err is None:
        return None
    secrets = settings.secrets()
    err.message = redact_text(err.message, secrets)
    err.hint = redact_text(err.hint, secrets)
    err.raw = redact_text(err.raw, secrets) if err.raw else err.raw
    return err


def _run_attempts(result: GenerationResult, wire: WireRequest, backend: Backend,
                  client: httpx.Client, store: HistoryStore | None, policy: RetryPolicy,
                  timeout_s: float | None, on_progress: ProgressCallback | None,
                  cancel: threading.Event | None, rng: random.Random) -> None:
    platform = backend.platform
    started = time.perf_counter()

    def emit(attempt: int, state: str, detail: str = "") -> None:
        if on_progress:
            on_progress(ProgressEvent(platform, attempt, state, time.perf_counter() - started, detail))

    for number in range(1, policy.retries + 2):
        emit(number, "sending")
        attempt = Attempt(number=number, started_at=time.time(), http_status=None, ttfb_s=None,
                          total_s=None)
        result.attempts.append(attempt)
        error = _attempt_once(result, attempt, wire, backend, client, store, timeout_s)
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
        emit(number, "retrying", f"{attempt.error_class} — next attempt in {delay:.1f} s")
        if cancel is not None and cancel.wait(delay):
            result.notes.append("Cancelled while waiting to retry.")
            break
        if cancel is None:
            time.sleep(delay)
    result.status = "error"
    emit(len(result.attempts), "failed", result.error.message if result.error else "")


def _attempt_once(result: GenerationResult, attempt: Attempt, wire: WireRequest, backend: Backend,
                  client: httpx.Client, store: HistoryStore | None,
                  timeout_s: float | None) -> PlaygroundError | None:
    try:
        reply = send(client, wire, backend.auth, timeout_s=timeout_s)
    except TransportError as exc:
        attempt.total_s = getattr(exc, "elapsed_s", None)
        attempt.ttfb_s = getattr(exc, "ttfb_s", None)
        attempt.error_class, attempt.error_message = exc.error_class, exc.message
        return exc
    attempt.http_status, attempt.ttfb_s, attempt.total_s = reply.status_code, reply.ttfb_s, reply.total_s
    attempt.request_bytes, attempt.response_bytes = reply.request_bytes, reply.response_bytes
    result.http_status = reply.status_code
    result.timing = Timing(reply.ttfb_s, reply.total_s)
    result.request_bytes, result.response_bytes = reply.request_bytes, reply.response_bytes
    if reply.status_code >= 300:
        error = error_from_body(reply.status_code, reply.body, platform=backend.platform)
        attempt.error_class = _error_class(reply.status_code, error)
        attempt.error_message = error.message
        return error
    try:
        _fill_success(result, reply.body, store)
    except ResponseShapeError as exc:
        attempt.error_class, attempt.error_message = "shape", exc.message
        return exc
    return None


def _error_class(http_status: int, error: PlaygroundError) -> str:
    return str(http_status) if isinstance(error, ApiError) else f"{http_status}-shape"


def _fill_success(result: GenerationResult, body: bytes, store: HistoryStore | None) -> None:
    parsed = parse_response(body)
    req = result.request
    requested = catalog.dimensions_for(req.model, req.aspect_ratio, req.image_size)
    for image in parsed.images:
        facts = describe_image(image.data, declared_mime=image.declared_mime,
                               is_draft=image.is_draft, requested=requested)
        if store is not None:
            store.store_image(image.data, facts)
        result.images.append(facts)
    result.texts, result.thought_texts = parsed.texts, parsed.thought_texts
    result.thought_signatures = parsed.thought_signatures
    result.finish_reason, result.finish_message = parsed.finish_reason, parsed.finish_message
    result.block_reason, result.usage = parsed.block_reason, parsed.usage
    result.model_version, result.response_id = parsed.model_version, parsed.response_id
    result.cost_usd = catalog.estimate_cost(req.model, parsed.usage)
    status, explanation = status_of(parsed)
    result.status, result.explanation = status, explanation  # type: ignore[assignment]
    result.error = None
    result.notes.extend(_fact_notes(result))


def _fact_notes(result: GenerationResult) -> list[str]:
    notes: list[str] = []
    for img in result.images:
        which = "Draft image" if img.is_draft else "Image"
        if img.is_mislabelled:
            notes.append(f"{which} declared {img.declared_mime} but its bytes are "
                         f"{format_name(img.sniffed_mime)} (sniffed from magic bytes).")
        if img.size_mismatch and not img.is_draft:
            notes.append(f"Requested {img.requested_width}×{img.requested_height} but got "
                         f"{img.width}×{img.height}: the image size was not honoured.")
    drafts = len(result.draft_images)
    if drafts:
        notes.append(f"{drafts} draft (thought) image{'s' if drafts > 1 else ''} came before the "
                     "final image; they are kept apart and may be billed.")
    return notes


# --- fan-out ---------------------------------------------------------------------------------


def generate_many(req: ImageRequest, platforms: list[str], settings: Settings, *,
                  client: httpx.Client, store: HistoryStore | None = None,
                  on_result: Callable[[GenerationResult], None] | None = None,
                  **kwargs: Any) -> dict[str, GenerationResult]:
    """Run one request on several platforms at once; wall time ≈ the slowest, not the sum."""
    group_id = uuid.uuid4().hex[:12] if len(platforms) > 1 else None
    results: dict[str, GenerationResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, len(platforms)),
                            thread_name_prefix="fanout") as pool:
        futures = {
            pool.submit(generate, req, p, settings, client=client, store=store,
                        group_id=group_id, **kwargs): p
            for p in platforms
        }
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if on_result:
                on_result(result)
    return {p: results[p] for p in platforms}
