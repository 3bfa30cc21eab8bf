"""Expiring links for `response_format=url`, served from history's content-addressed files.

A link names an image by its SHA-256 and sniffed format plus an expiry, signed with HMAC-SHA256
under a key made at start-up: it cannot be forged or extended, and every link dies with the
process or at its expiry (default 60 minutes, as OpenAI's). Like OpenAI's own image URLs, the
link itself is the permission: no Bearer key is needed to fetch it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from playground.gateway.errors import GatewayError
from playground.history.files import EXTENSIONS

_MIME_OF = {ext: mime for mime, ext in EXTENSIONS.items()}


@dataclass(frozen=True)
class LinkTarget:
    sha256: str
    mime: str
    expires_at: int


class Links:
    def __init__(self, ttl_s: float, key: bytes | None = None) -> None:
        self.ttl_s = ttl_s
        self._key = key or secrets.token_bytes(32)

    def _sign(self, payload: str) -> str:
        mac = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def token(self, sha256: str, mime: str, now: float | None = None) -> tuple[str, int]:
        expires = int((now or time.time()) + self.ttl_s)
        payload = f"{sha256}.{EXTENSIONS.get(mime, 'bin')}.{expires}"
        return f"{payload}.{self._sign(payload)}", expires

    def check(self, token: str, now: float | None = None) -> LinkTarget:
        parts = token.split(".")
        if len(parts) != 4 or parts[1] not in _MIME_OF or not parts[2].isdigit():
            raise GatewayError(404, "No such image link.", code="link_not_found")
        payload = ".".join(parts[:3])
        if not hmac.compare_digest(parts[3], self._sign(payload)):
            raise GatewayError(404, "No such image link (the signature does not match; links "
                                    "die when the gateway restarts).", code="link_not_found")
        expires = int(parts[2])
        if (now or time.time()) > expires:
            raise GatewayError(410, f"This image link expired at {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(expires))}; "
                                    "ask again with response_format=b64_json, or find the image "
                                    "in Banana Split's History.", code="link_expired")
        return LinkTarget(parts[0], _MIME_OF[parts[1]], expires)
