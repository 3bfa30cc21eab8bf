"""Settings → "Test connection": one cheap authenticated call per platform, with the hint."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from playground.backends import vertex
from playground.backends.wire import WireRequest, user_contents
from playground.catalog import DEFAULT_MODEL
from playground.config import Settings
from playground.errors import PlaygroundError, error_from_body
from playground.redaction import redact_text
from playground.service import Backend, send


@dataclass(frozen=True)
class ConnectionReport:
    platform: str
    ok: bool
    message: str
    hint: str = ""
    http_status: int | None = None
    latency_s: float | None = None
    url: str = ""


def _probe(backend: Backend, model: str) -> WireRequest:
    """GET the model; express mode answers 401 to GET (reference §1), so count tokens instead."""
    v = backend.settings.vertex
    if backend.platform == "vertex" and v.is_express:
        url = vertex.model_url(v.resolved_base_url, model, project=None, location=v.location,
                               express=True, method="countTokens", api_version=v.api_version)
        return WireRequest("POST", url, {"contents": user_contents("ping")},
                           {"Content-Type": "application/json"})
    return backend.build_get(model)


def check_connection(platform: str, settings: Settings, client: httpx.Client,
                    model: str = DEFAULT_MODEL) -> ConnectionReport:
    secrets = settings.secrets()
    try:
        backend = Backend(platform, settings)
        wire = _probe(backend, model)
        reply = send(client, wire, backend.auth, timeout_s=30)
    except PlaygroundError as exc:
        return ConnectionReport(platform, False, redact_text(exc.message, secrets), exc.hint)
    url = redact_text(wire.url, secrets)
    if reply.status_code >= 300:
        err = error_from_body(reply.status_code, reply.body, platform=platform)
        return ConnectionReport(platform, False, redact_text(str(err), secrets), err.hint,
                                reply.status_code, reply.total_s, url)
    return ConnectionReport(platform, True, f"Connected: {model} answered HTTP {reply.status_code}.",
                            http_status=reply.status_code, latency_s=reply.total_s, url=url)
