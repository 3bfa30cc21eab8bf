"""Vertex AI: build the request, parse the response. Pure functions.

Host and path by location (reference §1, §3.1): global → aiplatform.googleapis.com,
us/eu → aiplatform.{loc}.rep.googleapis.com, regions → {loc}-aiplatform.googleapis.com.
Express mode drops project/location from the path and uses an API key. Every content
carries role "user" (Vertex answers 400 without it, §0.1).
"""

from __future__ import annotations

from typing import Any

from playground.backends import wire
from playground.backends.wire import WireRequest, generate_body
from playground.capabilities import check_request, notes_of
from playground.models import ImageRequest

PLATFORM = "vertex"


def model_path(model: str, *, project: str | None, location: str, express: bool) -> str:
    if express:
        return f"publishers/google/models/{model}"
    return f"projects/{project}/locations/{location}/publishers/google/models/{model}"


def model_url(base_url: str, model: str, *, project: str | None, location: str, express: bool,
              method: str = "generateContent", api_version: str = "v1") -> str:
    path = model_path(model, project=project, location=location, express=express)
    suffix = f":{method}" if method else ""
    return f"{base_url.rstrip('/')}/{api_version}/{path}{suffix}"


def build_request(req: ImageRequest, *, base_url: str, project: str | None, location: str,
                  express: bool = False, api_version: str = "v1") -> WireRequest:
    return WireRequest(
        method="POST",
        url=model_url(base_url, req.model, project=project, location=location, express=express,
                      api_version=api_version),
        body=generate_body(req, vertex=True),
        headers={"Content-Type": "application/json"},
        notes=tuple(notes_of(check_request(req, PLATFORM))),
    )


def build_raw_request(body: dict[str, Any], model: str, *, base_url: str, project: str | None,
                      location: str, express: bool = False, api_version: str = "v1") -> WireRequest:
    """Send a body exactly as written, e.g. without `role`, to reproduce the real 400."""
    url = model_url(base_url, model, project=project, location=location, express=express,
                    api_version=api_version)
    return WireRequest("POST", url, body, {"Content-Type": "application/json"})


def build_get_model(model: str, *, base_url: str, project: str | None, location: str,
                    express: bool = False, api_version: str = "v1") -> WireRequest:
    url = model_url(base_url, model, project=project, location=location, express=express,
                    method="", api_version=api_version)
    return WireRequest("GET", url, None)


#: Both platforms answer with the same GenerateContentResponse shape (§3.3).
parse_response = wire.parse_response
