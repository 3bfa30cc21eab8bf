"""The one seam between the store and its database: SQLite (the embedded default) or
PostgreSQL (a team's server, history/postgres.py), chosen by PLAYGROUND_DATABASE_URL.

The store's SQL is plain SQL written once, in SQLite's spelling (`?` placeholders); an engine
gives each thread its connection, opens write transactions, takes named locks, runs the
migrations and turns its driver's errors into `StorageError` in words. SQLite runs the SQL as
written; the PostgreSQL connection rewrites the few spellings that differ (docs/decisions.md,
"Team mode": why plain SQL and not SQLAlchemy Core).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from playground.domain.errors import StorageError
from playground.history import faults

DB_NAME = "history.sqlite3"

#: A row as every reader uses it: by column name (`row["id"]`) or by position (`row[0]`).
Row = Any


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Any: ...


class Connection(Protocol):
    """What the store's modules call: sqlite3.Connection has it; so does PgConnection."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Any: ...


class Engine(Protocol):
    name: str  # "sqlite" | "postgresql"
    #: errors of the driver that are faults of the disk, the server or the network
    errors: tuple[type[BaseException], ...]
    #: errors that are bugs (a constraint, a bad statement): raised as they are
    not_faults: tuple[type[BaseException], ...]

    def connection(self) -> Any: ...

    def begin(self, conn: Any) -> None: ...

    def commit(self, conn: Any) -> None: ...

    def rollback(self, conn: Any) -> None: ...

    def lock(self, conn: Any, key: str) -> None: ...

    def check(self) -> float: ...

    def migrate(self) -> int: ...

    def fault(self, exc: BaseException, doing: str) -> StorageError: ...

    def describe(self) -> str: ...

    def close(self) -> None: ...


#: One writer lock per database file and process: threads of one process queue here, woken
#: the moment the writer before them commits, instead of meeting SQLite's busy handler, which
#: polls with sleeps of 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and 100 ms
#: (`sqliteDefaultBusyCallback`, https://www.sqlite.org/src/file?name=src/main.c): with 16
#: gateway calls in flight a save took 46 ms at p95 before this lock (and the signature hashed
#: outside the transaction, history/store.py `save`), 15 ms after
#: (benchmarks/gateway_overhead.py's setup, timed per phase). Other processes still meet the
#: busy timeout.
_WRITERS: dict[Path, threading.Lock] = {}
_WRITERS_LOCK = threading.Lock()


def _writer_lock(db_path: Path) -> threading.Lock:
    key = db_path.resolve()
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(key, threading.Lock())


class SqliteEngine:
    """history.sqlite3 in the data folder: WAL (synchronous=NORMAL: a commit is durable once
    the WAL is checkpointed; a power cut can lose the last commits, never corrupt the file),
    a busy timeout, one connection per thread, one writer at a time per process."""

    name = "sqlite"
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    not_faults: tuple[type[BaseException], ...] = faults.NOT_FAULTS

    def __init__(self, data_dir: Path, busy_timeout_s: float) -> None:
        self.db_path = Path(data_dir) / DB_NAME
        self.busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._writer = _writer_lock(self.db_path)

    def check(self) -> float:
        """PRAGMA quick_check before anything writes (history/faults.py); seconds it took."""
        return faults.check_database(self.db_path, self.busy_timeout_s)

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, timeout=self.busy_timeout_s,
                                   isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_s * 1000)}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    def begin(self, conn: sqlite3.Connection) -> None:
        if getattr(self._local, "writing", False):  # nested: SQLite refuses it at once, as before
            conn.execute("BEGIN IMMEDIATE")
            return
        if not self._writer.acquire(timeout=self.busy_timeout_s):
            raise sqlite3.OperationalError("database is locked")  # by this process's writers
        self._local.writing = True
        try:
            conn.execute("BEGIN IMMEDIATE")  # the write lock now: every writer is serialised
        except BaseException:
            self._release()
            raise

    def commit(self, conn: sqlite3.Connection) -> None:
        conn.execute("COMMIT")  # a failed commit is rolled back by the caller, which releases
        self._release()

    def rollback(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:  # SQLite may have rolled back already
            pass
        finally:
            self._release()

    def _release(self) -> None:
        if getattr(self._local, "writing", False):
            self._local.writing = False
            self._writer.release()

    def lock(self, conn: sqlite3.Connection, key: str) -> None:
        """Nothing to take: BEGIN IMMEDIATE already holds the database's one write lock."""

    def migrate(self) -> int:
        from playground.history.migrations import migrate_sqlite

        return migrate_sqlite(self.connection())

    def fault(self, exc: BaseException, doing: str) -> StorageError:
        assert isinstance(exc, sqlite3.Error)
        return faults.from_sqlite_error(exc, self.db_path, doing, self.busy_timeout_s)

    def describe(self) -> str:
        return f"SQLite file {self.db_path}"

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and str(url).split(":", 1)[0] in ("postgresql", "postgres")


def open_engine(data_dir: Path, busy_timeout_s: float, database_url: str | None) -> Engine:
    """SQLite in the data folder, or the PostgreSQL server that `database_url` names."""
    if database_url and not is_postgres_url(database_url):
        scheme = database_url.split(":", 1)[0][:20]
        raise StorageError(f"PLAYGROUND_DATABASE_URL must start with postgresql://; it starts "
                           f"with {scheme!r}.",
                           hint="Unset it for the SQLite file in PLAYGROUND_DATA_DIR, or write "
                                "postgresql://USER:PASSWORD@HOST:5432/DATABASE.")
    if database_url:
        from playground.history.postgres import PostgresEngine

        return PostgresEngine(database_url)
    return SqliteEngine(data_dir, busy_timeout_s)
