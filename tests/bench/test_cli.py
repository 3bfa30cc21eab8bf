"""`python -m playground bench`: bad input, JSON lines, tables, exit codes, kill and resume."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from playground.bench.engine import BenchEvent, Progress
from playground.cli.bench import _Output, progress_line
from playground.cli.main import main
from playground.history.store import DB_NAME
from tests.bench.fakes import wait_for

FAST = ["--demo", "--latency-profile", "instant", "--model", "gemini-3.1-flash-image",
        "--image-size", "512"]


def prompts_file(tmp_path: Path, text: str = "a red fox\n# a comment\n\nthe moon\n",
                 name: str = "prompts.txt") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def data_dir() -> Path:
    return Path(os.environ["PLAYGROUND_DATA_DIR"])


def bench(*args: str | Path) -> int:
    return main(["bench", *map(str, args)])


@pytest.mark.parametrize(("setup", "extra", "message"), [
    ("# only a comment\n\n", [], "holds no prompts"),
    ("id,text\n1,a fox\n", [], "no 'prompt' column (found 'id', 'text')"),
    ("a fox\n", ["--budget", "0"], "budget of $0 allows no requests"),
    ("a fox\n", ["--concurrency", "0"], "Concurrency must be at least 1"),
    ("a fox\n", ["--repeats", "0"], "Repeats must be"),
    ("a fox\n", ["--output", "webp"], "Unknown output option"),
])
def test_bad_input_exits_2_with_a_clear_message_before_any_request(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, extra: list[str],
        message: str) -> None:
    name = "set.csv" if setup.startswith("id,") else "set.txt"
    assert bench("--prompts", prompts_file(tmp_path, setup, name), *FAST, *extra) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("error: ")
    assert not (data_dir() / DB_NAME).exists() or _runs() == 0


def test_budget_gates_real_runs_only(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     emu_env: dict[str, str]) -> None:
    """Against real (here: configured) backends the estimate must fit the budget; a demo run
    spends nothing, so the same budget does not stop it."""
    prompts = prompts_file(tmp_path, "a fox\n")
    real = [a for a in FAST if a not in ("--demo", "--latency-profile", "instant")]
    assert bench("--prompts", prompts, *real, "--budget", "0.01") == 2
    err = capsys.readouterr().err
    assert "exceeds the budget $0.01" in err and err.startswith("error: ")
    assert bench("--prompts", prompts, *FAST, "--budget", "0.01") == 0


def _runs() -> int:
    with sqlite3.connect(data_dir() / DB_NAME) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM bench_runs").fetchone()[0])


def test_missing_prompts_and_missing_credentials_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench("--backend", "aistudio") == 2
    assert "No prompts given" in capsys.readouterr().err
    assert bench("--prompts", prompts_file(tmp_path), "--backend", "vertex") == 2
    err = capsys.readouterr().err
    assert "Vertex AI needs credentials" in err and "--demo" in err
    assert bench("--prompts", tmp_path / "nope.txt") == 2
    assert "Cannot read the prompt file" in capsys.readouterr().err
    assert bench("--resume", "no-such-run") == 2
    assert "There is no benchmark run 'no-such-run'" in capsys.readouterr().err
    assert bench("--prompts", prompts_file(tmp_path), "--latency-profile", "article") == 2
    assert "add --demo" in capsys.readouterr().err


def test_json_lines_then_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = bench("--prompts", prompts_file(tmp_path), *FAST, "--repeats", "3", "--json",
                 "--concurrency", "500", "--budget", "0.01", "--yes")
    out, err = capsys.readouterr()
    assert code == 0  # over budget, but confirmed with --yes
    assert "capped at 64" in err and "bench run" in err and "estimated cost $0.54" in err
    lines = [json.loads(line) for line in out.splitlines()]
    tasks, summary = lines[:-1], lines[-1]
    assert len(tasks) == 2 * 2 * 3  # backends × prompts × repeats
    run_id = summary["run"]["id"]
    for line in tasks:
        assert line["type"] == "attempt" and line["run_id"] == run_id
        assert line["cell"].startswith(line["backend"] + "/gemini-3.1-flash-image/512/")
        assert line["attempt"] in (1, 2, 3)
        for field in ("status", "timing", "images", "attempt_log", "cost_usd", "history_id"):
            assert field in line  # generate --json's fields
    assert summary["type"] == "summary" and summary["emulated"] is True
    assert summary["per_backend"]["aistudio"]["count"] == 6
    assert summary["per_backend"]["vertex"]["total"]["p50"]["value"] > 0
    assert summary["failed_cells"] == [] and len(summary["per_cell"]) == 2
    assert any("×" in v["text"] for v in summary["verdicts"])


def test_table_and_exit_1_when_a_cell_failed_entirely(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = bench("--prompts", prompts_file(tmp_path), "--demo", "--latency-profile", "article",
                 "--time-scale", "1", "--timeout", "0.05", "--retries", "0",
                 "--backend", "aistudio", "--image-size", "1K")
    out = capsys.readouterr().out
    assert code == 1
    assert "Per backend" in out and "Per cell" in out and "504 / timeout 2" in out
    assert "Cells that failed entirely" in out and "Emulated" in out


def test_article_preset_prints_claims(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = bench("--preset", "article", "--prompts", prompts_file(tmp_path, "a lake\n"),
                 "--demo", "--latency-profile", "instant", "--repeats", "1", "--retries", "0",
                 "--image-size", "1K")  # the preset's 4K cells are exercised in test_article.py
    out, err = capsys.readouterr()
    assert code == 0
    assert "skipped aistudio/gemini-3-pro-image-preview/1K/default-ratio/jpeg-q85" in err
    assert "The article's claims, measured" in out and "emulated" in out
    assert "AI Studio is 2–3× faster than Vertex AI" in out and "… at 1K" in out


def test_progress_bar_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    progress = Progress("r1", "running", 10, 4, 1, 3, 0.25, 1.0)
    event = BenchEvent("status", progress)
    assert progress_line(event) == ("[##########--------------] 4/10 · in flight 3 · failed 1 "
                                    "· $0.25")
    tty, pipe = Tty(), io.StringIO()
    _Output(False, tty).on_event(event)
    _Output(False, pipe).on_event(event)
    assert "4/10" in tty.getvalue() and pipe.getvalue() == ""


def test_a_killed_run_resumes_with_only_the_missing_tasks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Kill -9 mid-run: every finished result survives, and --resume runs only the rest."""
    prompts = prompts_file(tmp_path, "a red fox\nthe moon\n")
    args = [sys.executable, "-m", "playground", "bench", "--prompts", str(prompts), "--demo",
            "--latency-profile", "measured", "--time-scale", "0.005", "--concurrency", "8",
            "--model", "gemini-3.1-flash-image", "--image-size", "512", "--repeats", "15"]
    with (tmp_path / "stderr.txt").open("w") as err_file:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err_file,
                                cwd=Path(__file__).resolve().parents[2], start_new_session=True)
    db = data_dir() / DB_NAME

    def finished() -> int:
        if not db.exists():
            return 0
        try:
            with sqlite3.connect(db) as conn:
                return int(conn.execute("SELECT COUNT(*) FROM bench_tasks").fetchone()[0])
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0

    try:
        wait_for(lambda: finished() >= 10 or proc.poll() is not None, timeout=60)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its emulator, mid-run
        proc.wait(10)
    with sqlite3.connect(db) as conn:
        (run_id,) = conn.execute("SELECT id FROM bench_runs").fetchone()
        before = conn.execute("SELECT task_index, generation_id, finished_at FROM bench_tasks "
                              "ORDER BY task_index").fetchall()
        generations_before = conn.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    assert 10 <= len(before) < 60, "the run should have been killed midway"

    assert bench("--resume", run_id, "--json") == 0
    out, err = capsys.readouterr()
    assert f"{len(before)} already done, {60 - len(before)} to run" in err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) - 1 == 60 - len(before)  # only the missing tasks ran
    assert lines[-1]["run"]["finished"] == 60 and lines[-1]["run"]["status"] == "finished"
    with sqlite3.connect(db) as conn:
        after = conn.execute("SELECT task_index, generation_id, finished_at FROM bench_tasks "
                             "ORDER BY task_index").fetchall()
        generations_after = conn.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    assert [row[0] for row in after] == list(range(60))
    assert set(before) <= set(after)  # finished results untouched
    assert generations_after - generations_before == 60 - len(before)
