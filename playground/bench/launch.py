"""Start a benchmark, from the web app or the CLI, with its demo emulator if it needs one.

Demo platforms run against the emulator in a child process (so its CPU work never skews the
client's timings; generation/demo.py), which stops when the run ends. `demo_for_run` is the one
set-up both front ends use; `launch_run` is the page's: it returns at once and runs in a thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

from playground.bench.engine import BenchRun, resume_run, start_run
from playground.bench.matrix import Plan
from playground.bench.store import RunEnvironment
from playground.bench.warmup import warm_up
from playground.config import Settings
from playground.domain.catalog import PLATFORMS
from playground.generation.demo import DemoEnvironment, start_demo
from playground.history.store import HistoryStore


def demo_for_run(settings: Settings,
                 environment: RunEnvironment) -> tuple[DemoEnvironment, RunEnvironment]:
    """Start the run's emulator (when it is a demo run) and record how it really runs."""
    if not environment.demo:
        return DemoEnvironment(settings), environment
    demo = start_demo(settings, environment.demo_platforms or PLATFORMS, separate_process=True, latency_profile=environment.latency_profile,
                      time_scale=environment.time_scale)
    state = demo.state()
    return demo, replace(environment, latency_profile=state["profile"],
                         time_scale=state["time_scale"],
                         demo_platforms=tuple(sorted(demo.platforms)))


@dataclass
class LaunchedRun:
    run: BenchRun
    phase: str = "starting"  # "warming up the emulator" | "running" | "over"
    error: str | None = None

    @property
    def run_id(self) -> str:
        return self.run.run_id


def launch_run(plan: Plan, settings: Settings, store: HistoryStore, *,
               environment: RunEnvironment, resume_id: str | None = None,
               **options: Any) -> LaunchedRun:
    """Record the run (or reopen `resume_id`) and return at once; warm-up and the run go on in
    a thread. Resuming runs only the tasks that have no result yet."""
    demo, environment = demo_for_run(settings, environment)
    try:
        runner = (resume_run(resume_id, demo.settings, store, background=False, **options)
                  if resume_id else
                  start_run(plan, demo.settings, store, environment=environment,
                            background=False, **options))
        launched = LaunchedRun(runner)
    except BaseException:
        demo.stop()
        raise

    def drive() -> None:
        try:
            if environment.is_time_compressed:
                launched.phase = "warming up the emulator (each image rendered once, unmeasured)"
                warm_up(runner.plan, demo)
            launched.phase = "running"
            launched.run.start().wait()
        except Exception as exc:  # noqa: BLE001 - shown on the page; finished tasks are saved
            launched.error = str(exc)
        finally:
            launched.phase = "over"
            demo.stop()

    threading.Thread(target=drive, daemon=True, name=f"bench-launch-{launched.run_id}").start()
    return launched
