"""OpenAI's answer shapes from stored results, the `x-banana-*` headers, and results → errors.

A 200 from Google without an image is an error here (400 `content_policy_violation` or
`no_image`, naming finishReason and finishMessage), never an empty `data`. Google's status,
reason and Banana Split's hint go inside the message; RetryInfo becomes `retry-after-ms`.
Base64 is spliced into the JSON as bytes (pybase64, as clients/parse.py decodes), so a 4K
answer costs one encode and one join, not a JSON scan of 27 MB.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from playground.clients.google_errors import error_from_body
from playground.domain.errors import ApiError
from playground.domain.imaging import format_name
from playground.domain.labels import platform_label
from playground.domain.types import GenerationResult, ImageFacts
from playground.gateway.errors import GatewayError
from playground.gateway.service import Outcome

try:  # SIMD base64, as the client decodes with (README "Dependencies")
    import pybase64

    def b64(data: bytes) -> bytes:
        return pybase64.b64encode(data)
except ImportError:  # pragma: no cover - pinned in requirements.txt
    import base64

    def b64(data: bytes) -> bytes:
        return base64.b64encode(data)


class Blob:
    """Bytes that go into a JSON string as they are (already base64, or a data URL)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


def encode(obj: Any) -> bytes:
    return b"".join(pieces(obj))


def pieces(obj: Any) -> list[bytes]:
    """json.dumps with every Blob spliced in as a JSON string, without scanning or copying it:
    the pieces go to the socket one after the other (app.py `PiecesResponse`)."""
    blobs: list[bytes] = []
    nonce = secrets.token_hex(6)

    def default(value: Any) -> str:
        if isinstance(value, Blob):
            blobs.append(value.data)
            return f"@@{nonce}-{len(blobs) - 1}@@"
        raise TypeError(f"{type(value).__name__} is not JSON")

    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=default).encode()
    out, start = [], 0
    for n, blob in enumerate(blobs):
        mark = f"@@{nonce}-{n}@@".encode()
        at = text.index(mark, start)
        out += [text[start:at], blob]
        start = at + len(mark)
    out.append(text[start:])
    return out


def data_url(img: ImageFacts, data: bytes) -> bytes:
    return b"data:" + img.sniffed_mime.encode() + b";base64," + b64(data)


# --- facts -------------------------------------------------------------------------------------


def image_facts(img: ImageFacts) -> dict[str, Any]:
    return {"sniffed_mime": img.sniffed_mime, "declared_mime": img.declared_mime,
            "bytes": img.size_bytes, "width": img.width, "height": img.height,
            "sha256": img.sha256, "requested_width": img.requested_width,
            "requested_height": img.requested_height}


def call_facts(r: GenerationResult) -> dict[str, Any]:
    """What Banana Split knows of one upstream call (the `banana` field of an answer)."""
    return {"history_id": r.id, "backend": r.backend, "model": r.model,
            "model_version": r.model_version, "status": r.status, "http_status": r.http_status,
            "finish_reason": r.finish_reason, "finish_message": r.finish_message,
            "attempts": len(r.attempts), "ttfb_s": r.timing.ttfb_s, "total_s": r.timing.total_s,
            "cost_usd": r.cost_usd, "image": image_facts(r.image) if r.image else None,
            "drafts_dropped": len(r.draft_images),
            "extra_final_images": max(0, len(r.final_images) - 1),
            "usage_metadata": asdict(r.usage) if r.usage else None, "notes": r.notes,
            "error": asdict(r.error) if r.error and r.status == "error" else None}


def banana_extra(outcome: Outcome) -> dict[str, Any]:
    job = outcome.job
    out: dict[str, Any] = {"requested_model": job.target.name, "platform": job.platform,
                           "model": job.info_id, "size_tier": job.size.tier,
                           "aspect_ratio": job.size.aspect_ratio,
                           "calls": [call_facts(r) for r in outcome.results]}
    if job.route is not None:
        out["route"] = job.route.header()
    if outcome.failed and outcome.succeeded:
        out["failures"] = [error_for(r).body()["error"] for r in outcome.failed]
    if outcome.storage_problems:  # the images are answered; their rows are incomplete
        out["history_problems"] = outcome.storage_problems
    return out


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.1f}"


def _ascii(value: str) -> str:
    return re.sub(r"[\r\n]+", " ", value).encode("ascii", "replace").decode()


def banana_headers(outcome: Outcome) -> dict[str, str]:
    """x-banana-*: what was really used and measured, per upstream call (comma-separated)."""
    results, job = outcome.results, outcome.job
    costs = [r.cost_usd for r in results]
    headers = {
        "x-banana-requested-model": job.target.name,
        "x-banana-backend": ",".join(r.backend for r in results) or job.platform,
        "x-banana-model": ",".join(dict.fromkeys(r.model for r in results)) or job.info_id,
        "x-banana-model-version": ",".join(r.model_version or "-" for r in results),
        "x-banana-status": ",".join(r.status for r in results),
        "x-banana-ttfb-ms": ",".join(_ms(r.timing.ttfb_s) for r in results),
        "x-banana-total-ms": ",".join(_ms(r.timing.total_s) for r in results),
        "x-banana-attempts": ",".join(str(len(r.attempts)) for r in results),
        "x-banana-images": ", ".join(
            f"{img.sniffed_mime} {img.size_bytes} {img.width}x{img.height}"
            for r in results if (img := r.image) is not None) or "none",
        "x-banana-cost-usd": _cost(costs),
        "x-banana-history-ids": ",".join(str(r.id) for r in results if r.id is not None),
    }
    if job.route is not None:
        headers["x-banana-route"] = job.route.header()
    return {k: _ascii(v) for k, v in headers.items()}


def _cost(costs: list[float | None]) -> str:
    """The estimated cost of all calls; "unknown" for a call whose counters were missing."""
    known = [c for c in costs if c is not None]
    if not known:
        return "unknown"
    text = f"{sum(known):.9f}".rstrip("0").rstrip(".")
    return text + (" + unknown" if len(known) < len(costs) else "")


def usage(results: Iterable[GenerationResult]) -> dict[str, Any]:
    """OpenAI's image usage from Google's counters; a counter Google did not send is null."""
    def total(name: str) -> int | None:
        values = [getattr(r.usage, name) for r in results if r.usage is not None]
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    results = list(results)
    prompt, image_in = total("prompt_tokens"), total("prompt_image_tokens")
    return {"input_tokens": prompt, "output_tokens": total("image_output_tokens"),
            "total_tokens": total("total_tokens"),
            "input_tokens_details": {
                "image_tokens": image_in or 0,
                "text_tokens": None if prompt is None else prompt - (image_in or 0)}}


# --- images ------------------------------------------------------------------------------------


def images_body(outcome: Outcome, base_url: str, links: Any, store: Any) -> list[bytes]:
    """The ImagesResponse of the calls that returned an image (raises when none did)."""
    if not outcome.succeeded:
        raise failure(outcome)
    data: list[dict[str, Any]] = []
    for r in outcome.succeeded:
        img = r.image
        assert img is not None
        if outcome.job.response_format == "url":
            token, _ = links.token(img.sha256, img.sniffed_mime)
            data.append({"url": f"{base_url}/v1/files/{token}"})
        else:
            raw = img.data if img.data is not None else store.original(img)
            data.append({"b64_json": Blob(b64(raw))})
    first = outcome.succeeded[0].image
    assert first is not None
    body = {"created": int(time.time()), "data": data,
            "output_format": format_name(first.sniffed_mime).lower(),
            "size": f"{first.width}x{first.height}", "usage": usage(outcome.succeeded),
            "banana": banana_extra(outcome)}
    return pieces(body)


# --- errors ------------------------------------------------------------------------------------


def failure(outcome: Outcome) -> GatewayError:
    """The error for a request none of whose calls returned an image: the first failure's,
    with every call's facts attached."""
    error = error_for(outcome.failed[0])
    error.extra = banana_extra(outcome)
    error.headers.update(banana_headers(outcome))
    if len(outcome.results) > 1:
        error.message = f"None of the {len(outcome.results)} calls returned an image. " \
                        f"First failure: {error.message}"
    return error


def error_for(r: GenerationResult) -> GatewayError:
    label = platform_label(r.backend)
    if r.status in ("blocked", "no_image") or (r.ok and r.image is None):
        if r.block_reason:
            what = f"promptFeedback.blockReason {r.block_reason}" + (
                f' — "{r.block_message}"' if r.block_message else "")
        else:
            what = f"finishReason {r.finish_reason or '(none)'}" + (
                f' — finishMessage: "{r.finish_message}"' if r.finish_message
                else " (no finishMessage)")
        code = "content_policy_violation" if r.status == "blocked" else "no_image"
        return GatewayError(400, f"{label} answered HTTP 200 without an image: {what}. "
                                 f"{r.explanation or ''}".strip(), code=code,
                            param="prompt" if r.status == "blocked" else None)
    err = r.error
    if err is None:
        return GatewayError(502, f"{label} returned no image and no error.", code="upstream_error")
    last = r.attempts[-1].error_class if r.attempts else None
    attempts = f" ({len(r.attempts)} attempt(s) made)" if len(r.attempts) > 1 else ""
    if err.kind == "ApiError" and err.http_status:
        api = _api_error(err.http_status, err.raw, err.message)
        retry = None if api is None or not api.is_zero_quota else False
        headers = {}
        delay = api.retry_delay_s if api is not None else None
        if delay:
            headers = {"retry-after-ms": str(math.ceil(delay * 1000)),
                       "retry-after": str(math.ceil(delay))}
        reason = f" [reason {err.reason}]" if err.reason else ""
        whose = (" (the platform refused the gateway's own Google credentials, not your "
                 "gateway key)" if err.http_status in (401, 403) else "")
        message = (f"{label} answered {err.http_status} {err.status or ''}".rstrip()
                   + f"{whose}{attempts}: {err.message}{reason} Hint: {err.hint}")
        return GatewayError(err.http_status, message, code=err.reason or err.status,
                            headers=headers, retry=retry)
    if err.kind == "TransportError":
        status = 504 if last == "timeout" else 502
        return GatewayError(status, f"{label}: {err.message}{attempts} Hint: {err.hint}",
                            code="upstream_timeout" if status == 504 else "upstream_connection")
    if err.kind == "ResponseShapeError":
        billed = err.http_status == 200
        return GatewayError(502, f"{label} sent a broken answer{attempts}: {err.message} "
                                 f"Hint: {err.hint}", code="upstream_bad_response",
                            retry=False if billed else None)
    if err.kind == "ConfigError":
        return GatewayError(503, f"The gateway cannot reach {label}: {err.message}",
                            code="backend_not_configured", retry=False)
    return GatewayError(400, f"{label}: {err.message} {err.hint}".strip(), code="invalid_request")


def _api_error(status: int, raw: str | None, message: str) -> ApiError | None:
    parsed = error_from_body(status, raw.encode()) if raw else None
    if isinstance(parsed, ApiError):
        return parsed
    match = re.search(r"[Pp]lease retry in ([0-9.]+)s", message)
    return ApiError(http_status=status, status=None, message=message,
                    retry_delay_s=float(match.group(1)) if match else None,
                    is_zero_quota=bool(re.search(r"limit:\s*0\b", message)))
