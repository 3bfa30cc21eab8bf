"""A small thread-safe LRU memo for results keyed by the images' SHA-256.

Callers (Streamlit's cache, the CLI) own caching; this memo is for callers without one and for
the benchmark. Results are immutable dataclasses, so sharing them between threads is safe.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pair_key(sha_a: str, sha_b: str, *extra: Hashable) -> tuple[Hashable, ...]:
    """Key for a comparison of A against B. Order matters: notes name A and B."""
    return (sha_a, sha_b, *extra)


class LruMemo(Generic[T]):
    """At most `maxsize` results; the least recently used is dropped first.

    The lock guards only the dictionary: two threads asking for the same missing key may both
    compute it (the second result wins), which is cheaper than holding a lock for seconds.
    """

    def __init__(self, maxsize: int = 16) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> T | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: T) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        found = self.get(key)
        if found is not None:
            return found
        value = compute()
        self.put(key, value)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
