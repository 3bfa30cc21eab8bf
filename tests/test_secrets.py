"""Canary secrets must never reach history, files, logs, CLI output or error messages."""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path
from typing import Any

import pytest

from playground.cli import main


def canary_key() -> str:
    # Built at run time so no credential-shaped literal sits in the repository.
    return "AI" + "za" + "CANARY" + secrets.token_hex(12)


def all_bytes_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def canaries(emu: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    from playground.emulator import make_service_account_info

    info = make_service_account_info(f"{emu.base_url}/token", "canary-project")
    sa = tmp_path / "canary-sa.json"
    sa.write_text(json.dumps(info))
    key = canary_key()
    env = {"GOOGLE_API_KEY": key, "GOOGLE_GEMINI_BASE_URL": emu.base_url,
           "GOOGLE_APPLICATION_CREDENTIALS": str(sa), "GOOGLE_VERTEX_BASE_URL": emu.base_url,
           "PLAYGROUND_DATA_DIR": str(tmp_path / "data")}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    private_key_body = info["private_key"].splitlines()[5]
    return {"key": key, "private_key": private_key_body, "private_key_id": info["private_key_id"]}


def test_no_secret_in_cli_output_history_or_logs(canaries: dict[str, str], emu: Any,
                                                  tmp_path: Path, capsys: Any,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert main(["generate", "--prompt", "canary run", "--json"]) == 0
    emu.control.script("503", count=10)  # errors, hints and raw bodies are stored too
    assert main(["generate", "--prompt", "canary fail", "--retries", "0", "--json"]) == 1
    assert main(["generate", "--prompt", "canary table", "--retries", "0"]) == 1
    captured = capsys.readouterr()
    emitted = captured.out + captured.err + caplog.text
    stored = all_bytes_under(tmp_path / "data")
    assert stored, "history should hold something"
    for name, value in canaries.items():
        assert value not in emitted, f"{name} leaked into output or logs"
        assert value.encode() not in stored, f"{name} leaked into history files"
    bearer = [r for r in emu.control.requests() if r.get("platform") == "vertex"
              and str(r["headers"].get("authorization", "")).startswith("Bearer")]
    assert bearer, "the Vertex flow should have used an OAuth token from the emulator"
