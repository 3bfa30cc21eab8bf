"""Google's error envelopes read into ApiError, and the hint that says what to do.

Envelope: `{"error": {"code", "message", "status", "details"?}}`; streams wrap it in a one-element
list. Cases and their wording: docs/wire-notes.md ("Errors").
"""

from __future__ import annotations

import json
import re
from typing import Any

from playground.domain.errors import ApiError, PlaygroundError, ResponseShapeError

RAW_LIMIT = 4000


def parse_duration(text: str) -> float | None:
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)s\s*", text)
    return float(match.group(1)) if match else None


def _detail(details: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in details if str(d.get("@type", "")).endswith(f"google.rpc.{kind}")]


def _reason(details: list[dict[str, Any]]) -> str | None:
    for d in _detail(details, "ErrorInfo"):
        if d.get("reason"):
            return str(d["reason"])
    return None


def _retry_delay(details: list[dict[str, Any]], message: str) -> float | None:
    """RetryInfo.retryDelay ("53s", "1.5s"), else the "Please retry in Ns" sentence."""
    for d in _detail(details, "RetryInfo"):
        parsed = parse_duration(str(d.get("retryDelay", "")))
        if parsed is not None:
            return parsed
    match = re.search(r"[Pp]lease retry in ([0-9.]+)s", message)
    return float(match.group(1)) if match else None


def api_error(http_status: int, err: dict[str, Any], *, platform: str = "",
              raw: str | None = None) -> ApiError:
    message = str(err.get("message", ""))
    details = [d for d in (err.get("details") or []) if isinstance(d, dict)]
    error = ApiError(
        http_status=int(err.get("code") or http_status), status=err.get("status"),
        message=message, reason=_reason(details), retry_delay_s=_retry_delay(details, message),
        is_zero_quota=bool(re.search(r"limit:\s*0\b", message)), details=details,
        platform=platform, raw=raw,
    )
    error.hint = hint_for(error)
    return error


def error_from_body(http_status: int, body: bytes, *, platform: str = "") -> PlaygroundError:
    """Map a non-2xx body to ApiError; anything that is not Google's envelope is a shape error."""
    raw = body[:RAW_LIMIT].decode("utf-8", "replace")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if isinstance(payload, list) and len(payload) == 1:  # streaming / non-SSE wrap
        payload = payload[0]
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        return api_error(http_status, payload["error"], platform=platform, raw=raw)
    looks_html = raw.lstrip().lower().startswith(("<!doctype", "<html"))
    what = "an HTML page" if looks_html else "a body that is not Google's JSON error envelope"
    return ResponseShapeError(
        f"HTTP {http_status} with {what} (probably from a proxy or load balancer, not the API).",
        hint=(
            "Retry in a moment; if it keeps happening, check any proxy between you and Google "
            "and the base URL in Settings."
            if http_status >= 500 else
            "Check the base URL: this server does not answer like Google's API."
        ),
        http_status=http_status, raw=raw,
    )


#: What to suggest in place of a model that is gone: newest first, never the one that failed.
REPLACEMENTS = ("gemini-nano-banana-2.1", "gemini-3-pro-image", "gemini-3-pro-image-preview")


def _model_in(message: str) -> str | None:
    match = re.search(r"models/([\w.\-]+)", message)
    return match.group(1) if match else None


def _replacements(failed: str | None) -> str:
    return " or ".join([m for m in REPLACEMENTS if m != failed][:2])


def hint_for(err: ApiError) -> str:
    """One sentence that says what to do, for each case in the reference's error table (docs/wire-notes.md "Errors")."""
    msg = err.message
    reason = err.reason or ""
    code = err.http_status
    if "valid role" in msg:
        return ("Vertex requires a role on every content: add \"role\": \"user\" (or \"model\" for "
                "replayed model turns). Banana Split does this for you unless you send raw.")
    if "Unknown name" in msg:
        field = re.search(r'Unknown name "([^"]+)"', msg)
        name = field.group(1) if field else "that field"
        return (f"AI Studio does not accept {name}: it is a Vertex-only option. Remove it, "
                "or run the request on Vertex AI.")
    if reason == "API_KEY_INVALID" or "API key not valid" in msg:
        return ("The API key was rejected. Create a key at https://aistudio.google.com/apikey "
                "and set GOOGLE_API_KEY (or GEMINI_API_KEY).")
    if "API keys are not supported" in msg:
        return ("Vertex project endpoints need OAuth: set GOOGLE_APPLICATION_CREDENTIALS to a "
                "service-account file or run `gcloud auth application-default login`. For an "
                "express-mode key use PLAYGROUND_VERTEX_API_KEY instead.")
    if code == 401:
        return ("Vertex did not accept the credentials. Check GOOGLE_APPLICATION_CREDENTIALS or "
                "re-run `gcloud auth application-default login`; expired tokens are refreshed "
                "automatically, so a repeat means the account itself is wrong.")
    if code == 403 and "unregistered callers" in msg:
        return "No API key was sent. Set GOOGLE_API_KEY (or GEMINI_API_KEY) for AI Studio."
    if reason == "SERVICE_DISABLED" or "has not been used in project" in msg:
        return ("Enable the API for this project (Vertex AI API or Generative Language API) in "
                "the Cloud console, wait a few minutes, then retry.")
    if reason == "CONSUMER_SUSPENDED" or "has been suspended" in msg:
        return ("Google has suspended this API key or its project (CONSUMER_SUSPENDED): retrying "
                "will not help. Check the project's status and any notice in AI Studio or the "
                "Cloud console, or use a key from a project in good standing.")
    if code == 403 and err.platform == "vertex":
        return ("The account lacks permission. Grant it roles/aiplatform.user on the project and "
                "check that GOOGLE_CLOUD_PROJECT is the project you meant.")
    if code == 403:
        return ("The API key may not call this model: check the key's API restrictions and its "
                "project in AI Studio (https://aistudio.google.com/apikey), or create a new key.")
    if "location is not supported" in msg:
        return ("The Gemini API is not offered where this request comes from (FAILED_PRECONDITION "
                "user location). Send it from a supported country, or use Vertex AI, which serves "
                "the same models from Google Cloud regions.")
    if "thought_signature" in msg or "thought signature" in msg.lower():
        return ("AI Studio requires each replayed model image to carry the thoughtSignature it "
                "came with (Vertex does not check). Send the turn with its signatures (the "
                "default), or, for a conversation recorded without them, with Google's bypass "
                "value (Signatures: bypass; --signatures bypass).")
    if code == 404:
        if err.platform == "vertex" or "Publisher Model" in msg:
            return ("Vertex could not find this model here. Gemini image models are served from "
                    "the global location: set GOOGLE_CLOUD_LOCATION=global, and check the model "
                    "id and that the project has access.")
        failed = _model_in(msg)
        if "no longer available" in msg or ":predict" in msg or "for predict" in msg:
            return (f"{failed or 'This model'} is retired or not served for this method here. "
                    f"Use {_replacements(failed)} instead.")
        return (f"{failed or 'This model'} is not served on this API version for this key. "
                f"Pick another model ({_replacements(failed)}), or run `python -m playground "
                "models` to see what the platform offers now.")
    if code == 429:
        if err.is_zero_quota:
            return ("Your quota for this model is 0 (free tier has no image quota). Enable "
                    "billing on the project or use Vertex AI; retrying will not help.")
        delay = err.retry_delay_s
        wait = f"wait {delay:g} s (the server said so) and " if delay else "wait a little and "
        return (f"Quota or capacity exhausted: {wait}retry, lower the concurrency, or request "
                "more quota. On Vertex this is usually shared capacity, not your quota.")
    if code == 503:
        return ("The model is overloaded right now. Retry after a short wait; this is common for "
                "preview image models and usually passes within minutes.")
    if code == 504 or "Deadline expired" in msg:
        return ("The server gave up before the image was ready. Retry, try a smaller image size, "
                "or raise the timeout (4K Pro can take over 100 s).")
    if code >= 500:
        return "Google had an internal error. Retry; if it repeats, try another model or location."
    if code == 400:
        return ("The request was rejected as invalid. Compare the request inspector's JSON with "
                "the model's supported options (aspect ratio, image size).")
    return "See the raw error below for details."
