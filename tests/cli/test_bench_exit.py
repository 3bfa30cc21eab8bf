"""A benchmark run that crashes does not exit 0: exit 1, the reason on stderr, how to resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from playground.cli.main import main
from playground.domain.types import GenerationResult
from playground.history.store import HistoryStore


def test_a_crashed_run_exits_1_with_the_reason(emu: Any, emu_env: dict[str, str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    def broken(self: HistoryStore, result: GenerationResult) -> int:
        raise RuntimeError("the history went away")

    monkeypatch.setattr(HistoryStore, "save", broken)
    prompts = tmp_path / "p.txt"
    prompts.write_text("a fox\na whale\n")
    code = main(["bench", "--prompts", str(prompts), "--backend", "aistudio", "--repeats", "1",
                 "--concurrency", "1", "--retries", "0"])
    err = capsys.readouterr().err
    assert code == 1
    assert "error: the benchmark run crashed (task " in err
    assert "the history went away" in err and "bench --resume " in err
