"""serve() as a real process (banner, clean stop, no secrets printed), start_emulator, config."""

from __future__ import annotations

import selectors
import signal
import subprocess
import sys
import time

import httpx
import pytest

from playground.domain.errors import ConfigError
from playground.emulator import EmulatorConfig, start_emulator
from tests.emulator.helpers import PRO, aistudio_path, body

SECRET = "secret-key-never-printed-42"
_SERVE = (
    "from playground.emulator import EmulatorConfig, serve; "
    f"serve(EmulatorConfig(api_keys=({SECRET!r},)), host='127.0.0.1', port=0)"
)


def _read_banner(process: subprocess.Popen[str], timeout_s: float = 20.0) -> str:
    selector = selectors.DefaultSelector()
    assert process.stdout is not None
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if selector.select(timeout=deadline - time.monotonic()):
            return process.stdout.readline()
    raise AssertionError("no banner")


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_banner_stops_cleanly_and_never_prints_secrets(stop_signal) -> None:
    process = subprocess.Popen([sys.executable, "-c", _SERVE], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        banner = _read_banner(process)
        prefix = "Banana Split emulator serving AI Studio and Vertex AI at http://127.0.0.1:"
        assert banner.startswith(prefix)
        base_url = banner.strip().rsplit(" ", 1)[1]
        with httpx.Client(base_url=base_url) as client:
            assert client.post(aistudio_path() + f"?key={SECRET}", json=body()).status_code == 200
            assert client.post(aistudio_path() + "?key=wrong-key-123", json=body()).status_code == 400
            client.post("/token", data={"grant_type": "refresh_token", "refresh_token": SECRET,
                                        "client_id": "c"})
        process.send_signal(stop_signal)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
    output = process.stdout.read() + process.stderr.read()  # type: ignore[union-attr]
    assert SECRET not in output and "wrong-key-123" not in output


def test_start_emulator_context_manager_and_free_port() -> None:
    with start_emulator() as first, start_emulator() as second:
        assert first.base_url != second.base_url
        assert first.base_url.startswith("http://127.0.0.1:")
        response = httpx.get(f"{first.base_url}/v1beta/models/{PRO}", headers={"x-goog-api-key": "k"})
        assert response.status_code == 200
        assert response.headers["server"] == "scaffolding on HTTPServer2"
        assert first.control.state()["counts"]["requests"] == 1
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{first.base_url}/_emulator/state")


def test_config_from_env_and_overrides(monkeypatch) -> None:
    monkeypatch.setenv("PLAYGROUND_EMULATOR_PROFILE", "measured")
    monkeypatch.setenv("PLAYGROUND_EMULATOR_TIME_SCALE", "0.01")
    config = EmulatorConfig.from_env(api_keys=("k",), seed=None)
    assert (config.latency_profile, config.time_scale, config.api_keys, config.seed) == \
        ("measured", 0.01, ("k",), 0)
    assert EmulatorConfig.from_env(latency_profile="article").latency_profile == "article"
    monkeypatch.setenv("PLAYGROUND_EMULATOR_TODAY", "2026-09-01")
    assert EmulatorConfig.from_env().today == "2026-09-01"
    monkeypatch.setenv("PLAYGROUND_EMULATOR_TIME_SCALE", "fast")
    with pytest.raises(ConfigError, match="PLAYGROUND_EMULATOR_TIME_SCALE"):
        EmulatorConfig.from_env()


@pytest.mark.parametrize("bad", [{"latency_profile": "warp"}, {"metadata": "exif"},
                                 {"lite_ratios": 12}, {"time_scale": -1}, {"imagen": "maybe"},
                                 {"narration": "sometimes"}, {"signature_check": "strict"},
                                 {"sse_line_end": "\r"}, {"today": "2026-02-30"}])
def test_config_rejects_bad_values(bad) -> None:
    with pytest.raises(ConfigError):
        EmulatorConfig(**bad)
    with pytest.raises(ConfigError, match="Unknown emulator setting"):
        EmulatorConfig.from_env(colour="blue")
