"""Canary secrets must never reach history, files, logs, CLI output or error messages."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from playground.cli.main import main


def all_bytes_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())




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
