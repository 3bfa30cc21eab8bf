"""A generation running in the background, with live per-backend progress for the UI.

The page polls `snapshot()` while the job runs; results are saved to history by the service
as each backend finishes, so closing the browser tab loses nothing (issue 4 §2, §7).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from playground.config import Settings
from playground.models import GenerationResult, ImageRequest
from playground.service import ProgressEvent, generate_many
from playground.storage.history import HistoryStore


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
    def __init__(self, req: ImageRequest, platforms: list[str], settings: Settings, *,
                 client: httpx.Client, store: HistoryStore,
                 on_result: Callable[[GenerationResult], None] | None = None,
                 **kwargs: Any) -> None:
        self.request = req
        self.platforms = platforms
        self.progress = {p: BackendProgress(p) for p in platforms}
        self.results: dict[str, GenerationResult] = {}
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._on_result = on_result
        self._thread = threading.Thread(
            target=self._run, args=(settings, client, store, kwargs), daemon=True,
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
        if self._on_result:
            self._on_result(result)  # e.g. build previews while the other backend still runs
        with self._lock:
            prog = self.progress[result.backend]
            prog.finished_s = time.perf_counter() - prog.started
            prog.result_id, prog.status = result.id, result.status
            prog.state = "done" if result.ok else "failed"
            self.results[result.backend] = result

    def _run(self, settings: Settings, client: httpx.Client, store: HistoryStore,
             kwargs: dict[str, Any]) -> None:
        try:
            generate_many(self.request, self.platforms, settings, client=client, store=store,
                          on_progress=self._event, on_result=self._result, **kwargs)
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
    from playground.capabilities import platform_label

    name = platform_label(prog.platform)
    if prog.state == "queued":
        return f"{name}: starting…"
    attempt = f"attempt {prog.attempt}" if prog.attempt else "preparing"
    if prog.state == "retrying":
        return f"{name}: {attempt} failed ({prog.detail}) · {prog.elapsed_s:.1f} s"
    if prog.state in ("done", "failed"):
        return f"{name}: {prog.state} after {prog.elapsed_s:.1f} s"
    return f"{name}: waiting for the image · {attempt} · {prog.elapsed_s:.1f} s"
