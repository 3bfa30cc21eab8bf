"""A gateway on loopback in a thread, backed by the session emulator; the official openai SDK
as its client (max_retries=0 unless a test says otherwise, so statuses are seen as sent)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from playground.config import Settings, load_settings
from playground.gateway.server import GatewayHandle, start_gateway
from playground.gateway.service import Gateway
from playground.history.store import HistoryStore

KEY = "gw-test-alice-" + secrets.token_hex(8)
KEY_BOB = "gw-test-bob-" + secrets.token_hex(8)


def gateway_env(emulator_handle: Any, service_account_file: Path, data_dir: Path,
                **extra: str) -> dict[str, str]:
    env = {
        "GOOGLE_API_KEY": "test-aistudio-key-0001",
        "GOOGLE_GEMINI_BASE_URL": emulator_handle.base_url,
        "GOOGLE_APPLICATION_CREDENTIALS": str(service_account_file),
        "GOOGLE_CLOUD_PROJECT": "banana-test",
        "GOOGLE_VERTEX_BASE_URL": emulator_handle.base_url,
        "PLAYGROUND_DATA_DIR": str(data_dir),
        "PLAYGROUND_GATEWAY_KEYS": f"alice:{KEY},bob:{KEY_BOB}",
        "PLAYGROUND_GATEWAY_RPM": "0",
        "PLAYGROUND_MAX_RETRY_WAIT_S": "1",
    }
    env.update(extra)
    return env


def start(settings: Settings) -> GatewayHandle:
    return start_gateway(Gateway(settings))


@pytest.fixture(scope="session")
def gateway_handle(emulator_handle: Any, service_account_file: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayHandle]:
    data = tmp_path_factory.mktemp("gateway-data")
    handle = start(load_settings(env=gateway_env(emulator_handle, service_account_file, data)))
    yield handle
    handle.stop()


@pytest.fixture
def gw(gateway_handle: GatewayHandle, emu: Any) -> GatewayHandle:
    """The session gateway, with the emulator reset (no faults, instant) for this test."""
    return gateway_handle


@pytest.fixture
def oai(gw: GatewayHandle) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(base_url=gw.base_url + "/v1", api_key=KEY, max_retries=0)
    yield client
    client.close()


@pytest.fixture
def history(gw: GatewayHandle) -> HistoryStore:
    return gw.gateway.store


def ids(headers: Any) -> list[int]:
    return [int(i) for i in headers["x-banana-history-ids"].split(",") if i]
