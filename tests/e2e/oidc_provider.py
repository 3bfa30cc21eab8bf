"""A real OpenID Connect provider on loopback for the sign-in tests: discovery, an authorize
endpoint that signs in whoever the test names (no login form), a token endpoint issuing
RS256-signed ID tokens with the client's nonce, and the JWKS to verify them (joserfc, which
Authlib — Streamlit's OIDC client — uses itself)."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwk, jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "banana-split"
CLIENT_SECRET = secrets.token_urlsafe(16)


@dataclass
class Provider:
    base_url: str
    user_email: str = "ana@example.com"  # who the next sign-in is
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    issued: list[str] = field(default_factory=list)  # emails of the ID tokens issued
    server: Any = None


def start_provider() -> Provider:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    provider = Provider(f"http://127.0.0.1:{port}")
    key = jwk.RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})

    async def discovery(request: Request) -> Response:
        b = provider.base_url
        return JSONResponse({
            "issuer": b, "authorization_endpoint": f"{b}/authorize",
            "token_endpoint": f"{b}/token", "jwks_uri": f"{b}/jwks",
            "userinfo_endpoint": f"{b}/userinfo", "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post"]})

    async def authorize(request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        provider.codes[code] = {"nonce": q.get("nonce"), "email": provider.user_email,
                                "redirect_uri": q["redirect_uri"]}
        return RedirectResponse(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}",
                                status_code=302)

    async def token(request: Request) -> Response:
        form = await request.form()
        grant = provider.codes.pop(str(form.get("code")), None)
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = int(time.time())
        claims = {"iss": provider.base_url, "sub": f"sub-{grant['email']}", "aud": CLIENT_ID,
                  "iat": now, "exp": now + 600, "email": grant["email"],
                  "email_verified": True, "name": grant["email"].split("@")[0]}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)
        provider.issued.append(grant["email"])
        return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                             "expires_in": 600, "id_token": id_token, "scope": "openid email"})

    async def jwks(request: Request) -> Response:
        return JSONResponse({"keys": [key.as_dict(private=False)]})

    async def userinfo(request: Request) -> Response:
        return JSONResponse({"sub": f"sub-{provider.user_email}", "email": provider.user_email,
                             "email_verified": True})

    app = Starlette(routes=[
        Route("/.well-known/openid-configuration", discovery), Route("/authorize", authorize),
        Route("/token", token, methods=["POST"]), Route("/jwks", jwks),
        Route("/userinfo", userinfo)])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True, name="oidc-provider").start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    provider.server = server
    return provider
