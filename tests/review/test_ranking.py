"""Bradley–Terry strengths and their bootstrap intervals against known answers."""

from __future__ import annotations

import numpy as np
import pytest

from playground.review.ranking import (
    ELO_MEAN,
    ELO_SCALE,
    Outcome,
    bootstrap,
    fit,
    wilson,
    win_matrix,
)

TRUE_LOG = np.array([0.9, 0.3, 0.0, -0.5, -0.7])  # five arms, known strengths


def simulate(rng: np.random.Generator, true_log: np.ndarray, votes: int,
             tie_share: float = 0.0) -> list[Outcome]:
    """Votes on random pairs of arms, each won with the Bradley–Terry probability."""
    k = len(true_log)
    out = []
    for _ in range(votes):
        i, j = rng.choice(k, size=2, replace=False)
        if rng.random() < tie_share:
            out.append(Outcome(int(i), int(j), 0.5))
            continue
        p = 1 / (1 + np.exp(true_log[j] - true_log[i]))
        out.append(Outcome(int(i), int(j), 1.0 if rng.random() < p else 0.0))
    return out


def true_elo(true_log: np.ndarray) -> np.ndarray:
    return ELO_MEAN + ELO_SCALE * (true_log - true_log.mean())


def test_recovers_the_order_of_known_strengths() -> None:
    rng = np.random.default_rng(1)
    theta = fit(win_matrix(simulate(rng, TRUE_LOG, 3000), 5))
    assert list(np.argsort(-theta)) == [0, 1, 2, 3, 4]
    assert abs(theta.sum()) < 1e-8  # anchored: log-strengths sum to zero
    assert np.allclose(theta, TRUE_LOG - TRUE_LOG.mean(), atol=0.12)


def test_bootstrap_intervals_cover_the_truth_in_at_least_90_percent_of_seeded_runs() -> None:
    truth = true_elo(TRUE_LOG)
    covered = total = 0
    for seed in range(40):
        rng = np.random.default_rng(100 + seed)
        s = bootstrap(simulate(rng, TRUE_LOG, 400), 5, rounds=300, seed=seed)
        covered += int(np.sum((s.ci_low <= truth) & (truth <= s.ci_high)))
        total += len(truth)
        assert np.all(s.ci_low <= s.elo) and np.all(s.elo <= s.ci_high)
    assert covered / total >= 0.90, f"coverage {covered / total:.1%}"


def test_ties_count_half_and_equal_arms_come_out_equal() -> None:
    all_ties = [Outcome(0, 1, 0.5)] * 20 + [Outcome(1, 2, 0.5)] * 20
    assert np.allclose(fit(win_matrix(all_ties, 3)), 0, atol=1e-9)
    wins = win_matrix([Outcome(0, 1, 1.0), Outcome(0, 1, 0.5)], 2)
    assert wins[0, 1] == 1.5 and wins[1, 0] == 0.5
    rng = np.random.default_rng(7)
    with_ties = fit(win_matrix(simulate(rng, TRUE_LOG, 3000, tie_share=0.3), 5))
    assert list(np.argsort(-with_ties)) == [0, 1, 2, 3, 4]  # ties shrink, never reorder


def test_an_arm_that_won_everything_stays_finite_and_first() -> None:
    votes = [Outcome(0, 1, 1.0)] * 10 + [Outcome(0, 2, 1.0)] * 10 + [Outcome(1, 2, 0.5)] * 4
    s = bootstrap(votes, 3, rounds=200)
    assert np.all(np.isfinite(s.elo)) and s.elo[0] > s.elo[1]
    assert s.ranks()[0] == 1 and s.ranks()[1] == s.ranks()[2] == 2  # 0 surely above both


def test_ranks_are_shared_when_intervals_overlap() -> None:
    votes = [Outcome(0, 1, 1.0), Outcome(0, 1, 0.0)] * 5
    assert bootstrap(votes, 2, rounds=200).ranks() == [1, 1]


@pytest.mark.parametrize(("k", "n", "low", "high"), [(5, 10, 0.2366, 0.7634),
                                                      (0, 10, 0.0, 0.2775)])
def test_wilson_interval_matches_the_textbook(k: int, n: int, low: float, high: float) -> None:
    ci = wilson(k, n)
    assert ci is not None and ci[0] == pytest.approx(low, abs=1e-3)
    assert ci[1] == pytest.approx(high, abs=1e-3)
    assert wilson(0, 0) is None
