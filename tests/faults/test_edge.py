"""Input faults at the edge: numbers (flags and environment), text that is not UTF-8, --out
paths, credentials files that are not credentials. Each is one sentence and exit 2, before any
request is sent; never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from playground.clients.auth import vertex_credentials
from playground.config import load_settings
from playground.domain.errors import ConfigError
from tests.faults.conftest import cli, cli_process


def _sent(emu: Any) -> list[dict[str, Any]]:
    return [r for r in emu.control.requests() if "generateContent" in r["path"]]


@pytest.mark.parametrize("argv, words", [
    (["--timeout", "nan"], "--timeout must be a number of seconds above 0 and at most 3600"),
    (["--timeout", "inf"], "(got inf)"),
    (["--timeout", "-1"], "(got -1)"),
    (["--timeout", "0"], "(got 0)"),
    (["--retries", "-3"], "--retries must be a whole number from 0 to 10 (got -3)"),
    (["--retries", "1000000000"], "--retries must be a whole number from 0 to 10"),
    (["--max-retry-wait", "nan"], "--max-retry-wait must be a number of seconds from 0 to 900"),
    (["--max-retry-wait", "inf"], "(got inf)"),
    (["--quality", "101", "--mime-type", "image/jpeg"], "--quality must be a whole number from 0 "
                                                        "to 100 (got 101)"),
    (["--seed", "-1"], "--seed must be a whole number from 0 to 2147483647 (got -1)"),
    (["--seed", "2147483648"], "--seed must be a whole number from 0 to 2147483647"),
])
def test_generate_numbers(argv: list[str], words: str, emu: Any, emu_env: dict[str, str],
                          capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "generate", "--prompt", "a fox", "--backend", "vertex", *argv)
    assert code == 2 and err.startswith("error: ") and words in err, err
    assert len(err.strip().splitlines()) == 1
    assert not _sent(emu)


@pytest.mark.parametrize("argv, words", [
    (["--budget", "nan"], "--budget must be a number of US dollars above 0 (got nan)"),
    (["--budget", "inf"], "(got inf)"),
    (["--time-scale", "-1", "--demo"], "--time-scale must be a factor above 0 and at most 100"),
    (["--time-scale", "0", "--demo"], "(got 0)"),
    (["--time-scale", "nan", "--demo"], "(got nan)"),
    (["--timeout", "nan"], "--timeout must be a number of seconds above 0"),
    (["--retries", "-3"], "--retries must be a whole number from 0 to 10"),
    (["--seed", "-1"], "--seed must be a whole number from 0"),
])
def test_bench_numbers(argv: list[str], words: str, tmp_path: Path,
                       capsys: pytest.CaptureFixture[str]) -> None:
    prompts = tmp_path / "p.txt"
    prompts.write_text("a fox\n")
    code, _, err = cli(capsys, "bench", "--prompts", str(prompts), *argv)
    assert code == 2 and words in err, err


@pytest.mark.parametrize("flag", ["--ids", "--images"])
def test_export_ids_too_large_for_sqlite(flag: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "export", flag, "99999999999999999999999", "--out",
                       str(tmp_path / "p.zip"))
    assert code == 2 and "ids are positive numbers (at most 9223372036854775807)" in err


def test_export_last_huge_means_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.faults.conftest import history

    history(Path(os.environ["PLAYGROUND_DATA_DIR"]))
    code, out, _ = cli(capsys, "export", "--last", "99999999999999999999999", "--out",
                       str(tmp_path / "p.zip"), "--quiet")
    assert code == 0 and "3 generation(s)" in out


@pytest.mark.parametrize("name, value, words", [
    ("PLAYGROUND_TIMEOUT_S", "nan", "PLAYGROUND_TIMEOUT_S must be a number of seconds above 0"),
    ("PLAYGROUND_TIMEOUT_S", "-1", "(got -1)"),
    ("PLAYGROUND_RETRIES", "-3", "PLAYGROUND_RETRIES must be a whole number from 0 to 10"),
    ("PLAYGROUND_RETRIES", "2.5", "PLAYGROUND_RETRIES='2.5' is not a whole number"),
    ("PLAYGROUND_MAX_RETRY_WAIT_S", "inf", "PLAYGROUND_MAX_RETRY_WAIT_S must be a number of "
                                           "seconds from 0 to 900 (got inf)"),
    ("PLAYGROUND_EMULATOR_PORT", "99999", "PLAYGROUND_EMULATOR_PORT must be a port number from "
                                          "0 (any free port) to 65535 (got 99999)"),
])
def test_environment_numbers(name: str, value: str, words: str, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ConfigError, match=r"must be|is not a whole number") as info:
        load_settings(env={name: value})
    assert words in str(info.value)
    monkeypatch.setenv(name, value)
    for argv in (["generate", "--prompt", "a fox", "--demo"], ["models", "--demo"],
                 ["export", "--last", "1", "--out", str(tmp_path / "p.zip")]):
        code, _, err = cli(capsys, *argv)
        assert code == 2 and words in err, (argv, err)


def test_environment_numbers_in_range_are_taken() -> None:
    s = load_settings(env={"PLAYGROUND_TIMEOUT_S": "120", "PLAYGROUND_RETRIES": "3.0",
                           "PLAYGROUND_MAX_RETRY_WAIT_S": "0", "PLAYGROUND_EMULATOR_PORT": "8790"})
    assert (s.timeout_s, s.retries, s.max_retry_wait_s, s.emulator_port) == (120, 3, 0, 8790)


def test_a_prompt_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    """`--prompt $'\\xff'`: the byte arrives in argv as a lone surrogate (PEP 383)."""
    proc = cli_process(["generate", "--prompt", os.fsdecode(b"a \xff fox"), "--demo"],
                       {"PLAYGROUND_DATA_DIR": str(tmp_path / "data")})
    assert proc.returncode == 2, proc.stderr
    assert "error: --prompt holds bytes that are not UTF-8 text (at character 3)." in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "data").exists()


@pytest.mark.parametrize("out", ["{file}", "/proc/self/images", "/proc/self", "{device}"])
def test_generate_out_that_cannot_hold_images_is_refused_before_sending(
        out: str, tmp_path: Path, emu: Any, emu_env: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    """{device} is a FIFO in the test folder (never the machine's /dev)."""
    existing = tmp_path / "a-file.png"
    existing.write_bytes(b"keep me")
    os.mkfifo(tmp_path / "device")
    code, _, err = cli(capsys, "generate", "--prompt", "a fox", "--backend", "aistudio",
                       "--out", out.replace("{file}", str(existing)).replace(
                           "{device}", str(tmp_path / "device")))
    assert code == 2 and err.startswith("error: --out ") and "Traceback" not in err
    assert ("is a file" in err) or ("system folder" in err), err
    assert not _sent(emu) and existing.read_bytes() == b"keep me"


def _credentials(tmp_path: Path, kind: str) -> str:
    if kind == "/proc/self/mem":
        return kind
    if kind == "a folder":
        return str(tmp_path)
    path = tmp_path / "sa.json"
    path.write_text({"[1,2]": "[1, 2]", "{}": "{}", "invalid JSON": '{"type": "serv',
                     "missing fields": json.dumps({"type": "service_account"}),
                     "a bad key": json.dumps({"type": "service_account", "client_email": "a@b",
                                              "token_uri": "http://127.0.0.1:9/token",
                                              "private_key": "not a key"})}[kind])
    return str(path)


CREDENTIALS = {
    "[1,2]": "holds a JSON list, not a credentials object",
    "{}": 'has no "type" field',
    "invalid JSON": "is not valid JSON (Unterminated string",
    "/proc/self/mem": "cannot be read (Input/output error)",
    "a folder": "which is a folder",
    "missing fields": "is not usable service_account credentials",
    "a bad key": "is not usable service_account credentials",
}


@pytest.mark.parametrize("kind", list(CREDENTIALS))
def test_credentials_files_that_are_not_credentials(kind: str, tmp_path: Path, emu: Any,
                                                    emu_env: dict[str, str],
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = _credentials(tmp_path, kind)
    env = {"GOOGLE_APPLICATION_CREDENTIALS": path, "GOOGLE_CLOUD_PROJECT": "p",
           "HOME": str(tmp_path)}
    with pytest.raises(ConfigError) as info:
        vertex_credentials(load_settings(env=env).vertex)
    assert CREDENTIALS[kind] in str(info.value)
    assert "GOOGLE_APPLICATION_CREDENTIALS" in info.value.hint
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", path)
    for argv in (["generate", "--prompt", "a fox", "--backend", "vertex"],
                 ["models", "--backend", "vertex"]):
        code, _, err = cli(capsys, *argv)
        assert code == 2 and CREDENTIALS[kind] in err and "Traceback" not in err, (argv, err)
    assert not _sent(emu)
