"""Credentials as httpx.Auth: API keys, and google-auth OAuth tokens (docs/wire-notes.md "Hosts").

google-auth has no httpx transport, so tokens are refreshed with its `requests` transport and
put on our httpx requests here. `prepare()` refreshes *before* the timed request starts, so a
token refresh never counts as API latency.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any

import httpx

from playground.config import (
    CLOUD_PLATFORM_SCOPE,
    CREDENTIALS_HINT,
    Secret,
    VertexSettings,
    read_credentials_file,
)
from playground.domain.errors import ConfigError, TransportError


class ApiKeyAuth(httpx.Auth):
    """`x-goog-api-key` header; the key never goes into the URL."""

    def __init__(self, key: Secret) -> None:
        self._key = key

    def prepare(self) -> None:
        return None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["x-goog-api-key"] = self._key.reveal()
        yield request


class GoogleCredentialsAuth(httpx.Auth):
    """Bearer token from google-auth credentials, refreshed before expiry, thread-safe."""

    def __init__(self, credentials: Any) -> None:
        self._credentials = credentials
        self._lock = threading.Lock()

    @property
    def credentials(self) -> Any:
        return self._credentials

    def secrets(self) -> list[str]:
        """The current access token: an upstream that echoes request headers must not get it
        into any log, even without its "Bearer" prefix."""
        with self._lock:
            token = self._credentials.token
        return [token] if token else []

    def prepare(self) -> None:
        """Refresh when expired or missing (google-auth marks tokens expired 3m45s early)."""
        with self._lock:
            if self._credentials.valid:
                return
            import google.auth.exceptions
            import google.auth.transport.requests

            try:
                self._credentials.refresh(google.auth.transport.requests.Request())
            except google.auth.exceptions.RefreshError as exc:
                raise ConfigError(
                    f"Could not get a Vertex access token: {_first_line(exc)}",
                    hint="Check the service-account file (GOOGLE_APPLICATION_CREDENTIALS) or "
                         "re-run `gcloud auth application-default login`.",
                ) from None
            except google.auth.exceptions.TransportError as exc:
                raise TransportError(
                    f"Could not reach the token endpoint: {_first_line(exc)}",
                    hint="Check the network and the token_uri in the credentials file.",
                ) from None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with self._lock:
            token = self._credentials.token
            quota_project = getattr(self._credentials, "quota_project_id", None)
        request.headers["Authorization"] = f"Bearer {token}"
        if quota_project:
            request.headers["x-goog-user-project"] = quota_project
        yield request


def _first_line(exc: BaseException) -> str:
    text = str(exc.args[0]) if exc.args else str(exc)
    return text.splitlines()[0][:300]


def vertex_credentials(vertex: VertexSettings) -> Any:
    """google-auth credentials for Vertex: a service-account/ADC file, or ADC discovery.

    ConfigError, saying what is wrong and what to do, for a file that is not usable credentials
    (a folder, /proc/self/mem, invalid JSON, a JSON list, `{}`, missing fields, a bad key)."""
    import google.auth
    import google.auth.exceptions

    if vertex.credentials_file:
        return _credentials_from_file(vertex.credentials_file)
    try:
        creds, _ = google.auth.default(scopes=[CLOUD_PLATFORM_SCOPE])
    except (google.auth.exceptions.DefaultCredentialsError, ValueError, KeyError) as exc:
        raise ConfigError(f"Vertex credentials could not be loaded: {_first_line(exc)}",
                          hint=CREDENTIALS_HINT) from None
    return creds


def _credentials_from_file(path: str) -> Any:
    """Load by declared type, as google-auth recommends for files we did not write; the file
    is read once (config.read_credentials_file) and built from that info."""
    import google.auth.exceptions
    from google.oauth2 import credentials as user_credentials
    from google.oauth2 import service_account

    info = read_credentials_file(path)
    kind = info["type"]
    try:
        if kind == "service_account":
            return service_account.Credentials.from_service_account_info(
                info, scopes=[CLOUD_PLATFORM_SCOPE])
        if kind == "authorized_user":
            return user_credentials.Credentials.from_authorized_user_info(
                info, scopes=[CLOUD_PLATFORM_SCOPE])
    # google-auth reports a missing field as ValueError, a bad private key as ValueError or
    # TypeError (from `cryptography`), a wrong field type as AttributeError/TypeError.
    except (ValueError, KeyError, TypeError, AttributeError,
            google.auth.exceptions.GoogleAuthError) as exc:
        raise ConfigError(f"The credentials file {path} is not usable {kind} credentials: "
                          f"{_first_line(exc)}", hint=CREDENTIALS_HINT) from None
    raise ConfigError(f"The credentials file {path} has type {kind!r}, which Banana Split "
                      "cannot use (it takes \"service_account\" or \"authorized_user\").",
                      hint=CREDENTIALS_HINT)
