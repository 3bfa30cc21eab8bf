"""IAP's signed header: the proof that a request came through Identity-Aware Proxy.

IAP sets `X-Goog-Authenticated-User-Email`, but anyone who reaches the app around IAP can
forge that; the JWT in `X-Goog-IAP-JWT-Assertion` is signed (ES256) with keys Google publishes
(https://cloud.google.com/iap/docs/signed-headers-howto). Verified as Google's own sample does:
`google.oauth2.id_token.verify_token` with the audience and the PEM keys URL; the issuer must be
IAP's. The keys are fetched at most once per `CERTS_TTL_S` per process.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from playground.domain.errors import PlaygroundError

IAP_ISSUER = "https://cloud.google.com/iap"
CERTS_TTL_S = 600.0
_lock = threading.Lock()
_certs: dict[str, tuple[float, Any]] = {}


class IapError(PlaygroundError):
    """The IAP assertion is missing, unsigned, expired or for another audience."""


class _CachingRequest:
    """google-auth's requests transport, remembering the keys' answer for a while."""

    def __init__(self) -> None:
        import google.auth.transport.requests

        self._inner = google.auth.transport.requests.Request()

    def __call__(self, url: str, method: str = "GET", **kwargs: Any) -> Any:
        with _lock:
            hit = _certs.get(url)
            if hit and time.monotonic() - hit[0] < CERTS_TTL_S:
                return hit[1]
        response = self._inner(url, method=method, **kwargs)
        if response.status == 200:
            with _lock:
                _certs[url] = (time.monotonic(), response)
        return response


def verify_iap_jwt(token: str | None, audience: str, certs_url: str) -> str:
    """The email the assertion names, lower case; IapError saying what is wrong."""
    if not token:
        raise IapError("the request carries no signed IAP assertion (X-Goog-IAP-JWT-Assertion)")
    from google.auth import exceptions
    from google.oauth2 import id_token

    try:
        request: Any = _CachingRequest()  # duck-types google.auth.transport.Request
        claims = id_token.verify_token(token, request, audience=audience, certs_url=certs_url)
    except exceptions.TransportError:
        raise IapError("IAP's signing keys could not be fetched") from None
    except (ValueError, exceptions.GoogleAuthError) as exc:
        text = str(exc).split("\n")[0][:120]
        raise IapError(f"the signed IAP assertion is not valid ({text})") from None
    if claims.get("iss") != IAP_ISSUER:
        raise IapError("the signed assertion was not issued by IAP")
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        raise IapError("the signed IAP assertion names no email")
    return email
