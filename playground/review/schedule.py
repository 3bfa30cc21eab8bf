"""Which pair a reviewer sees next, on which side, and how far along they are.

A reviewer never sees a pair twice, except as a hidden repeat check: after a few votes, about
one pair in five (the study's `repeat_share`) comes back with its sides swapped, never right
after its first showing, so consistency can be measured. First showings go to the pairs with
the fewest votes (below the study's votes per pair), in an order of the reviewer's own, so two
reviewers voting at once spread over the study instead of walking it in step. Sides of a first
showing are drawn at random for each vote (the caller passes the generator).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from playground.history.studies import Pair, Side, Study, Vote

REPEAT_AFTER_VOTES = 3  # no repeat check before this many first votes
REPEAT_GAP = 2  # a repeat never comes within this many votes of the pair's first showing


@dataclass(frozen=True)
class Task:
    pair_index: int
    left: Side  # which image of the pair goes on the left
    is_repeat: bool = False


@dataclass(frozen=True)
class ReviewerProgress:
    done: int
    total: int

    @property
    def is_done(self) -> bool:
        return self.done >= self.total

    @property
    def share(self) -> float:
        return 1.0 if self.total == 0 else min(1.0, self.done / self.total)


def _order_key(study: Study, reviewer: str, pair_index: int) -> str:
    return hashlib.sha256(f"{study.id}\0{reviewer}\0{pair_index}".encode()).hexdigest()


def repeats_due(study: Study, first_votes: int) -> int:
    if first_votes < REPEAT_AFTER_VOTES or study.repeat_share <= 0:
        return 0
    return math.ceil(first_votes * study.repeat_share)


def _first_candidates(study: Study, votes: Sequence[Vote], reviewer: str) -> list[Pair]:
    counts: dict[int, int] = {}
    for v in votes:
        if not v.is_repeat:
            counts[v.pair_index] = counts.get(v.pair_index, 0) + 1
    mine = {v.pair_index for v in votes if v.reviewer == reviewer and not v.is_repeat}
    open_pairs = [p for p in study.pairs if p.is_complete and p.index not in mine
                  and counts.get(p.index, 0) < study.votes_per_pair]
    return sorted(open_pairs, key=lambda p: (counts.get(p.index, 0),
                                             _order_key(study, reviewer, p.index)))


def _repeat_candidates(study: Study, votes: Sequence[Vote], reviewer: str,
                       any_gap: bool) -> list[Vote]:
    mine = [v for v in votes if v.reviewer == reviewer]
    repeated = {v.pair_index for v in mine if v.is_repeat}
    firsts = [v for v in mine if not v.is_repeat and v.pair_index not in repeated]
    complete = {p.index for p in study.pairs if p.is_complete}
    recent = {v.pair_index for v in mine[-REPEAT_GAP:]} if not any_gap else set()
    usable = [v for v in firsts if v.pair_index in complete and v.pair_index not in recent]
    return sorted(usable, key=lambda v: _order_key(study, reviewer + "\0repeat", v.pair_index))


def next_task(study: Study, votes: Sequence[Vote], reviewer: str,
              rng: random.Random | None = None) -> Task | None:
    """The reviewer's next pair, or None when they are done (or the study is closed)."""
    if not study.is_open:
        return None
    rng = rng or random.SystemRandom()
    mine = [v for v in votes if v.reviewer == reviewer]
    first_votes = sum(1 for v in mine if not v.is_repeat)
    repeats = sum(1 for v in mine if v.is_repeat)
    firsts = _first_candidates(study, votes, reviewer)
    if repeats < repeats_due(study, first_votes):
        again = _repeat_candidates(study, votes, reviewer, any_gap=not firsts)
        if again:
            shown = again[0]
            return Task(shown.pair_index, "b" if shown.left == "a" else "a", is_repeat=True)
    if firsts:
        return Task(firsts[0].index, rng.choice(("a", "b")))
    return None


def progress(study: Study, votes: Sequence[Vote], reviewer: str) -> ReviewerProgress:
    """Votes cast by this reviewer, out of what they can cast now (repeats included)."""
    mine = [v for v in votes if v.reviewer == reviewer]
    first_votes = sum(1 for v in mine if not v.is_repeat)
    repeats = sum(1 for v in mine if v.is_repeat)
    remaining = len(_first_candidates(study, votes, reviewer)) if study.is_open else 0
    planned_first = first_votes + remaining
    eligible = first_votes if planned_first else 0
    planned_repeats = max(repeats, min(repeats_due(study, planned_first), eligible))
    if not study.is_open:
        planned_repeats = repeats
    return ReviewerProgress(first_votes + repeats, planned_first + planned_repeats)
