"""A study's results in words (the CLI's `study results`), and its votes as flat rows (the CSV
and JSON downloads, the study pack). Both read `study_results`, so every surface agrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from playground.history.studies import Study, Vote
from playground.review.study_results import Share, StudyResults


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def share_text(share: Share) -> str:
    if share.share is None:
        return "no votes yet"
    return (f"{pct(share.share)} of {share.n} (95 % CI {pct(share.ci_low)}–"
            f"{pct(share.ci_high)})")


def strength_text(strength: float | None, low: float | None, high: float | None) -> str:
    if strength is None or low is None or high is None:
        return "–"
    return f"{strength:.0f} [{low:.0f}, {high:.0f}]"


def results_text(study: Study, results: StudyResults) -> str:
    lines = [f"Study {study.id} \"{study.name}\" ({study.status}): {study.question}",
             f"{results.votes} votes ({results.repeat_votes} hidden repeats) by "
             f"{results.reviewers} reviewer(s) on {len(study.pairs)} pairs."]
    if results.emulated:
        lines.append("Emulated: the images come from the built-in emulator, not Google.")
    if not results.ranking_shown:
        lines.append(f"No ranking yet: {results.votes} of the {results.min_votes} votes needed.")
    lines.append("")
    lines.append(f"{'rank':>4}  {'arm':<32} {'strength [95 % CI]':>20} {'votes':>6} {'wins':>5} "
                 f"{'losses':>6} {'ties':>5} {'bad':>4}")
    for a in sorted(results.arms, key=lambda a: (a.rank or 99, -(a.strength or 0))):
        lines.append(f"{a.rank or '–':>4}  {a.label[:32]:<32} "
                     f"{strength_text(a.strength, a.ci_low, a.ci_high):>20} {a.votes:>6} "
                     f"{a.wins:>5} {a.losses:>6} {a.ties:>5} {a.both_bad:>4}")
    lines.append("")
    for p in results.pairs:
        decisive = p.a_wins + p.b_wins
        lines.append(f"{p.label_a} preferred over {p.label_b} in {pct(p.preference)} of "
                     f"{decisive} decisive votes (95 % CI {pct(p.ci_low)}–{pct(p.ci_high)}); "
                     f"{p.ties} ties, {p.both_bad} both bad")
    lines.append(f"Ties: {share_text(results.ties)}; both bad: {share_text(results.both_bad)}")
    lines.append(f"Position bias (left image won): {share_text(results.position_bias)}")
    ag = results.agreement
    lines.append(f"Agreement ({ag.method}): "
                 + (f"{ag.alpha:.2f} over {ag.pairs_shared} shared pairs, "
                    f"{pct(ag.percent_agreement)} same answers" if ag.alpha is not None
                    else ag.note))
    for r in results.per_reviewer:
        lines.append(f"  {r.reviewer}: {r.votes} votes, {r.consistent}/{r.repeats} repeat checks "
                     f"consistent, left picked in {pct(r.left_share)} of decisive votes")
    lines += results.verdict
    return "\n".join(lines)


VOTE_COLUMNS = ("study_id", "pair", "prompt", "reviewer", "is_repeat", "left_image",
                "right_image", "left_arm", "right_arm", "choice", "winner_arm", "comment",
                "tags", "created_at")


def vote_rows(study: Study, votes: Sequence[Vote]) -> list[dict[str, Any]]:
    """One row per vote, sides and arms named (for the owner's downloads, not the voting)."""
    rows = []
    for v in votes:
        pair = study.pairs[v.pair_index]
        sides = {"a": (pair.ref_a, study.arms[pair.arm_a].label),
                 "b": (pair.ref_b, study.arms[pair.arm_b].label)}
        right = "b" if v.left == "a" else "a"
        winner = v.winner
        rows.append({
            "study_id": study.id, "pair": v.pair_index, "prompt": pair.prompt,
            "reviewer": v.reviewer, "is_repeat": v.is_repeat, "left_image": sides[v.left][0],
            "right_image": sides[right][0], "left_arm": sides[v.left][1],
            "right_arm": sides[right][1], "choice": v.choice,
            "winner_arm": sides[winner][1] if winner else None, "comment": v.comment,
            "tags": list(v.tags),
            "created_at": datetime.fromtimestamp(v.created_at, tz=UTC).isoformat(
                timespec="seconds")})
    return rows
