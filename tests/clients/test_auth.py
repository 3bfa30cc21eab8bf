"""google-auth, unmodified, against the emulator's token endpoint: service account and refresh."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from playground.clients.auth import GoogleCredentialsAuth, vertex_credentials
from playground.config import load_settings
from playground.domain.errors import ConfigError


@pytest.fixture
def short_lived(tmp_path: Path):  # type: ignore[no-untyped-def]
    from playground.emulator import EmulatorConfig, start_emulator, write_service_account_file

    handle = start_emulator(EmulatorConfig(token_ttl_s=1.0))
    sa = write_service_account_file(tmp_path / "sa.json", f"{handle.base_url}/token", "p1")
    yield handle, sa
    handle.stop()


def test_service_account_token_and_refresh_after_expiry(short_lived) -> None:  # type: ignore[no-untyped-def]
    handle, sa = short_lived
    settings = load_settings(env={"GOOGLE_APPLICATION_CREDENTIALS": str(sa),
                                  "GOOGLE_VERTEX_BASE_URL": handle.base_url, "HOME": str(sa.parent)})
    assert settings.vertex.project == "p1"
    auth = GoogleCredentialsAuth(vertex_credentials(settings.vertex))
    url = (f"{handle.base_url}/v1/projects/p1/locations/global/publishers/google/models/"
           "gemini-3-pro-image")
    with httpx.Client() as client:
        auth.prepare()
        first = auth.credentials.token
        assert first and client.get(url, auth=auth).status_code == 200
        deadline = time.monotonic() + 5
        while client.get(url, headers={"Authorization": f"Bearer {first}"}).status_code != 401:
            assert time.monotonic() < deadline, "the token never expired"
            time.sleep(0.1)
        auth.prepare()  # google-auth sees the token as expired and refreshes it
        assert auth.credentials.token != first
        assert client.get(url, auth=auth).status_code == 200


def test_bad_credentials_file_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "service_account"}')
    settings = load_settings(env={"GOOGLE_APPLICATION_CREDENTIALS": str(bad),
                                  "GOOGLE_CLOUD_PROJECT": "p", "HOME": str(tmp_path)})
    with pytest.raises(ConfigError) as info:
        vertex_credentials(settings.vertex)
    assert "GOOGLE_APPLICATION_CREDENTIALS" in info.value.hint
