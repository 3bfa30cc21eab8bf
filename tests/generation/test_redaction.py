"""Redaction at the source, checked exactly: when an upstream echoes the request headers (some
proxies and gateways do), no fragment of the API key, the bearer token, the service account's
private key or its client email survives anywhere we write: `generate --json`, the history
database (attempt logs included) and the result in memory. "Exactly" means no run of 6
characters of a random secret (key, token, private key), so a key masked down to its last 4–8
characters fails too; the client email, made of words, must not appear whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from playground.cli.main import main
from playground.config import load_settings

WINDOW = 6


def fragments(secret: str, n: int = WINDOW) -> set[str]:
    """Every run of n characters of the secret (its prefixes and tails included)."""
    return {secret[i:i + n] for i in range(0, max(1, len(secret) - n + 1))}


def leaked(text: str, secret: str) -> list[str]:
    if "@" in secret:  # an email is words: its whole value and its account part
        return [part for part in (secret, secret.split("@")[0] + "@") if part in text]
    return sorted(f for f in fragments(secret) if f in text)


@pytest.fixture
def secrets(canaries: dict[str, str], emu: Any) -> dict[str, str]:
    info = json.loads(Path(load_settings().vertex.credentials_file or "").read_text())
    return {"api key": canaries["key"], "private key id": info["private_key_id"],
            "client email": info["client_email"],
            **{f"private key line {n}": line for n, line in
               enumerate(info["private_key"].splitlines()[1:-1]) if len(line) >= 16}}


def issued_tokens(emu: Any) -> list[str]:
    return list(emu.app.state.emulator.tokens._tokens)


def test_echoed_headers_leave_no_fragment_anywhere(secrets: dict[str, str], emu: Any,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    emu.control.script("echo_headers", count=2)
    assert main(["generate", "--prompt", "canary fox", "--retries", "0", "--json"]) == 1
    out = capsys.readouterr()
    lines = [json.loads(line) for line in out.out.splitlines()]
    assert {r["backend"] for r in lines} == {"aistudio", "vertex"}
    for line in lines:  # the upstream did echo: the attempt log held the headers
        assert "Request headers were" in line["attempt_log"][0]["error_message"]
        assert "[REDACTED]" in line["attempt_log"][0]["error_message"]
    tokens = issued_tokens(emu)
    assert tokens, "the Vertex call should have fetched a token"
    db = (Path(load_settings().data_dir) / "history.sqlite3").read_bytes().decode("latin-1")
    everything = {"stdout": out.out, "stderr": out.err, "history.sqlite3": db}
    named = {**secrets, **{f"bearer token {n}": t for n, t in enumerate(tokens)}}
    for where, text in everything.items():
        for what, secret in named.items():
            assert not leaked(text, secret), f"{what} leaked into {where}: {leaked(text, secret)}"


def test_consumer_suspended_echoes_the_key_and_we_do_not(canaries: dict[str, str], emu: Any,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    emu.control.script("consumer_suspended", platform="aistudio", count=1)
    assert main(["generate", "--prompt", "p", "--backend", "aistudio", "--json"]) == 1
    line = json.loads(capsys.readouterr().out)
    assert line["error"]["reason"] == "CONSUMER_SUSPENDED"
    assert "suspended" in line["error"]["message"] and "roles/aiplatform" not in line["error"]["hint"]
    assert not leaked(json.dumps(line), canaries["key"])
