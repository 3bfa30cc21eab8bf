"""Agreement between reviewers: Krippendorff's alpha (nominal) over the pairs two or more
reviewers judged, from the `krippendorff` package (README "Dependencies"), plus the plain share
of reviewer pairs that gave the same answer.

Each vote is read in pair terms (image a better, image b better, tie, both bad), so the side
an image happened to be shown on does not count as disagreement.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.history.studies import Vote

METHOD = "Krippendorff's alpha (nominal)"
CODES = {"a": 0.0, "b": 1.0, "tie": 2.0, "both_bad": 3.0}


@dataclass(frozen=True)
class Agreement:
    method: str
    alpha: float | None
    percent_agreement: float | None
    pairs_shared: int  # pairs judged by at least two reviewers
    reviewers: int
    note: str = ""  # why alpha is missing, when it is


def _code(vote: Vote) -> float:
    return CODES[vote.winner or vote.choice]


def between_reviewers(votes: Sequence[Vote]) -> Agreement:
    """Over first votes only (hidden repeats measure consistency instead)."""
    firsts = [v for v in votes if not v.is_repeat]
    reviewers = sorted({v.reviewer for v in firsts})
    by_pair: dict[int, dict[str, float]] = {}
    for v in firsts:
        by_pair.setdefault(v.pair_index, {})[v.reviewer] = _code(v)
    shared = {p: r for p, r in by_pair.items() if len(r) >= 2}
    if len(reviewers) < 2 or not shared:
        return Agreement(METHOD, None, None, len(shared), len(reviewers),
                         "needs two reviewers who judged the same pair")
    same = total = 0
    for answers in shared.values():
        for x, y in itertools.combinations(answers.values(), 2):
            total += 1
            same += x == y
    data = np.full((len(reviewers), len(shared)), np.nan)
    for col, answers in enumerate(shared.values()):
        for row, name in enumerate(reviewers):
            data[row, col] = answers.get(name, np.nan)
    values = {v for answers in shared.values() for v in answers.values()}
    if len(values) < 2:
        return Agreement(METHOD, None, same / total, len(shared), len(reviewers),
                         "every answer was the same, so alpha is undefined")
    import krippendorff

    alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return Agreement(METHOD, round(alpha, 4), round(same / total, 4), len(shared),
                     len(reviewers))
