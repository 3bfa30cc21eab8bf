"""Start a benchmark from the web app: demo platforms run against an emulator in a child process
(so its CPU work never skews the client's timings), which stops when the run ends."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from playground.bench.emulated import start_emulator_process, warm_up
from playground.bench.engine import BenchRun, resume_run, start_run
from playground.bench.matrix import Plan
from playground.config import Settings
from playground.demo import demo_settings
from playground.storage.history import HistoryStore


@dataclass
class LaunchedRun:
    run: BenchRun
    phase: str = "starting"  # "warming up the emulator" | "running" | "over"
    error: str | None = None

    @property
    def run_id(self) -> str:
        return self.run.run_id


def launch_run(plan: Plan, settings: Settings, store: HistoryStore, *,
               demo_platforms: set[str], latency_profile: str | None = None,
               time_scale: float | None = None, resume_id: str | None = None,
               **options: Any) -> LaunchedRun:
    """Record the run (or reopen `resume_id`) and return at once; warm-up and the run go on in
    a thread. Resuming runs only the tasks that have no result yet."""
    environment: dict[str, Any] = {"demo": bool(demo_platforms), "latency_profile": latency_profile,
                                   "time_scale": time_scale,
                                   "demo_platforms": sorted(demo_platforms)}
    emulator = None
    if demo_platforms:
        emulator = start_emulator_process(latency_profile, time_scale)
        settings = demo_settings(settings, emulator.base_url, demo_platforms)
        state = emulator.control.state()
        environment.update(latency_profile=state["profile"], time_scale=state["time_scale"])
    try:
        runner = (resume_run(resume_id, settings, store, background=False, **options) if resume_id
                  else start_run(plan, settings, store, environment=environment,
                                 background=False, **options))
        launched = LaunchedRun(runner)
    except BaseException:
        if emulator is not None:
            emulator.stop()
        raise

    def drive() -> None:
        try:
            if emulator is not None and (time_scale or 1.0) < 1.0:
                launched.phase = "warming up the emulator (each image rendered once, unmeasured)"
                warm_up(plan, settings, emulator.control)
            launched.phase = "running"
            launched.run.start().wait()
        except Exception as exc:  # noqa: BLE001 - shown on the page; finished tasks are saved
            launched.error = str(exc)
        finally:
            launched.phase = "over"
            if emulator is not None:
                emulator.stop()

    threading.Thread(target=drive, daemon=True, name=f"bench-launch-{launched.run_id}").start()
    return launched
