"""`auto`: the platform follows the team's stored benchmark runs, and says what it rested on."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import openai
import pytest

from playground.bench.matrix import BenchSpec, plan_run
from playground.bench.stats import AttemptRecord, TaskRecord
from playground.bench.store import BenchStore, RunEnvironment
from playground.cli.main import main
from playground.gateway.routing import QualityFigures, Router
from playground.history.store import HistoryStore
from tests.gateway.conftest import KEY, ids, start

DAY = 86_400.0


def seed_run(history: HistoryStore, model: str, tier: str | None,
             per_platform: dict[str, tuple[float, int, float]], *, n: int = 6,
             demo: bool = False, finished_at: float | None = None) -> None:
    """A finished benchmark run: per platform (total_s of each task, failures, cost each)."""
    spec = BenchSpec(prompts=("p",), backends=tuple(per_platform), models=(model,),
                     image_sizes=(tier,), repeats=n)
    bench = BenchStore(history)
    run = bench.create_run(plan_run(spec), environment=RunEnvironment(demo=demo))
    when = finished_at or time.time()
    for task in plan_run(spec).tasks:
        total, failures, cost = per_platform[task.cell.backend]
        failed = task.repeat <= failures
        bench.record_task(run.id, TaskRecord(
            task_index=task.index, cell_id=task.cell.id, backend=task.cell.backend,
            prompt_index=0, repeat=task.repeat, status="error" if failed else "ok",
            failure_class="quota" if failed else None,
            attempts=(AttemptRecord(1, 429 if failed else 200, "429" if failed else None,
                                    total / 2, total),),
            ttfb_s=total / 2, total_s=total, size_bytes=1000, sniffed_mime="image/jpeg",
            cost_usd=None if failed else cost, finished_at=when))
    bench.set_status(run.id, "finished")


@pytest.fixture
def fresh(gw: Any, tmp_path: Path) -> Any:
    """A gateway with its own, empty history (and so no benchmark runs)."""
    handle = start(replace(gw.gateway.settings, data_dir=tmp_path / "data"))
    yield handle
    handle.stop()


def _ask(handle: Any, model: str, **fields: Any) -> Any:
    client = openai.OpenAI(base_url=handle.base_url + "/v1", api_key=KEY, max_retries=0)
    return client.images.with_raw_response.generate(model=model, prompt="a boat", **fields)


def test_auto_follows_the_benchmark_data(fresh: Any) -> None:
    store = fresh.gateway.store
    first = _ask(fresh, "auto")
    assert first.headers["x-banana-backend"] == "aistudio"
    route = first.headers["x-banana-route"]
    assert "basis=default" in route and "fewer than 5 benchmark tasks" in route
    seed_run(store, "gemini-3-pro-image", "1K", {"aistudio": (30.0, 0, 0.134),
                                                 "vertex": (12.0, 0, 0.134)},
             finished_at=time.time() - 2 * DAY)
    fresh.gateway.router.refresh()
    raw = _ask(fresh, "auto", size="1024x1024")
    assert raw.headers["x-banana-backend"] == "vertex"
    route = raw.headers["x-banana-route"]
    assert route.startswith("auto:speed -> vertex; basis=benchmark")
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 2 * DAY))
    assert "vertex p50=12.00s ok=100%" in route and "n=6 runs=1" in route
    assert f"as-of={day}" in route and "aistudio p50=30.00s" in route
    row = store.get(ids(raw.headers)[0])
    assert any(n.startswith("Routed by auto:speed to vertex (benchmark)") and "n=6" in n
               for n in row.notes)
    # speed counts success: a fast platform that fails half the time loses
    seed_run(store, "gemini-3-pro-image", "1K", {"aistudio": (30.0, 0, 0.134),
                                                 "vertex": (12.0, 5, 0.134)}, n=6)
    fresh.gateway.router.refresh()
    figures = fresh.gateway.router.figures("gemini-3-pro-image", "1K", "vertex")
    assert figures.tasks == 12 and figures.successes == 7 and figures.runs == 2
    assert _ask(fresh, "auto:speed").headers["x-banana-backend"] == "vertex"
    seed_run(store, "gemini-3-pro-image", "1K", {"aistudio": (30.0, 0, 0.134),
                                                 "vertex": (12.0, 12, 0.134)}, n=12)
    fresh.gateway.router.refresh()
    assert _ask(fresh, "auto:speed").headers["x-banana-backend"] == "aistudio"


def test_auto_cost_and_other_tiers_use_their_own_cells(fresh: Any) -> None:
    store = fresh.gateway.store
    seed_run(store, "gemini-nano-banana-2.1", "2K", {"aistudio": (10.0, 0, 0.08),
                                                     "vertex": (20.0, 0, 0.05)})
    fresh.gateway.router.refresh()
    cost = _ask(fresh, "auto:cost:nano-banana-2.1", size="2K")
    assert cost.headers["x-banana-backend"] == "vertex"
    assert "cost/img=$0.0500" in cost.headers["x-banana-route"]
    assert _ask(fresh, "auto:speed:nano-banana-2.1", size="2K").headers[
        "x-banana-backend"] == "aistudio"
    other_tier = _ask(fresh, "auto:cost:nano-banana-2.1", size="1K")
    assert "basis=default" in other_tier.headers["x-banana-route"]


def test_emulated_runs_do_not_count_against_google(fresh: Any) -> None:
    seed_run(fresh.gateway.store, "gemini-3-pro-image", None,
             {"aistudio": (30.0, 0, 0.134), "vertex": (1.0, 0, 0.134)}, demo=True)
    fresh.gateway.router.refresh()
    assert "basis=default" in _ask(fresh, "auto").headers["x-banana-route"]
    router = Router(BenchStore(fresh.gateway.store), include_emulated=True)
    decision = router.choose("gemini-3-pro-image", "1K", "speed")
    assert decision.platform == "vertex" and "emulated" in decision.header()


def test_quality_without_a_study_falls_back_and_says_so(fresh: Any) -> None:
    raw = _ask(fresh, "auto:quality")
    assert raw.headers["x-banana-backend"] == "vertex"
    route = raw.headers["x-banana-route"]
    assert "basis=default" in route and "no blind-review study with votes compares" in route
    row = fresh.gateway.store.get(int(raw.headers["x-banana-history-ids"]))
    assert any("no blind-review study with votes" in n for n in row.notes)

    class Study:
        why_none = "no study covers it"

        def quality_figures(self, model: str, image_size: str) -> QualityFigures | None:
            return QualityFigures("aistudio", 0.39, 0.33, 0.45, 240, "2026-11-20", "study-7")

        def refresh(self) -> None:
            pass

    router = Router(BenchStore(fresh.gateway.store), Study())
    decision = router.choose("gemini-3-pro-image", "1K", "quality")
    assert (decision.platform, decision.basis) == ("aistudio", "study")
    assert "decisive=240" in decision.header() and "as-of=2026-11-20" in decision.header()
    unwired = Router(BenchStore(fresh.gateway.store)).choose("gemini-3-pro-image", "1K",
                                                             "quality")
    assert "why=no blind-review study source was given to this router" in unwired.header()


def test_constraints_narrow_the_choice(fresh: Any) -> None:
    png = _ask(fresh, "auto", output_format="png")
    assert png.headers["x-banana-backend"] == "vertex"
    assert "basis=only choice" in png.headers["x-banana-route"]
    flash25 = _ask(fresh, "auto:cost:nano-banana")  # shut down on AI Studio
    assert flash25.headers["x-banana-backend"] == "vertex"


def generate_auto(priority: str, capsys: Any) -> tuple[dict[str, Any], str]:
    """`generate --demo --backend auto --priority …` at 2K: its one JSON line and its stderr."""
    code = main(["generate", "--demo", "--backend", "auto", "--priority", priority,
                 "--image-size", "2K", "--prompt", "a bridge", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    (line,) = [json.loads(x) for x in captured.out.splitlines()]
    return line, captured.err


def test_generate_backend_auto(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(data))
    seed_run(HistoryStore(data), "gemini-3-pro-image-preview", "2K",
             {"aistudio": (40.0, 0, 0.134), "vertex": (9.0, 0, 0.134)})
    line, err = generate_auto("speed", capsys)
    assert line["backend"] == "vertex"
    assert "route: auto:speed -> vertex; basis=benchmark" in err
    assert any(n.startswith("Routed by auto:speed to vertex") for n in line["notes"])
