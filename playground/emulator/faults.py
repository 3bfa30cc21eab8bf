"""Scripted faults: a FIFO of "the next N matching replies are X" (docs/wire-notes.md "Errors"; docs/emulator.md).

Three kinds: error replies (the docs/wire-notes.md "Errors" envelopes), result faults (a 200 whose candidate is blocked,
image-less or mislabelled — see generation.py) and delivery faults (a body that is cut short or a
connection that drops mid-body — see delivery.py).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from playground.emulator import envelopes
from playground.emulator.envelopes import WireError
from playground.emulator.routing import ROUTES, ApiTarget

ERROR_FAULTS = ("429", "500", "503", "504", "502_html", "service_disabled", "iam_denied")
RESULT_FAULTS = ("image_safety", "image_prohibited_content", "no_image", "prompt_blocked",
                 "mislabelled_mime")
DELIVERY_FAULTS = ("truncated", "drop", "stream_error")
FAULT_KINDS = ERROR_FAULTS + RESULT_FAULTS + DELIVERY_FAULTS
PLATFORMS = ("aistudio", "vertex", "*")
DEFAULT_RETRY_DELAY_S = 53.016342224


@dataclass
class FaultScript:
    id: int
    fault: str
    platform: str = "*"
    route: str | None = None
    remaining: int = 1
    params: dict[str, Any] = field(default_factory=dict)

    def matches(self, target: ApiTarget) -> bool:
        return (self.platform in ("*", target.platform)
                and self.route in (None, "*", target.route))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "fault": self.fault, "platform": self.platform,
                "route": self.route, "remaining": self.remaining, "params": self.params}


@dataclass(frozen=True)
class Fault:
    """One firing of a script."""

    kind: str
    params: dict[str, Any]


class FaultQueue:
    def __init__(self) -> None:
        self._scripts: list[FaultScript] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.fired = 0

    def add(self, fault: str, *, platform: str = "*", route: str | None = None, count: int = 1,
            params: dict[str, Any] | None = None) -> FaultScript:
        """Validate and append; raises ValueError with a plain sentence on bad input."""
        if fault not in FAULT_KINDS:
            raise ValueError(f"Unknown fault {fault!r}. Known: {', '.join(FAULT_KINDS)}.")
        if platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}; got {platform!r}.")
        if route not in (None, "*", *ROUTES):
            raise ValueError(f"route must be null or one of {', '.join(ROUTES)}; got {route!r}.")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError(f"count must be a positive integer; got {count!r}.")
        script = FaultScript(next(self._ids), fault, platform, route, count, dict(params or {}))
        with self._lock:
            self._scripts.append(script)
        return script

    def take(self, target: ApiTarget) -> Fault | None:
        """The first script matching this request (FIFO); consumes one of its count."""
        with self._lock:
            for script in self._scripts:
                if script.matches(target):
                    script.remaining -= 1
                    if script.remaining == 0:
                        self._scripts.remove(script)
                    self.fired += 1
                    return Fault(script.fault, script.params)
        return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [s.to_dict() for s in self._scripts]

    def clear(self) -> None:
        with self._lock:
            self._scripts.clear()
            self.fired = 0


# --- the error replies ------------------------------------------------------------------------


def fault_error(fault: Fault, target: ApiTarget, project_number: str) -> WireError:
    """The WireError an ERROR_FAULTS script answers with, per platform (docs/wire-notes.md "Errors")."""
    p = fault.params
    if fault.kind == "429":
        return quota_error(target, p)
    if fault.kind == "503":
        return overloaded_error(str(p.get("wording", "high_demand")))
    if fault.kind == "500":
        return internal_error(target.platform)
    if fault.kind == "504":
        return deadline_error(as_503=bool(p.get("as_503")))
    if fault.kind == "502_html":
        return envelopes.html_bad_gateway()
    if fault.kind == "service_disabled":
        return service_disabled(target.platform, project_number)
    return iam_denied(target, project_number)


def quota_error(target: ApiTarget, params: dict[str, Any]) -> WireError:
    if target.platform == "vertex":
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
    delay = float(params.get("retry_delay_s", DEFAULT_RETRY_DELAY_S))
    zero = bool(params.get("zero_quota"))
    tier = "free_tier" if zero else "paid_tier"
    metric = f"generativelanguage.googleapis.com/generate_content_{tier}_requests"
    quota_id = "GenerateRequestsPerMinutePerProjectPerModel" + ("-FreeTier" if zero else "")
    limit = 0 if zero else int(params.get("limit", 20))
    message = (
        "You exceeded your current quota, please check your plan and billing details. For more "
        "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
        "To monitor your current usage, head to: https://ai.dev/rate-limit. \n"
        f"* Quota exceeded for metric: {metric}, limit: {limit}, model: {target.model}\n"
        f"Please retry in {delay:.9g}s."
    )
    details: list[dict[str, Any]] = [
        {"@type": envelopes.QUOTA_FAILURE, "violations": [{
            "quotaMetric": metric, "quotaId": quota_id,
            "quotaDimensions": {"location": "global", "model": target.model}}]},
        {"@type": envelopes.HELP, "links": [{
            "description": "Learn more about Gemini API quotas",
            "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
        {"@type": envelopes.RETRY_INFO, "retryDelay": _duration(delay)},
    ]
    return WireError(429, "RESOURCE_EXHAUSTED", message, details)


def _duration(seconds: float) -> str:
    """google.protobuf.Duration JSON; whole seconds like the observed "53s"."""
    whole = int(seconds)
    return f"{whole}s" if seconds >= 1 else f"{seconds:.3g}s"


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
