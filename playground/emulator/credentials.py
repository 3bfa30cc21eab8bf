"""Throw-away Google credentials files whose token endpoint is the emulator's `/token`.

Unmodified google-auth loads them; nothing here is a real credential. Keys are generated fresh
(RSA 2048) each call and are never logged.
"""

from __future__ import annotations

import json
import os
import pathlib
import secrets
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def make_service_account_info(token_uri: str, project_id: str = "banana-demo",
                              client_email: str | None = None) -> dict[str, Any]:
    """A complete service-account JSON dict, as the Cloud console would download it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    email = client_email or f"banana-emulator@{project_id}.iam.gserviceaccount.com"
    return {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": email,
        "client_id": str(secrets.randbelow(10**21)).zfill(21),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
                                + email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }


def make_authorized_user_info(token_uri: str) -> dict[str, Any]:
    """An ADC `authorized_user` file (what `gcloud auth application-default login` writes)."""
    return {
        "type": "authorized_user",
        "client_id": f"{secrets.randbelow(10**12)}-emulator.apps.googleusercontent.com",
        "client_secret": secrets.token_urlsafe(18),
        "refresh_token": "1//emu-" + secrets.token_urlsafe(40),
        "token_uri": token_uri,
        "universe_domain": "googleapis.com",
    }


def write_service_account_file(path: str | os.PathLike[str], token_uri: str,
                               project_id: str = "banana-demo") -> pathlib.Path:
    """Write a fresh service-account file, readable by the owner only."""
    target = pathlib.Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    info = make_service_account_info(token_uri, project_id)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=2)
    return target


def public_key_pem(info: dict[str, Any]) -> str:
    """The public half of a service-account file's key, for /_emulator/service-accounts."""
    key = serialization.load_pem_private_key(info["private_key"].encode(), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
