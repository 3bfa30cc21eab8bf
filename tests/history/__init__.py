from collections.abc import Callable

from playground.history.store import HistoryStore

#: The `open_store` fixture (tests/conftest.py): HistoryStore on this test's engine.
OpenStore = Callable[..., HistoryStore]
