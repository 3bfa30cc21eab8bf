"""API keys, Bearer tokens and the emulator's own OAuth2 token endpoint (docs/wire-notes.md "Hosts", "Errors").

Unmodified google-auth talks to `POST /token`: a service-account file whose `token_uri` points
here makes `Credentials.refresh()` send a signed JWT-bearer grant, and an authorized-user ADC
file sends a refresh-token grant. Tokens are random, kept in memory and expire after
`token_ttl_s`. Nothing here logs or echoes a key, token or assertion.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any, Literal
from urllib.parse import parse_qsl

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.requests import Request
from starlette.responses import JSONResponse

from playground.emulator import envelopes
from playground.emulator.config import EmulatorConfig
from playground.emulator.errors import EmulatorError
from playground.emulator.routing import ApiTarget

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
#: google-auth always signs `aud` = Google's endpoint, whatever `token_uri` says
#: (google/oauth2/service_account.py: _make_authorization_grant_assertion).
GOOGLE_TOKEN_AUDIENCES = (
    "https://oauth2.googleapis.com/token",
    "https://www.googleapis.com/oauth2/v4/token",
    "https://accounts.google.com/o/oauth2/token",
)
MAX_ASSERTION_LIFETIME_S = 3600
CLOCK_SKEW_S = 300
_MAX_TOKENS = 10_000

TokenState = Literal["valid", "expired", "unknown"]


class TokenStore:
    """Issued access tokens and their monotonic expiry. Thread-safe, bounded."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._tokens: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self.issued = 0

    def issue(self) -> str:
        token = "ya29.emu." + secrets.token_urlsafe(48)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.ttl_s
            self.issued += 1
            while len(self._tokens) > _MAX_TOKENS:
                self._tokens.popitem(last=False)
        return token

    def check(self, token: str) -> TokenState:
        with self._lock:
            expiry = self._tokens.get(token)
        if expiry is None:
            return "unknown"
        return "valid" if time.monotonic() < expiry else "expired"


# --- authenticating API requests --------------------------------------------------------------


def authenticate(target: ApiTarget, headers: dict[str, str], query: dict[str, str],
                 config: EmulatorConfig, tokens: TokenStore) -> None:
    """Raise the WireError Google would answer with, or return if the caller may proceed."""
    key = (headers.get("x-goog-api-key") or query.get("key") or "").strip()
    bearer = _bearer(headers.get("authorization", ""))
    if target.platform == "aistudio":
        if key:
            _check_key(key, config.api_keys, envelopes.AISTUDIO_SERVICE)
        elif bearer:
            raise envelopes.insufficient_scopes(envelopes.AISTUDIO_SERVICE, target.rpc_method)
        else:
            raise envelopes.unregistered_caller()
        return
    if bearer:
        _check_token(bearer, target, config, tokens)
    elif key and target.mode == "express":
        if target.method in ("get", "list") and config.express_get_rejects_keys:
            raise envelopes.api_keys_not_supported(target.rpc_method)
        _check_key(key, config.vertex_api_keys, envelopes.VERTEX_SERVICE)
    elif key:
        raise envelopes.api_keys_not_supported(target.rpc_method)
    else:
        raise envelopes.credentials_missing(target.rpc_method)


def _bearer(value: str) -> str:
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _check_key(key: str, accepted: tuple[str, ...], service: str) -> None:
    if accepted and not any(secrets.compare_digest(key, ok) for ok in accepted):
        raise envelopes.api_key_invalid(service)


def _check_token(token: str, target: ApiTarget, config: EmulatorConfig,
                 tokens: TokenStore) -> None:
    state = tokens.check(token)
    if state == "valid" or (state == "unknown" and config.accept_unknown_tokens):
        return
    reason = config.expired_token_reason if state == "expired" else config.invalid_token_reason
    raise envelopes.invalid_credentials(reason, target.rpc_method)


# --- the token endpoint -----------------------------------------------------------------------


class GrantError(EmulatorError):
    """An OAuth2 error answer: {"error": code, "error_description": text}, HTTP 400."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


async def token_endpoint(request: Request) -> JSONResponse:
    state = request.app.state.emulator
    # Parsed by hand: Starlette's form parser needs python-multipart, which is not a dependency.
    fields = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
    headers = {name.lower(): value for name, value in request.headers.items()}
    entry = state.log.record("POST", request.url.path, dict(request.query_params), headers,
                             {"grant_type": fields.get("grant_type", "")}, None)
    response = _grant(state, fields, str(request.url.replace(query="")))
    entry["status"] = response.status_code
    return response


def _grant(state: Any, fields: dict[str, str], own_url: str) -> JSONResponse:
    try:
        grant = fields.get("grant_type", "")
        if grant == JWT_BEARER:
            _verify_assertion(fields.get("assertion", ""), own_url, state.config,
                              state.service_accounts)
        elif grant == "refresh_token":
            _check_refresh_grant(fields)
        else:
            raise GrantError("unsupported_grant_type", f"Invalid grant_type: {grant}")
    except GrantError as exc:
        return JSONResponse({"error": exc.code, "error_description": exc.description}, 400)
    ttl = state.tokens.ttl_s
    return JSONResponse({
        "access_token": state.tokens.issue(),
        "expires_in": int(ttl) if ttl >= 1 else ttl,
        "token_type": "Bearer",
    })


def _check_refresh_grant(fields: dict[str, str]) -> None:
    for name in ("refresh_token", "client_id"):
        if not fields.get(name):
            raise GrantError("invalid_request", f"Missing required parameter: {name}")


def _verify_assertion(assertion: str, own_url: str, config: EmulatorConfig,
                      accounts: dict[str, str]) -> None:
    header, claims, signed, signature = _decode_jwt(assertion)
    if header.get("alg") != "RS256":
        raise GrantError("invalid_grant", "Invalid JWT Signature.")
    audiences = (*GOOGLE_TOKEN_AUDIENCES, own_url.rstrip("/"))
    if str(claims.get("aud", "")).rstrip("/") not in audiences:
        raise GrantError("invalid_grant", "Invalid JWT: Failed audience check.")
    _check_times(claims)
    if not str(claims.get("scope", "")).strip():
        raise GrantError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    issuer = str(claims.get("iss", ""))
    public_pem = accounts.get(issuer)
    if public_pem is None:
        if config.require_known_service_accounts:
            raise GrantError("invalid_grant", "Invalid grant: account not found")
        return
    if not _signature_ok(public_pem, signed, signature):
        raise GrantError("invalid_grant", "Invalid JWT Signature.")


def _check_times(claims: dict[str, Any]) -> None:
    now = time.time()
    try:
        iat, exp = float(claims["iat"]), float(claims["exp"])
    except (KeyError, TypeError, ValueError):
        iat, exp = now + 10 * CLOCK_SKEW_S, 0.0  # fails below
    if iat > now + CLOCK_SKEW_S or exp <= now or exp - iat > MAX_ASSERTION_LIFETIME_S + 60:
        raise GrantError(
            "invalid_grant",
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
            "timeframe. Check your iat and exp values in the JWT claim.",
        )


def _decode_jwt(assertion: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    try:
        head_b64, body_b64, sig_b64 = assertion.split(".")
        header = json.loads(_b64url(head_b64))
        claims = json.loads(_b64url(body_b64))
        signature = _b64url(sig_b64)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise GrantError("invalid_grant", "Invalid JWT: malformed assertion.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict) or not signature:
        raise GrantError("invalid_grant", "Invalid JWT: malformed assertion.")
    return header, claims, f"{head_b64}.{body_b64}".encode(), signature


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature_ok(public_pem: str, signed: bytes, signature: bytes) -> bool:
    key = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
