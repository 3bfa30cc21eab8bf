"""A result as table rows and back: the columns of `generations` and `images`.

Text bound to SQLite must be valid UTF-8; a lone surrogate (a byte of a non-UTF-8 argv, say)
would make the insert fail and lose an answered result, so `result_row` replaces each with
U+FFFD and the result gets a note (docs/decisions.md, "Storage faults"). The image rows and
the filters of `list`/`count` live here too.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from playground.domain.errors import ErrorInfo
from playground.domain.types import (
    Attempt,
    GenerationResult,
    ImageFacts,
    ImageRequest,
    Segment,
    Timing,
    Usage,
)

_SURROGATE = re.compile("[\ud800-\udfff]")
CLEANED_NOTE = ("Some text held characters that are not valid Unicode (bytes that were not "
                "UTF-8); they are stored as \ufffd.")


def dumps(value: Any, hits: list[str] | None = None) -> str | None:
    """Compact JSON; lone surrogates are replaced first (and collected in `hits`)."""
    if value is None:
        return None
    return json.dumps(_scrub(value, [] if hits is None else hits), separators=(",", ":"))


def loads(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


def _scrub(value: Any, hits: list[str]) -> Any:
    if isinstance(value, str):
        if _SURROGATE.search(value):
            hits.append(value)
            return _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, dict):
        return {_scrub(k, hits): _scrub(v, hits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v, hits) for v in value]
    return value


def result_row(r: GenerationResult) -> tuple[dict[str, Any], bool]:
    """The `generations` columns of a result, and whether text had to be cleaned."""
    hits: list[str] = []

    def js(value: Any) -> str | None:
        return dumps(value, hits)

    row = {
        "created_at": r.created_at, "group_id": r.group_id, "backend": r.backend, "model": r.model,
        "prompt": r.request.prompt, "request_json": js(r.request.to_dict()),
        "wire_json": js(r.request_json), "request_url": r.request_url, "status": r.status,
        "http_status": r.http_status, "ttfb_s": r.timing.ttfb_s, "total_s": r.timing.total_s,
        "request_bytes": r.request_bytes, "response_bytes": r.response_bytes,
        "attempts_json": js([asdict(a) for a in r.attempts]),
        "finish_reason": r.finish_reason, "finish_message": r.finish_message,
        "block_reason": r.block_reason, "block_message": r.block_message,
        "usage_json": js(asdict(r.usage) if r.usage else None),
        "cost_usd": r.cost_usd, "model_version": r.model_version, "response_id": r.response_id,
        "notes_json": js(r.notes), "texts_json": js(r.texts),
        "thought_texts_json": js(r.thought_texts), "thought_signatures": r.thought_signatures,
        "error_json": js(asdict(r.error) if r.error else None), "explanation": r.explanation,
        "parent_id": r.request.parent_id, "turn_index": r.request.turn_index,
        "variant": r.variant,
    }
    return _scrub(row, hits), bool(hits)


def image_row(img: ImageFacts, rel_path: str) -> dict[str, Any]:
    """The `images` columns of one image, except generation_id, position and file_status."""
    return {
        "sha256": img.sha256, "rel_path": rel_path, "size_bytes": img.size_bytes,
        "declared_mime": img.declared_mime, "sniffed_mime": img.sniffed_mime,
        "width": img.width, "height": img.height, "is_draft": int(img.is_draft),
        "segments_json": dumps([asdict(s) for s in img.segments]),
        "requested_width": img.requested_width, "requested_height": img.requested_height,
    }


def write_image_rows(conn: sqlite3.Connection, gen_id: int, images: list[ImageFacts],
                     have: dict[str, bool], relative_path: Callable[[str, str], str]) -> None:
    """Insert the image rows of generation `gen_id` (file_status "ok" when the file is there,
    else "not written"); rows that already match by position and hash are kept, and with them
    their review notes; rows that no longer match are deleted."""
    old = {(r["position"], r["sha256"]): r["id"] for r in conn.execute(
        "SELECT id, position, sha256 FROM images WHERE generation_id=?", (gen_id,))}
    keep: set[int] = set()
    for position, img in enumerate(images):
        status = "ok" if have[img.sha256] else "not written"
        if (position, img.sha256) in old:
            img.id = old[(position, img.sha256)]
            conn.execute("UPDATE images SET file_status=? WHERE id=?", (status, img.id))
        else:
            row = image_row(img, relative_path(img.sha256, img.sniffed_mime))
            row.update(generation_id=gen_id, position=position, file_status=status)
            cols, marks = ", ".join(row), ", ".join("?" for _ in row)
            cur = conn.execute(f"INSERT INTO images ({cols}) VALUES ({marks})", list(row.values()))
            img.id = int(cur.lastrowid or 0)
        img.position = position
        keep.add(img.id)
    for stale in set(old.values()) - keep:
        conn.execute("DELETE FROM images WHERE id=?", (stale,))


def filters(search: str | None, backend: str | None, model: str | None, status: str | None,
            group_id: str | None, *, bench: bool | None = None) -> tuple[str, list[Any]]:
    """A WHERE clause and its arguments; `bench` True/False keeps only / leaves out the
    generations of benchmark tasks (bench_tasks.generation_id)."""
    clauses: list[str] = []
    args: list[Any] = []
    if search:
        clauses.append("prompt LIKE ? ESCAPE '\\'")
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        args.append(f"%{escaped}%")
    for column, value in (("backend", backend), ("model", model), ("status", status),
                          ("group_id", group_id)):
        if value:
            clauses.append(f"{column} = ?")
            args.append(value)
    if bench is not None:
        clauses.append(("" if bench else "NOT ") + "EXISTS (SELECT 1 FROM bench_tasks t "
                       "WHERE t.generation_id = generations.id)")
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", args


def image_facts(r: sqlite3.Row) -> ImageFacts:
    return ImageFacts(
        size_bytes=r["size_bytes"], sha256=r["sha256"], declared_mime=r["declared_mime"],
        sniffed_mime=r["sniffed_mime"], width=r["width"], height=r["height"],
        is_draft=bool(r["is_draft"]),
        segments=[Segment(**s) for s in loads(r["segments_json"], [])],
        requested_width=r["requested_width"], requested_height=r["requested_height"],
        id=r["id"], position=r["position"],
    )


def result_from_row(row: sqlite3.Row, images: list[ImageFacts]) -> GenerationResult:
    usage = loads(row["usage_json"])
    error = loads(row["error_json"])
    return GenerationResult(
        id=row["id"], created_at=row["created_at"], group_id=row["group_id"],
        variant=row["variant"],
        backend=row["backend"], model=row["model"],
        request=ImageRequest.from_dict(loads(row["request_json"], {"prompt": row["prompt"]}))
        .with_(parent_id=row["parent_id"],  # the column: None once the parent is deleted
               stored_turn=row["turn_index"]),
        status=row["status"], http_status=row["http_status"],
        timing=Timing(row["ttfb_s"], row["total_s"]),
        attempts=[Attempt(**a) for a in loads(row["attempts_json"], [])],
        request_bytes=row["request_bytes"] or 0, response_bytes=row["response_bytes"] or 0,
        images=images, texts=loads(row["texts_json"], []),
        thought_texts=loads(row["thought_texts_json"], []),
        thought_signatures=row["thought_signatures"] or 0,
        finish_reason=row["finish_reason"], finish_message=row["finish_message"],
        block_reason=row["block_reason"], block_message=row["block_message"],
        usage=Usage(**usage) if usage else None,
        model_version=row["model_version"], response_id=row["response_id"],
        cost_usd=row["cost_usd"], notes=loads(row["notes_json"], []),
        error=ErrorInfo(**error) if error else None, explanation=row["explanation"],
        request_json=loads(row["wire_json"]), request_url=row["request_url"],
    )
