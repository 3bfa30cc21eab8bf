"""Run a benchmark plan: bounded concurrency, per-backend rate limits, cancel, resume.

Every task goes through `generation.run.generate`, so retries, timeouts and timing are exactly
the client's; the engine saves each result to history as it lands. It adds three things around
it:
* a rate-limit slot is taken right before each attempt is sent (in the "sending" progress
  callback, i.e. before the clock starts), so retries count against the limit as they do
  against a quota;
* a task row is written the moment its result is saved, so a killed process loses nothing that
  finished and a resume runs only what is missing;
* progress: in-flight requests, finished and failed tasks, running cost, and every finished
  attempt's latency.

Cancelling stops new tasks and pending retries at once. Requests already on the wire are
allowed to finish and are kept (they are billed anyway). A task cut off while waiting for a
retry or a rate-limit slot is not recorded, so a resume re-runs it. A process that is killed
loses only the requests that were on the wire.
"""

from __future__ import annotations

import gc
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from playground.bench.matrix import BenchSpec, Plan, Task, plan_run
from playground.bench.ratelimit import LaunchPacer, RateLimiter
from playground.bench.stats import TaskRecord, attempt_failure_class
from playground.bench.store import BenchStore, RunEnvironment, RunRecord, record_of
from playground.clients.base import platform_for
from playground.clients.http import RetryPolicy, make_client
from playground.config import Settings, missing_config_message
from playground.domain.errors import ConfigError, ImageWriteError, PlaygroundError
from playground.domain.types import GenerationResult
from playground.generation.run import ProgressEvent, RunOptions, generate
from playground.history.store import HistoryStore

CANCELLED_NOTE = "Cancelled while waiting to retry."  # generation.run.generate's own note
LAUNCH_INTERVAL_S = 0.010  # between request starts, see LaunchPacer


@dataclass(frozen=True)
class LatencyPoint:
    """One finished HTTP attempt, for the rolling latency chart."""

    task_index: int
    backend: str
    cell_id: str
    attempt: int
    ttfb_s: float | None
    total_s: float | None
    failure_class: str | None  # None = the attempt succeeded
    at_s: float  # seconds since this session of the run started


@dataclass(frozen=True)
class Progress:
    run_id: str
    status: str  # running | cancelling | cancelled | finished | crashed
    planned: int
    done: int  # finished tasks, earlier sessions of a resumed run included
    failed: int  # finished tasks that did not succeed
    in_flight: int  # HTTP requests on the wire right now
    cost_usd: float
    elapsed_s: float
    error: str | None = None

    @property
    def fraction(self) -> float:
        return self.done / self.planned if self.planned else 1.0

    @property
    def is_over(self) -> bool:
        return self.status in ("cancelled", "finished", "crashed")


EventKind = Literal["attempt", "task", "status"]


@dataclass(frozen=True)
class BenchEvent:
    kind: EventKind
    progress: Progress
    task: Task | None = None
    result: GenerationResult | None = None
    record: TaskRecord | None = None
    point: LatencyPoint | None = None


EventCallback = Callable[[BenchEvent], None]


class _Cancelled(Exception):
    """Raised from the progress hook to abandon a task that has not been sent yet."""


def missing_credentials(plan: Plan, settings: Settings) -> list[str]:
    """One message per backend of the plan that cannot be used (checked before the run)."""
    backends = dict.fromkeys(c.backend for c in plan.cells)
    return [m for b in backends if (m := missing_config_message(b, settings))]


class BenchRun:
    """A run in progress. Thread-safe: the page polls progress() while workers run."""

    def __init__(self, plan: Plan, run: RunRecord, settings: Settings, store: HistoryStore, *,
                 client: httpx.Client | None = None, on_event: EventCallback | None = None,
                 policy: RetryPolicy | None = None, rate_window_s: float = 60.0,
                 launch_interval_s: float = LAUNCH_INTERVAL_S) -> None:
        problems = missing_credentials(plan, settings)
        if problems:
            raise ConfigError(" ".join(problems), hint=problems[0])
        self.plan, self.settings, self.history = plan, settings, store
        self.bench = BenchStore(store)
        self.run_id = run.id
        spec = plan.spec
        self.policy = policy or RetryPolicy.from_settings(settings, spec.retries)
        self._own_client = client is None
        self.client = client or make_client(settings)
        self._on_event = on_event
        self._backends = {c.backend: platform_for(c.backend, settings) for c in plan.cells}
        for platform in self._backends.values():
            platform.auth  # noqa: B018 - load credentials now, not while timed requests fly
        self._limiters = ({b: RateLimiter(spec.rpm, window_s=rate_window_s)
                           for b in self._backends} if spec.rpm else {})
        self._pacer = LaunchPacer(launch_interval_s)
        self._lock = threading.RLock()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._points: list[LatencyPoint] = []
        done = set(self.bench.finished_indexes(run.id))
        self._pending = [t for t in plan.ordered_tasks() if t.index not in done]
        self._done, self._failed = len(done), run.finished - run.successes
        self._cost = run.cost_usd
        self._in_flight = 0
        self._status = "running"
        self._error: str | None = None
        self._started = time.perf_counter()

    # --- control -------------------------------------------------------------------------

    def start(self) -> BenchRun:
        """Run in a background thread (what the page does); returns self."""
        self._thread = threading.Thread(target=self.run, name=f"bench-{self.run_id}",
                                        daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop starting tasks and retries; requests on the wire finish and are kept."""
        with self._lock:
            if self._status == "running":
                self._status = "cancelling"
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the run is over (finished, cancelled or crashed)."""
        if self._thread is None:
            return self.progress().is_over
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    # --- reading -------------------------------------------------------------------------

    def progress(self) -> Progress:
        with self._lock:
            return Progress(self.run_id, self._status, len(self.plan.tasks), self._done,
                            self._failed, self._in_flight, round(self._cost, 6),
                            time.perf_counter() - self._started, self._error)

    def latencies(self, since: int = 0) -> list[LatencyPoint]:
        """Finished attempts of this session, oldest first; `since` skips ones already seen."""
        with self._lock:
            return self._points[since:]

    # --- running -------------------------------------------------------------------------

    def run(self) -> Progress:
        """Run every pending task (blocking) and return the final progress.

        Objects that exist before the run are frozen out of the garbage collector: in a
        long-lived process (the app, a test session) a full collection over millions of old
        objects pauses every timing thread for 100+ ms, which would show up as latency.
        """
        gc.collect()
        gc.freeze()
        self._emit("status")
        workers = [threading.Thread(target=self._work, name=f"bench-{self.run_id}-{n}",
                                    daemon=True)
                   for n in range(min(self.plan.spec.concurrency, max(1, len(self._pending))))]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        gc.unfreeze()
        self._finish()
        return self.progress()

    def _finish(self) -> None:
        with self._lock:
            if self._error:
                self._status = "crashed"
            elif self._cancel.is_set() and self._done < len(self.plan.tasks):
                self._status = "cancelled"
            else:
                self._status = "finished"
            status = self._status
        self.bench.set_status(self.run_id, status)
        if self._own_client:
            self.client.close()
        self._emit("status")

    def _next_task(self) -> Task | None:
        with self._lock:
            if self._cancel.is_set() or not self._pending:
                return None
            return self._pending.pop(0)

    def _work(self) -> None:
        while (task := self._next_task()) is not None:
            try:
                self._run_task(task)
            except _Cancelled:
                return
            except Exception as exc:  # noqa: BLE001 — a bug must not hang the other workers
                with self._lock:
                    shown = str(exc) if isinstance(exc, PlaygroundError) else repr(exc)
                    self._error = f"task {task.index}: {shown}"
                self.cancel()
                return

    def _run_task(self, task: Task) -> None:
        backend = task.cell.backend
        flying = [False]

        def hook(event: ProgressEvent) -> None:
            if event.state == "sending":
                if not self._pacer.wait_turn(self._cancel):
                    raise _Cancelled
                limiter = self._limiters.get(backend)  # last gate: its slot is the send time
                if limiter is not None and not limiter.acquire(self._cancel):
                    raise _Cancelled
                self._set_flying(flying, True)
            elif flying[0]:
                self._set_flying(flying, False)

        options = RunOptions(policy=self.policy, timeout_s=self.plan.spec.timeout_s,
                             on_progress=hook, cancel=self._cancel,
                             rng=random.Random(f"{self.plan.spec.seed}:{task.index}"))
        request = task.cell.request(task.prompt)
        gen_id = self.history.begin(GenerationResult(  # write before you send
            backend=self._backends[backend].name, request=request, status="pending", model=request.model))
        try:
            result = generate(request, self._backends[backend], client=self.client,
                              options=options)
        except _Cancelled:
            self.history.close_pending(gen_id, explanation=(
                "Cancelled with the benchmark before this request (or its retry) was sent."))
            raise
        finally:
            if flying[0]:
                self._set_flying(flying, False)
        result.id = gen_id
        try:
            self.history.save(result)  # cut off or not, what went on the wire is history
        except ImageWriteError:
            pass  # the row is written and says which image is missing; the task still counts
        if self._was_cut_off(result):
            return
        record = record_of(task, result)
        if self.bench.record_task(self.run_id, record):
            self._count(task, result, record)

    def _set_flying(self, flying: list[bool], value: bool) -> None:
        with self._lock:
            flying[0] = value
            self._in_flight += 1 if value else -1

    @staticmethod
    def _was_cut_off(result: GenerationResult) -> bool:
        """A task interrupted by cancel: not a finished result, so a resume re-runs it."""
        return CANCELLED_NOTE in result.notes

    def _count(self, task: Task, result: GenerationResult, record: TaskRecord) -> None:
        with self._lock:
            self._done += 1
            self._failed += 0 if record.ok else 1
            self._cost += record.cost_usd or 0.0
            at = time.perf_counter() - self._started
            points = [LatencyPoint(task.index, task.cell.backend, task.cell.id, a.number,
                                   a.ttfb_s, a.total_s, attempt_failure_class(a.error_class), at)
                      for a in record.attempts]
            self._points.extend(points)
            for point in points:
                self._emit("attempt", task=task, point=point)
            self._emit("task", task=task, result=result, record=record)

    def _emit(self, kind: EventKind, **fields: Any) -> None:
        if self._on_event is None:
            return
        with self._lock:  # one event at a time, in order, whatever thread finished the task
            self._on_event(BenchEvent(kind, self.progress(), **fields))


# --- starting and resuming -------------------------------------------------------------------


def start_run(plan: Plan, settings: Settings, store: HistoryStore, *,
              environment: RunEnvironment | None = None, run_id: str | None = None,
              background: bool = True, **options: Any) -> BenchRun:
    """Record a new run (spec, order, skipped cells) and start it.

    `options` go to BenchRun (client, on_event, policy, rate_window_s). With background=False
    the run is created but not started: call .run() (blocking) or .start().
    """
    problems = missing_credentials(plan, settings)
    if problems:
        raise ConfigError(" ".join(problems), hint=problems[0])
    record = BenchStore(store).create_run(plan, run_id=run_id, environment=environment)
    runner = BenchRun(plan, record, settings, store, **options)
    return runner.start() if background else runner


def resume_run(run_id: str, settings: Settings, store: HistoryStore, *,
               background: bool = True, **options: Any) -> BenchRun:
    """Run the tasks of a stored run that have no result yet, in the recorded order."""
    bench = BenchStore(store)
    record = bench.get_run(run_id)
    if record is None:
        raise ConfigError(f"There is no benchmark run {run_id!r} in this history.",
                          hint="List runs with the Benchmark page, or check the id printed "
                               "when the run started.")
    runner = BenchRun(bench.plan_of(record), record, settings, store, **options)
    bench.claim(record)  # ConfigError while another process runs it
    return runner.start() if background else runner


def run_spec(spec: BenchSpec, settings: Settings, store: HistoryStore, **options: Any) -> BenchRun:
    """Plan and run to the end (blocking); for scripts and tests."""
    runner = start_run(plan_run(spec), settings, store, background=False, **options)
    runner.run()
    return runner
