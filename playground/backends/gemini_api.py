"""AI Studio (Gemini Developer API): build the request, parse the response. Pure functions.

POST {base}/v1beta/models/{model}:generateContent with `x-goog-api-key` (added by auth.py,
never in the URL). Only imageConfig.aspectRatio/imageSize are sent; Vertex-only options are
dropped with a note (reference §0.2, §3.2).
"""

from __future__ import annotations

from typing import Any

from playground.backends import wire
from playground.backends.wire import WireRequest, generate_body
from playground.capabilities import check_request, notes_of
from playground.models import ImageRequest

PLATFORM = "aistudio"


def model_url(base_url: str, model: str, method: str = "generateContent",
              api_version: str = "v1beta") -> str:
    suffix = f":{method}" if method else ""
    return f"{base_url.rstrip('/')}/{api_version}/models/{model}{suffix}"


def build_request(req: ImageRequest, *, base_url: str, api_version: str = "v1beta") -> WireRequest:
    return WireRequest(
        method="POST",
        url=model_url(base_url, req.model, api_version=api_version),
        body=generate_body(req, vertex=False),
        headers={"Content-Type": "application/json"},
        notes=tuple(notes_of(check_request(req, PLATFORM))),
    )


def build_raw_request(body: dict[str, Any], model: str, *, base_url: str,
                      api_version: str = "v1beta") -> WireRequest:
    """Send a body exactly as the user wrote it (request inspector's "send raw")."""
    return WireRequest("POST", model_url(base_url, model, api_version=api_version), body,
                       {"Content-Type": "application/json"})


def build_get_model(model: str, *, base_url: str, api_version: str = "v1beta") -> WireRequest:
    return WireRequest("GET", model_url(base_url, model, method="", api_version=api_version), None)


#: Both platforms answer with the same GenerateContentResponse shape (§3.3).
parse_response = wire.parse_response
