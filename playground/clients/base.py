"""The Platform seam: one object per Google API, so nothing above it branches on the platform.

Each platform builds its own requests (`build`, `build_raw`, `build_probe`) and reads the
answers (`parse`); the shape follows google-genai's paired `_X_to_mldev` / `_X_to_vertex`
converters and simonw/llm's one class per provider. `platform_for(name, settings)` returns the
object; its credentials are loaded on first use, so a missing key surfaces as a `ConfigError`
inside the call that needed it (an error result, not a crash).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from playground.clients import parse, wire
from playground.config import Settings, missing_config_message
from playground.domain.catalog import PlatformName
from playground.domain.errors import ConfigError
from playground.domain.types import Finding, GenerationResult, ImageRequest


@dataclass(frozen=True)
class WireRequest:
    """One HTTP request, ready to send. Headers here never hold secrets (auth adds them).

    `body` may hold placeholders for large values (input images, signatures) that `blobs`
    splices in when sent; `shown_body` is the same body with labels instead, for people."""

    method: str
    url: str
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    blobs: wire.Blobs | None = field(default=None, repr=False, compare=False)

    def chunks(self) -> list[bytes]:
        """The body's bytes in pieces (the large values are not copied into one buffer)."""
        return wire.body_chunks(self.body, self.blobs) if self.body is not None else []

    def content(self) -> bytes:
        return b"".join(self.chunks())

    @property
    def shown_body(self) -> dict[str, Any] | None:
        return self.blobs.summarized(self.body) if self.blobs and self.body else self.body


JSON_HEADERS = {"Content-Type": "application/json"}


class Platform(Protocol):
    """What every platform offers. `findings` come from one `check_request`; builders copy
    its notes onto the request and never check again."""

    name: PlatformName
    settings: Settings

    @property
    def is_demo(self) -> bool: ...

    @property
    def base_url(self) -> str: ...

    @property
    def endpoint(self) -> str: ...

    @property
    def auth(self) -> httpx.Auth: ...

    def secrets(self) -> list[str]: ...

    def build(self, request: ImageRequest, findings: Sequence[Finding]) -> WireRequest: ...

    def build_raw(self, body: dict[str, Any], model: str,
                  request: ImageRequest | None = None) -> WireRequest: ...

    def build_probe(self, model: str) -> WireRequest: ...

    def build_list(self, page_size: int, page_token: str | None) -> WireRequest: ...

    def parse(self, body: bytes, result: GenerationResult) -> None: ...


class PlatformBase:
    """What the two platforms share: settings, lazily loaded auth, secrets, request bodies built
    for the platform's dialect, parsing. Subclasses say where (`model_url`) and who (`_load_auth`)."""

    name: PlatformName
    #: Whether the body may carry Vertex-only fields (imageOutputOptions, personGeneration).
    accepts_vertex_options: bool = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._auth: httpx.Auth | None = None
        self._auth_lock = threading.Lock()

    @property
    def is_demo(self) -> bool:
        return self.name in self.settings.demo_platforms

    @property
    def is_configured(self) -> bool:
        return missing_config_message(self.name, self.settings) is None

    @property
    def auth(self) -> httpx.Auth:
        """The credentials, loaded on first use; ConfigError when they are missing or bad."""
        with self._auth_lock:
            if self._auth is None:
                problem = missing_config_message(self.name, self.settings)
                if problem:
                    raise ConfigError(problem, hint=problem)
                self._auth = self._load_auth()
            return self._auth

    def _load_auth(self) -> httpx.Auth:
        raise NotImplementedError

    def model_url(self, model: str, method: str = "generateContent") -> str:
        raise NotImplementedError

    @property
    def service_tier_field(self) -> str:
        return ""

    def build(self, request: ImageRequest, findings: Sequence[Finding]) -> WireRequest:
        blobs = wire.Blobs()
        body = wire.generate_body(request, vertex=self.accepts_vertex_options, blobs=blobs)
        notes = self.notes(findings) + wire.conversation_notes(request)
        tier = request.service_tier
        if tier and tier != "standard":
            if self.service_tier_field:
                body[self.service_tier_field] = tier
            else:
                notes += (f"The {tier} service tier was not requested: how this platform takes a "
                          "tier request is UNCONFIRMED (set PLAYGROUND_VERTEX_SERVICE_TIER_FIELD "
                          "to send one); the request ran at the standard tier.",)
        return WireRequest("POST", self.model_url(request.model), body, dict(JSON_HEADERS),
                           notes=notes, blobs=blobs)

    def build_raw(self, body: dict[str, Any], model: str,
                  request: ImageRequest | None = None) -> WireRequest:
        """A body exactly as the user wrote it (the inspector's "send raw"), e.g. without
        `role`, to reproduce Vertex's 400. With `request`, the labels the editor showed for its
        images and signatures are sent as those bytes again."""
        if request is None or not (request.inputs or request.history):
            return WireRequest("POST", self.model_url(model), body, dict(JSON_HEADERS))
        blobs = wire.Blobs()
        wire.generate_body(request, vertex=self.accepts_vertex_options, blobs=blobs)
        return WireRequest("POST", self.model_url(model), blobs.relinked(body),
                           dict(JSON_HEADERS), blobs=blobs)

    def secrets(self) -> list[str]:
        """Everything to redact from what this platform's answers bring back: the settings'
        keys and credential-file parts, and the access token in use."""
        auth_secrets = getattr(self._auth, "secrets", None)
        return self.settings.secrets() + (auth_secrets() if auth_secrets else [])

    @staticmethod
    def page_query(page_size: int, page_token: str | None) -> str:
        from urllib.parse import quote

        return f"pageSize={page_size}" + (f"&pageToken={quote(page_token)}" if page_token else "")

    def parse(self, body: bytes, result: GenerationResult) -> None:
        """Both platforms answer with the same GenerateContentResponse shape."""
        parse.parse_into(result, body)

    @staticmethod
    def notes(findings: Sequence[Finding]) -> tuple[str, ...]:
        return tuple(f.message for f in findings if f.severity == "note")


def platform_for(name: str, settings: Settings) -> Platform:
    """The Platform object for "aistudio" or "vertex"."""
    from playground.clients.aistudio import AiStudio
    from playground.clients.vertex import Vertex

    classes: dict[str, type[AiStudio] | type[Vertex]] = {"aistudio": AiStudio, "vertex": Vertex}
    if name not in classes:
        raise ConfigError(f"Unknown platform {name!r}.", hint="Use aistudio or vertex.")
    return classes[name](settings)
