"""A study's results from votes with known answers: position bias, ties, the minimum vote
count, consistency from hidden repeats, agreement, and the preset's verdict."""

from __future__ import annotations

import random

import pytest

from playground.history.studies import Arm, Pair, Study, Vote
from playground.review import agreement, schedule
from playground.review.study_results import results_json, study_results
from playground.review.verdict import EMULATED, VERTEX_PRESET


def make_study(pairs: int = 12, *, min_votes: int = 10, preset: str | None = None,
               demo: bool = True, votes_per_pair: int = 3) -> Study:
    arms = [Arm(0, "AI Studio", {"backend": "aistudio", "output_mime_type": None}),
            Arm(1, "Vertex AI", {"backend": "vertex", "output_mime_type": None}),
            Arm(2, "Vertex AI · JPEG q85", {"backend": "vertex",
                                             "output_mime_type": "image/jpeg"})]
    combos = [(0, 1), (1, 2), (0, 2)]
    ps = [Pair(n, f"prompt {n // 3}", *combos[n % 3], 100 + 2 * n, 101 + 2 * n, "x", "y")
          for n in range(pairs)]
    return Study(name="s", question="q", arms=arms, pairs=ps, min_votes=min_votes,
                 votes_per_pair=votes_per_pair, preset=preset, environment={"demo": demo},
                 id="abc123")


def vote(pair: int, who: str, left: str, choice: str, repeat: bool = False) -> Vote:
    return Vote(pair, who, left, choice, is_repeat=repeat)  # type: ignore[arg-type]


def test_an_always_left_reviewer_shows_as_position_bias() -> None:
    study = make_study()
    rng = random.Random(3)
    votes = [vote(p.index, "lefty", rng.choice("ab"), "left") for p in study.pairs]
    votes += [vote(p.index, "fair", "a", "left" if p.arm_a < p.arm_b else "right")
              for p in study.pairs]
    res = study_results(study, votes)
    lefty = next(r for r in res.per_reviewer if r.reviewer == "lefty")
    fair = next(r for r in res.per_reviewer if r.reviewer == "fair")
    assert lefty.left_share == 1.0 and fair.left_share == 1.0  # fair always had a on the left
    assert res.position_bias.count == 24 and res.position_bias.share == 1.0
    assert res.position_bias.ci_low is not None and res.position_bias.ci_low > 0.85


def test_no_ranking_below_the_minimum_vote_count() -> None:
    study = make_study(min_votes=10)
    few = [vote(n, "ana", "a", "left") for n in range(9)]
    res = study_results(study, few)
    assert not res.ranking_shown
    assert all(a.strength is None and a.ci_low is None and a.rank is None for a in res.arms)
    assert res.votes == 9 and sum(a.votes for a in res.arms) == 18  # the counts still show
    enough = study_results(study, [*few, vote(9, "ana", "a", "left")])
    assert enough.ranking_shown and all(a.strength is not None for a in enough.arms)


def test_ties_and_both_bad_are_counted_and_split_half() -> None:
    study = make_study(min_votes=1)
    votes = [vote(0, "ana", "a", "tie"), vote(3, "ana", "b", "both_bad"),
             vote(6, "ana", "b", "right"), vote(9, "ana", "a", "right")]  # pairs of arms 0–1
    res = study_results(study, votes)
    assert res.ties.count == 1 and res.both_bad.count == 1 and res.ties.n == 4
    (pair,) = res.pairs
    assert (pair.a_wins, pair.b_wins, pair.ties, pair.both_bad) == (1, 1, 1, 1)
    assert pair.preference == 0.5
    assert res.win_rate[0][1] == res.win_rate[1][0] == 0.5  # ties count half to each side
    assert res.arms[0].strength == pytest.approx(res.arms[1].strength)


def test_consistency_from_hidden_repeats_with_sides_swapped() -> None:
    study = make_study()
    votes = [vote(0, "ana", "a", "left"), vote(0, "ana", "b", "right", repeat=True),  # same image
             vote(1, "ana", "a", "left"), vote(1, "ana", "b", "left", repeat=True),  # flipped
             vote(2, "ana", "a", "tie"), vote(2, "ana", "b", "tie", repeat=True)]
    res = study_results(study, votes)
    (ana,) = res.per_reviewer
    assert (ana.votes, ana.repeats, ana.consistent) == (3, 3, 2)
    assert ana.consistency == pytest.approx(2 / 3)
    assert res.votes == 3 and res.repeat_votes == 3  # repeats never count twice


def test_krippendorff_alpha_matches_a_hand_computed_answer() -> None:
    # Two reviewers, four pairs: a,a,b,b against a,b,b,b (images, whatever side they were on).
    # Nominal alpha = 1 - (n - 1) * disagreements / (n_a * n_b * 2) = 1 - 7 * 2 / 30.
    firsts = [vote(0, "r1", "a", "left"), vote(1, "r1", "b", "right"),
              vote(2, "r1", "a", "right"), vote(3, "r1", "b", "left"),
              vote(0, "r2", "b", "right"), vote(1, "r2", "a", "right"),
              vote(2, "r2", "b", "left"), vote(3, "r2", "a", "right")]
    got = agreement.between_reviewers(firsts)
    assert got.alpha == pytest.approx(1 - 14 / 30, abs=1e-4)
    assert got.percent_agreement == 0.75 and got.pairs_shared == 4 and got.reviewers == 2
    alone = agreement.between_reviewers(firsts[:4])
    assert alone.alpha is None and "two reviewers" in alone.note


def test_the_preset_verdict_states_the_interval_and_says_emulated() -> None:
    study = make_study(pairs=60, min_votes=10, preset=VERTEX_PRESET)
    # Vertex (arm 1) wins 18 of 20 against AI Studio; PNG and JPEG split evenly.
    votes = []
    for p in study.pairs:
        if (p.arm_a, p.arm_b) == (0, 1):
            votes.append(vote(p.index, "ana", "a", "right" if p.index % 10 else "left"))
        elif (p.arm_a, p.arm_b) == (1, 2):
            votes.append(vote(p.index, "ana", "a", "left" if p.index % 2 else "right"))
    res = study_results(study, votes)
    first, second = res.verdict
    assert first.startswith(EMULATED)
    assert "Vertex AI was preferred over AI Studio in 90% of 20 decisive votes" in first
    assert "Vertex's quality is better" in first
    assert "no detectable difference" in second
    real = study_results(make_study(pairs=60, preset=VERTEX_PRESET, demo=False), votes)
    assert not real.verdict[0].startswith(EMULATED)
    doc = results_json(study, res)
    assert doc["arms"][1]["ci_low"] <= doc["arms"][1]["strength"] <= doc["arms"][1]["ci_high"]
    assert doc["study"]["emulated"] is True and doc["verdict"] == res.verdict


def test_schedule_never_repeats_a_pair_except_as_a_swapped_hidden_check() -> None:
    study = make_study(pairs=10, votes_per_pair=2)
    votes: list[Vote] = []
    rng = random.Random(5)
    shown: list[schedule.Task] = []
    while (task := schedule.next_task(study, votes, "ana", rng)) is not None:
        shown.append(task)
        votes.append(vote(task.pair_index, "ana", task.left, "left", task.is_repeat))
        assert len(shown) < 50
    firsts = [t.pair_index for t in shown if not t.is_repeat]
    repeats = [t for t in shown if t.is_repeat]
    assert sorted(firsts) == list(range(10))  # every pair once
    assert 1 <= len(repeats) <= 3 and len({t.pair_index for t in repeats}) == len(repeats)
    for t in repeats:
        first = next(v for v in votes if v.pair_index == t.pair_index and not v.is_repeat)
        assert t.left != first.left  # sides swapped
        gap = shown.index(t) - next(n for n, s in enumerate(shown) if s.pair_index == t.pair_index)
        assert gap > schedule.REPEAT_GAP
    assert schedule.progress(study, votes, "ana").is_done
    # a second reviewer still has every pair (2 votes per pair); a third has none left
    assert schedule.progress(study, votes, "bo").total >= 10
    votes += [vote(n, "bo", "a", "tie") for n in range(10)]
    assert schedule.next_task(study, votes, "cy", rng) is None
