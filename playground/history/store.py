"""Persistent history: SQLite (WAL) rows plus content-addressed image files.

Callers save results as they arrive (`save`), and ask for an image's bytes by the image itself
(`original`, `preview`, `thumbnail`): the store alone knows where files live, and derives each
file's name from its SHA-256, never from what a row says. One store is shared by every thread
and session of a process; each thread gets its own connection, and WAL plus a busy timeout let
several processes (app, CLI, benchmark) write at once.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from playground.domain.errors import ErrorInfo
from playground.domain.imaging import PREVIEW_MAX_SIDE
from playground.domain.types import (
    Attempt,
    GenerationResult,
    ImageFacts,
    ImageRequest,
    Segment,
    Timing,
    Usage,
)
from playground.history.files import ImageFiles
from playground.history.migrations import migrate

DB_NAME = "history.sqlite3"


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"))


def _loads(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


class HistoryStore:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.files = ImageFiles(self.data_dir)
        self.db_path = self.data_dir / DB_NAME
        self._local = threading.local()
        self.schema_version = migrate(self._conn())

    # --- connections ---------------------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (for modules that own their tables, e.g. reviews)."""
        return self._conn()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # --- writing -------------------------------------------------------------------------

    def save(self, result: GenerationResult) -> int:
        """Write the result's image bytes (content-addressed), then its rows; returns its id.

        Images read back from history (no bytes in hand) must already be stored.
        """
        if not result.created_at:
            result.created_at = time.time()
        for img in result.images:
            if img.data is not None:
                self.files.put(img.data, img.sha256, img.sniffed_mime)
        row = _result_row(result)
        with self.transaction() as conn:
            cols = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            cur = conn.execute(f"INSERT INTO generations ({cols}) VALUES ({marks})", list(row.values()))
            gen_id = int(cur.lastrowid or 0)
            for position, img in enumerate(result.images):
                cur = conn.execute(
                    "INSERT INTO images (generation_id, position, sha256, rel_path, size_bytes, "
                    "declared_mime, sniffed_mime, width, height, is_draft, segments_json, "
                    "requested_width, requested_height) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (gen_id, position, img.sha256,
                     self.files.relative_path(img.sha256, img.sniffed_mime), img.size_bytes,
                     img.declared_mime, img.sniffed_mime, img.width, img.height, int(img.is_draft),
                     _dumps([asdict(s) for s in img.segments]), img.requested_width,
                     img.requested_height),
                )
                img.id, img.position = int(cur.lastrowid or 0), position
        result.id = gen_id
        return gen_id

    def delete(self, gen_id: int) -> bool:
        """Delete a generation; image files go too unless another row still uses them."""
        with self.transaction() as conn:
            images = conn.execute("SELECT sha256, sniffed_mime FROM images WHERE generation_id=?",
                                  (gen_id,)).fetchall()
            cur = conn.execute("DELETE FROM generations WHERE id=?", (gen_id,))
            orphans = [
                (r["sha256"], r["sniffed_mime"]) for r in images
                if not conn.execute("SELECT 1 FROM images WHERE sha256=? LIMIT 1",
                                    (r["sha256"],)).fetchone()
            ]
        for sha, mime in orphans:
            self.files.remove(sha, mime)
        return cur.rowcount > 0

    # --- reading -------------------------------------------------------------------------

    def get(self, gen_id: int) -> GenerationResult | None:
        row = self._conn().execute("SELECT * FROM generations WHERE id=?", (gen_id,)).fetchone()
        return self._hydrate([row])[0] if row else None

    def list(self, *, search: str | None = None, backend: str | None = None,
             model: str | None = None, status: str | None = None, group_id: str | None = None,
             limit: int = 50, offset: int = 0) -> builtins.list[GenerationResult]:
        """Newest first, filtered; `search` matches prompt text case-insensitively."""
        where, args = self._filters(search, backend, model, status, group_id)
        rows = self._conn().execute(
            f"SELECT * FROM generations {where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
        return self._hydrate(rows)

    def count(self, *, search: str | None = None, backend: str | None = None,
              model: str | None = None, status: str | None = None) -> int:
        where, args = self._filters(search, backend, model, status, None)
        (n,) = self._conn().execute(f"SELECT COUNT(*) FROM generations {where}", args).fetchone()
        return int(n)

    @staticmethod
    def _filters(search: str | None, backend: str | None, model: str | None, status: str | None,
                 group_id: str | None) -> tuple[str, builtins.list[Any]]:
        clauses: builtins.list[str] = []
        args: builtins.list[Any] = []
        if search:
            clauses.append("prompt LIKE ? ESCAPE '\\'")
            escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args.append(f"%{escaped}%")
        for column, value in (("backend", backend), ("model", model), ("status", status),
                              ("group_id", group_id)):
            if value:
                clauses.append(f"{column} = ?")
                args.append(value)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", args

    def find_image(self, image_id: int) -> tuple[GenerationResult, ImageFacts] | None:
        """The generation holding image `image_id`, and that image."""
        row = self._conn().execute("SELECT generation_id FROM images WHERE id=?",
                                   (image_id,)).fetchone()
        result = self.get(row[0]) if row else None
        if result is None:
            return None
        return result, next(i for i in result.images if i.id == image_id)

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

    def models_used(self) -> builtins.list[str]:
        rows = self._conn().execute("SELECT DISTINCT model FROM generations ORDER BY model")
        return [r[0] for r in rows]

    def latest_group(self, size: int = 2) -> builtins.list[GenerationResult]:
        """The newest fan-out group with at least `size` members (the latest "Both" run)."""
        row = self._conn().execute(
            "SELECT group_id FROM generations WHERE group_id IS NOT NULL GROUP BY group_id "
            "HAVING COUNT(*) >= ? ORDER BY MAX(created_at) DESC LIMIT 1", (size,),
        ).fetchone()
        return self.list(group_id=row[0], limit=10) if row else []

    # --- images by identity ----------------------------------------------------------------

    def original(self, img: ImageFacts) -> bytes:
        """The original bytes, exactly as the platform returned them.

        Raises ImageMissingError (with what to do) when the file is gone from the data folder.
        """
        return self.files.read(img.sha256, img.sniffed_mime)

    def has_original(self, img: ImageFacts) -> bool:
        return self.files.exists(img.sha256, img.sniffed_mime)

    def preview(self, img: ImageFacts, max_side: int = PREVIEW_MAX_SIDE) -> bytes:
        """A cached display-size JPEG (≤ max_side px) made from the original."""
        return self.files.preview(img.sha256, img.sniffed_mime, max_side)

    def reduced_preview(self, img: ImageFacts, max_side: int) -> bytes:
        """A smaller JPEG made from the cached display preview (cheap: no 4K decode)."""
        self.preview(img)
        return self.files.preview_of_preview(img.sha256, PREVIEW_MAX_SIDE, max_side)

    def thumbnail(self, img: ImageFacts) -> bytes:
        """A cached small JPEG of a stored image (History grid); never the original."""
        return self.files.thumbnail(img.sha256, img.sniffed_mime)

    def locations(self, result: GenerationResult) -> dict[str, str]:
        """sha256 → where each of the result's files lives, for people (CLI output), not reads."""
        return {img.sha256: str(self.files.path_for(img.sha256, img.sniffed_mime))
                for img in result.images}

    def _hydrate(self, rows: builtins.list[sqlite3.Row]) -> builtins.list[GenerationResult]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" for _ in ids)
        images: dict[int, builtins.list[ImageFacts]] = {i: [] for i in ids}
        for r in self._conn().execute(
            f"SELECT * FROM images WHERE generation_id IN ({marks}) ORDER BY position", ids
        ):
            images[r["generation_id"]].append(self._image_facts(r))
        return [_result_from_row(r, images[r["id"]]) for r in rows]

    def _image_facts(self, r: sqlite3.Row) -> ImageFacts:
        return ImageFacts(
            size_bytes=r["size_bytes"], sha256=r["sha256"], declared_mime=r["declared_mime"],
            sniffed_mime=r["sniffed_mime"], width=r["width"], height=r["height"],
            is_draft=bool(r["is_draft"]),
            segments=[Segment(**s) for s in _loads(r["segments_json"], [])],
            requested_width=r["requested_width"], requested_height=r["requested_height"],
            id=r["id"], position=r["position"],
        )


def _result_row(r: GenerationResult) -> dict[str, Any]:
    return {
        "created_at": r.created_at, "group_id": r.group_id, "backend": r.backend, "model": r.model,
        "prompt": r.request.prompt, "request_json": _dumps(r.request.to_dict()),
        "wire_json": _dumps(r.request_json), "request_url": r.request_url, "status": r.status,
        "http_status": r.http_status, "ttfb_s": r.timing.ttfb_s, "total_s": r.timing.total_s,
        "request_bytes": r.request_bytes, "response_bytes": r.response_bytes,
        "attempts_json": _dumps([asdict(a) for a in r.attempts]),
        "finish_reason": r.finish_reason, "finish_message": r.finish_message,
        "block_reason": r.block_reason, "block_message": r.block_message, "usage_json": _dumps(asdict(r.usage) if r.usage else None),
        "cost_usd": r.cost_usd, "model_version": r.model_version, "response_id": r.response_id,
        "notes_json": _dumps(r.notes), "texts_json": _dumps(r.texts),
        "thought_texts_json": _dumps(r.thought_texts), "thought_signatures": r.thought_signatures,
        "error_json": _dumps(asdict(r.error) if r.error else None), "explanation": r.explanation,
    }


def _result_from_row(row: sqlite3.Row, images: list[ImageFacts]) -> GenerationResult:
    usage = _loads(row["usage_json"])
    error = _loads(row["error_json"])
    return GenerationResult(
        id=row["id"], created_at=row["created_at"], group_id=row["group_id"],
        backend=row["backend"], model=row["model"],
        request=ImageRequest.from_dict(_loads(row["request_json"], {"prompt": row["prompt"]})),
        status=row["status"], http_status=row["http_status"],
        timing=Timing(row["ttfb_s"], row["total_s"]),
        attempts=[Attempt(**a) for a in _loads(row["attempts_json"], [])],
        request_bytes=row["request_bytes"] or 0, response_bytes=row["response_bytes"] or 0,
        images=images, texts=_loads(row["texts_json"], []),
        thought_texts=_loads(row["thought_texts_json"], []),
        thought_signatures=row["thought_signatures"] or 0,
        finish_reason=row["finish_reason"], finish_message=row["finish_message"],
        block_reason=row["block_reason"], block_message=row["block_message"], usage=Usage(**usage) if usage else None,
        model_version=row["model_version"], response_id=row["response_id"],
        cost_usd=row["cost_usd"], notes=_loads(row["notes_json"], []),
        error=ErrorInfo(**error) if error else None, explanation=row["explanation"],
        request_json=_loads(row["wire_json"]), request_url=row["request_url"],
    )
