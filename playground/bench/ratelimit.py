"""Per-backend request rate limits, held exactly.

A sliding-window log: at most `rpm` request starts in any window of `window_s` seconds (60 for
requests per minute). Every HTTP attempt takes a slot, retries included, because that is what
a quota counts.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(self, rpm: int, *, window_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rpm < 1:
            raise ValueError("rpm must be at least 1")
        self.rpm = rpm
        self.window_s = window_s
        self._clock = clock
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()

    def try_acquire(self) -> float:
        """Take a slot now and return 0, or return how long to wait before asking again."""
        with self._lock:
            now = self._clock()
            while self._starts and self._starts[0] <= now - self.window_s:
                self._starts.popleft()
            if len(self._starts) < self.rpm:
                self._starts.append(now)
                return 0.0
            return max(self._starts[0] + self.window_s - now, 1e-4)

    def acquire(self, cancel: threading.Event | None = None) -> bool:
        """Block until a slot is free; False if `cancel` was set while waiting."""
        while True:
            if cancel is not None and cancel.is_set():
                return False
            wait = self.try_acquire()
            if wait == 0.0:
                return True
            if cancel is not None:
                if cancel.wait(wait):
                    return False
            else:
                time.sleep(wait)

    def starts(self) -> list[float]:
        with self._lock:
            return list(self._starts)


class LaunchPacer:
    """At most one request start every `interval_s` seconds, across all backends.

    Without it, a wave of tasks that finish together sends the next wave in one burst, and the
    burst queues in the single-threaded parts of the client and server (HTTP parsing, the GIL):
    the last request of 32 started together measures tens of milliseconds that are not the
    API's. A few milliseconds between starts removes that error (benchmarks/bench_timing.py)
    and costs nothing against real APIs, where a request takes seconds.
    """

    def __init__(self, interval_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_s = interval_s
        self._clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take the next start slot; returns how long to wait for it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval_s
            return slot - now

    def wait_turn(self, cancel: threading.Event | None = None) -> bool:
        """Wait for this caller's slot; False if `cancel` was set meanwhile."""
        wait = self.reserve()
        if wait <= 0:
            return not (cancel is not None and cancel.is_set())
        if cancel is not None:
            return not cancel.wait(wait)
        time.sleep(wait)
        return True
