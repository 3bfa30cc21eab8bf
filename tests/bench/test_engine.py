"""Engine logic against an in-process fake: classes, retries, rpm, concurrency, cancel, resume."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.bench.engine import BenchEvent, resume_run, start_run
from playground.bench.matrix import BenchSpec, plan_run
from playground.bench.store import BenchStore
from playground.bench.summary import summarize_run
from playground.clients.http import RetryPolicy
from playground.domain.errors import ConfigError
from playground.history.store import HistoryStore
from tests.bench.fakes import FakeGoogle, fake_settings, wait_for

FAST_RETRIES = RetryPolicy(retries=2, base_delay_s=0.001, max_delay_s=0.01)
NO_RETRIES = RetryPolicy(retries=0)


def spec(n_prompts: int = 4, **changes: object) -> BenchSpec:
    base = BenchSpec(prompts=tuple(f"prompt {i}" for i in range(n_prompts)), concurrency=4)
    return base.with_(**changes)


@pytest.fixture(params=["sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> HistoryStore:
    """SQLite; the tests marked `on_both` run on PostgreSQL too (runs and tasks live in a
    team's shared history)."""
    url = None
    if request.param == "postgresql":
        from tests.pgserver import truncate_all

        url = request.getfixturevalue("pg_database")
        truncate_all(url)
    return HistoryStore(tmp_path / "data", database_url=url)


on_both = pytest.mark.parametrize("store", ["sqlite", "postgresql"], indirect=True)


def run_to_end(plan, store, fake, **options):  # type: ignore[no-untyped-def]
    options.setdefault("policy", FAST_RETRIES)
    runner = start_run(plan, fake_settings(store.data_dir), store, client=fake.client(),
                       background=False, **options)
    runner.run()
    return runner


def test_a_run_records_every_task_with_its_order_and_generation(store: HistoryStore) -> None:
    fake = FakeGoogle()
    plan = plan_run(spec(repeats=2, seed=3))
    events: list[BenchEvent] = []
    runner = run_to_end(plan, store, fake, on_event=events.append)
    progress = runner.progress()
    assert progress.status == "finished" and progress.done == len(plan.tasks) == 16
    assert progress.failed == 0 and progress.in_flight == 0
    run = BenchStore(store).get_run(runner.run_id)
    assert run is not None and run.order == plan.order and run.status == "finished"
    assert run.finished == 16 and run.cost_usd == pytest.approx(progress.cost_usd)
    assert progress.cost_usd > 0
    records = BenchStore(store).task_records(runner.run_id)
    assert [r.task_index for r in records] == list(range(16))
    for r in records:
        generation = store.get(r.generation_id)  # type: ignore[arg-type]
        assert generation is not None and generation.backend == r.backend
        assert generation.request.prompt == plan.tasks[r.task_index].prompt
    kinds = [e.kind for e in events]
    assert kinds[0] == "status" and kinds[-1] == "status" and kinds.count("task") == 16
    assert [e.progress.done for e in events if e.kind == "task"] == list(range(1, 17))
    assert len(runner.latencies()) == 16


def test_failure_classes_are_counted_exactly(store: HistoryStore) -> None:
    fake = FakeGoogle()
    fake.queue("vertex", "429", "503", "504", "500", "502_html", "image_safety", "no_image",
               "400")
    fake.queue("aistudio", "503")
    runner = run_to_end(plan_run(spec(n_prompts=10)), store, fake, policy=NO_RETRIES)
    summary = summarize_run(store, runner.run_id)
    vertex, aistudio = summary.per_backend["vertex"], summary.per_backend["aistudio"]
    assert vertex.failures == {"429": 1, "503": 1, "504_timeout": 1, "5xx": 2, "blocked": 1,
                               "no_image": 1, "other": 1}
    assert vertex.count == 10 and vertex.successes == 2
    assert aistudio.failures["503"] == 1 and aistudio.successes == 9
    assert summary.failed_cells == []


def test_retries_are_recorded_and_honour_retry_info(store: HistoryStore) -> None:
    fake = FakeGoogle(retry_delay_s=0.05)
    fake.queue("aistudio", "429", "503")
    within_cap = RetryPolicy(retries=2, base_delay_s=0.001, max_delay_s=0.1)
    runner = run_to_end(plan_run(spec(n_prompts=3, backends=("aistudio",), concurrency=1)),
                        store, fake, policy=within_cap)
    summary = summarize_run(store, runner.run_id)
    stats = summary.per_backend["aistudio"]
    assert stats.successes == 3 and stats.attempts == 5
    assert stats.attempt_errors["429"] == 1 and stats.attempt_errors["503"] == 1
    retried = next(r for r in summary.records if r.attempts[0].error_class == "429")
    assert retried.attempts[0].retry_delay_s == 0.05  # RetryInfo's delay, not the backoff
    first, second = (t for p, t in fake.arrivals[:2])
    assert second - first >= 0.05


def test_concurrency_is_bounded(store: HistoryStore) -> None:
    fake = FakeGoogle(latency_s=0.02)
    events: list[BenchEvent] = []
    run_to_end(plan_run(spec(n_prompts=12, concurrency=3)), store, fake, on_event=events.append)
    assert fake.max_in_flight == 3
    assert max(e.progress.in_flight for e in events) <= 3


def test_rpm_is_held_per_backend_including_retries(store: HistoryStore) -> None:
    fake = FakeGoogle()
    fake.queue("aistudio", "503", "503")
    window, rpm = 0.5, 4
    jitter = 0.05  # thread scheduling between taking a slot and the request reaching the fake
    runner = run_to_end(plan_run(spec(n_prompts=10, rpm=rpm, concurrency=8)), store, fake,
                        rate_window_s=window)
    assert runner.progress().done == 20
    for platform in ("aistudio", "vertex"):
        times = sorted(t for p, t in fake.arrivals if p == platform)
        assert len(times) == (12 if platform == "aistudio" else 10)
        # at most `rpm` starts in any window: start i and start i+rpm are a window apart
        gaps = [later - earlier for earlier, later in zip(times, times[rpm:], strict=False)]
        assert min(gaps) >= window - jitter
    aistudio = sorted(t for p, t in fake.arrivals if p == "aistudio")
    assert aistudio[-1] - aistudio[0] >= 2 * window - jitter  # 12 starts need three windows


@on_both
def test_cancel_keeps_finished_results_and_resume_runs_only_the_rest(store: HistoryStore) -> None:
    fake = FakeGoogle()
    plan = plan_run(spec(n_prompts=10, concurrency=2))
    settings = fake_settings(store.data_dir)
    runner = start_run(plan, settings, store, client=fake.client(), policy=FAST_RETRIES)
    wait_for(lambda: runner.progress().done >= 5)
    fake.gate.clear()  # hold the requests on the wire while we cancel
    wait_for(lambda: runner.progress().in_flight == 2)
    runner.cancel()
    assert runner.progress().status == "cancelling"
    fake.gate.set()
    assert runner.wait(10)
    progress = runner.progress()
    assert progress.status == "cancelled" and 5 <= progress.done < 20
    bench = BenchStore(store)
    done_before = {r.task_index: r for r in bench.task_records(runner.run_id)}
    assert len(done_before) == progress.done  # in-flight requests finished and were kept
    assert bench.get_run(runner.run_id).status == "cancelled"  # type: ignore[union-attr]

    arrivals_before = len(fake.arrivals)
    resumed = resume_run(runner.run_id, settings, store, client=fake.client(),
                         policy=FAST_RETRIES)
    assert resumed.wait(10)
    assert resumed.progress().status == "finished" and resumed.progress().done == 20
    assert len(fake.arrivals) - arrivals_before == 20 - len(done_before)
    after = {r.task_index: r for r in bench.task_records(runner.run_id)}
    assert sorted(after) == list(range(20))
    assert all(after[i] == done_before[i] for i in done_before)  # untouched


def test_cancel_during_a_retry_wait_leaves_the_task_for_resume(store: HistoryStore) -> None:
    fake = FakeGoogle(retry_delay_s=30)
    fake.queue("aistudio", "429")
    plan = plan_run(spec(n_prompts=1, backends=("aistudio",)))
    runner = start_run(plan, fake_settings(store.data_dir), store, client=fake.client())
    wait_for(lambda: len(fake.arrivals) == 1 and runner.progress().in_flight == 0)
    runner.cancel()
    assert runner.wait(10)
    assert runner.progress().done == 0
    assert BenchStore(store).finished_indexes(runner.run_id) == set()


def test_a_backend_without_credentials_is_refused_before_the_run(store: HistoryStore) -> None:
    from playground.config import Settings

    with pytest.raises(ConfigError, match="AI Studio needs an API key"):
        start_run(plan_run(spec()), Settings(data_dir=store.data_dir), store)
    assert BenchStore(store).list_runs() == []


@on_both
def test_runs_are_listed_newest_first_and_reopened(store: HistoryStore) -> None:
    fake = FakeGoogle()
    first = run_to_end(plan_run(spec(n_prompts=1, name="first")), store, fake)
    second = run_to_end(plan_run(spec(n_prompts=2, name="second")), store, fake)
    runs = BenchStore(store).list_runs()
    assert [r.id for r in runs] == [second.run_id, first.run_id]
    assert runs[0].name == "second" and runs[0].finished == 4 and runs[0].missing == 0
    reopened = summarize_run(HistoryStore(store.data_dir, database_url=getattr(
        store.engine, "url", None)), first.run_id)
    assert reopened.run.spec.name == "first" and reopened.per_backend["vertex"].count == 1
