"""A benchmark run names the process that runs it, so replicas sharing one history can tell
"running here", "running elsewhere" and "stopped with tasks missing" apart, and a resume
claims the run atomically (never two processes sending its missing tasks at once)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.bench.engine import resume_run
from playground.bench.matrix import BenchSpec, plan_run
from playground.bench.store import STALE_S, BenchStore
from playground.domain.errors import ConfigError
from playground.history.owner import process_started, this_process
from playground.history.store import HistoryStore
from tests.bench.fakes import FakeGoogle, fake_settings

PLAN = plan_run(BenchSpec(prompts=("a fox", "a lighthouse"), concurrency=2))


@pytest.fixture(params=["sqlite", "postgresql"])
def bench(request: pytest.FixtureRequest, tmp_path: Path) -> BenchStore:
    url = None
    if request.param == "postgresql":
        from tests.pgserver import truncate_all

        url = request.getfixturevalue("pg_database")
        truncate_all(url)
    return BenchStore(HistoryStore(tmp_path / "data", database_url=url))


@pytest.fixture
def other_process() -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def own(bench: BenchStore, run_id: str, pid: int | None, host: str | None,
        started: str | None, *, updated_at: float | None = None) -> None:
    with bench.history.transaction() as conn:
        conn.execute("UPDATE bench_runs SET owner_pid=?, owner_host=?, owner_started=?, "
                     "updated_at=COALESCE(?, updated_at) WHERE id=?",
                     (pid, host, started, updated_at, run_id))


def test_a_new_run_is_owned_by_its_process(bench: BenchStore) -> None:
    run = bench.create_run(PLAN)
    assert run.owner == this_process()
    assert run.activity() == "here"
    assert bench.get_run(run.id).to_dict()["owner"]["pid"] == this_process().pid  # type: ignore[union-attr]


def test_a_run_of_another_live_process_cannot_be_resumed(
        bench: BenchStore, other_process: subprocess.Popen[bytes]) -> None:
    run = bench.create_run(PLAN)
    own(bench, run.id, other_process.pid, this_process().host, process_started(other_process.pid))
    record = bench.get_run(run.id)
    assert record is not None and record.activity() == "elsewhere"
    with pytest.raises(ConfigError, match=r"still running .*process .* would send its missing "
                                          r"tasks twice"):
        resume_run(run.id, fake_settings(bench.history.data_dir), bench.history,
                   client=FakeGoogle().client(), background=False)
    # Once that process is gone the run is stopped, and resuming claims it for this one.
    other_process.kill()
    other_process.wait()
    record = bench.get_run(run.id)
    assert record is not None and record.activity() == "stopped"
    runner = resume_run(run.id, fake_settings(bench.history.data_dir), bench.history,
                        client=FakeGoogle().client(), background=False)
    runner.run()
    record = bench.get_run(run.id)
    assert record is not None and record.owner == this_process()
    assert record.status == "finished" and record.finished == len(PLAN.tasks)


def test_two_claims_of_one_stopped_run_let_one_win(bench: BenchStore) -> None:
    run = bench.create_run(PLAN)
    own(bench, run.id, 2**31 - 7, this_process().host, "gone:1")  # a process that ended
    seen_by_a = bench.get_run(run.id)
    seen_by_b = bench.get_run(run.id)
    assert seen_by_a is not None and seen_by_b is not None
    assert seen_by_a.activity() == seen_by_b.activity() == "stopped"
    bench.claim(seen_by_a)
    with pytest.raises(ConfigError, match="resumed by another process just now"):
        bench.claim(seen_by_b)  # it judged the old owner dead, but the owner changed


def test_another_hosts_run_counts_as_running_until_it_goes_quiet(bench: BenchStore) -> None:
    run = bench.create_run(PLAN)
    own(bench, run.id, 4242, "replica-b.internal", "x:1", updated_at=time.time())
    record = bench.get_run(run.id)
    assert record is not None and record.activity() == "elsewhere"
    assert record.activity(now=time.time() + STALE_S + 1) == "stopped"
    with pytest.raises(ConfigError, match=r"replica-b\.internal"):
        bench.claim(record)


def test_a_run_from_before_owners_were_recorded_is_stopped_when_left_running(
        bench: BenchStore) -> None:
    run = bench.create_run(PLAN)
    own(bench, run.id, None, None, None)
    record = bench.get_run(run.id)
    assert record is not None and record.owner is None and record.activity() == "stopped"
    bench.claim(record)
    assert bench.get_run(run.id).activity() == "here"  # type: ignore[union-attr]
    bench.set_status(run.id, "finished")
    assert bench.get_run(run.id).activity() == "finished"  # type: ignore[union-attr]


def test_a_resume_on_a_locked_history_is_said_and_the_run_stays_stopped(tmp_path: Path) -> None:
    """Another program holds the database's write lock: the claim fails in words (a
    StorageError saying so), nothing changes, and the run can be resumed once it is free."""
    import sqlite3

    from playground.domain.errors import StorageError

    bench = BenchStore(HistoryStore(tmp_path / "data", busy_timeout_s=0.2))
    run = bench.create_run(PLAN)
    own(bench, run.id, 2**31 - 7, this_process().host, "gone:1")
    stopped = bench.get_run(run.id)
    assert stopped is not None and stopped.activity() == "stopped"
    other = sqlite3.connect(tmp_path / "data" / "history.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError, match="locked by another program"):
            bench.claim(stopped)
    finally:
        other.execute("ROLLBACK")
        other.close()
    again = bench.get_run(run.id)
    assert again is not None and again.owner == stopped.owner and again.activity() == "stopped"
    bench.claim(again)
    assert bench.get_run(run.id).activity() == "here"  # type: ignore[union-attr]


def test_cli_resume_of_a_run_another_process_runs_is_refused_in_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        other_process: subprocess.Popen[bytes]) -> None:
    from playground.cli.main import main

    data = tmp_path / "data"
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(data))
    bench = BenchStore(HistoryStore(data))
    run = bench.create_run(PLAN)
    own(bench, run.id, other_process.pid, this_process().host, process_started(other_process.pid))
    code = main(["bench", "--resume", run.id, "--demo"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"process {other_process.pid}" in err and "would send its missing tasks twice" in err
    assert "Traceback" not in err
    assert bench.get_run(run.id).finished == 0  # type: ignore[union-attr]
