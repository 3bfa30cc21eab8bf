"""A damaged, locked or misplaced history database: a StorageError in words (exit 2 in the CLI),
never a traceback, and a damaged file is never written to until it is moved aside."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from playground.domain.errors import DamagedHistoryError, StorageError
from playground.history import store as store_module
from playground.history.store import HistoryStore
from tests.faults.conftest import cli, close, history
from tests.history.test_store import make_result, png

PAGE = 4096


def _random_bytes(db: Path) -> None:
    db.write_bytes(os.urandom(64 * 1024))


def _damaged_page(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[PAGE:2 * PAGE] = os.urandom(PAGE)  # page 2: the root of the first table
    db.write_bytes(bytes(data))


def _truncated(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[:len(data) // 2])


def _header(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[:16] = b"not a database!!"
    db.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "random bytes": _random_bytes, "a damaged page": _damaged_page,
    "truncated to half": _truncated, "a broken header": _header,
}


def damaged_history(folder: Path, damage: Callable[[Path], None]) -> Path:
    store = history(folder, n=20)
    store.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    close(store)
    db = folder / "history.sqlite3"
    damage(db)
    return db


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith("history")}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_database_is_refused_never_written_and_can_be_moved_aside(
        tmp_path: Path, kind: str) -> None:
    db = damaged_history(tmp_path / "data", DAMAGE[kind])
    before = db.read_bytes()
    with pytest.raises(DamagedHistoryError) as info:
        HistoryStore(tmp_path / "data")
    message = str(info.value)
    assert f"The history database {db} is damaged" in message
    assert "nothing was written to it" in message
    assert "mv history.sqlite3 history.sqlite3.damaged-" in info.value.hint
    assert db.read_bytes() == before, "a damaged database must never be written to"
    moved = HistoryStore.move_aside(tmp_path / "data")
    assert moved.name.startswith("history.sqlite3.damaged-") and moved.read_bytes() == before
    assert not db.exists()
    fresh = HistoryStore(tmp_path / "data")
    assert fresh.count() == 0
    fresh.save(make_result(fresh, "after", png(1)))
    assert fresh.count() == 1 and moved.read_bytes() == before


def test_move_aside_takes_the_log_with_it_and_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = history(folder)
    wal = folder / "history.sqlite3-wal"
    assert wal.exists()
    first = HistoryStore.move_aside(folder)
    assert Path(f"{first}-wal").exists() and not wal.exists()
    close(store)
    history(folder)
    second = HistoryStore.move_aside(folder)
    assert second != first and first.exists() and second.exists()
    with pytest.raises(StorageError, match="no history database"):
        HistoryStore.move_aside(folder)


@pytest.mark.parametrize("command", [
    ["export", "--last", "2", "--out", "{tmp}/p.zip"],
    ["generate", "--prompt", "a fox", "--backend", "aistudio"],
    ["bench", "--prompts", "{tmp}/prompts.txt", "--backend", "aistudio", "--yes"],
])
def test_cli_says_damaged_exit_2_and_sends_nothing(
        command: list[str], tmp_path: Path, emu: Any, emu_env: dict[str, str],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    db = damaged_history(tmp_path / "data", _damaged_page)
    before = db.read_bytes()
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "prompts.txt").write_text("a fox\n")
    code, _, err = cli(capsys, *(a.replace("{tmp}", str(tmp_path)) for a in command))
    assert code == 2
    assert err.startswith("error: The history database") and "is damaged" in err
    assert "mv history.sqlite3" in err and "Traceback" not in err
    assert db.read_bytes() == before
    assert not [r for r in emu.control.requests() if "generateContent" in r["path"]]
    assert not (tmp_path / "p.zip").exists()


def test_damage_found_while_running_stops_all_writes(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = history(folder, n=20)
    store.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    close(store)
    _damaged_page(folder / "history.sqlite3")
    before = _files(folder)
    with pytest.raises(DamagedHistoryError):
        store.list(limit=100)
    with pytest.raises(DamagedHistoryError):
        store.save(make_result(store, "more", png(99)))
    close(store)
    assert _files(folder)["history.sqlite3"] == before["history.sqlite3"]


def test_a_folder_in_place_of_the_database(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data" / "history.sqlite3").mkdir(parents=True)
    with pytest.raises(StorageError, match="is a folder, where the history database should be"):
        HistoryStore(tmp_path / "data")
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path / "data"))
    code, _, err = cli(capsys, "export", "--last", "1", "--out", str(tmp_path / "p.zip"))
    assert code == 2 and "is a folder" in err
    assert HistoryStore.move_aside(tmp_path / "data").is_dir()
    assert HistoryStore(tmp_path / "data").count() == 0


def test_a_data_folder_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(StorageError, match="which is a file, not a folder"):
        HistoryStore(tmp_path / "data")
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path / "data"))
    code, _, err = cli(capsys, "export", "--last", "1", "--out", str(tmp_path / "p.zip"))
    assert code == 2 and "PLAYGROUND_DATA_DIR points at" in err and "Traceback" not in err


def test_missing_parents_are_created_but_a_file_among_them_is_said(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    assert HistoryStore(deep).count() == 0 and (deep / "history.sqlite3").is_file()
    (tmp_path / "blocker").write_text("x")
    with pytest.raises(StorageError) as info:
        HistoryStore(tmp_path / "blocker" / "sub" / "data")
    assert f"{tmp_path / 'blocker'} is a file, not a folder" in str(info.value)


@pytest.fixture
def locked(tmp_path: Path) -> Any:
    """Another program holds the write lock of the database (an sqlite3 shell, say)."""
    history(tmp_path / "data")
    other = sqlite3.connect(tmp_path / "data" / "history.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    yield tmp_path / "data"
    other.execute("ROLLBACK")
    other.close()


def test_a_locked_database_is_said_after_the_busy_timeout(locked: Path) -> None:
    with pytest.raises(StorageError) as info:
        HistoryStore(locked, busy_timeout_s=0.2)
    assert "is locked by another program" in str(info.value) and "0.2 s" in str(info.value)
    assert "Close other Banana Split" in info.value.hint


def test_a_lock_taken_while_running_is_said_on_save(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "data", busy_timeout_s=0.2)
    other = sqlite3.connect(tmp_path / "data" / "history.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError, match="locked by another program"):
            store.save(make_result(store, "a fox", png(1)))
        assert store.count() == 0  # reading still works in WAL mode
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.save(make_result(store, "a fox", png(1)))
    assert store.count() == 1


def test_cli_says_locked_exit_2(locked: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(locked))
    code, _, err = cli(capsys, "export", "--last", "1", "--out", str(tmp_path / "p.zip"))
    assert code == 2 and "is locked by another program" in err and "Traceback" not in err


def test_quick_check_runs_at_open_and_is_timed(tmp_path: Path) -> None:
    store = history(tmp_path / "data")
    assert store.check_s == 0.0  # a new database: nothing to check
    reopened = HistoryStore(tmp_path / "data")
    assert 0.0 < reopened.check_s < 1.0
