"""Canaries through the gateway: upstream credentials and gateway keys never reach an answer,
a header, a log line, a streamed chunk or history, even when the upstream echoes them back."""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from playground.config import load_settings
from tests.gateway.conftest import KEY, start


def test_no_secret_in_answers_logs_or_history(canaries: dict[str, str], emu: Any,
                                              tmp_path: Path, monkeypatch: Any, capfd: Any,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("PLAYGROUND_GATEWAY_KEYS", f"alice:{KEY}")
    monkeypatch.setenv("PLAYGROUND_MAX_RETRY_WAIT_S", "0.01")
    handle = start(load_settings())
    seen: list[str] = []
    try:
        client = openai.OpenAI(base_url=handle.base_url + "/v1", api_key=KEY, max_retries=0)

        def keep(response: Any) -> None:
            seen.append(str(response.headers) + response.text)

        for model in ("nano-banana-pro", "nano-banana-pro-vertex"):
            raw = client.images.with_raw_response.generate(model=model, prompt="canary",
                                                           response_format="url")
            keep(raw.http_response)
            url = raw.parse().data[0].url
            assert url and httpx.get(url).status_code == 200
            for fault in ("echo_headers", "consumer_suspended", "503"):
                emu.control.script(fault, count=3)
                with pytest.raises(openai.APIStatusError) as caught:
                    client.images.generate(model=model, prompt="canary fail")
                keep(caught.value.response)
                emu.control.reset()  # faults a 4xx did not use up
            emu.control.script("echo_headers", count=1)
            with pytest.raises(openai.APIStatusError) as caught:
                list(client.chat.completions.create(model=model, stream=True,
                                                    messages=[{"role": "user", "content": "c"}]))
            keep(caught.value.response)
            emu.control.reset()
            stream = client.chat.completions.with_raw_response.create(
                model=model, stream=True, messages=[{"role": "user", "content": "c"}])
            seen.append(str(stream.headers) + stream.http_response.read().decode())
        seen.append(httpx.get(handle.base_url + "/v1/models",
                              headers={"authorization": f"Bearer {KEY}"}).text)
        secrets = handle.gateway.secrets()
        tokens = [s for s in secrets if s not in canaries.values() and s != KEY]
        assert tokens, "the Vertex access token in use should be among the redacted secrets"
    finally:
        handle.stop()
    captured = capfd.readouterr()
    emitted = "\n".join(seen) + captured.out + captured.err + caplog.text
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert "CONSUMER_SUSPENDED" in emitted and b"canary fail" in stored
    assert "[REDACTED]" in emitted, "the upstream echoed a credential and it was redacted"
    assert "key=alice" in caplog.text, "one log line per request names the key"
    for name, value in [*canaries.items(), ("gateway key", KEY),
                        *((f"token {n}", t) for n, t in enumerate(tokens))]:
        assert value not in emitted, f"{name} leaked into an answer or a log"
        assert value.encode() not in stored, f"{name} leaked into history"
        assert base64.b64encode(value.encode()) not in stored
