"""Persistent history: rows in SQLite (WAL; the default) or PostgreSQL (a team's server,
history/engine.py), plus content-addressed image files.

Callers write a row before a request is sent (`begin`: status "pending", with its owner
process), then record the answer (`save`), and ask for an image's bytes by the image itself
(`original`, `preview`, `thumbnail`): the store alone knows where files live, and derives each
file's name from its SHA-256, never from what a row says. `save` writes the rows first (small),
then the image files, so a full disk never loses an answered result (`ImageWriteError`).
Opening checks the database (`PRAGMA quick_check`) before anything writes to it, and marks
rows left "pending" by a process that is gone as "interrupted". Every fault of the folder or
the database is a `StorageError` in words (history/faults.py).

One store is shared by every thread and session of a process; each thread gets its own
connection; WAL plus a busy timeout let several processes (app, CLI, benchmark) write at once,
and on PostgreSQL several replicas do.
"""

from __future__ import annotations

import builtins
import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from playground.domain.errors import (
    DamagedHistoryError,
    ImageMissingError,
    ImageWriteError,
    InUseError,
    StorageError,
)
from playground.domain.types import GenerationResult, ImageFacts
from playground.history import faults
from playground.history.conversations import (
    Conversations,
    signature_files,
    still_used,
    used_files,
    write_answer_rows,
    write_input_rows,
)
from playground.history.engine import DB_NAME, Connection, Engine, open_engine
from playground.history.files import ImageFiles
from playground.history.images import StoredImages
from playground.history.owner import dead_owners, this_process
from playground.history.rows import (
    CLEANED_NOTE,
    dumps,
    filters,
    image_facts,
    result_from_row,
    result_row,
    write_image_rows,
)

BUSY_TIMEOUT_S = 30.0  # how long a write waits for another process's transaction
log = logging.getLogger("playground.history")
F = TypeVar("F", bound=Callable[..., Any])


def _guarded(doing: str) -> Callable[[F], F]:
    """Turn the SQLite and OS errors of a store method into StorageError (in words)."""
    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def inner(self: HistoryStore, *args: Any, **kwargs: Any) -> Any:
            with self.guard(doing):
                return fn(self, *args, **kwargs)
        return cast(F, inner)
    return wrap


class HistoryStore(StoredImages, Conversations):
    def __init__(self, data_dir: Path, *, busy_timeout_s: float | None = None,
                 database_url: str | None = None) -> None:
        """Open (or create) the history: rows in the SQLite file of `data_dir`, or in the
        PostgreSQL database `database_url` names (a team's), and image files in `data_dir`.
        StorageError, in words, if it cannot be used: a file or a damaged database in the way,
        a read-only or full disk, a lock, a server that cannot be reached."""
        self.data_dir = Path(data_dir)
        self.busy_timeout_s = BUSY_TIMEOUT_S if busy_timeout_s is None else busy_timeout_s
        self.engine: Engine = open_engine(self.data_dir, self.busy_timeout_s, database_url)
        self._damaged: DamagedHistoryError | None = None
        faults.check_folder(self.data_dir)
        try:
            self.files = ImageFiles(self.data_dir)
        except OSError as exc:
            raise faults.from_os_error(exc, self.data_dir, "creating the image folders") from None
        #: seconds PRAGMA quick_check took at this open (docs/decisions.md, "Storage faults")
        self.check_s = self.engine.check()
        with self.guard("opening the history"):
            self.schema_version = self.engine.migrate()
            #: ids of rows this open found left "pending" by a dead process
            self.interrupted = self.recover_pending()

    @property
    def db_path(self) -> Path:
        """The SQLite file (the embedded default); PostgreSQL has none."""
        return self.data_dir / DB_NAME

    @staticmethod
    def move_aside(data_dir: Path) -> Path:
        """Rename a damaged history.sqlite3 (with its -wal and -shm) to
        history.sqlite3.damaged-<timestamp>, keeping it; the next open starts a new one."""
        return faults.move_aside(Path(data_dir))

    def close(self) -> None:
        """Close this store's connections (the process keeps running: tests, benchmarks)."""
        self.engine.close()

    # --- connections and faults ----------------------------------------------------------

    @contextmanager
    def guard(self, doing: str) -> Iterator[None]:
        """Database and OS errors inside become StorageError (a damaged database is
        remembered: this store writes nothing more to it)."""
        try:
            yield
        except self.engine.not_faults:
            raise
        except self.engine.errors as exc:
            error = self.engine.fault(exc, doing)
            if isinstance(error, DamagedHistoryError):
                self._damaged = error
            raise error from None
        except OSError as exc:
            raise faults.from_os_error(exc, self.data_dir, doing) from None

    def connection(self) -> Connection:
        """This thread's connection (for modules that own their tables, e.g. reviews)."""
        with self.guard("opening the history"):
            return self._conn()

    def _conn(self) -> Connection:
        return cast(Connection, self.engine.connection())

    @contextmanager
    def transaction(self, *, lock: str | None = None) -> Iterator[Connection]:
        """A write transaction; `lock` names a lock held until it ends, across every process
        and replica (SQLite's write lock already serialises all writers)."""
        if self._damaged is not None:
            raise self._damaged
        with self.guard("writing to the history"):
            conn = self._conn()
            self.engine.begin(conn)
            try:
                if lock:
                    self.engine.lock(conn, lock)
                yield conn
                self.engine.commit(conn)
            except BaseException:
                self.engine.rollback(conn)
                raise

    # --- writing -------------------------------------------------------------------------

    def begin(self, result: GenerationResult) -> int:
        """Write the row of a request about to be sent (status "pending", request, backend,
        model, group, created_at and this process as owner); sets and returns `result.id`.

        Call `save(result)` with that id set when the answer (or failure) is in, or
        `close_pending` if it is never sent. A row whose process dies first becomes
        "interrupted" at the next open of the history."""
        if not result.created_at:
            result.created_at = time.time()
        result.status = "pending"
        row, _ = result_row(result)
        owner = this_process()
        row.update(owner_pid=owner.pid, owner_host=owner.host, owner_started=owner.started)
        with self.transaction() as conn:
            result.id = self._insert(conn, row)
            write_input_rows(conn, result.id, result.request)
        with self.guard(f"writing the input images of request #{result.id}"):
            self._write_sent_files(result.request, [])  # the user's photo is kept, sent or not
        return result.id

    def save(self, result: GenerationResult) -> int:
        """Record a result; returns its id. Rows first, then image files.

        With `result.id` from `begin` (this process's row) that row is updated; otherwise a new
        row is inserted. A file that cannot be written (disk full, read-only, …) leaves the row,
        marks the image "not written", adds a note and raises ImageWriteError (a StorageError)
        saying what happened. Images read back from history (no bytes in hand) must already be
        stored."""
        if not result.created_at:
            result.created_at = time.time()
        row, cleaned = result_row(result)
        if cleaned and CLEANED_NOTE not in result.notes:
            result.notes.append(CLEANED_NOTE)
            row, _ = result_row(result)
        with self.guard("saving a result"):
            have = {i.sha256: self.files.exists(i.sha256, i.sniffed_mime) for i in result.images}
        to_write = [i for i in result.images if i.data is not None and not have[i.sha256]]
        signed = signature_files(result.answer)
        with self.transaction() as conn:
            gen_id = self._update_own(conn, result.id, row)
            if gen_id is None:
                gen_id = self._insert(conn, row)
            write_image_rows(conn, gen_id, result.images, have, self.files.relative_path)
            write_input_rows(conn, gen_id, result.request)
            write_answer_rows(conn, gen_id, result.answer, signed)
        result.id = gen_id
        with self.guard(f"writing the inputs and signatures of result #{gen_id}"):
            self._write_sent_files(result.request, signed)
        if to_write:
            self._write_files(result, to_write)
        return gen_id

    def close_pending(self, gen_id: int, *,
                      status: Literal["cancelled", "interrupted", "error"] = "cancelled",
                      explanation: str = "") -> bool:
        """End a "pending" row that will get no answer (cancelled before it was sent, or the
        sender failed); True if the row was pending."""
        with self.transaction() as conn:
            cur = conn.execute("UPDATE generations SET status=?, explanation=? "
                               "WHERE id=? AND status='pending'", (status, explanation, gen_id))
        return cur.rowcount > 0

    @staticmethod
    def _insert(conn: Connection, row: dict[str, Any]) -> int:
        cols, marks = ", ".join(row), ", ".join("?" for _ in row)
        cur = conn.execute(f"INSERT INTO generations ({cols}) VALUES ({marks})", list(row.values()))
        return int(cur.lastrowid or 0)

    @staticmethod
    def _update_own(conn: Connection, gen_id: int | None, row: dict[str, Any]) -> int | None:
        """Update row `gen_id` if this process began it; None when it did not (or it is gone):
        an id freed by a delete can be reused by another writer, whose row must stay."""
        if gen_id is None:
            return None
        me = this_process()
        sets = ", ".join(f"{c}=?" for c in row)
        cur = conn.execute(
            f"UPDATE generations SET {sets} WHERE id=? AND owner_pid=? AND owner_host=? "
            "AND owner_started IS ?", [*row.values(), gen_id, me.pid, me.host, me.started])
        return gen_id if cur.rowcount else None

    def _write_files(self, result: GenerationResult, images: list[ImageFacts]) -> None:
        written: list[int] = []
        failed: StorageError | None = None
        for img in images:
            try:
                assert img.data is not None
                self.files.put(img.data, img.sha256, img.sniffed_mime)
                written.append(img.id or 0)
            except (OSError, ImageMissingError) as exc:
                doing = f"writing the image of result #{result.id}"
                failed = (faults.from_os_error(exc, self.data_dir, doing)
                          if isinstance(exc, OSError) else StorageError(str(exc), hint=exc.hint))
        note = None
        if failed is not None:
            note = (f"The image could not be written: {failed.message} The result is recorded "
                    "without it.")
            result.notes.append(note)
        with self.transaction() as conn:
            conn.executemany("UPDATE images SET file_status='ok' WHERE id=?",
                             [(i,) for i in written])
            if note is not None:
                conn.execute("UPDATE generations SET notes_json=? WHERE id=?",
                             (dumps(result.notes), result.id))
        if failed is not None:
            log.warning("result #%s recorded without its image: %s", result.id, failed.message)
            raise ImageWriteError(f"{failed.message.rstrip('.')}; the result is recorded "
                                  "without its image.", hint=failed.hint, path=failed.path,
                                  result_id=result.id)

    @_guarded("deleting a result")
    def delete(self, gen_id: int, *, with_continuations: bool = False) -> bool:
        """Delete a generation; its files (images, inputs, signatures) go too unless another
        row still uses them. A turn that others continue is kept unless `with_continuations`
        (then its whole branch goes): InUseError says which generations continue it."""
        doomed = self.branch(gen_id) if with_continuations else [gen_id]
        later = [c for c in self.continuations(gen_id) if c not in doomed]
        if later:
            raise InUseError(
                f"Generation #{gen_id} is continued by "
                f"{', '.join(f'#{c}' for c in later)}: they replay this turn.",
                hint="Delete it with its continuations, or delete those first.")
        with self.transaction() as conn:
            files = used_files(conn, doomed)
            marks = ",".join("?" for _ in doomed)
            cur = conn.execute(f"DELETE FROM generations WHERE id IN ({marks})", doomed)
            orphans = [(sha, mime) for sha, mime in files if not still_used(conn, sha)]
        for sha, mime in orphans:
            self.files.remove(sha, mime)
        return cur.rowcount > 0

    @_guarded("checking pending requests")
    def recover_pending(self) -> builtins.list[int]:
        """Mark "interrupted" the pending rows whose process is gone from this host; returns
        their ids. Runs at every open; a long-lived process (the app) may call it again, e.g.
        when the History page is shown, to catch rows of a CLI run killed meanwhile."""
        rows = self._conn().execute(
            "SELECT id, created_at, owner_pid, owner_host, owner_started FROM generations "
            "WHERE status='pending'").fetchall()
        dead = dead_owners(rows)
        if dead:
            with self.transaction() as conn:
                conn.executemany("UPDATE generations SET status='interrupted', explanation=? "
                                 "WHERE id=? AND status='pending'",
                                 [(text, gen_id) for gen_id, text in dead.items()])
            log.warning("history: %d request(s) left pending by a process that is gone are now "
                        "interrupted: %s", len(dead), sorted(dead))
        return sorted(dead)

    # --- reading -------------------------------------------------------------------------

    @_guarded("reading the history")
    def get(self, gen_id: int) -> GenerationResult | None:
        row = self._conn().execute("SELECT * FROM generations WHERE id=?", (gen_id,)).fetchone()
        return self._hydrate([row])[0] if row else None

    @_guarded("reading the history")
    def list(self, *, search: str | None = None, backend: str | None = None,
             model: str | None = None, status: str | None = None, group_id: str | None = None,
             limit: int = 50, offset: int = 0,
             exclude_bench: bool = False) -> builtins.list[GenerationResult]:
        """Newest first, filtered; `search` matches prompt text case-insensitively;
        `exclude_bench` leaves out generations that belong to a benchmark task."""
        where, args = filters(search, backend, model, status, group_id,
                                    bench=False if exclude_bench else None)
        # The page's ids first, from the index of this order alone; then only their rows
        # (a deep page skips index entries, not whole rows).
        rows = self._conn().execute(
            f"SELECT g.* FROM (SELECT id FROM generations {where} ORDER BY created_at DESC, "
            "id DESC LIMIT ? OFFSET ?) AS page JOIN generations g ON g.id = page.id "
            "ORDER BY g.created_at DESC, g.id DESC", [*args, limit, offset]).fetchall()
        return self._hydrate(rows)

    @_guarded("reading the history")
    def count(self, *, search: str | None = None, backend: str | None = None,
              model: str | None = None, status: str | None = None,
              exclude_bench: bool = False) -> int:
        return self._count(search, backend, model, status, False if exclude_bench else None)

    @_guarded("reading the history")
    def count_bench(self, *, search: str | None = None, backend: str | None = None,
                    model: str | None = None, status: str | None = None) -> int:
        """How many generations matching these filters belong to a benchmark task (the ones
        `exclude_bench=True` hides)."""
        return self._count(search, backend, model, status, True)

    def _count(self, search: str | None, backend: str | None, model: str | None,
               status: str | None, bench: bool | None) -> int:
        where, args = filters(search, backend, model, status, None, bench=bench)
        (n,) = self._conn().execute(f"SELECT COUNT(*) FROM generations {where}", args).fetchone()
        return int(n)

    @_guarded("reading the history")
    def find_image(self, image_id: int) -> tuple[GenerationResult, ImageFacts] | None:
        """The generation holding image `image_id`, and that image."""
        row = self._conn().execute("SELECT generation_id FROM images WHERE id=?",
                                   (image_id,)).fetchone()
        result = self.get(row[0]) if row else None
        if result is None:
            return None
        return result, next(i for i in result.images if i.id == image_id)

    @_guarded("reading the history")
    def find_ref(self, ref: str) -> tuple[GenerationResult, ImageFacts] | None:
        """The image named "GENERATION.POSITION" (1-based), as every page and pack shows it."""
        gen, _, pos = ref.lstrip("#").partition(".")
        if not (gen.isdigit() and pos.isdigit()) or len(gen) > 18 or len(pos) > 6:
            return None
        result = self.get(int(gen))
        if result is None:
            return None
        found = [i for i in result.images if i.position == int(pos) - 1]
        return (result, found[0]) if found else None

    @_guarded("reading the history")
    def models_used(self) -> builtins.list[str]:
        rows = self._conn().execute("SELECT DISTINCT model FROM generations ORDER BY model")
        return [r[0] for r in rows]

    @_guarded("reading the history")
    def latest_group(self, size: int = 2) -> builtins.list[GenerationResult]:
        """The newest fan-out group with at least `size` members (the latest "Both" run)."""
        row = self._conn().execute(
            "SELECT group_id FROM generations WHERE group_id IS NOT NULL GROUP BY group_id "
            "HAVING COUNT(*) >= ? ORDER BY MAX(created_at) DESC LIMIT 1", (size,),
        ).fetchone()
        return self.list(group_id=row[0], limit=10) if row else []

    def _hydrate(self, rows: builtins.list[Any]) -> builtins.list[GenerationResult]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" for _ in ids)
        images: dict[int, builtins.list[ImageFacts]] = {i: [] for i in ids}
        for r in self._conn().execute(
            f"SELECT * FROM images WHERE generation_id IN ({marks}) ORDER BY position", ids
        ):
            images[r["generation_id"]].append(image_facts(r))
        return [result_from_row(r, images[r["id"]]) for r in rows]
