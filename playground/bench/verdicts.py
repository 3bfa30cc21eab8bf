"""A/B verdicts: a ratio with its bootstrap interval, never only "X is faster".

The ratio is statistic(A) / statistic(B) (e.g. median total time of AI Studio over Vertex).
Each side is resampled on its own; the 95% percentile interval of the resampled ratios decides:
an interval that includes 1 is reported as "not significant".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from playground.bench.stats import BOOTSTRAP_RESAMPLES, CONFIDENCE, interval

MIN_SAMPLES = 5
Statistic = Literal["median", "mean"]
_REDUCERS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "median": lambda rows: np.median(rows, axis=-1),
    "mean": lambda rows: np.mean(rows, axis=-1),
}


@dataclass(frozen=True)
class Verdict:
    metric: str  # e.g. "total_s", "ttfb_s", "size_bytes"
    statistic: str  # "median" | "mean"
    scope: str  # "all cells" or a matched pair of cells
    a: str
    b: str
    n_a: int
    n_b: int
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    significant: bool | None  # None = too few samples to say
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def ratio_ci(a: Sequence[float], b: Sequence[float], *, statistic: Statistic = "median",
             seed: int = 0, n_resamples: int = BOOTSTRAP_RESAMPLES,
             confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """statistic(a)/statistic(b) and its percentile-bootstrap interval (seeded)."""
    reduce = _REDUCERS[statistic]
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ratio = float(reduce(xa) / reduce(xb))
    rng = np.random.default_rng(seed)
    ra = reduce(xa[rng.integers(0, xa.size, size=(n_resamples, xa.size))])
    rb = reduce(xb[rng.integers(0, xb.size, size=(n_resamples, xb.size))])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = ra / rb
    low, high = interval(ratios[np.isfinite(ratios)], confidence)
    return ratio, low, high


_METRIC_WORDS = {"total_s": "total time", "ttfb_s": "time to first byte",
                 "size_bytes": "file size"}
_BETTER_WORDS = {"total_s": ("faster", "slower"), "ttfb_s": ("faster", "slower"),
                 "size_bytes": ("smaller", "larger")}


def compare(a: Sequence[float], b: Sequence[float], *, metric: str, a_label: str, b_label: str,
            scope: str = "all cells", statistic: Statistic = "median", seed: int = 0,
            n_resamples: int = BOOTSTRAP_RESAMPLES) -> Verdict:
    """The verdict sentence states the ratio, its interval, and whether it is significant."""
    what = f"{statistic} {_METRIC_WORDS.get(metric, metric)}"
    if len(a) < MIN_SAMPLES or len(b) < MIN_SAMPLES:
        text = (f"{a_label} vs {b_label}, {what}: too few samples to compare "
                f"({len(a)} and {len(b)}; need at least {MIN_SAMPLES} each).")
        return Verdict(metric, statistic, scope, a_label, b_label, len(a), len(b), None, None,
                       None, None, text)
    ratio, low, high = ratio_ci(a, b, statistic=statistic, seed=seed, n_resamples=n_resamples)
    significant = not (low <= 1.0 <= high)
    head = (f"{a_label} / {b_label}, {what}: {ratio:.2f}× "
            f"(95% CI {low:.2f}–{high:.2f}, n = {len(a)} and {len(b)})")
    if not significant:
        text = f"{head}: not significant, the interval includes 1."
    else:
        better, worse = _BETTER_WORDS.get(metric, ("lower", "higher"))
        factor = 1 / ratio if ratio < 1 else ratio
        word = better if ratio < 1 else worse
        text = f"{head}: {a_label} is {factor:.2f}× {word} than {b_label}."
    return Verdict(metric, statistic, scope, a_label, b_label, len(a), len(b), ratio, low, high,
                   significant, text)
