"""Write before you send, complete after: the history rows of one run (docs/decisions.md "Storage faults").

`Recorder` writes every slot's row ("pending") before anything is sent, on the caller's thread,
so a history that cannot be written stops the run before any request is billed. Each answer
fills its own row as it lands; a storage fault there is kept (and said) without losing the
other slots' results; rows that never got an answer are closed, not left pending.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from typing import Literal

from playground.domain.errors import PlaygroundError, StorageError, describe
from playground.domain.types import GenerationResult
from playground.generation.fanout import Slot, result_key
from playground.history.store import HistoryStore


class Recorder:
    def __init__(self, store: HistoryStore, slots: Sequence[Slot], group_id: str | None, *,
                 notes: Sequence[str] = ()) -> None:
        """Begin one row per slot; StorageError (after closing any row begun) if one fails.
        `notes` go on every row from the start (who asked, how: e.g. the gateway's key and
        mapping), and stay first on its result."""
        self.store = store
        self.notes = tuple(notes)
        self.rows: dict[str, int] = {}
        self.problems: list[str] = []
        self.storage_errors: dict[str, StorageError] = {}
        self._lock = threading.Lock()
        try:
            for slot in slots:
                req = slot.check.request
                self.rows[slot.key] = store.begin(GenerationResult(
                    backend=slot.platform.name, request=req, status="pending", model=req.model,
                    group_id=group_id, variant=slot.variant, notes=list(self.notes)))
        except PlaygroundError:
            self.close_unanswered(set(), status="cancelled", explanation=(
                "Not sent: the history could not record the run's other requests."))
            raise

    def save(self, result: GenerationResult) -> None:
        """Fill the slot's row with its result; a storage fault is kept, never raised."""
        key = result_key(result)
        result.id = self.rows.get(key)
        result.notes[:0] = [n for n in self.notes if n not in result.notes]
        try:
            self.store.save(result)
        except PlaygroundError as exc:
            with self._lock:
                self.problems.append(" ".join(describe(exc)).strip())
                if isinstance(exc, StorageError):
                    self.storage_errors[key] = exc

    def close_unanswered(self, answered: set[str], *,
                         status: Literal["cancelled", "interrupted", "error"] = "cancelled",
                         explanation: str = "") -> None:
        """Close the rows of slots without a result (cancelled, crashed or interrupted)."""
        for key, gen_id in self.rows.items():
            if key not in answered:
                with contextlib.suppress(PlaygroundError):
                    self.store.close_pending(gen_id, status=status, explanation=explanation)
