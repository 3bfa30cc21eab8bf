"""Storage faults in plain words: what happened to the history folder or database, what to do.

Every OSError and SQLite error the store meets on its folder or database becomes a
`StorageError` here (`DamagedHistoryError` for a database that fails `PRAGMA quick_check`).
Opening checks the folder and the database before anything is written (`check_folder`,
`check_database`); `move_aside` renames a damaged database so a new one can start
(docs/decisions.md, "Storage faults").
"""

from __future__ import annotations

import errno
import logging
import os
import shlex
import sqlite3
import stat
import time
from pathlib import Path
from urllib.parse import quote

from playground.domain.errors import DamagedHistoryError, StorageError

log = logging.getLogger("playground.history")

#: SQLite primary result codes (https://www.sqlite.org/rescode.html) we explain.
_FULL, _READONLY, _CANTOPEN = "SQLITE_FULL", "SQLITE_READONLY", "SQLITE_CANTOPEN"
_LOCKED = ("SQLITE_BUSY", "SQLITE_LOCKED")
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
#: Errors that are bugs (a constraint, a bad statement), not faults of the disk.
NOT_FAULTS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)
SIDECARS = ("-wal", "-shm")
ENV = "PLAYGROUND_DATA_DIR"


def _read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def from_os_error(exc: OSError, data_dir: Path, doing: str) -> StorageError:
    """An OSError met while `doing` something in the history folder, in words."""
    where = exc.filename or data_dir
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return StorageError(f"The disk holding {data_dir} is full: {doing} failed.",
                            hint="Free some space on that disk, or point PLAYGROUND_DATA_DIR at "
                                 "a folder on a disk with room.", path=str(data_dir))
    if code == errno.EROFS or (code in (errno.EACCES, errno.EPERM) and _read_only_fs(data_dir)):
        return StorageError(f"The history folder {data_dir} is on a read-only file system: "
                            f"{doing} failed.", path=str(data_dir),
                            hint=f"Remount it read-write, or point {ENV} at a writable folder.")
    if code in (errno.EACCES, errno.EPERM):
        return StorageError(f"Banana Split may not write in {where} (permission denied): "
                            f"{doing} failed.", path=str(where),
                            hint=f"Give your user write access to it, or point {ENV} at a "
                                 "folder you own.")
    if code in (errno.ENOTDIR, errno.EEXIST):
        return StorageError(f"{where} is a file where the history needs a folder: {doing} "
                            "failed.", path=str(where),
                            hint=f"Point {ENV} at a folder (a new one is created), or move the "
                                 "file away.")
    return StorageError(f"{doing[:1].upper()}{doing[1:]} failed in {data_dir}: "
                        f"{exc.strerror or exc}.", path=str(data_dir),
                        hint=f"Check the disk and the history folder ({ENV}).")


def from_sqlite_error(exc: sqlite3.Error, db_path: Path, doing: str,
                      busy_timeout_s: float) -> StorageError:
    """A SQLite error on the history database, in words."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    data_dir = db_path.parent
    if name.startswith(_DAMAGED) or "malformed" in str(exc) or "not a database" in str(exc):
        return damaged(db_path, str(exc))
    if name.startswith(_LOCKED) or "locked" in str(exc):
        return StorageError(
            f"The history database {db_path} is locked by another program: {doing} waited "
            f"{busy_timeout_s:g} s and gave up.", path=str(db_path),
            hint="Close other Banana Split servers, CLI runs or tools (such as an sqlite3 "
                 "shell) that hold it, then try again.")
    if name.startswith(_FULL) or "disk is full" in str(exc):
        return from_os_error(OSError(errno.ENOSPC, "No space left on device"), data_dir, doing)
    if name.startswith(_READONLY) or "readonly" in str(exc):
        if _read_only_fs(data_dir):
            return from_os_error(OSError(errno.EROFS, "Read-only file system"), data_dir, doing)
        return StorageError(f"The history database {db_path} is read-only: {doing} failed.",
                            path=str(db_path),
                            hint="Give your user write access to it and its folder, or point "
                                 f"{ENV} at a folder you own.")
    if name.startswith(_CANTOPEN) or "unable to open" in str(exc):
        return StorageError(f"The history database {db_path} cannot be opened: {doing} failed.",
                            path=str(db_path),
                            hint=f"Check that {data_dir} is a folder you may write in ({ENV}).")
    return StorageError(f"The history database {db_path} failed while {doing}: {exc}.",
                        path=str(db_path), hint=f"Check the disk and the history folder ({ENV}).")


def damaged_name(db_path: Path) -> Path:
    """Where `move_aside` puts a damaged database: history.sqlite3.damaged-<timestamp>."""
    base = f"{db_path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
    target, n = db_path.with_name(base), 1
    while any(Path(f"{target}{s}").exists() for s in ("", *SIDECARS)):
        n += 1
        target = db_path.with_name(f"{base}-{n}")
    return target


def damaged(db_path: Path, detail: str) -> DamagedHistoryError:
    detail = " ".join(detail.replace("*** in database main ***", "").split())
    if len(detail) > 160:
        detail = detail[:159] + "…"
    target = damaged_name(db_path)
    moves = [(db_path.name, target.name)] + [
        (f"{db_path.name}{s}", f"{target.name}{s}") for s in SIDECARS
        if Path(f"{db_path}{s}").exists()]
    # The -wal and -shm first: a new database must never meet the old one's write-ahead log.
    command = " && ".join(f"mv {shlex.quote(a)} {shlex.quote(b)}" for a, b in moves[::-1])
    return DamagedHistoryError(
        f"The history database {db_path} is damaged ({detail}); nothing was "
        "written to it.", path=str(db_path),
        hint="Move it aside to start a new history and keep the damaged file for recovery: "
             f"cd {shlex.quote(str(db_path.parent))} && {command}")


def check_folder(data_dir: Path) -> Path:
    """Create the data folder (and missing parents) or say why it cannot be; return it resolved."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StorageError(f"{ENV} points at {data_dir}, which is a file, not a folder.",
                           path=str(data_dir),
                           hint=f"Point {ENV} at a folder (a new one is created).") from None
    except NotADirectoryError:
        blocker = next((p for p in data_dir.parents if os.path.lexists(p)), data_dir)
        raise StorageError(f"The history folder {data_dir} cannot be created: {blocker} is a "
                           "file, not a folder.", path=str(blocker),
                           hint=f"Point {ENV} at a folder whose parents are folders.") from None
    except OSError as exc:
        raise from_os_error(exc, data_dir, "creating the history folder") from None
    db = data_dir / "history.sqlite3"
    if db.is_dir():
        raise StorageError(f"{db} is a folder, where the history database should be a file.",
                           path=str(db), hint="Move that folder away (a new database is then "
                                              f"created), or point {ENV} elsewhere.")
    if db.exists() and not stat.S_ISREG(db.stat().st_mode):
        raise StorageError(f"{db} is not a regular file, so it cannot be the history database.",
                           path=str(db), hint=f"Move it away, or point {ENV} elsewhere.")
    if not os.access(data_dir, os.W_OK):
        raise from_os_error(OSError(errno.EACCES, "Permission denied", str(data_dir)), data_dir,
                            "opening the history")
    return data_dir.resolve()


def check_database(db_path: Path, busy_timeout_s: float) -> float:
    """`PRAGMA quick_check` on a read-only connection, before anything writes; returns seconds.

    A read-only connection never writes the file, not even the checkpoint at close that a
    read-write one would do. mmap reads the pages without copying them into SQLite's cache,
    which halves the cost (docs/decisions.md, "Storage faults"). An empty or missing file is
    a new database and is not checked.
    """
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return 0.0
    started = time.perf_counter()
    uri = f"file:{quote(str(db_path))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_s, isolation_level=None)
    except sqlite3.Error as exc:
        raise from_sqlite_error(exc, db_path, "opening the history", busy_timeout_s) from None
    try:
        conn.execute("PRAGMA mmap_size=1073741824")
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    except NOT_FAULTS:
        raise
    except sqlite3.Error as exc:
        raise from_sqlite_error(exc, db_path, "checking the history", busy_timeout_s) from None
    finally:
        conn.close()
    if rows != ["ok"]:
        log.warning("history database %s failed quick_check: %s", db_path, rows)
        raise damaged(db_path, "PRAGMA quick_check: " + " ".join(map(str, rows)))
    return time.perf_counter() - started


def move_aside(data_dir: Path) -> Path:
    """Rename a damaged history.sqlite3 (and its -wal, -shm) to history.sqlite3.damaged-<time>,
    keeping it for recovery, so that the next open starts a new database. Returns the new path."""
    db_path = Path(data_dir) / "history.sqlite3"
    if not db_path.exists():
        raise StorageError(f"There is no history database at {db_path} to move aside.",
                           path=str(db_path), hint="Nothing to do: the next start creates one.")
    target = damaged_name(db_path)
    try:
        for suffix in (*SIDECARS, ""):  # the log first: see `damaged`
            if os.path.lexists(f"{db_path}{suffix}"):
                os.rename(f"{db_path}{suffix}", f"{target}{suffix}")
    except OSError as exc:
        raise from_os_error(exc, Path(data_dir), "moving the damaged database aside") from None
    log.warning("moved the history database %s aside to %s", db_path, target)
    return target
