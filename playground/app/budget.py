"""Spend caps in the app: every request is charged to its sender before it is sent, and
settled with what it cost when the answer is in (history/team.py; docs/decisions.md,
"Team mode"). In the single-user default nothing is recorded and nothing is capped."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from playground.app.identity import User
from playground.app.runtime import Runtime
from playground.bench.matrix import Plan
from playground.domain import catalog
from playground.domain.errors import BudgetError
from playground.domain.types import GenerationResult, ImageRequest
from playground.history.team import Charge, record_audit, release, reserve, settle


def charge(runtime: Runtime, user: User, requests: list[tuple[str, ImageRequest]]
           ) -> dict[str, list[int]]:
    """Reserve each (backend, request) about to be sent for `user`; backend → spend ids.
    BudgetError (audited) when a cap would be passed: then nothing is sent."""
    team = runtime.settings.team
    if not team.is_team:
        return {}
    charges = [Charge(user.email, backend, r.model,
                      catalog.list_price_per_image(r.model, r.image_size))
               for backend, r in requests]
    try:
        ids = reserve(runtime.store, charges, team.budgets)
    except BudgetError as exc:
        record_audit(runtime.store, user.email, "budget refused", str(exc))
        raise
    out: dict[str, list[int]] = {}
    for (backend, _), spend_id in zip(requests, ids, strict=True):
        out.setdefault(backend, []).append(spend_id)
    return out


def charge_run(runtime: Runtime, user: User, plan: Plan) -> None:
    """A benchmark run is charged up front at its tasks' list prices against the daily caps
    (not the per-minute one: a run paces itself); BudgetError (audited) stops it starting."""
    team = runtime.settings.team
    if not team.is_team:
        return
    charges = [Charge(user.email, t.cell.backend, t.cell.model,
                      catalog.list_price_per_image(t.cell.model, t.cell.image_size))
               for t in plan.tasks]
    daily = replace(team.budgets, user_per_minute=None)
    try:
        reserve(runtime.store, charges, daily)
    except BudgetError as exc:
        record_audit(runtime.store, user.email, "budget refused", f"benchmark: {exc}")
        raise


def attribute_run(runtime: Runtime, user: User, run_id: str) -> None:
    if runtime.settings.team.is_team:
        with runtime.store.transaction() as conn:
            conn.execute("UPDATE bench_runs SET user_email=? WHERE id=?", (user.email, run_id))


def counted_cost(result: GenerationResult) -> float | None:
    """The cost the server's counters give; 0 for an error the server answered without usage
    (not billed); None when unknown (the estimate stands)."""
    if result.cost_usd is not None:
        return result.cost_usd
    if result.status == "error" and result.usage is None and result.http_status is not None:
        return 0.0
    return None


def settler(runtime: Runtime, spend: dict[str, list[int]],
            then: Callable[[GenerationResult], None] | None = None
            ) -> Callable[[GenerationResult], None]:
    """The job's on_saved: settle one of the result's backend's spend rows, then `then`."""
    lock = threading.Lock()

    def on_saved(result: GenerationResult) -> None:
        with lock:
            left = spend.get(result.backend) or []
            spend_id = left.pop(0) if left else None
        if spend_id is not None:
            settle(runtime.store, spend_id, generation_id=result.id,
                   cost_usd=counted_cost(result))
        if then is not None:
            then(result)
    return on_saved


def refund(runtime: Runtime, spend: dict[str, list[int]]) -> None:
    """Forget the reservations of requests that were never sent."""
    ids = [i for group in spend.values() for i in group]
    if ids:
        release(runtime.store, ids)


