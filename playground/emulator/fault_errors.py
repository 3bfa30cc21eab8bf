"""The error replies of the ERROR_FAULTS scripts, per platform (docs/emulator.md "Faults").

Texts and detail order follow captured bodies; each builder names its source.
"""

from __future__ import annotations

from typing import Any

from playground.emulator import envelopes
from playground.emulator.config import EmulatorConfig
from playground.emulator.envelopes import WireError
from playground.emulator.faults import Fault
from playground.emulator.routing import ApiTarget

#: A delay with nanosecond digits, as Google's are ("57.238747106s" in public test fixtures).
DEFAULT_RETRY_DELAY_S = 53.016342224


def fault_error(fault: Fault, target: ApiTarget, config: EmulatorConfig,
                api_key: str = "", headers: dict[str, str] | None = None) -> WireError:
    """The WireError an ERROR_FAULTS script answers with, per platform. `api_key` is the key
    the caller sent (CONSUMER_SUSPENDED echoes it); `headers` are the request's (ECHO_HEADERS
    repeats them, as some proxies and gateways do in their errors)."""
    p = fault.params
    if fault.kind == "echo_headers":
        return echo_headers(headers or {})
    if fault.kind == "consumer_suspended":
        return consumer_suspended(target, api_key, config.project_number)
    if fault.kind == "location_unsupported":
        return location_unsupported()
    if fault.kind == "429":
        return quota_error(target, p, dict(config.quota_model_names))
    if fault.kind == "503":
        return overloaded_error(str(p.get("wording", "high_demand")))
    if fault.kind == "500":
        return internal_error(target.platform)
    if fault.kind == "504":
        return deadline_error(as_503=bool(p.get("as_503")))
    if fault.kind == "502_html":
        return envelopes.html_bad_gateway()
    if fault.kind == "service_disabled":
        return service_disabled(target.platform, config.project_number)
    return iam_denied(target, config.project_number)


def quota_error(target: ApiTarget, params: dict[str, Any],
                quota_names: dict[str, str]) -> WireError:
    """AI Studio: the 2026 wording, `Help` first, then QuotaFailure and RetryInfo (message and
    order of https://github.com/continuedev/continue/issues/11439); the quota names its model
    by the quota's own name, which differs from the requested id for some ids
    (`EmulatorConfig.quota_model_names`). Vertex: the Dynamic Shared Quota text, no details."""
    if target.platform == "vertex":
        return _vertex_quota_error(target, params)
    delay = float(params.get("retry_delay_s", DEFAULT_RETRY_DELAY_S))
    zero = bool(params.get("zero_quota"))
    tier = "free_tier" if zero else "paid_tier"
    metric = f"generativelanguage.googleapis.com/generate_content_{tier}_requests"
    quota_id = "GenerateRequestsPerMinutePerProjectPerModel" + ("-FreeTier" if zero else "")
    limit = 0 if zero else int(params.get("limit", 20))
    model = quota_names.get(target.model, target.model)
    message = (
        "You exceeded your current quota, please check your plan and billing details. For more "
        "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
        "To monitor your current usage, head to: https://ai.dev/rate-limit. \n"
        f"* Quota exceeded for metric: {metric}, limit: {limit}, model: {model}\n"
        f"Please retry in {go_duration(delay)}."
    )
    details: list[dict[str, Any]] = [
        {"@type": envelopes.HELP, "links": [{
            "description": "Learn more about Gemini API quotas",
            "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
        {"@type": envelopes.QUOTA_FAILURE, "violations": [{
            "quotaMetric": metric, "quotaId": quota_id,
            "quotaDimensions": {"location": "global", "model": model}}]},
        {"@type": envelopes.RETRY_INFO, "retryDelay": proto_duration(delay)},
    ]
    return WireError(429, "RESOURCE_EXHAUSTED", message, details)


def _vertex_quota_error(target: ApiTarget, params: dict[str, Any]) -> WireError:
    if params.get("wording") == "quota":
        return WireError(429, "RESOURCE_EXHAUSTED", (
            "Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute"
            f"_per_project_per_base_model with base model: {target.model}. Please submit a "
            "quota increase request. https://cloud.google.com/vertex-ai/docs/generative-ai/"
            "quotas-genai."))
    return WireError(429, "RESOURCE_EXHAUSTED", (
        "Resource exhausted. Please try again later. Please refer to "
        "https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more "
        "details."))


def proto_duration(seconds: float) -> str:
    """google.protobuf.Duration in proto3 JSON: 0, 3, 6 or 9 fractional digits, as precision
    needs (https://protobuf.dev/programming-guides/json/) — "51s", "57.238747106s"."""
    whole, nanos = divmod(round(seconds * 1e9), 10**9)
    if nanos == 0:
        return f"{whole}s"
    for digits, unit in ((3, 10**6), (6, 10**3)):
        if nanos % unit == 0:
            return f"{whole}.{nanos // unit:0{digits}d}s"
    return f"{whole}.{nanos:09d}s"


def go_duration(seconds: float) -> str:
    """The sentence's form, Go's time.Duration.String(): "10.158753737s", "738.405416ms",
    "1m2.5s" (trailing zeros dropped)."""
    nanos = round(seconds * 1e9)
    if nanos < 10**9:
        return _trim(f"{nanos / 1e6:.6f}") + "ms" if nanos else "0s"
    minutes, rest = divmod(nanos, 60 * 10**9)
    hours, minutes = divmod(minutes, 60)
    text = _trim(f"{rest // 10**9}.{rest % 10**9:09d}") + "s"
    if hours or minutes:
        text = f"{minutes}m{text}"
    return f"{hours}h{text}" if hours else text


def _trim(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number else number


def consumer_suspended(target: ApiTarget, api_key: str, project_number: str) -> WireError:
    """AI Studio: "Permission denied: Consumer 'api_key:<KEY>' has been suspended." with
    ErrorInfo{CONSUMER_SUSPENDED, googleapis.com} and no metadata — the key echoed in the body
    (vospr/dmtools-ai-teammate Implementation/TEST-4-GEMINI-RESULTS.md). Vertex callers with a
    token are named by project (UNCONFIRMED)."""
    consumer = f"api_key:{api_key}" if api_key else f"projects/{project_number}"
    message = f"Permission denied: Consumer '{consumer}' has been suspended."
    return WireError(403, "PERMISSION_DENIED", message,
                     [envelopes.error_info("CONSUMER_SUSPENDED")])


def location_unsupported() -> WireError:
    """400 FAILED_PRECONDITION, no details (a 2026-04-20 run log of 2.5 Flash Image)."""
    return WireError(400, "FAILED_PRECONDITION", "User location is not supported for the API use.")


def overloaded_error(wording: str) -> WireError:
    texts = {
        "overloaded": "The model is overloaded. Please try again later.",
        "high_demand": "This model is currently experiencing high demand. Spikes in demand are "
                       "usually temporary. Please try again later.",
    }
    return WireError(503, "UNAVAILABLE", texts.get(wording, texts["high_demand"]))


def internal_error(platform: str) -> WireError:
    if platform == "vertex":
        return WireError(500, "INTERNAL", "Internal error encountered.")
    return WireError(500, "INTERNAL", "An internal error has occurred. Please retry or report in "
                                      "https://developers.generativeai.google/guide/troubleshooting")


def deadline_error(*, as_503: bool = False) -> WireError:
    text = "Deadline expired before operation could complete."
    if as_503:  # seen on AI Studio Pro Image (I-pygenai1808)
        return WireError(503, "UNAVAILABLE", text)
    return WireError(504, "DEADLINE_EXCEEDED", text)


def service_disabled(platform: str, project_number: str) -> WireError:
    service, title = (
        (envelopes.VERTEX_SERVICE, "Vertex AI API") if platform == "vertex"
        else (envelopes.AISTUDIO_SERVICE, "Generative Language API"))
    url = f"https://console.developers.google.com/apis/api/{service}/overview?project={project_number}"
    message = (
        f"{title} has not been used in project {project_number} before or it is disabled. "
        f"Enable it by visiting {url} then retry. If you enabled this API recently, wait a few "
        "minutes for the action to propagate to our systems and retry.")
    details = [
        envelopes.error_info("SERVICE_DISABLED", consumer=f"projects/{project_number}",
                             service=service, serviceTitle=title, activationUrl=url,
                             containerInfo=project_number),
        envelopes.localized(message),
        {"@type": envelopes.HELP, "links": [{
            "description": "Google developers console API activation", "url": url}]},
    ]
    return WireError(403, "PERMISSION_DENIED", message, details)


def iam_denied(target: ApiTarget, project_number: str) -> WireError:
    """docs/wire-notes.md "Errors": IAM 403 (ErrorInfo shape UNCONFIRMED)."""
    location = target.location or "global"
    resource = (f"//aiplatform.googleapis.com/projects/{target.project or project_number}"
                f"/locations/{location}/publishers/google/models/{target.model}")
    message = (f"Permission 'aiplatform.endpoints.predict' denied on resource '{resource}' "
               "(or it may not exist).")
    details = [envelopes.error_info("IAM_PERMISSION_DENIED", domain="aiplatform.googleapis.com",
                                    permission="aiplatform.endpoints.predict", resource=resource)]
    return WireError(403, "PERMISSION_DENIED", message, details)


def echo_headers(headers: dict[str, str]) -> WireError:
    """A proxy's 400 that repeats the request headers, credentials included: what a client must
    redact before it stores or prints anything (no Google capture; proxies and gateways do it)."""
    shown = "; ".join(f"{name}: {value}" for name, value in sorted(headers.items()))
    return WireError(400, "INVALID_ARGUMENT",
                     f"Request rejected by the upstream proxy. Request headers were: {shown}")
