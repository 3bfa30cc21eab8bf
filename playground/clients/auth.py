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

from playground.config import CLOUD_PLATFORM_SCOPE, Secret, VertexSettings
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
    """google-auth credentials for Vertex: a service-account/ADC file, or ADC discovery."""
    import google.auth
    import google.auth.exceptions

    try:
        if vertex.credentials_file:
            return _credentials_from_file(vertex.credentials_file)
        creds, _ = google.auth.default(scopes=[CLOUD_PLATFORM_SCOPE])
    except (google.auth.exceptions.DefaultCredentialsError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"Vertex credentials could not be loaded: {_first_line(exc)}",
            hint="Set GOOGLE_APPLICATION_CREDENTIALS to a valid service-account JSON file or run "
                 "`gcloud auth application-default login`.",
        ) from None
    return creds


def _credentials_from_file(path: str) -> Any:
    """Load by declared type, as google-auth recommends for files we did not write."""
    import json

    from google.oauth2 import credentials as user_credentials
    from google.oauth2 import service_account

    with open(path, encoding="utf-8") as fh:
        kind = json.load(fh).get("type")
    if kind == "service_account":
        return service_account.Credentials.from_service_account_file(
            path, scopes=[CLOUD_PLATFORM_SCOPE])
    if kind == "authorized_user":
        return user_credentials.Credentials.from_authorized_user_file(
            path, scopes=[CLOUD_PLATFORM_SCOPE])
    raise ValueError(f"unsupported credentials type {kind!r} (use a service-account file or "
                     "gcloud application-default credentials)")
