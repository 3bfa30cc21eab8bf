"""Fixtures: one real-port emulator per session, reset before each test; in-process apps on demand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import google.auth.transport.requests
import httpx
import pytest
from google.oauth2 import service_account

from playground.emulator import (
    EmulatorConfig,
    EmulatorHandle,
    make_service_account_info,
    start_emulator,
)
from tests.emulator.helpers import KEY, SUMMER_2026, AsgiClient, asgi, token_for

SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorHandle]:
    handle = start_emulator(EmulatorConfig())
    yield handle
    handle.stop()


@pytest.fixture
def emu(emulator: EmulatorHandle) -> Iterator[EmulatorHandle]:
    """The session emulator with no scripts, latency or log left over from other tests."""
    emulator.control.reset()
    yield emulator
    emulator.control.reset()


@pytest.fixture(scope="session")
def http(emulator: EmulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def sa_info(emulator: EmulatorHandle) -> dict[str, Any]:
    return make_service_account_info(emulator.base_url + "/token")


@pytest.fixture(scope="session")
def credentials(sa_info: dict[str, Any]) -> service_account.Credentials:
    creds = service_account.Credentials.from_service_account_info(sa_info, scopes=SCOPES)
    creds.refresh(google.auth.transport.requests.Request())
    return creds


@pytest.fixture(scope="session")
def bearer(credentials: service_account.Credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {credentials.token}"}


@pytest.fixture(scope="session")
def api_key() -> dict[str, str]:
    return {"x-goog-api-key": KEY}


@pytest.fixture(scope="session")
def in_process() -> AsgiClient:
    """A default-config app in-process, shared (the render cache makes repeats cheap)."""
    return asgi()



@pytest.fixture(scope="module")
def vx(in_process: AsgiClient) -> dict[str, str]:
    """Vertex's auth header, with a token the in-process emulator issued."""
    return {"Authorization": f"Bearer {token_for(in_process)}"}


@pytest.fixture(scope="session")
def summer() -> AsgiClient:
    """In-process, as of a day when 2.5 Flash Image was still served on AI Studio."""
    return asgi(EmulatorConfig(today=SUMMER_2026, accept_unknown_tokens=True))
