"""Team mode's tables: the spend ledger that budgets are checked against, and the audit log.

Budgets are checked before a request is sent, on its estimated cost, inside one transaction
that holds the lock "budget" (PostgreSQL: an advisory lock every replica waits for; SQLite: the
write lock), so two sessions on two replicas can never both pass the last dollar. Each request
sent is one `spend` row: the estimate first, the cost counted from the server's usage once the
answer is in (`settle`). A day is a UTC day. A deleted generation keeps its spend row: the
money was spent (docs/decisions.md, "Team mode").
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from playground.domain.errors import BudgetError
from playground.domain.team import Budgets
from playground.history.store import HistoryStore

BUDGET_LOCK = "budget"
SPENT = "COALESCE(cost_usd, estimate_usd)"  # what a row counts for: the cost once known


def utc_day(at: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(at))


@dataclass(frozen=True)
class Charge:
    """One request about to be sent: who, where, and its estimated cost."""

    user_email: str
    backend: str
    model: str
    estimate_usd: float


def reserve(store: HistoryStore, charges: list[Charge], budgets: Budgets, *,
            now: float | None = None) -> list[int]:
    """Check every cap for these requests together and record them; their spend ids.
    BudgetError (nothing recorded) when one would pass a cap."""
    now = time.time() if now is None else now
    day = utc_day(now)
    users = sorted({c.user_email for c in charges})
    # Only a team cap makes every sender wait for every other; user caps lock one user.
    lock = BUDGET_LOCK if budgets.team_daily_usd is not None or len(users) != 1 \
        else f"{BUDGET_LOCK}:{users[0]}"
    with store.transaction(lock=lock) as conn:
        for user in users:
            mine = [c for c in charges if c.user_email == user]
            team, spent, recent = conn.execute(  # one round trip for all three caps
                f"SELECT COALESCE(SUM(CASE WHEN day=? THEN {SPENT} END), 0), "
                f"COALESCE(SUM(CASE WHEN day=? AND user_email=? THEN {SPENT} END), 0), "
                "COUNT(CASE WHEN user_email=? AND created_at>? THEN 1 END) "
                "FROM spend WHERE day=? OR created_at>?",
                (day, day, user, user, now - 60.0, day, now - 60.0)).fetchone()
            _check_user(mine, budgets, float(spent), int(recent))
        _check_team(charges, budgets, float(team))
        ids = []
        for c in charges:
            cur = conn.execute(
                "INSERT INTO spend (created_at, day, user_email, backend, model, estimate_usd) "
                "VALUES (?,?,?,?,?,?)", (now, day, c.user_email, c.backend, c.model,
                                          c.estimate_usd))
            ids.append(int(cur.lastrowid))
    return ids


def _check_team(charges: list[Charge], budgets: Budgets, team: float) -> None:
    asked = sum(c.estimate_usd for c in charges)
    if budgets.team_daily_usd is not None and team + asked > budgets.team_daily_usd + 1e-9:
        raise BudgetError(
            f"Not sent: the team's daily budget is ${budgets.team_daily_usd:.2f} and "
            f"${team:.2f} is spent today (UTC); this would cost about ${asked:.2f}.",
            hint="It frees up at midnight UTC, or an operator can raise "
                 "PLAYGROUND_BUDGET_TEAM_DAILY_USD.")


def _check_user(charges: list[Charge], budgets: Budgets, spent: float, recent: int) -> None:
    if budgets.user_per_minute is not None and recent + len(charges) > budgets.user_per_minute:
        raise BudgetError(
            f"Not sent: at most {budgets.user_per_minute} requests per minute per person, "
            f"and you sent {recent} in the last minute.", hint="Wait a minute and try again.")
    asked = sum(c.estimate_usd for c in charges)
    if budgets.user_daily_usd is not None and spent + asked > budgets.user_daily_usd + 1e-9:
        raise BudgetError(
            f"Not sent: your daily budget is ${budgets.user_daily_usd:.2f} and you have "
            f"spent ${spent:.2f} today (UTC); this would cost about ${asked:.2f}.",
            hint="It frees up at midnight UTC, or an operator can raise "
                 "PLAYGROUND_BUDGET_USER_DAILY_USD.")


def settle(store: HistoryStore, spend_id: int, *, generation_id: int | None,
           cost_usd: float | None) -> None:
    """Record what a request cost (from the server's counters); None keeps the estimate
    (an answer that never came may still be billed)."""
    with store.transaction() as conn:
        conn.execute("UPDATE spend SET generation_id=?, cost_usd=COALESCE(?, cost_usd) "
                     "WHERE id=?", (generation_id, cost_usd, spend_id))


def release(store: HistoryStore, spend_ids: list[int]) -> None:
    """Forget reservations whose requests were never sent."""
    with store.transaction() as conn:
        conn.executemany("DELETE FROM spend WHERE id=? AND generation_id IS NULL",
                         [(i,) for i in spend_ids])


@dataclass(frozen=True)
class UsageRow:
    day: str
    user_email: str
    backend: str
    model: str
    requests: int
    cost_usd: float  # counted where known, estimated otherwise
    estimated_usd: float  # the part of cost_usd that is still an estimate


def usage(store: HistoryStore, *, user_email: str | None = None, since_day: str | None = None
          ) -> list[UsageRow]:
    """Spend per day, user, platform and model, newest day first (one user's, or everyone's)."""
    clauses, args = [], []
    if user_email is not None:
        clauses.append("user_email=?")
        args.append(user_email)
    if since_day is not None:
        clauses.append("day>=?")
        args.append(since_day)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with store.guard("reading the usage"):
        rows = store.connection().execute(
            f"SELECT day, user_email, backend, model, COUNT(*), COALESCE(SUM({SPENT}), 0), "
            "COALESCE(SUM(CASE WHEN cost_usd IS NULL THEN estimate_usd ELSE 0 END), 0) "
            f"FROM spend {where} GROUP BY day, user_email, backend, model "
            "ORDER BY day DESC, user_email, backend, model", args).fetchall()
    return [UsageRow(r[0], r[1], r[2], r[3], int(r[4]), round(float(r[5]), 6),
                     round(float(r[6]), 6)) for r in rows]


@dataclass(frozen=True)
class AuditEntry:
    created_at: float
    user_email: str
    action: str
    detail: str


def record_audit(store: HistoryStore, user_email: str, action: str, detail: str = "") -> None:
    """One line of the audit log: sign-ins, role denials, budget refusals, settings views,
    deletions."""
    with store.transaction() as conn:
        conn.execute("INSERT INTO audit (created_at, user_email, action, detail) "
                     "VALUES (?,?,?,?)", (time.time(), user_email, action, detail[:500]))


def audit_log(store: HistoryStore, *, limit: int = 200, action: str | None = None
              ) -> list[AuditEntry]:
    where, args = ("WHERE action=?", [action]) if action else ("", [])
    with store.guard("reading the audit log"):
        rows = store.connection().execute(
            f"SELECT created_at, user_email, action, detail FROM audit {where} "
            "ORDER BY created_at DESC, id DESC LIMIT ?", [*args, limit]).fetchall()
    return [AuditEntry(float(r[0]), r[1], r[2], r[3]) for r in rows]
