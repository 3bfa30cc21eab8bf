"""Statistics against known samples: percentiles, bootstrap determinism, class counts, verdicts."""

from __future__ import annotations

import numpy as np
import pytest

from playground.bench.stats import (
    FAILURE_CLASSES,
    AttemptRecord,
    TaskRecord,
    attempt_failure_class,
    bootstrap,
    group_stats,
    latency_stats,
    percentile,
    task_failure_class,
    wilson_interval,
)
from playground.bench.verdicts import MIN_SAMPLES, compare, ratio_ci


def record(index: int, status: str = "ok", *, errors: tuple[str | None, ...] = (None,),
           total: float | None = 1.0, ttfb: float | None = 0.5, size: int | None = 1000,
           mime: str | None = "image/png", cost: float | None = 0.1,
           backend: str = "aistudio") -> TaskRecord:
    attempts = tuple(AttemptRecord(n, None, e, 0.1, 0.2) for n, e in enumerate(errors, 1))
    return TaskRecord(index, f"{backend}/cell", backend, 0, 1, status,
                      task_failure_class(status, errors[-1]), attempts,
                      ttfb if status == "ok" else None, total if status == "ok" else None,
                      size if status == "ok" else None, mime if status == "ok" else None, cost)


@pytest.mark.parametrize(("error_class", "expected"), [
    (None, None), ("429", "429"), ("503", "503"), ("504", "504_timeout"),
    ("timeout", "504_timeout"), ("504-shape", "504_timeout"), ("500", "5xx"),
    ("502-shape", "5xx"), ("connection", "other"), ("shape", "other"), ("400", "other"),
    ("404", "other"),
])
def test_attempt_failure_classes(error_class: str | None, expected: str | None) -> None:
    assert attempt_failure_class(error_class) == expected


def test_task_failure_class_prefers_status() -> None:
    assert task_failure_class("ok", "503") is None
    assert task_failure_class("blocked", None) == "blocked"
    assert task_failure_class("no_image", None) == "no_image"
    assert task_failure_class("error", "429") == "429"
    assert task_failure_class("error", None) == "other"


@pytest.mark.parametrize("q", [50, 90, 95, 99])
def test_percentiles_match_numpy_linear(q: int) -> None:
    rng = np.random.default_rng(7)
    values = list(rng.lognormal(1.0, 0.5, size=137))
    assert percentile(values, q) == pytest.approx(np.percentile(values, q, method="linear"))


def test_percentiles_of_a_known_sample() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 90) == pytest.approx(7.6)  # 4 + 0.6 × (10 − 4)
    assert percentile([], 50) is None
    stats = latency_stats(values, seed=1)
    assert stats.n == 5
    assert stats.mean.value == pytest.approx(4.0)
    assert stats.p50.value == 3.0 and stats.p95.value == pytest.approx(8.8)


def test_bootstrap_is_deterministic_with_a_seed() -> None:
    values = list(np.random.default_rng(3).normal(10, 2, size=80))
    a = latency_stats(values, seed=42)
    b = latency_stats(values, seed=42)
    c = latency_stats(values, seed=43)
    assert a == b
    assert a != c
    for est in (a.mean, a.p50, a.p90, a.p95, a.p99):
        assert est.ci_low is not None and est.ci_high is not None
        assert est.ci_low <= est.value <= est.ci_high  # type: ignore[operator]


def test_bootstrap_interval_of_the_mean_has_the_textbook_width() -> None:
    values = np.random.default_rng(5).normal(0.0, 1.0, size=400)
    stats = latency_stats(list(values), seed=0)
    half = (stats.mean.ci_high - stats.mean.ci_low) / 2  # type: ignore[operator]
    assert half == pytest.approx(1.96 / np.sqrt(400) * values.std(), rel=0.15)


def test_bootstrap_in_chunks_equals_the_shape_asked_for() -> None:
    dist = bootstrap(list(range(3000)), lambda rows: rows.mean(axis=1), seed=1,
                     n_resamples=1500)
    assert dist.shape == (1500,)
    assert 1400 < dist.mean() < 1600


def test_single_value_has_no_interval() -> None:
    stats = latency_stats([2.5])
    assert stats.p50.value == 2.5 and stats.p50.ci_low is None
    assert latency_stats([]).n == 0


def test_group_stats_counts_classes_bytes_and_cost() -> None:
    records = [
        record(0), record(1, size=3000, mime="image/jpeg"),
        record(2, errors=("503", None)),  # retried once, then fine
        record(3, "error", errors=("429", "429", "429")),
        record(4, "error", errors=("504", "timeout")),
        record(5, "error", errors=("500",)), record(6, "error", errors=("502-shape",)),
        record(7, "blocked", cost=0.0), record(8, "no_image"),
        record(9, "error", errors=("connection",)),
    ]
    stats = group_stats(records, seed=0)
    assert stats.count == 10 and stats.successes == 3
    assert stats.success_rate == pytest.approx(0.3)
    assert stats.failures == {"429": 1, "503": 0, "504_timeout": 1, "5xx": 2, "blocked": 1,
                              "no_image": 1, "other": 1}
    assert set(stats.failures) == set(FAILURE_CLASSES)
    assert stats.attempts == 14
    assert stats.attempt_errors == {"429": 3, "503": 1, "504_timeout": 2, "5xx": 2,
                                    "blocked": 0, "no_image": 0, "other": 1}
    by_format = {b.format: b for b in stats.bytes_by_format}
    assert by_format["image/png"].n == 2 and by_format["image/png"].mean == 1000
    assert by_format["image/jpeg"].min == by_format["image/jpeg"].max == 3000
    assert stats.cost_usd == pytest.approx(0.9)
    assert stats.cost_per_image_usd == pytest.approx(0.3)
    assert stats.total.n == 3 and not stats.failed_entirely


def test_a_group_without_success_failed_entirely() -> None:
    stats = group_stats([record(0, "error", errors=("503",))])
    assert stats.failed_entirely and stats.cost_per_image_usd is None
    assert stats.total.n == 0 and stats.total.p50.value is None


def test_wilson_interval() -> None:
    low, high = wilson_interval(11, 200)  # type: ignore[misc]
    assert low == pytest.approx(0.0311, abs=1e-3) and high == pytest.approx(0.0958, abs=1e-3)
    assert wilson_interval(0, 0) is None


def test_ratio_ci_is_seeded_and_contains_the_ratio() -> None:
    rng = np.random.default_rng(9)
    a, b = rng.lognormal(1.0, 0.3, 60), rng.lognormal(2.0, 0.3, 60)
    first = ratio_ci(a, b, seed=4)
    assert first == ratio_ci(a, b, seed=4)
    ratio, low, high = first
    assert ratio == pytest.approx(np.median(a) / np.median(b))
    assert low < ratio < high < 1


def test_verdict_says_not_significant_when_the_interval_includes_one() -> None:
    rng = np.random.default_rng(11)
    same = compare(rng.normal(10, 1, 50), rng.normal(10, 1, 50), metric="total_s",
                   a_label="AI Studio", b_label="Vertex AI")
    assert same.significant is False
    assert same.ci_low <= 1 <= same.ci_high  # type: ignore[operator]
    assert "not significant" in same.text and "×" in same.text


def test_verdict_states_ratio_interval_and_direction() -> None:
    rng = np.random.default_rng(12)
    fast = compare(rng.normal(4, 0.5, 50), rng.normal(10, 1, 50), metric="total_s",
                   a_label="AI Studio", b_label="Vertex AI")
    assert fast.significant is True and fast.ratio == pytest.approx(0.4, abs=0.05)
    assert "95% CI" in fast.text and "AI Studio is 2." in fast.text and "faster" in fast.text
    bigger = compare([4.0] * 10, [1.0, 1.1] * 5, metric="size_bytes", statistic="mean",
                     a_label="Vertex AI", b_label="AI Studio")
    assert "larger" in bigger.text


def test_verdict_with_too_few_samples_is_inconclusive() -> None:
    few = compare([1.0] * (MIN_SAMPLES - 1), [2.0] * 10, metric="total_s", a_label="A",
                  b_label="B")
    assert few.significant is None and few.ratio is None and "too few" in few.text


def test_report_columns_show_the_percentile_their_header_names() -> None:
    """A known sample whose p50, p90, p95 and p99 all differ: each under its own header."""
    from playground.bench.report import LATENCY_HEADERS, stats_rows
    from playground.bench.stats import GroupStats

    ttfb = [float(v) for v in range(1, 101)]  # p50 50.5, p90 90.1, p95 95.05, p99 99.01
    total = [2 * v for v in ttfb]
    stats = GroupStats(count=100, successes=100, success_rate=1.0, failures={}, attempts=100,
                       attempt_errors={}, ttfb=latency_stats(ttfb, seed=1),
                       total=latency_stats(total, seed=1))
    _, latency = stats_rows([("AI Studio", stats)])
    expected = {"p50 [95% CI] s": 50.5, "p90": 90.1, "p95": 95.05, "p99": 99.01, "mean": 50.5}
    for row, scale in zip(latency, (1, 2), strict=True):
        cells = dict(zip(LATENCY_HEADERS, row, strict=True))
        assert cells["n"] == "100"
        for header, value in expected.items():
            assert cells[header].split(" ")[0] == f"{value * scale:.2f}", (header, cells[header])
