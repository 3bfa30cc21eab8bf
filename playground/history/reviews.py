"""Review notes per image: a 1–5 rating, tags and a comment, by a named reviewer."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from playground.domain.errors import ReviewError
from playground.history.store import HistoryStore

REVIEW_TAGS = ("text rendering", "artefacts", "prompt adherence", "colour")


@dataclass
class Review:
    image_id: int
    reviewer: str = ""
    rating: int | None = None
    tags: list[str] = field(default_factory=list)
    comment: str = ""
    updated_at: float = 0.0


def save_review(store: HistoryStore, review: Review) -> Review:
    """Insert or replace this reviewer's note on this image."""
    if review.rating is not None and not 1 <= review.rating <= 5:
        raise ReviewError("A rating must be between 1 and 5.")
    unknown = [t for t in review.tags if t not in REVIEW_TAGS]
    if unknown:
        raise ReviewError(f"Unknown tag(s) {', '.join(unknown)}; use {', '.join(REVIEW_TAGS)}.")
    now = time.time()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO reviews (image_id, reviewer, rating, tags_json, comment, created_at, "
            "updated_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(image_id, reviewer) DO UPDATE SET "
            "rating=excluded.rating, tags_json=excluded.tags_json, comment=excluded.comment, "
            "updated_at=excluded.updated_at",
            (review.image_id, review.reviewer.strip(), review.rating, json.dumps(review.tags),
             review.comment, now, now),
        )
    review.updated_at = now
    return review


def reviews_for(store: HistoryStore, image_ids: list[int]) -> dict[int, list[Review]]:
    """Every note on these images, newest first per image."""
    out: dict[int, list[Review]] = {i: [] for i in image_ids}
    if not image_ids:
        return out
    marks = ",".join("?" for _ in image_ids)
    with store.guard("reading review notes"):
        rows = store.connection().execute(
            f"SELECT * FROM reviews WHERE image_id IN ({marks}) ORDER BY updated_at DESC",
            image_ids).fetchall()
    for r in rows:
        out[r["image_id"]].append(Review(r["image_id"], r["reviewer"], r["rating"],
                                         json.loads(r["tags_json"] or "[]"), r["comment"] or "",
                                         r["updated_at"]))
    return out


def review_by(store: HistoryStore, image_id: int, reviewer: str) -> Review | None:
    for review in reviews_for(store, [image_id])[image_id]:
        if review.reviewer == reviewer.strip():
            return review
    return None
