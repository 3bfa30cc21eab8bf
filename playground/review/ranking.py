"""Bradley–Terry strengths from pairwise votes, with bootstrap intervals. Pure NumPy.

The method is Chatbot Arena's (lm-sys/FastChat `fastchat/serve/monitor/elo_analysis.py`): the
Bradley–Terry maximum-likelihood fit on the logistic likelihood, a tie (and "both bad") counted
as half a win for each side, strengths shown on the Elo scale (400 points = 10:1 odds, mean
1000), 95 % intervals from the 2.5 / 97.5 percentiles of fits to votes resampled with
replacement, and rank = 1 + the number of arms whose lower bound is above this arm's upper bound.

The fit is Newton's method with a small ridge (`RIDGE`, a Gaussian prior on the log-strengths):
it keeps an arm that won or lost every vote finite and makes the fit unique even when some arms
were never compared; with the ridge the log-strengths sum to zero, which anchors the scale.
Every bootstrap round is fitted at once (arrays of shape rounds × arms × arms), so 1,000 rounds
of a small study take milliseconds. Choices are documented in docs/decisions.md "Blind review".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

RIDGE = 0.05
ELO_SCALE = 400 / math.log(10)  # log-odds → Elo points
ELO_MEAN = 1000.0
BOOTSTRAP_ROUNDS = 1000
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Outcome:
    """One vote between arms `i` and `j` (i ≠ j): `score` is i's share, 1 (i won), 0 (j won)
    or 0.5 (a tie or "both bad")."""

    i: int
    j: int
    score: float


@dataclass(frozen=True)
class Strengths:
    log_strength: np.ndarray  # (arms,), sums to zero
    ci_low: np.ndarray  # Elo scale
    ci_high: np.ndarray
    rounds: int

    @property
    def elo(self) -> np.ndarray:
        return ELO_MEAN + ELO_SCALE * self.log_strength

    def ranks(self) -> list[int]:
        """1 + how many arms are surely above this one (their lower bound > this upper bound)."""
        return [1 + int(np.sum(self.ci_low > high)) for high in self.ci_high]


def win_matrix(outcomes: Sequence[Outcome], arms: int) -> np.ndarray:
    """wins[i, j] = i's wins over j, ties counting half to each."""
    wins = np.zeros((arms, arms))
    for o in outcomes:
        wins[o.i, o.j] += o.score
        wins[o.j, o.i] += 1 - o.score
    return wins


def fit(wins: np.ndarray, ridge: float = RIDGE, iterations: int = 100) -> np.ndarray:
    """Log-strengths maximising the Bradley–Terry likelihood minus ridge/2 · Σθ².

    `wins` is arms × arms, or rounds × arms × arms to fit many samples at once."""
    w = wins[None] if wins.ndim == 2 else wins
    n = w + np.swapaxes(w, 1, 2)
    rounds, arms, _ = w.shape
    theta = np.zeros((rounds, arms))
    eye = np.eye(arms)
    for _ in range(iterations):
        diff = theta[:, :, None] - theta[:, None, :]
        p = 1 / (1 + np.exp(-diff))
        grad = (w - n * p).sum(axis=2) - ridge * theta
        curvature = n * p * (1 - p)
        hess = curvature - eye * curvature.sum(axis=2)[:, :, None] - ridge * eye
        step = np.linalg.solve(-hess, grad[:, :, None])[:, :, 0]
        step = np.clip(step, -3.0, 3.0)  # a damped first step when an arm won everything
        theta = theta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return theta[0] if wins.ndim == 2 else theta


def bootstrap(outcomes: Sequence[Outcome], arms: int, *, rounds: int = BOOTSTRAP_ROUNDS,
              seed: int = 0) -> Strengths:
    """The fit and its percentile 95 % intervals over `rounds` resamples of the votes (each
    vote drawn with replacement, as a multinomial over the distinct outcomes)."""
    theta = fit(win_matrix(outcomes, arms))
    cells: dict[tuple[int, int, float], int] = {}
    for o in outcomes:
        key = (o.i, o.j, o.score)
        cells[key] = cells.get(key, 0) + 1
    keys = list(cells)
    counts = np.array([cells[k] for k in keys], dtype=float)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(len(outcomes), counts / counts.sum(), size=rounds)
    wins = np.zeros((rounds, arms, arms))
    for c, (i, j, score) in enumerate(keys):
        wins[:, i, j] += draws[:, c] * score
        wins[:, j, i] += draws[:, c] * (1 - score)
    samples = ELO_MEAN + ELO_SCALE * fit(wins)
    low, high = np.percentile(samples, [2.5, 97.5], axis=0)
    return Strengths(theta, low, high, rounds)


def wilson(successes: float, n: float) -> tuple[float, float] | None:
    """Wilson score 95 % interval for a proportion; None when there is nothing to measure."""
    if n <= 0:
        return None
    p = successes / n
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)
