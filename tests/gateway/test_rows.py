"""Every gateway call is a History row written before it is sent, filled when it lands; a
history that cannot record means nothing is sent."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any

import openai
import pytest

from playground.history.faults import from_sqlite_error
from tests.gateway.conftest import ids


def _wait_for(condition: Any, timeout_s: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


def test_the_row_is_pending_with_the_gateways_notes_while_the_call_is_out(
        oai: openai.OpenAI, history: Any, emu: Any) -> None:
    emu.control.set_latency(ttfb_s=0.8, body_s=0.0)
    before = {r.id for r in history.list(limit=50)}
    answer: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: answer.setdefault(
        "raw", oai.images.with_raw_response.generate(model="nano-banana-pro", prompt="a pending owl",
                                                     n=2)))
    worker.start()
    def both_pending() -> list[Any]:  # the rows are begun one after the other
        rows = [r for r in history.list(limit=50) if r.id not in before and r.status == "pending"]
        return rows if len(rows) == 2 else []

    pending = _wait_for(both_pending)
    assert {r.variant for r in pending} == {1, 2}
    assert all(any("gateway key 'alice'" in n for n in r.notes) for r in pending)
    worker.join(30)
    raw = answer["raw"]
    assert sorted(ids(raw.headers)) == sorted(r.id for r in pending)  # the same rows, filled
    filled = [history.get(i) for i in ids(raw.headers)]
    assert all(r.status == "ok" and r.image is not None for r in filled)
    assert all(n == 1 for n in (sum("gateway key 'alice'" in x for x in r.notes)
                                for r in filled))  # the notes are not repeated


def test_a_history_that_cannot_record_sends_nothing(oai: openai.OpenAI, history: Any, emu: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    full = sqlite3.OperationalError("database or disk is full")

    def refuse(result: Any) -> int:
        raise from_sqlite_error(full, history.db_path, "recording a request", 30.0)

    monkeypatch.setattr(history, "begin", refuse)
    with pytest.raises(openai.APIStatusError) as caught:
        oai.images.generate(model="nano-banana-pro", prompt="an owl that is never drawn")
    assert caught.value.status_code == 503 and caught.value.code == "history_unavailable"
    assert "Nothing was sent" in caught.value.message
    assert caught.value.response.headers["x-should-retry"] == "false"
    assert not [r for r in emu.control.requests() if "generateContent" in r["path"]]
