"""Hypothesis: any number (or text) in any numeric flag or variable gives exit 0, 1 or 2 and a
message, never a traceback; an out-of-range number is named in the message.

No credentials are set and --demo is not passed, so a valid number ends at "needs an API key"
(exit 2) and nothing is ever sent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from playground.config import load_settings
from playground.domain.errors import ConfigError
from tests.faults.conftest import cli

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [0.0, -0.0, 1e-300, 3600.0, 3600.0000001, 900.0, 1e308])
ints = st.integers(min_value=-(2**70), max_value=2**70) | st.sampled_from(
    [0, -1, 10, 11, 100, 101, 2**31 - 1, 2**31, 2**63 - 1, 2**63])
texts = st.text(max_size=12)
values = floats.map(repr) | ints.map(str) | texts

#: flag → whether a parsed value is in range (None: any value the parser takes is fine).
GENERATE: dict[str, Callable[[float], bool]] = {
    "--timeout": lambda v: math.isfinite(v) and 0 < v <= 3600,
    "--retries": lambda v: 0 <= v <= 10,
    "--max-retry-wait": lambda v: math.isfinite(v) and 0 <= v <= 900,
    "--seed": lambda v: 0 <= v <= 2**31 - 1,
    "--quality": lambda v: 0 <= v <= 100,
}
BENCH: dict[str, Callable[[float], bool]] = {
    "--timeout": GENERATE["--timeout"], "--retries": GENERATE["--retries"],
    "--seed": GENERATE["--seed"],
    "--budget": lambda v: math.isfinite(v) and v > 0,
    "--time-scale": lambda v: math.isfinite(v) and 0 < v <= 100,
    "--repeats": lambda v: 1 <= v <= 1000, "--concurrency": lambda v: v >= 1,
    "--rpm": lambda v: v >= 1,
}
INT_FLAGS = {"--retries", "--seed", "--quality", "--repeats", "--concurrency", "--rpm"}


def _parsed(flag: str, text: str) -> float | None:
    try:
        return int(text) if flag in INT_FLAGS else float(text)
    except ValueError:
        return None


def _check(code: int, err: str, flag: str, text: str, ok: Callable[[float], bool]) -> None:
    assert code in (0, 1, 2), (flag, text, code)
    assert "Traceback" not in err
    value = _parsed(flag, text.strip())
    if code == 2 and value is not None and not ok(value):
        assert flag in err or "budget" in err or "Repeats" in err or "Concurrency" in err \
            or "rpm" in err, (flag, text, err)


@FUZZ
@given(flag=st.sampled_from(sorted(GENERATE)), text=values)
@example(flag="--timeout", text="nan")
@example(flag="--timeout", text="inf")
@example(flag="--max-retry-wait", text="nan")
@example(flag="--seed", text="-1")
def test_generate_numbers_never_trace(flag: str, text: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    extra = ["--mime-type", "image/jpeg", "--backend", "vertex"] if flag == "--quality" else []
    code, _, err = cli(capsys, "generate", "--prompt", "a fox", *extra, f"{flag}={text}")
    _check(code, err, flag, text, GENERATE[flag])
    assert code != 0  # no credentials: never a request


@FUZZ
@given(flag=st.sampled_from(sorted(BENCH)), text=values)
@example(flag="--budget", text="nan")
@example(flag="--time-scale", text="-1")
def test_bench_numbers_never_trace(flag: str, text: str, tmp_path_factory: pytest.TempPathFactory,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    prompts = tmp_path_factory.getbasetemp() / "fuzz-prompts.txt"
    prompts.write_text("a fox\n")
    # --time-scale sets the emulator: allowed with --resume (here of a run that does not exist)
    resume = ["--resume", "no-such-run"] if flag == "--time-scale" else []
    code, _, err = cli(capsys, "bench", "--prompts", str(prompts), "--backend", "aistudio",
                       *resume, "--yes", f"{flag}={text}")
    _check(code, err, flag, text, BENCH[flag])


@FUZZ
@given(flag=st.sampled_from(["--ids", "--images", "--last"]),
       text=values | st.lists(ints, min_size=1, max_size=3).map(lambda x: ",".join(map(str, x))))
@example(flag="--ids", text="99999999999999999999999")
@example(flag="--images", text="1,9223372036854775808")
@example(flag="--last", text="99999999999999999999999")
def test_export_numbers_never_trace(flag: str, text: str, tmp_path_factory: pytest.TempPathFactory,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path_factory.mktemp("fuzz") / "p.zip"
    code, _, err = cli(capsys, "export", f"{flag}={text}", "--out", str(out), "--quiet")
    assert code in (0, 1, 2) and "Traceback" not in err


ENV = ["PLAYGROUND_TIMEOUT_S", "PLAYGROUND_RETRIES", "PLAYGROUND_MAX_RETRY_WAIT_S",
       "PLAYGROUND_EMULATOR_PORT"]


@FUZZ
@given(name=st.sampled_from(ENV), text=values)
@example(name="PLAYGROUND_TIMEOUT_S", text="nan")
@example(name="PLAYGROUND_RETRIES", text="-3")
@example(name="PLAYGROUND_EMULATOR_PORT", text="99999")
def test_environment_numbers_are_taken_or_said(name: str, text: str) -> None:
    try:
        s = load_settings(env={name: text})
    except ConfigError as exc:
        assert name in str(exc)
        return
    assert math.isfinite(s.timeout_s) and 0 < s.timeout_s <= 3600
    assert 0 <= s.retries <= 10 and 0 <= s.max_retry_wait_s <= 900
    assert 0 <= s.emulator_port <= 65535


def test_fuzzing_reaches_no_data_folder_outside_the_test(tmp_path: Path) -> None:
    """The clean environment points PLAYGROUND_DATA_DIR at a test folder (tests/conftest.py)."""
    assert "pytest" in str(load_settings().data_dir)
