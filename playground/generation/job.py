"""A generation running in the background, with live per-backend progress for the UI.

The page polls `snapshot()` while the job runs. Each backend's result is saved to history the
moment it lands (in the worker thread), so closing the browser tab loses nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from playground.clients.base import Platform
from playground.domain.labels import platform_label
from playground.domain.options import RequestCheck
from playground.domain.types import GenerationResult, ImageRequest
from playground.generation.run import DEFAULTS, ProgressEvent, RunOptions, generate_many
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

    @property
    def elapsed_s(self) -> float:
        return self.finished_s if self.finished_s is not None else time.perf_counter() - self.started


class GenerationJob:
    def __init__(self, request: ImageRequest | RequestCheck, platforms: Sequence[Platform], *,
                 client: httpx.Client, store: HistoryStore, options: RunOptions = DEFAULTS,
                 on_saved: Callable[[GenerationResult], None] | None = None) -> None:
        self.request = request.request if isinstance(request, RequestCheck) else request
        self.platforms = [p.name for p in platforms]
        self.progress: dict[str, BackendProgress] = {p.name: BackendProgress(p.name)
                                                     for p in platforms}
        self.results: dict[str, GenerationResult] = {}
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._on_saved = on_saved
        self._store = store
        self._cancel = threading.Event()
        self.cancelled = False
        begin = getattr(store, "begin", None)  # write-ahead rows where the store offers them
        options = options.with_(on_progress=self._event, cancel=self._cancel,
                                before_send=begin)
        self._thread = threading.Thread(
            target=self._run, args=(request, list(platforms), client, options), daemon=True,
            name="generation-job",
        )

    def start(self) -> GenerationJob:
        self._thread.start()
        return self

    def _event(self, event: ProgressEvent) -> None:
        with self._lock:
            prog = self.progress[event.platform]
            prog.attempt, prog.state, prog.detail = event.attempt, event.state, event.detail

    def _result(self, result: GenerationResult) -> None:
        late = self._cancel.is_set() and result.attempts and result.attempts[-1].http_status
        if late:
            result.notes.append("This answer arrived after you pressed Cancel; it is kept because "
                                "the request had been sent and may be billed.")
        self._store.save(result)
        if self._on_saved:
            self._on_saved(result)  # e.g. build previews while the other backend still runs
        with self._lock:
            prog = self.progress[result.backend]
            if prog.state != "cancelled":
                prog.finished_s = time.perf_counter() - prog.started
                prog.state = "done" if result.ok else "failed"
            prog.result_id, prog.status = result.id, result.status
            self.results[result.backend] = result

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

    def _run(self, request: ImageRequest | RequestCheck, platforms: list[Platform],
             client: httpx.Client, options: RunOptions) -> None:
        try:
            generate_many(request, platforms, client=client, options=options,
                          on_result=self._result)
        except BaseException as exc:  # noqa: BLE001 - reported to the page, never a traceback
            self.error = exc
        finally:
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def snapshot(self) -> list[BackendProgress]:
        with self._lock:
            return [BackendProgress(**vars(p)) for p in self.progress.values()]


def describe_progress(prog: BackendProgress) -> str:
    """One line for the live progress box: backend, state, attempt and elapsed time."""
    name = platform_label(prog.platform)
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
