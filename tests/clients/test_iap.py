"""IAP's signed header, verified against keys served on loopback (a real ES256 signature)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from google.auth import crypt, jwt

from playground.clients.iap import IAP_ISSUER, IapError, verify_iap_jwt

AUDIENCE = "/projects/123/global/backendServices/456"


def _pem_private(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@pytest.fixture(scope="module")
def iap_keys() -> Iterator[tuple[str, ec.EllipticCurvePrivateKey]]:
    """IAP's public_key endpoint ({kid: PEM public key}) on a loopback port."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    body = json.dumps({"kid-1": public.decode()}).encode()

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/iap/verify/public_key", key
    server.shutdown()


def token(key: ec.EllipticCurvePrivateKey, **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": IAP_ISSUER, "aud": AUDIENCE, "email": "ana@example.com",
               "sub": "accounts.google.com:1", "iat": now, "exp": now + 600, **claims}
    signer = crypt.ES256Signer.from_string(_pem_private(key), "kid-1")
    return jwt.encode(signer, payload).decode()


def test_a_valid_assertion_names_its_email(iap_keys: tuple[str, Any]) -> None:
    url, key = iap_keys
    assert verify_iap_jwt(token(key, email="Ana@Example.com"), AUDIENCE, url) == \
        "ana@example.com"


@pytest.mark.parametrize(("claims", "other_key", "message"), [
    ({"aud": "/projects/999/other"}, False, "not valid"),
    ({"iss": "https://evil.example"}, False, "not issued by IAP"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, False, "not valid"),
    ({}, True, "not valid"),  # signed by someone else's key
    ({"email": ""}, False, "names no email"),
])
def test_a_forged_or_stale_assertion_is_refused(iap_keys: tuple[str, Any],
                                                claims: dict[str, Any], other_key: bool,
                                                message: str) -> None:
    url, key = iap_keys
    signer = ec.generate_private_key(ec.SECP256R1()) if other_key else key
    with pytest.raises(IapError, match=message):
        verify_iap_jwt(token(signer, **claims), AUDIENCE, url)


def test_no_assertion_is_refused(iap_keys: tuple[str, Any]) -> None:
    with pytest.raises(IapError, match="no signed IAP assertion"):
        verify_iap_jwt(None, AUDIENCE, iap_keys[0])
