"""Slow work off the page thread: like-for-like encodes, compression sweeps.

A task is keyed (e.g. by the images' SHA-256), so every session asking for the same work shares
one run and one result; pages poll `Task.progress` from a fragment and never block.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

Progress = Callable[[int, int], None]
Work = Callable[[Progress, threading.Event], Any]


@dataclass
class Task:
    key: tuple[Any, ...]
    future: Future[Any]
    cancel_event: threading.Event = field(default_factory=threading.Event)
    done_steps: int = 0
    total_steps: int = 0

    def report(self, done: int, total: int) -> None:
        self.done_steps, self.total_steps = done, total

    @property
    def fraction(self) -> float:
        return self.done_steps / self.total_steps if self.total_steps else 0.0

    @property
    def is_done(self) -> bool:
        return self.future.done()

    @property
    def error(self) -> BaseException | None:
        return self.future.exception() if self.future.done() else None

    def result(self) -> Any:
        return self.future.result()

    def cancel(self) -> None:
        self.cancel_event.set()


class TaskRunner:
    """A small pool plus a bounded memory of finished tasks (oldest forgotten first)."""

    def __init__(self, workers: int = 2, keep: int = 16) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="task")
        self._tasks: OrderedDict[tuple[Any, ...], Task] = OrderedDict()
        self._keep = keep
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Task | None:
        with self._lock:
            return self._tasks.get(key)

    def submit(self, key: tuple[Any, ...], work: Work) -> Task:
        """Start `work(progress, cancel_event)` unless the same key is running or finished well."""
        with self._lock:
            task = self._tasks.get(key)
            if task is not None and not (task.is_done and (task.error or task.cancel_event.is_set())):
                return task
            task = Task(key, Future())
            task.future = self._pool.submit(work, task.report, task.cancel_event)
            self._tasks[key] = task
            while len(self._tasks) > self._keep:
                oldest_key, oldest = next(iter(self._tasks.items()))
                if not oldest.is_done:
                    break
                del self._tasks[oldest_key]
            return task
