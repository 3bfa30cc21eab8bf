"""The "Reproduce the article" preset: its matrix, claim verdicts, and the done-when runs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from playground.bench.article import (
    ARTICLE_MODEL,
    CLAIMS,
    JPEG_Q85,
    Measurement,
    article_claims,
    article_spec,
    claims_from_records,
    verdict_for,
)
from playground.bench.engine import start_run
from playground.bench.matrix import OUTPUT_DEFAULT, Cell, plan_run
from playground.bench.stats import AttemptRecord, TaskRecord
from playground.bench.store import RunEnvironment
from playground.bench.warmup import warm_up
from tests.bench.conftest import Demo, skip_if_cpu_overloaded

# Millisecond timing: run apart from the parallel part of the suite (scripts/test.sh).
pytestmark = pytest.mark.timing

SPEED = next(c for c in CLAIMS if c.key == "speed_1k")


def test_the_preset_matrix() -> None:
    plan = plan_run(article_spec(("a lake", "a city"), repeats=2))
    ids = {c.id for c in plan.cells}
    assert ids == {
        f"aistudio/{ARTICLE_MODEL}/1K/default-ratio/default",
        f"aistudio/{ARTICLE_MODEL}/4K/default-ratio/default",
        f"vertex/{ARTICLE_MODEL}/1K/default-ratio/default",
        f"vertex/{ARTICLE_MODEL}/4K/default-ratio/default",
        f"vertex/{ARTICLE_MODEL}/1K/default-ratio/jpeg-q85",
        f"vertex/{ARTICLE_MODEL}/4K/default-ratio/jpeg-q85",
    }
    assert [s.cell.backend for s in plan.skipped] == ["aistudio", "aistudio"]  # JPEG: Vertex-only
    assert len(plan.tasks) == 6 * 2 * 2 and plan.spec.preset == "article"


@pytest.mark.parametrize(("value", "low", "high", "verdict"), [
    (2.5, 2.2, 2.8, "within"),
    (2.0, None, None, "within"),  # the range is inclusive
    (1.5, 1.3, 1.7, "outside"),  # the whole interval below 2
    (1.9, 1.6, 2.2, "inconclusive"),  # value outside, interval reaches in
    (3.4, None, None, "outside"),
    (None, None, None, "inconclusive"),
])
def test_verdicts(value: float | None, low: float | None, high: float | None,
                  verdict: str) -> None:
    assert verdict_for(SPEED, Measurement(value, low, high, "n")) == verdict


def _record(index: int, cell: Cell, total: float, size: int,
            errors: tuple[str | None, ...] = (None,)) -> TaskRecord:
    attempts = tuple(AttemptRecord(n, None, e, None, None) for n, e in enumerate(errors, 1))
    return TaskRecord(index, cell.id, cell.backend, 0, 1, "ok", None, attempts, total / 2, total,
                      size, "image/png", 0.1)


def test_claims_measured_from_known_records() -> None:
    cells = {(b, s, o.name): Cell(b, ARTICLE_MODEL, s, None, o)
             for b in ("aistudio", "vertex") for s in ("1K", "4K") for o in (OUTPUT_DEFAULT, JPEG_Q85)}
    records = []
    for i in range(20):
        jitter = 1 + (i % 5) / 100
        records += [
            _record(i, cells["aistudio", "1K", "default"], 3.0 * jitter, 1_000_000),
            _record(i, cells["vertex", "1K", "default"], 7.5 * jitter, 4_000_000,
                    ("504", None) if i < 2 else (None,)),
            _record(i, cells["aistudio", "4K", "default"], 10.0 * jitter, 4_000_000),
            _record(i, cells["vertex", "4K", "default"], 40.0 * jitter, 17_000_000),
            _record(i, cells["vertex", "1K", "jpeg-q85"], 7.5, 2_400_000),
            _record(i, cells["vertex", "4K", "jpeg-q85"], 40.0, 3_400_000),
        ]
    results = {r.key: r for r in claims_from_records(records, ARTICLE_MODEL, emulated=True)}
    assert set(results) == {c.key for c in CLAIMS}
    assert results["speed"].value == pytest.approx((2.5 * 4.0) ** 0.5, rel=0.01)  # geometric
    assert results["speed"].verdict == "outside"
    assert results["speed_1k"].value == pytest.approx(2.5, rel=0.01)
    assert results["speed_1k"].verdict == "within"
    assert results["speed_4k"].value == pytest.approx(4.0, rel=0.01)
    assert results["speed_4k"].verdict == "outside"
    assert results["vertex_timeouts"].value == pytest.approx(2 / 82)  # 82 Vertex attempts
    assert results["vertex_4k_mb"].value == pytest.approx(17.0)
    assert results["vertex_4k_mb"].verdict == "within"
    assert results["aistudio_4k_mb"].verdict == "within"
    assert results["size_ratio_1k"].value == pytest.approx(4.0)
    assert results["jpeg_saving_1k"].value == pytest.approx(0.4)
    assert results["jpeg_saving_4k"].value == pytest.approx(0.8)
    assert results["jpeg_saving_4k"].verdict == "outside"
    assert "emulated" in results["speed_1k"].measured and "95% CI" in results["speed_1k"].measured


def test_the_article_profile_reproduces_the_speed_claim(demo: Callable[..., Demo]) -> None:
    """Done-when: on the article profile the preset measures AI Studio 2–3× faster.

    Only the default-format cells take part in the speed claim, so the JPEG cells are left out
    here to keep the run short; 40 results per cell keep the emulator's own sampling spread
    (uniform delays) from pushing the ratio out of its range (P < 0.1%).
    """
    skip_if_cpu_overloaded()  # the ratio is only as true as the timings
    d = demo(process=True, latency_profile="article", time_scale=0.15, seed=3)
    spec = article_spec(("a lake at dawn",), repeats=40, concurrency=40, retries=0,
                        outputs=(OUTPUT_DEFAULT,))
    plan = plan_run(spec)
    warm_up(plan, d.emulator)
    runner = start_run(plan, d.settings, d.store, environment=RunEnvironment(demo=True), background=False)
    runner.run()
    claims = {c.key: c for c in article_claims(d.store, runner.run_id)}
    assert list(claims) == [c.key for c in CLAIMS]
    assert all(c.emulated for c in claims.values())
    assert all("emulated" in c.measured for c in claims.values() if c.value is not None)
    assert claims["speed"].verdict == "within", claims["speed"]
    for key in ("speed_1k", "speed_4k", "vertex_4k_mb", "aistudio_4k_mb", "size_ratio_1k",
                "size_ratio_4k"):
        assert claims[key].value is not None, key


def test_the_article_profile_reproduces_the_timeout_claim(demo: Callable[..., Demo]) -> None:
    """Done-when: Vertex times out 3–8% of the time. A rate needs many attempts (1,000 give
    P < 0.1% of landing outside 3–8% by chance), so this run asks Vertex alone for small JPEGs."""
    d = demo(process=True, latency_profile="article", time_scale=0.005, seed=5)
    spec = article_spec(("a lake at dawn",), model="gemini-3.1-flash-image", repeats=1000,
                        concurrency=32, retries=0, backends=("vertex",), image_sizes=("512",),
                        outputs=(JPEG_Q85,))
    runner = start_run(plan_run(spec), d.settings, d.store, environment=RunEnvironment(demo=True),
                       background=False, launch_interval_s=0.0)  # no timing asserted here
    runner.run()
    claims = {c.key: c for c in article_claims(d.store, runner.run_id)}
    timeouts = claims["vertex_timeouts"]
    assert timeouts.verdict == "within", timeouts
    assert timeouts.n.endswith("of 1000 attempts")
