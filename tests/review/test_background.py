"""Background tasks: shared by key, progress visible, failures and cancels can be retried."""

from __future__ import annotations

import threading

from playground.review.background import TaskRunner


def test_same_key_shares_one_run_and_reports_progress() -> None:
    runner = TaskRunner()
    gate = threading.Event()
    calls = []

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        calls.append(1)
        progress(1, 2)
        gate.wait(5)
        progress(2, 2)
        return "done"

    first = runner.submit(("k",), work)
    second = runner.submit(("k",), work)
    assert first is second
    gate.set()
    assert first.result() == "done" and first.fraction == 1.0 and calls == [1]
    assert runner.submit(("k",), work) is first  # finished well: reused


def test_failed_and_cancelled_tasks_run_again() -> None:
    runner = TaskRunner()

    def boom(progress, cancel):  # type: ignore[no-untyped-def]
        raise ValueError("nope")

    failed = runner.submit(("x",), boom)
    failed.future.exception(5)
    assert isinstance(failed.error, ValueError)
    retried = runner.submit(("x",), lambda p, c: 42)
    assert retried is not failed and retried.result() == 42

    def wait_for_cancel(progress, cancel):  # type: ignore[no-untyped-def]
        return "cancelled" if cancel.wait(5) else "ran"

    task = runner.submit(("c",), wait_for_cancel)
    task.cancel()
    assert task.result() == "cancelled"
