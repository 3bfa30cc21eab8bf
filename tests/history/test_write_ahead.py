"""Write-ahead rows (`begin` → `save`), recovery of rows left by dead processes, rows-first
saving, benchmark generations hidden on request, and text that is not valid Unicode."""

from __future__ import annotations

import errno
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from playground.domain.errors import ImageWriteError, StorageError
from playground.domain.types import GenerationResult, ImageRequest
from playground.history import files as files_module
from playground.history.owner import process_started, this_process
from playground.history.reviews import Review, reviews_for, save_review
from playground.history.rows import CLEANED_NOTE
from playground.history.store import HistoryStore
from tests.history.test_store import make_result, png


def pending(prompt: str = "a fox", backend: str = "aistudio",
            group: str | None = None) -> GenerationResult:
    req = ImageRequest(prompt=prompt)
    return GenerationResult(backend=backend, request=req, status="error",  # type: ignore[arg-type]
                            model=req.model, group_id=group)


def row(store: HistoryStore, gen_id: int) -> sqlite3.Row:
    got = store.connection().execute("SELECT * FROM generations WHERE id=?", (gen_id,)).fetchone()
    assert got is not None
    return got


def test_begin_writes_a_pending_row_with_its_owner_and_save_fills_it(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    placeholder = pending(group="g1")
    gen_id = store.begin(placeholder)
    assert placeholder.id == gen_id and placeholder.status == "pending"
    r = row(store, gen_id)
    me = this_process()
    assert (r["status"], r["backend"], r["group_id"], r["prompt"]) == \
        ("pending", "aistudio", "g1", "a fox")
    assert (r["owner_pid"], r["owner_host"], r["owner_started"]) == (me.pid, me.host, me.started)
    assert r["created_at"] > 0
    answer = make_result(store, "a fox", png(1), group="g1")
    answer.id = gen_id
    assert store.save(answer) == gen_id
    assert store.count() == 1
    got = store.get(gen_id)
    assert got is not None and got.status == "ok" and got.image is not None
    assert store.original(got.image) == png(1)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # reaped: no zombie left behind
    return proc.pid


def _set_owner(store: HistoryStore, gen_id: int, pid: int, host: str, started: str | None) -> None:
    with store.transaction() as conn:
        conn.execute("UPDATE generations SET owner_pid=?, owner_host=?, owner_started=? "
                     "WHERE id=?", (pid, host, started, gen_id))


def test_reopen_marks_rows_of_dead_processes_interrupted_and_leaves_live_ones(
        tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    me = this_process()
    live, gone, reused, elsewhere, ownerless = (store.begin(pending(f"p{n}")) for n in range(5))
    dead_pid = _dead_pid()
    _set_owner(store, gone, dead_pid, me.host, f"x:{dead_pid}")
    # The pid is alive (it is this process) but started at another time: a reused pid.
    _set_owner(store, reused, me.pid, me.host, "another-boot:1")
    _set_owner(store, elsewhere, 1, "some-other-host", "b:1")
    with store.transaction() as conn:
        conn.execute("UPDATE generations SET owner_pid=NULL, owner_host=NULL WHERE id=?",
                     (ownerless,))
    reopened = HistoryStore(tmp_path)
    assert reopened.interrupted == sorted([gone, reused, ownerless])
    statuses = {i: row(reopened, i)["status"] for i in (live, gone, reused, elsewhere, ownerless)}
    assert statuses == {live: "pending", gone: "interrupted", reused: "interrupted",
                        elsewhere: "pending", ownerless: "interrupted"}
    result = reopened.get(gone)
    assert result is not None and result.status == "interrupted"
    assert result.explanation is not None
    assert "interrupted — the request may have been billed" in result.explanation.lower()
    assert f"process {dead_pid} on {me.host}" in result.explanation
    assert reopened.count(status="interrupted") == 3


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_zombie_is_not_alive() -> None:
    """Killed but not yet reaped: its /proc entry remains (state Z), the process is gone."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alive = process_started(proc.pid)
        assert alive is not None
        proc.kill()
        stat = Path(f"/proc/{proc.pid}/stat")
        while stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":
            pass  # until the kernel has made it a zombie (microseconds)
        assert process_started(proc.pid) is None
    finally:
        proc.kill()
        proc.wait()


def test_save_never_overwrites_a_row_another_process_began(tmp_path: Path) -> None:
    """Ids freed by a delete can be reused by another writer: only our own row is updated."""
    store = HistoryStore(tmp_path)
    theirs = store.begin(pending("theirs"))
    _set_owner(store, theirs, 1, "another-host", "b:1")
    answer = make_result(store, "mine", png(2))
    answer.id = theirs
    mine = store.save(answer)
    assert mine != theirs and answer.id == mine
    assert row(store, theirs)["status"] == "pending" and row(store, theirs)["prompt"] == "theirs"


def test_close_pending(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    gen_id = store.begin(pending())
    assert store.close_pending(gen_id, explanation="Cancelled before it was sent.")
    assert not store.close_pending(gen_id)
    got = store.get(gen_id)
    assert got is not None and got.status == "cancelled"
    assert got.explanation == "Cancelled before it was sent."


def test_resaving_keeps_image_rows_and_their_reviews(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    result = make_result(store, "a fox", png(3))
    store.begin(result)
    store.save(result)
    image_id = result.images[0].id
    assert image_id is not None
    save_review(store, Review(image_id, "ann", 4))
    result.notes.append("reviewed")
    store.save(result)
    assert result.images[0].id == image_id
    assert [r.rating for r in reviews_for(store, [image_id])[image_id]] == [4]


def test_rows_are_written_before_the_image_file(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    store = HistoryStore(tmp_path)
    seen: list[int] = []
    real = files_module._write_atomically

    def spy(target: Path, data: bytes) -> None:
        seen.append(store.count())
        real(target, data)

    monkeypatch.setattr(files_module, "_write_atomically", spy)
    store.save(make_result(store, "a fox", png(4)))
    assert seen == [1]


def test_a_failed_image_write_keeps_the_row_and_says_why(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated ENOSPC at the one place that writes image files (a real full disk is in
    tests/faults/test_full_disk.py)."""
    store = HistoryStore(tmp_path)

    def full(target: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(files_module, "_write_atomically", full)
    result = make_result(store, "a fox", png(5))
    with pytest.raises(ImageWriteError) as info:
        store.save(result)
    assert isinstance(info.value, StorageError)
    message = str(info.value)
    assert f"The disk holding {tmp_path} is full" in message
    assert "recorded without its image" in message and "Free some space" in info.value.hint
    assert info.value.result_id == result.id
    got = store.get(result.id or 0)
    assert got is not None and got.status == "ok" and len(got.images) == 1
    assert any("could not be written" in n for n in got.notes)
    status = store.connection().execute("SELECT file_status FROM images").fetchone()[0]
    assert status == "not written" and not store.has_original(got.images[0])


def test_benchmark_generations_can_be_left_out(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    plain = store.save(make_result(store, "plain", png(6)))
    bench = store.save(make_result(store, "bench", png(7)))
    with store.transaction() as conn:
        conn.execute("INSERT INTO bench_runs (id, created_at, updated_at, status, spec_json, "
                     "order_json, planned) VALUES ('r1', 1, 1, 'finished', '{}', '[]', 1)")
        conn.execute("INSERT INTO bench_tasks (run_id, task_index, cell_id, prompt_index, "
                     "repeat, backend, generation_id, finished_at, status, attempts_json) "
                     "VALUES ('r1', 0, 'c', 0, 1, 'aistudio', ?, 1, 'ok', '[]')", (bench,))
    assert [r.id for r in store.list()] == [bench, plain]
    assert [r.id for r in store.list(exclude_bench=True)] == [plain]
    assert store.count() == 2 and store.count(exclude_bench=True) == 1
    assert store.count_bench() == 1 and store.count_bench(search="plain") == 0


def test_text_that_is_not_unicode_is_cleaned_not_lost(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    result = make_result(store, "a fox \udcff in snow", png(8))
    result.notes.append("bad \ud800 note")
    store.save(result)
    got = store.get(result.id or 0)
    assert got is not None
    assert got.request.prompt == "a fox \ufffd in snow"
    assert "bad \ufffd note" in got.notes and CLEANED_NOTE in got.notes
    assert store.list(search="\ufffd")[0].id == result.id


def test_a_long_lived_store_can_look_again(tmp_path: Path) -> None:
    """The app opens its store once; a CLI run killed later is caught by recover_pending()."""
    store = HistoryStore(tmp_path)
    gen_id = store.begin(pending())
    assert store.recover_pending() == []
    me = this_process()
    _set_owner(store, gen_id, _dead_pid(), me.host, "gone:1")
    assert store.recover_pending() == [gen_id]
    assert row(store, gen_id)["status"] == "interrupted"
    assert store.recover_pending() == []
