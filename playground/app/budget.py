"""Spend caps in the app: every request is charged to its sender before it is sent, and
settled with what it cost when the answer is in (history/team.py; docs/decisions.md,
"Team mode"). In the single-user default nothing is recorded and nothing is capped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from playground.app.identity import User
from playground.app.runtime import Runtime
from playground.bench.matrix import Plan
from playground.domain import catalog
from playground.domain.errors import BudgetError
from playground.domain.types import GenerationResult, ImageRequest
from playground.history.team import Charge, record_audit, release, reserve, settle


def charge(runtime: Runtime, user: User, request: ImageRequest,
           backends: list[str]) -> dict[str, int]:
    """Reserve one request per backend for `user`; backend → spend id. BudgetError (audited)
    when a cap would be passed: then nothing is sent."""
    team = runtime.settings.team
    if not team.is_team:
        return {}
    price = catalog.list_price_per_image(request.model, request.image_size)
    charges = [Charge(user.email, b, request.model, price) for b in backends]
    try:
        ids = reserve(runtime.store, charges, team.budgets)
    except BudgetError as exc:
        record_audit(runtime.store, user.email, "budget refused", str(exc))
        raise
    return dict(zip(backends, ids, strict=True))


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


def settler(runtime: Runtime, spend: dict[str, int],
            then: Callable[[GenerationResult], None] | None = None
            ) -> Callable[[GenerationResult], None]:
    """The job's on_saved: settle the result's spend row, then `then`."""
    def on_saved(result: GenerationResult) -> None:
        spend_id = spend.get(result.backend)
        if spend_id is not None:
            settle(runtime.store, spend_id, generation_id=result.id,
                   cost_usd=counted_cost(result))
        if then is not None:
            then(result)
    return on_saved


def refund(runtime: Runtime, spend: dict[str, int]) -> None:
    """Forget the reservations of requests that were never sent."""
    if spend:
        release(runtime.store, list(spend.values()))


