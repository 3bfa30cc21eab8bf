"""Each platform's live model list, fetched page by page (docs/wire-notes.md "Models and
lifecycle").

AI Studio: `GET {base}/v1beta/models?pageSize=…&pageToken=…` → `{"models": [{"name":
"models/<id>", "supportedGenerationMethods": […], …}], "nextPageToken"}`. Vertex: the publisher
model list `GET {base}/v1beta1/publishers/google/models` → `{"publisherModels": [{"name":
"publishers/google/models/<id>", "launchStage", …}], "nextPageToken"}` (its full shape is
UNCONFIRMED). A list that cannot be fetched is "not checked", never "empty".
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from playground.clients.base import Platform
from playground.clients.google_errors import error_from_body
from playground.clients.http import send
from playground.domain.errors import PlaygroundError, ResponseShapeError
from playground.domain.redaction import redact_text

PAGE_SIZE = 1000
MAX_PAGES = 20
LIST_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class ListedModel:
    id: str
    display_name: str = ""
    methods: tuple[str, ...] = ()  # AI Studio's supportedGenerationMethods
    launch_stage: str = ""  # Vertex: GA, PUBLIC_PREVIEW, DEPRECATED, …


@dataclass(frozen=True)
class ModelList:
    """One platform's answer: the models it lists now, or why it could not be asked."""

    platform: str
    models: tuple[ListedModel, ...] = ()
    fetched_at: float = field(default_factory=time.time)
    error: str | None = None  # set: the list was not checked

    @property
    def checked(self) -> bool:
        return self.error is None

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(m.id for m in self.models)


def _entries(payload: Any) -> tuple[list[dict[str, Any]], str | None]:
    if not isinstance(payload, dict):
        raise ResponseShapeError("The model list is not a JSON object.",
                                 hint="Check the base URL: this is not Google's API.")
    entries = payload.get("models", payload.get("publisherModels", []))
    if not isinstance(entries, list):
        raise ResponseShapeError("The model list holds no list of models.")
    return [e for e in entries if isinstance(e, dict)], payload.get("nextPageToken") or None


def _listed(entry: dict[str, Any]) -> ListedModel:
    name = str(entry.get("name", ""))
    model_id = name.rsplit("/", 1)[-1].split("@")[0]
    return ListedModel(model_id, str(entry.get("displayName", "")),
                       tuple(entry.get("supportedGenerationMethods") or ()),
                       str(entry.get("launchStage", "")))


def fetch_models(platform: Platform, client: httpx.Client) -> ModelList:
    """Every page of the platform's list; any failure makes the list "not checked"."""
    import json

    models: list[ListedModel] = []
    token: str | None = None
    try:
        for _ in range(MAX_PAGES):
            reply = send(client, platform.build_list(PAGE_SIZE, token), platform.auth,
                         timeout_s=LIST_TIMEOUT_S)
            if reply.status_code >= 300:
                raise error_from_body(reply.status_code, reply.body, platform=platform.name)
            try:
                payload = json.loads(reply.body)
            except ValueError as exc:
                raise ResponseShapeError(f"The model list is not JSON ({exc}).") from None
            entries, token = _entries(payload)
            models += [_listed(e) for e in entries if e.get("name")]
            if not token:
                break
    except PlaygroundError as exc:
        return ModelList(platform.name, error=redact_text(str(exc), platform.secrets()))
    generating = [m for m in models if not m.methods or "generateContent" in m.methods]
    return ModelList(platform.name, tuple(generating))
