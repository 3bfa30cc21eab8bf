"""Which API a request path addresses (docs/wire-notes.md "Hosts"; docs/emulator.md).

Starlette cannot route on the `:method` suffix of the last path segment, so the app has one
catch-all route and this module splits the path itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Method = Literal["generateContent", "streamGenerateContent", "countTokens", "predict", "get",
                 "list"]
POST_METHODS: tuple[str, ...] = ("generateContent", "streamGenerateContent", "countTokens", "predict")
ROUTES: tuple[str, ...] = ("generateContent", "streamGenerateContent", "countTokens", "get",
                           "predict", "list")
AISTUDIO_VERSIONS = ("v1", "v1beta")
VERTEX_VERSIONS = ("v1", "v1beta1")

_RPC_NAMES = {
    "generateContent": "GenerateContent", "streamGenerateContent": "StreamGenerateContent",
    "countTokens": "CountTokens", "predict": "Predict",
}


@dataclass(frozen=True)
class ApiTarget:
    platform: Literal["aistudio", "vertex"]
    mode: Literal["key", "project", "express"]
    version: str
    model: str
    method: Method
    project: str | None = None
    location: str | None = None

    @property
    def route(self) -> str:
        return self.method

    @property
    def is_generation(self) -> bool:
        return self.method in ("generateContent", "streamGenerateContent", "predict")

    @property
    def rpc_method(self) -> str:
        """The RPC name Google puts in ErrorInfo.metadata.method (docs/wire-notes.md "Errors")."""
        if self.platform == "aistudio":
            if self.method in ("get", "list"):
                name = "GetModel" if self.method == "get" else "ListModels"
                return f"google.ai.generativelanguage.{self.version}.ModelService.{name}"
            service = "PredictionService" if self.method == "predict" else "GenerativeService"
            return f"google.ai.generativelanguage.{self.version}.{service}.{_RPC_NAMES[self.method]}"
        if self.method in ("get", "list"):
            name = "GetPublisherModel" if self.method == "get" else "ListPublisherModels"
            return f"google.cloud.aiplatform.{self.version}.ModelGardenService.{name}"
        return f"google.cloud.aiplatform.{self.version}.PredictionService.{_RPC_NAMES[self.method]}"


def parse_target(http_method: str, path: str) -> ApiTarget | None:
    """The API target of an AI Studio or Vertex path, or None if Google would 404 the URL."""
    parts = path.strip("/").split("/")
    listed = _list_target(http_method, parts)
    if listed is not None or len(parts) < 3:
        return listed
    version, rest = parts[0], parts[1:]
    if rest[0] == "models" and len(rest) == 2 and version in AISTUDIO_VERSIONS:
        return _target("aistudio", "key", version, rest[1], http_method)
    if version not in VERTEX_VERSIONS:
        return None
    if rest[:3] == ["publishers", "google", "models"] and len(rest) == 4:
        return _target("vertex", "express", version, rest[3], http_method)
    if (len(rest) == 8 and rest[0] == "projects" and rest[2] == "locations"
            and rest[4:7] == ["publishers", "google", "models"]):
        return _target("vertex", "project", version, rest[7], http_method,
                       project=rest[1], location=rest[3])
    return None


def _list_target(http_method: str, parts: list[str]) -> ApiTarget | None:
    """`GET /v1beta/models` (AI Studio) and `GET /v1beta1/publishers/google/models` (Vertex)."""
    if http_method != "GET":
        return None
    if len(parts) == 2 and parts[1] == "models" and parts[0] in AISTUDIO_VERSIONS:
        return ApiTarget("aistudio", "key", parts[0], "", "list")
    if parts[1:] == ["publishers", "google", "models"] and parts[0] == "v1beta1":
        return ApiTarget("vertex", "express", parts[0], "", "list")
    return None


def _target(platform: Literal["aistudio", "vertex"], mode: Literal["key", "project", "express"],
            version: str, last: str, http_method: str, *, project: str | None = None,
            location: str | None = None) -> ApiTarget | None:
    model, _, verb = last.partition(":")
    if not model:
        return None
    if http_method == "GET" and not verb:
        method = "get"
    elif http_method == "POST" and verb in POST_METHODS:
        method = verb
    else:
        return None
    return ApiTarget(platform, mode, version, model, method,  # type: ignore[arg-type]
                     project=project, location=location)
