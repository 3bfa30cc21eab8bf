"""Settings → "Test connection": one cheap authenticated call per platform, with the hint."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from playground.clients.base import Platform
from playground.clients.google_errors import error_from_body
from playground.clients.http import send
from playground.domain.catalog import DEFAULT_MODEL
from playground.domain.errors import PlaygroundError
from playground.domain.redaction import redact_text


@dataclass(frozen=True)
class ConnectionReport:
    platform: str
    ok: bool
    message: str
    hint: str = ""
    http_status: int | None = None
    latency_s: float | None = None
    url: str = ""


def check_connection(platform: Platform, client: httpx.Client,
                     model: str = DEFAULT_MODEL) -> ConnectionReport:
    secrets = platform.secrets()
    try:
        wire = platform.build_probe(model)
        reply = send(client, wire, platform.auth, timeout_s=30)
    except PlaygroundError as exc:
        return ConnectionReport(platform.name, False, redact_text(exc.message, secrets), exc.hint)
    url = redact_text(wire.url, secrets)
    if reply.status_code >= 300:
        err = error_from_body(reply.status_code, reply.body, platform=platform.name)
        return ConnectionReport(platform.name, False, redact_text(str(err), secrets), err.hint,
                                reply.status_code, reply.total_s, url)
    return ConnectionReport(platform.name, True,
                            f"Connected: {model} answered HTTP {reply.status_code}.",
                            http_status=reply.status_code, latency_s=reply.total_s, url=url)
