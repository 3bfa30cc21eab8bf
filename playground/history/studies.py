"""Blind-review studies in the history database (migration 7): arms, pairs and votes.

A study compares *arms* (the settings that made an image: platform, model, size, output
options) through *pairs* (two stored images of the same prompt from two arms). A vote records
which image of the pair was shown on the left (`left`: "a" or "b", drawn at random when the pair
was shown) and what the reviewer chose about the two *sides* ("left", "right", "tie",
"both_bad"), so both the preference and the position bias can be read back. Each reviewer votes
once per pair, plus at most one hidden repeat (sides swapped) used to measure consistency.

Reviewer and owner are plain text: the remembered reviewer name today, a signed-in user in team
mode. The SQL is portable (no SQLite-only syntax), so the PostgreSQL store can take the tables.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from playground.domain.errors import StudyError
from playground.history.store import HistoryStore

Choice = Literal["left", "right", "tie", "both_bad"]
Side = Literal["a", "b"]
CHOICES: tuple[Choice, ...] = ("left", "right", "tie", "both_bad")
STUDY_TAGS = ("artefacts", "text rendering", "prompt adherence", "colour", "sharpness",
              "composition")
MAX_COMMENT_CHARS = 2000
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class Arm:
    index: int
    label: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class Pair:
    """Two stored images of one prompt from arms `arm_a` < `arm_b`; an image id is None once
    its generation was deleted from history (the pair is then skipped)."""

    index: int
    prompt: str
    arm_a: int
    arm_b: int
    image_a: int | None
    image_b: int | None
    ref_a: str
    ref_b: str

    @property
    def is_complete(self) -> bool:
        return self.image_a is not None and self.image_b is not None


@dataclass(frozen=True)
class Vote:
    pair_index: int
    reviewer: str
    left: Side  # which image of the pair was on the left
    choice: Choice  # about the sides as shown
    is_repeat: bool = False
    comment: str = ""
    tags: tuple[str, ...] = ()
    created_at: float = 0.0

    @property
    def winner(self) -> Side | None:
        """The pair's image the reviewer preferred; None for a tie or "both bad"."""
        if self.choice == "left":
            return self.left
        if self.choice == "right":
            return "b" if self.left == "a" else "a"
        return None


@dataclass
class StudyDraft:
    """Everything a new study needs; `create_study` gives it an id and a time."""

    name: str
    question: str
    arms: list[Arm]
    pairs: list[Pair]
    votes_per_pair: int = 3
    min_votes: int = 20
    repeat_share: float = 0.2
    owner: str | None = None
    source: str = "history"  # history | bench | prompt set
    source_ref: str | None = None
    preset: str | None = None
    environment: dict[str, Any] = field(default_factory=dict)


@dataclass
class Study(StudyDraft):
    id: str = ""
    created_at: float = 0.0
    status: str = "open"  # open | closed
    closed_at: float | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_emulated(self) -> bool:
        """Made (at least partly) by the built-in emulator, not Google."""
        return bool(self.environment.get("demo"))

    def arm(self, index: int) -> Arm:
        return self.arms[index]

    def is_revealed_to(self, viewer: str) -> bool:
        """Results (and which arm made which image) are shown to the owner, and to everyone
        once the study is closed; a study without an owner reveals nothing until closed."""
        return not self.is_open or (bool(self.owner) and viewer.strip() == self.owner)

    def may_close(self, viewer: str) -> bool:
        return self.is_open and (not self.owner or viewer.strip() == self.owner)


@dataclass(frozen=True)
class StudySummary:
    id: str
    name: str
    question: str
    status: str
    owner: str | None
    created_at: float
    pairs: int
    votes: int
    reviewers: int


def create_study(store: HistoryStore, draft: StudyDraft) -> Study:
    """Write the study, its arms and its pairs in one transaction; returns it with its id."""
    name = draft.name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise StudyError(f"A study needs a name of 1 to {MAX_NAME_CHARS} characters.")
    if len(draft.arms) < 2 or not draft.pairs:
        raise StudyError("A study needs at least two arms and one pair to compare.")
    if not 1 <= draft.votes_per_pair <= 100:
        raise StudyError("Votes per pair must be 1 to 100.")
    study = Study(**{**vars(draft), "name": name}, id=secrets.token_hex(4),
                  created_at=time.time())
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO studies (id, created_at, name, question, votes_per_pair, min_votes, "
            "repeat_share, owner, status, source, source_ref, preset, environment_json) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (study.id, study.created_at, study.name, study.question, study.votes_per_pair,
             study.min_votes, study.repeat_share, study.owner or None, "open", study.source,
             study.source_ref, study.preset, json.dumps(study.environment)))
        conn.executemany(
            "INSERT INTO study_arms (study_id, arm_index, label, spec_json) VALUES (?,?,?,?)",
            [(study.id, a.index, a.label, json.dumps(a.spec, sort_keys=True)) for a in study.arms])
        conn.executemany(
            "INSERT INTO study_pairs (study_id, pair_index, prompt, arm_a, arm_b, image_a, "
            "image_b, ref_a, ref_b) VALUES (?,?,?,?,?,?,?,?,?)",
            [(study.id, p.index, p.prompt, p.arm_a, p.arm_b, p.image_a, p.image_b, p.ref_a,
              p.ref_b) for p in study.pairs])
    return study


def get_study(store: HistoryStore, study_id: str) -> Study | None:
    if not study_id or len(study_id) > 64:
        return None
    with store.guard("reading a study"):
        conn = store.connection()
        row = conn.execute("SELECT * FROM studies WHERE id=?", (study_id,)).fetchone()
        if row is None:
            return None
        arms = [Arm(r["arm_index"], r["label"], json.loads(r["spec_json"])) for r in conn.execute(
            "SELECT * FROM study_arms WHERE study_id=? ORDER BY arm_index", (study_id,))]
        pairs = [Pair(r["pair_index"], r["prompt"], r["arm_a"], r["arm_b"], r["image_a"],
                      r["image_b"], r["ref_a"], r["ref_b"]) for r in conn.execute(
            "SELECT * FROM study_pairs WHERE study_id=? ORDER BY pair_index", (study_id,))]
    return _study_from_row(row, arms, pairs)


def require_study(store: HistoryStore, study_id: str) -> Study:
    study = get_study(store, study_id)
    if study is None:
        raise StudyError(f"There is no study {study_id[:64]!r} in this history.",
                         hint="List the studies with `python -m playground study list`.")
    return study


def _study_from_row(row: sqlite3.Row, arms: list[Arm], pairs: list[Pair]) -> Study:
    return Study(name=row["name"], question=row["question"], arms=arms, pairs=pairs,
                 votes_per_pair=row["votes_per_pair"], min_votes=row["min_votes"],
                 repeat_share=row["repeat_share"], owner=row["owner"], source=row["source"],
                 source_ref=row["source_ref"], preset=row["preset"],
                 environment=json.loads(row["environment_json"] or "{}"), id=row["id"],
                 created_at=row["created_at"], status=row["status"], closed_at=row["closed_at"])


def list_studies(store: HistoryStore, limit: int = 100) -> list[StudySummary]:
    """Newest first, with how many pairs, votes and reviewers each has."""
    with store.guard("reading the studies"):
        rows = store.connection().execute(
            "SELECT s.id, s.name, s.question, s.status, s.owner, s.created_at, "
            "(SELECT COUNT(*) FROM study_pairs p WHERE p.study_id = s.id) AS pairs, "
            "(SELECT COUNT(*) FROM study_votes v WHERE v.study_id = s.id) AS votes, "
            "(SELECT COUNT(DISTINCT v.reviewer) FROM study_votes v WHERE v.study_id = s.id) "
            "AS reviewers FROM studies s ORDER BY s.created_at DESC LIMIT ?", (limit,)).fetchall()
    return [StudySummary(r["id"], r["name"], r["question"], r["status"], r["owner"],
                         r["created_at"], r["pairs"], r["votes"], r["reviewers"]) for r in rows]


def votes_of(store: HistoryStore, study_id: str) -> list[Vote]:
    """Every vote of the study, oldest first."""
    with store.guard("reading the votes"):
        rows = store.connection().execute(
            "SELECT * FROM study_votes WHERE study_id=? ORDER BY created_at, pair_index, "
            "reviewer, is_repeat", (study_id,)).fetchall()
    return [Vote(r["pair_index"], r["reviewer"], r["left_side"], r["choice"],
                 bool(r["is_repeat"]), r["comment"] or "", tuple(json.loads(r["tags_json"] or "[]")),
                 r["created_at"]) for r in rows]


def check_vote(study: Study, vote: Vote) -> Vote:
    """The vote as it will be stored (trimmed), or StudyError saying what is wrong."""
    reviewer = vote.reviewer.strip()
    if not study.is_open:
        raise StudyError("This study is closed: it takes no more votes.")
    if not reviewer or len(reviewer) > MAX_NAME_CHARS:
        raise StudyError("A vote needs a reviewer name (1 to 200 characters).",
                         hint="Type your name above the images (Settings keeps it too).")
    if vote.choice not in CHOICES or vote.left not in ("a", "b"):
        raise StudyError(f"Unknown vote {vote.choice!r}.")
    if not any(p.index == vote.pair_index for p in study.pairs):
        raise StudyError(f"Pair {vote.pair_index} is not part of this study.")
    unknown = [t for t in vote.tags if t not in STUDY_TAGS]
    if unknown:
        raise StudyError(f"Unknown tag(s) {', '.join(unknown)}; use {', '.join(STUDY_TAGS)}.")
    return Vote(vote.pair_index, reviewer, vote.left, vote.choice, vote.is_repeat,
                vote.comment.strip()[:MAX_COMMENT_CHARS], tuple(vote.tags),
                vote.created_at or time.time())


def record_vote(store: HistoryStore, study: Study, vote: Vote) -> bool:
    """Store one vote; False when this reviewer already voted on this pair (a second browser,
    a double click): the first vote stands."""
    v = check_vote(study, vote)
    with store.transaction() as conn:
        (status,) = conn.execute("SELECT status FROM studies WHERE id=?", (study.id,)).fetchone()
        if status != "open":
            raise StudyError("This study was closed meanwhile: it takes no more votes.")
        cur = conn.execute(
            "INSERT INTO study_votes (study_id, pair_index, reviewer, is_repeat, left_side, "
            "choice, comment, tags_json, created_at) VALUES (?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT (study_id, pair_index, reviewer, is_repeat) DO NOTHING",
            (study.id, v.pair_index, v.reviewer, int(v.is_repeat), v.left, v.choice,
             v.comment or None, json.dumps(list(v.tags)), v.created_at))
    return cur.rowcount > 0


def close_study(store: HistoryStore, study_id: str) -> bool:
    """Close a study: no more votes, and its results and labels are revealed to everyone."""
    with store.transaction() as conn:
        cur = conn.execute("UPDATE studies SET status='closed', closed_at=? WHERE id=? AND "
                           "status='open'", (time.time(), study_id))
    return cur.rowcount > 0


def delete_study(store: HistoryStore, study_id: str) -> bool:
    """Forget a study with its votes; the generations it compared stay in history."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM study_votes WHERE study_id=?", (study_id,))
        cur = conn.execute("DELETE FROM studies WHERE id=?", (study_id,))
    return cur.rowcount > 0


def pair_images(pairs: Sequence[Pair]) -> set[int]:
    """Every image id the pairs show."""
    return {i for p in pairs for i in (p.image_a, p.image_b) if i is not None}
