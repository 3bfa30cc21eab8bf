"""Benchmark statistics: pure functions over finished task records.

Definitions (docs/benchmark.md):
* A task is one prompt × repeat in one cell; its outcome is that of its last attempt.
* Latency statistics use successful tasks only, timed on the attempt that succeeded, from
  the moment it was sent (the client's timing). TTFB = response headers, total =
  last body byte.
* Percentiles use numpy's default (linear interpolation); confidence intervals are percentile
  bootstrap intervals, seeded, so the same records always give the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

FAILURE_CLASSES = ("429", "503", "504_timeout", "5xx", "blocked", "no_image", "other")
FAILURE_LABELS = {
    "429": "429 quota", "503": "503 overloaded", "504_timeout": "504 / timeout",
    "5xx": "other 5xx", "blocked": "blocked", "no_image": "no image", "other": "other",
}
PERCENTILES = (50, 90, 95, 99)
BOOTSTRAP_RESAMPLES = 2000
CONFIDENCE = 0.95
_CHUNK_CELLS = 2_000_000  # resampled values held in memory at once


# --- failure classes -------------------------------------------------------------------------


def attempt_failure_class(error_class: str | None) -> str | None:
    """Map an attempt's error class ("429", "504", "timeout", "502-shape", …) to a stats class."""
    if not error_class:
        return None
    if error_class in ("429", "503"):
        return error_class
    if error_class in ("504", "504-shape", "timeout"):
        return "504_timeout"
    if error_class[:1] == "5" and error_class[:3].isdigit():
        return "5xx"
    return "other"


def task_failure_class(status: str, last_error_class: str | None) -> str | None:
    """None for success; blocked / no_image from the status; else the last attempt's class."""
    if status == "ok":
        return None
    if status in ("blocked", "no_image"):
        return status
    return attempt_failure_class(last_error_class) or "other"


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptRecord:
    number: int
    http_status: int | None
    error_class: str | None
    ttfb_s: float | None
    total_s: float | None
    retry_delay_s: float | None = None

    @property
    def failure_class(self) -> str | None:
        return attempt_failure_class(self.error_class)


@dataclass(frozen=True)
class TaskRecord:
    """One finished task of a run, flattened for statistics (stored in bench_tasks)."""

    task_index: int
    cell_id: str
    backend: str
    prompt_index: int
    repeat: int
    status: str
    failure_class: str | None
    attempts: tuple[AttemptRecord, ...]
    ttfb_s: float | None
    total_s: float | None
    size_bytes: int | None
    sniffed_mime: str | None
    cost_usd: float | None
    generation_id: int | None = None
    finished_at: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- estimates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95% bootstrap interval (None when there are too few values)."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None

    def includes(self, x: float) -> bool | None:
        if self.ci_low is None or self.ci_high is None:
            return None
        return self.ci_low <= x <= self.ci_high


def percentile(values: Sequence[float], q: float) -> float | None:
    """numpy's linear-interpolation percentile; None for no values."""
    if len(values) == 0:
        return None
    return float(np.percentile(np.asarray(values, dtype=float), q))


def bootstrap(values: Sequence[float], statistic: Callable[[np.ndarray], np.ndarray], *,
              seed: int, n_resamples: int = BOOTSTRAP_RESAMPLES) -> np.ndarray:
    """`statistic` of each resample (rows of a 2-D array, reduced along axis 1).

    Resamples are drawn in chunks so memory stays bounded for large runs.
    """
    data = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    rows = max(1, _CHUNK_CELLS // max(1, data.size))
    parts = []
    for start in range(0, n_resamples, rows):
        count = min(rows, n_resamples - start)
        parts.append(statistic(data[rng.integers(0, data.size, size=(count, data.size))]))
    return np.concatenate(parts, axis=0)


def interval(distribution: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(distribution, [tail, 100 - tail], axis=0)
    return float(low), float(high)


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Wilson score interval for a proportion (rates such as timeouts per attempt)."""
    if n == 0:
        return None
    z = 1.959963984540054 if confidence == 0.95 else _z(confidence)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _z(confidence: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + confidence / 2)


# --- latency ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatencyStats:
    n: int
    mean: Estimate
    p50: Estimate
    p90: Estimate
    p95: Estimate
    p99: Estimate

    def quantile(self, q: int) -> Estimate:
        return {50: self.p50, 90: self.p90, 95: self.p95, 99: self.p99}[q]


def _quantiles_and_mean(rows: np.ndarray) -> np.ndarray:
    qs = np.percentile(rows, PERCENTILES, axis=1).T  # (B, 4)
    return np.column_stack([rows.mean(axis=1), qs])


def latency_stats(values: Sequence[float], *, seed: int = 0,
                  n_resamples: int = BOOTSTRAP_RESAMPLES) -> LatencyStats:
    """Mean and p50/p90/p95/p99, each with a seeded 95% bootstrap interval (n ≥ 2)."""
    data = [float(v) for v in values if v is not None]
    if not data:
        empty = Estimate(None)
        return LatencyStats(0, empty, empty, empty, empty, empty)
    points = [float(np.mean(data))] + [percentile(data, q) or 0.0 for q in PERCENTILES]
    if len(data) < 2:
        est = [Estimate(p) for p in points]
    else:
        dist = bootstrap(data, _quantiles_and_mean, seed=seed, n_resamples=n_resamples)
        est = [Estimate(p, *interval(dist[:, i])) for i, p in enumerate(points)]
    return LatencyStats(len(data), *est)


# --- groups ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BytesStats:
    format: str  # sniffed MIME type
    n: int
    mean: float
    min: int
    max: int


@dataclass(frozen=True)
class GroupStats:
    count: int
    successes: int
    success_rate: float | None
    failures: dict[str, int]  # tasks by final failure class (all classes, zeros included)
    attempts: int
    attempt_errors: dict[str, int]  # every failed attempt by class, retried ones included
    ttfb: LatencyStats
    total: LatencyStats
    bytes_by_format: list[BytesStats] = field(default_factory=list)
    cost_usd: float = 0.0
    cost_per_image_usd: float | None = None

    @property
    def failed_entirely(self) -> bool:
        return self.count > 0 and self.successes == 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def count_classes(classes: Iterable[str | None]) -> dict[str, int]:
    counts = dict.fromkeys(FAILURE_CLASSES, 0)
    for c in classes:
        if c is not None:
            counts[c] = counts.get(c, 0) + 1
    return counts


def bytes_by_format(records: Sequence[TaskRecord]) -> list[BytesStats]:
    sizes: dict[str, list[int]] = {}
    for r in records:
        if r.ok and r.size_bytes is not None:
            sizes.setdefault(r.sniffed_mime or "unknown", []).append(r.size_bytes)
    return [BytesStats(fmt, len(v), float(np.mean(v)), min(v), max(v))
            for fmt, v in sorted(sizes.items())]


def group_stats(records: Sequence[TaskRecord], *, seed: int = 0,
                n_resamples: int = BOOTSTRAP_RESAMPLES) -> GroupStats:
    """Counts, failure classes, latency with CIs, bytes by real format and cost for a group."""
    ok = [r for r in records if r.ok]
    cost = round(sum(r.cost_usd or 0.0 for r in records), 6)
    attempts = [a for r in records for a in r.attempts]
    return GroupStats(
        count=len(records), successes=len(ok),
        success_rate=len(ok) / len(records) if records else None,
        failures=count_classes(r.failure_class for r in records),
        attempts=len(attempts),
        attempt_errors=count_classes(a.failure_class for a in attempts),
        ttfb=latency_stats([r.ttfb_s for r in ok if r.ttfb_s is not None], seed=seed,
                           n_resamples=n_resamples),
        total=latency_stats([r.total_s for r in ok if r.total_s is not None], seed=seed,
                            n_resamples=n_resamples),
        bytes_by_format=bytes_by_format(records), cost_usd=cost,
        cost_per_image_usd=round(cost / len(ok), 6) if ok else None,
    )
