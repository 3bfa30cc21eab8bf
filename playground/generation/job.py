"""A generation running in the background, with live per-backend progress for the UI.

The page polls `snapshot()` while the job runs. Each backend's result is saved to history the
moment it lands (in the worker thread), so closing the browser tab loses nothing.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from playground.clients.base import Platform
from playground.domain.labels import platform_label
from playground.domain.types import GenerationResult
from playground.generation.fanout import Requests, plan_slots, result_key, run_slots
from playground.generation.recorder import Recorder
from playground.generation.run import DEFAULTS, ProgressEvent, RunOptions
from playground.history.store import HistoryStore


@dataclass
class BackendProgress:
    platform: str
    attempt: int = 0
    state: str = "queued"
    detail: str = ""
    started: float = field(default_factory=time.perf_counter)
    finished_s: float | None = None
    result_id: int | None = None
    status: str | None = None
    variant: int | None = None

    @property
    def elapsed_s(self) -> float:
        return self.finished_s if self.finished_s is not None else time.perf_counter() - self.started


class GenerationJob:
    """One run (one request per platform, or one per platform by name, N variants each) in a
    background thread. Every row is written before the thread starts (`Recorder`): a history
    that cannot be written raises StorageError here, on the page's thread, before anything is
    sent."""

    def __init__(self, request: Requests, platforms: Sequence[Platform], *,
                 client: httpx.Client, store: HistoryStore, options: RunOptions = DEFAULTS,
                 on_saved: Callable[[GenerationResult], None] | None = None,
                 variants: int = 1) -> None:
        self.slots = plan_slots(request, platforms, variants=variants)
        self.request = self.slots[0].check.request
        self.platforms = [p.name for p in platforms]
        self.keys = [s.key for s in self.slots]
        self.progress: dict[str, BackendProgress] = {s.key: BackendProgress(s.platform.name,
                                                                     variant=s.variant)
                                                     for s in self.slots}
        self.results: dict[str, GenerationResult] = {}
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._on_saved = on_saved
        self._cancel = threading.Event()
        self.cancelled = False
        group = options.group_id or (uuid.uuid4().hex[:12] if len(self.slots) > 1 else None)
        self.recorder = Recorder(store, self.slots, group)
        options = options.with_(on_progress=self._event, cancel=self._cancel, group_id=group)
        self._thread = threading.Thread(target=self._run, args=(client, options), daemon=True,
                                        name="generation-job")

    @property
    def storage_errors(self) -> list[str]:
        """What went wrong saving answers (each answer is still shown)."""
        return list(self.recorder.problems)

    def start(self) -> GenerationJob:
        self._thread.start()
        return self

    def _event(self, event: ProgressEvent) -> None:
        with self._lock:
            prog = self.progress.get(event.key)
            if prog is not None:
                prog.attempt, prog.state, prog.detail = event.attempt, event.state, event.detail

    def _result(self, result: GenerationResult) -> None:
        late = self._cancel.is_set() and result.attempts and result.attempts[-1].http_status
        if late:
            result.notes.append("This answer arrived after you pressed Cancel; it is kept because "
                                "the request had been sent and may be billed.")
        self.recorder.save(result)
        if self._on_saved:
            self._on_saved(result)  # e.g. build previews while the other backend still runs
        key = result_key(result)
        with self._lock:
            prog = self.progress[key]
            if prog.state != "cancelled":
                prog.finished_s = time.perf_counter() - prog.started
                prog.state = "done" if result.ok else "failed"
            prog.result_id, prog.status = result.id, result.status
            self.results[key] = result

    def cancel(self) -> None:
        """Stop waiting: pending retries end at once; a request already on the wire cannot be
        recalled (Google may still process and bill it), and its answer is still saved if it
        comes."""
        self._cancel.set()
        with self._lock:
            self.cancelled = True
            for prog in self.progress.values():
                if prog.state not in ("done", "failed"):
                    prog.state, prog.finished_s = "cancelled", time.perf_counter() - prog.started

    @property
    def is_over(self) -> bool:
        """Nothing more to wait for on the page: every backend answered, or the user cancelled."""
        return self.done or self.cancelled

    def _run(self, client: httpx.Client, options: RunOptions) -> None:
        try:
            run_slots(self.slots, client=client, options=options, on_result=self._result)
        except BaseException as exc:  # noqa: BLE001 - reported to the page, never a traceback
            self.error = exc
        finally:
            with self._lock:
                answered = set(self.results)
            self.recorder.close_unanswered(answered, status="error", explanation=(
                "No answer was recorded: the run stopped before this request finished."))
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def snapshot(self) -> list[BackendProgress]:
        """Progress per slot, in slot order (platform, then variant)."""
        with self._lock:
            return [BackendProgress(**vars(self.progress[k])) for k in self.keys]


def describe_progress(prog: BackendProgress) -> str:
    """One line for the live progress box: backend, state, attempt and elapsed time."""
    name = platform_label(prog.platform)
    if prog.variant is not None:
        name += f" variant {prog.variant}"
    if prog.state == "queued":
        return f"{name}: starting…"
    attempt = f"attempt {prog.attempt}" if prog.attempt else "preparing"
    if prog.state == "retrying":
        return f"{name}: {attempt} failed ({prog.detail}) · {prog.elapsed_s:.1f} s"
    if prog.state == "cancelled":
        return (f"{name}: cancelled after {prog.elapsed_s:.1f} s — a request already sent may "
                "still be billed; its answer is saved to History if it comes")
    if prog.state in ("done", "failed"):
        return f"{name}: {prog.state} after {prog.elapsed_s:.1f} s"
    return f"{name}: waiting for the image · {attempt} · {prog.elapsed_s:.1f} s"
