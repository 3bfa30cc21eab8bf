"""A study's results: strengths, preferences, position bias, consistency, agreement, verdict.

Everything the Studies page, `study results --json` and the study pack show comes from
`study_results` (one seed, so the page and the CLI print the same numbers) and `results_json`.
Hidden repeats feed only the consistency figures; everything else counts each reviewer's first
vote on a pair. Definitions are in docs/decisions.md "Blind review".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from playground.history.studies import Study, Vote
from playground.review import agreement
from playground.review.ranking import Outcome, bootstrap, wilson

SEED = 14  # bootstrap seed: fixed, so every surface shows the same intervals


@dataclass(frozen=True)
class ArmResult:
    arm: int
    label: str
    votes: int
    wins: int
    losses: int
    ties: int
    both_bad: int
    strength: float | None = None  # Elo scale, mean 1000; None below the minimum vote count
    ci_low: float | None = None
    ci_high: float | None = None
    rank: int | None = None


@dataclass(frozen=True)
class PairOfArms:
    """Arm `a` against arm `b` (a < b): how often a was preferred in decisive votes."""

    a: int
    b: int
    label_a: str
    label_b: str
    votes: int
    a_wins: int
    b_wins: int
    ties: int
    both_bad: int
    preference: float | None  # a_wins / (a_wins + b_wins)
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Share:
    count: int
    n: int
    share: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class ReviewerResult:
    reviewer: str
    votes: int
    repeats: int
    consistent: int
    consistency: float | None  # share of repeat checks answered as the first time
    left_share: float | None  # share of decisive votes that went to the left image


@dataclass
class StudyResults:
    study_id: str
    votes: int  # first votes (repeats not counted)
    repeat_votes: int
    reviewers: int
    min_votes: int
    ranking_shown: bool
    arms: list[ArmResult]
    pairs: list[PairOfArms]
    win_rate: list[list[float | None]]  # [i][j]: i's wins (ties half) over all i–j votes
    ties: Share
    both_bad: Share
    position_bias: Share  # left wins among decisive votes
    per_reviewer: list[ReviewerResult]
    agreement: agreement.Agreement
    per_prompt: list[dict[str, Any]]
    verdict: list[str] = field(default_factory=list)
    emulated: bool = False


def _share(count: int, n: int) -> Share:
    ci = wilson(count, n)
    return Share(count, n, count / n if n else None, ci[0] if ci else None,
                 ci[1] if ci else None)


def _outcome(study: Study, vote: Vote) -> Outcome:
    pair = study.pairs[vote.pair_index]
    winner = vote.winner
    score = 0.5 if winner is None else (1.0 if winner == "a" else 0.0)
    return Outcome(pair.arm_a, pair.arm_b, score)


def _arm_results(study: Study, firsts: Sequence[Vote], ranked: bool) -> list[ArmResult]:
    k = len(study.arms)
    tally = np.zeros((k, 5), dtype=int)  # votes, wins, losses, ties, both bad
    for v in firsts:
        pair = study.pairs[v.pair_index]
        for arm_no, side in ((pair.arm_a, "a"), (pair.arm_b, "b")):
            tally[arm_no, 0] += 1
            if v.winner == side:
                tally[arm_no, 1] += 1
            elif v.winner is not None:
                tally[arm_no, 2] += 1
            elif v.choice == "tie":
                tally[arm_no, 3] += 1
            else:
                tally[arm_no, 4] += 1
    strengths = bootstrap([_outcome(study, v) for v in firsts], k, seed=SEED) if ranked else None
    ranks = strengths.ranks() if strengths is not None else None
    out = []
    for arm in study.arms:
        votes, wins, losses, ties, bad = (int(c) for c in tally[arm.index])
        result = ArmResult(arm.index, arm.label, votes, wins, losses, ties, bad)
        if strengths is not None and ranks is not None:
            n = arm.index
            result = replace(result, strength=round(float(strengths.elo[n]), 1),
                             ci_low=round(float(strengths.ci_low[n]), 1),
                             ci_high=round(float(strengths.ci_high[n]), 1), rank=ranks[n])
        out.append(result)
    return out


def _pairs_of_arms(study: Study, firsts: Sequence[Vote]) -> tuple[list[PairOfArms],
                                                                 list[list[float | None]]]:
    k = len(study.arms)
    stats: dict[tuple[int, int], list[int]] = {}
    for v in firsts:
        pair = study.pairs[v.pair_index]
        row = stats.setdefault((pair.arm_a, pair.arm_b), [0, 0, 0, 0, 0])
        row[0] += 1
        row[{"a": 1, "b": 2, None: 3 if v.choice == "tie" else 4}[v.winner]] += 1
    pairs, matrix = [], [[None] * k for _ in range(k)]  # type: list[PairOfArms], list[list[float | None]]
    for (a, b), (votes, a_wins, b_wins, ties, bad) in sorted(stats.items()):
        decisive = a_wins + b_wins
        ci = wilson(a_wins, decisive)
        pairs.append(PairOfArms(a, b, study.arms[a].label, study.arms[b].label, votes, a_wins,
                                b_wins, ties, bad, a_wins / decisive if decisive else None,
                                ci[0] if ci else None, ci[1] if ci else None))
        half = (ties + bad) / 2
        matrix[a][b] = (a_wins + half) / votes
        matrix[b][a] = (b_wins + half) / votes
    return pairs, matrix


def _per_reviewer(study: Study, votes: Sequence[Vote]) -> list[ReviewerResult]:
    out = []
    for name in sorted({v.reviewer for v in votes}):
        mine = [v for v in votes if v.reviewer == name]
        first = {v.pair_index: v for v in mine if not v.is_repeat}
        repeats = [v for v in mine if v.is_repeat and v.pair_index in first]
        consistent = sum(1 for v in repeats if _same(v, first[v.pair_index]))
        decisive = [v for v in first.values() if v.winner is not None]
        left = sum(1 for v in decisive if v.choice == "left")
        out.append(ReviewerResult(name, len(first), len(repeats), consistent,
                                  consistent / len(repeats) if repeats else None,
                                  left / len(decisive) if decisive else None))
    return out


def _same(a: Vote, b: Vote) -> bool:
    return a.winner == b.winner and (a.winner is not None or a.choice == b.choice)


def _per_prompt(study: Study, firsts: Sequence[Vote]) -> list[dict[str, Any]]:
    """Per prompt: votes, and each arm's score (wins + half the ties, over its votes)."""
    rows: dict[str, dict[str, Any]] = {}
    for v in firsts:
        pair = study.pairs[v.pair_index]
        row = rows.setdefault(pair.prompt, {"prompt": pair.prompt, "votes": 0, "scores": {}})
        row["votes"] += 1
        for arm, side in ((pair.arm_a, "a"), (pair.arm_b, "b")):
            got = 1.0 if v.winner == side else 0.5 if v.winner is None else 0.0
            seen = row["scores"].setdefault(study.arms[arm].label, [0.0, 0])
            seen[0] += got
            seen[1] += 1
    for row in rows.values():
        row["scores"] = {label: round(s / n, 3) for label, (s, n) in row["scores"].items()}
    return sorted(rows.values(), key=lambda r: r["prompt"])


def study_results(study: Study, votes: Sequence[Vote]) -> StudyResults:
    valid = [v for v in votes if 0 <= v.pair_index < len(study.pairs)]
    firsts = [v for v in valid if not v.is_repeat]
    ranked = len(firsts) >= max(1, study.min_votes)
    pairs, matrix = _pairs_of_arms(study, firsts)
    decisive = [v for v in firsts if v.winner is not None]
    results = StudyResults(
        study_id=study.id, votes=len(firsts), repeat_votes=len(valid) - len(firsts),
        reviewers=len({v.reviewer for v in firsts}), min_votes=study.min_votes,
        ranking_shown=ranked, arms=_arm_results(study, firsts, ranked), pairs=pairs,
        win_rate=matrix,
        ties=_share(sum(1 for v in firsts if v.choice == "tie"), len(firsts)),
        both_bad=_share(sum(1 for v in firsts if v.choice == "both_bad"), len(firsts)),
        position_bias=_share(sum(1 for v in decisive if v.choice == "left"), len(decisive)),
        per_reviewer=_per_reviewer(study, valid),
        agreement=agreement.between_reviewers(firsts),
        per_prompt=_per_prompt(study, firsts), emulated=study.is_emulated)
    from playground.review.verdict import verdict_lines

    results.verdict = verdict_lines(study, results)
    return results


def results_json(study: Study, results: StudyResults) -> dict[str, Any]:
    """The CLI's `study results --json` document (the page shows the same numbers)."""
    return {"study": {"id": study.id, "name": study.name, "question": study.question,
                      "status": study.status, "owner": study.owner, "preset": study.preset,
                      "emulated": study.is_emulated, "pairs": len(study.pairs),
                      "votes_per_pair": study.votes_per_pair},
            **asdict(results)}
