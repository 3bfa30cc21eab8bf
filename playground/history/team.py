"""Team mode's tables: the spend ledger, the budget counters checked against it, and the
audit log.

Budgets are checked before a request is sent, on its estimated cost. Each request sent is one
`spend` row: the estimate first, the cost counted from the server's usage once the answer is
in (`settle`). Beside the ledger, `budget_counters` holds what each scope ('team', and 'user:'
plus an email) has spent per UTC day: a check moves those rows with one upsert each, inside one
transaction, and rolls back when a cap would be passed. The row lock of an upsert makes the
next sender of that scope wait, on every replica, so two sessions can never both pass the last
dollar; the team's row is moved last, right before the commit, so it is held for as little as
possible (on PostgreSQL the whole check is one statement: history/postgres_budget.py). The
per-minute cap counts the user's ledger rows of the last 60 s after that user's row is locked,
so it is exact too. A deleted generation keeps its spend row: the money was
spent (docs/decisions.md, "Team mode").
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from playground.domain.errors import BudgetError, MinuteCapError
from playground.domain.team import Budgets
from playground.history.engine import Connection
from playground.history.store import HistoryStore

if TYPE_CHECKING:
    from playground.history.postgres import PgConnection

TEAM = "team"
SPENT = "COALESCE(cost_usd, estimate_usd)"  # what a row counts for: the cost once known
#: Add to a scope's counter for a day, creating it; the new totals.
ADD = ("INSERT INTO budget_counters (scope, day, spent_usd, requests) VALUES (?,?,?,?) "
       "ON CONFLICT (scope, day) DO UPDATE SET "
       "spent_usd = budget_counters.spent_usd + excluded.spent_usd, "
       "requests = budget_counters.requests + excluded.requests "
       "RETURNING spent_usd, requests")
EPSILON_USD = 1e-9  # sums of floats: $0.10 ten times is a hair under $1.00


def utc_day(at: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(at))


def user_scope(email: str) -> str:
    return f"user:{email}"


@dataclass(frozen=True)
class Charge:
    """One request about to be sent: who, where, and its estimated cost."""

    user_email: str
    backend: str
    model: str
    estimate_usd: float


def reserve(store: HistoryStore, charges: list[Charge], budgets: Budgets, *,
            now: float | None = None) -> list[int]:
    """Check every cap for these requests of one user together and record them; their spend
    ids. BudgetError (nothing recorded) when one would pass a cap."""
    if not charges:
        return []
    users = {c.user_email for c in charges}
    if len(users) != 1:
        raise ValueError(f"reserve() takes the requests of one user, not {len(users)}")
    now = time.time() if now is None else now
    day = utc_day(now)
    if store.engine.name == "postgresql":
        return _reserve_postgres(store, charges, budgets, day, now)
    with store.transaction() as conn:  # SQLite: every writer waits for this one
        _add_user(conn, charges, budgets, day, now)
        ids = [int(conn.execute(
            "INSERT INTO spend (created_at, day, user_email, backend, model, estimate_usd) "
            "VALUES (?,?,?,?,?,?)", (now, day, c.user_email, c.backend, c.model,
                                      c.estimate_usd)).lastrowid)
            for c in charges]
        asked = sum(c.estimate_usd for c in charges)
        (team, _) = conn.execute(ADD, (TEAM, day, asked, len(charges))).fetchone()
        _check_team(budgets, float(team) - asked, asked)  # raising rolls everything back
    return ids


def _add_user(conn: Connection, mine: list[Charge], budgets: Budgets, day: str,
              now: float) -> None:
    """Move one user's counter (its row stays locked until the commit) and check their caps."""
    asked = sum(c.estimate_usd for c in mine)
    (spent, _) = conn.execute(ADD, (user_scope(mine[0].user_email), day, asked,
                                    len(mine))).fetchone()
    if budgets.user_per_minute is not None:
        (recent,) = conn.execute("SELECT COUNT(*) FROM spend WHERE user_email=? AND "
                                 "created_at>?", (mine[0].user_email, now - 60.0)).fetchone()
        _check_minute(budgets.user_per_minute, int(recent), len(mine))
    _check_user(budgets, float(spent) - asked, asked)


def _reserve_postgres(store: HistoryStore, charges: list[Charge], budgets: Budgets, day: str,
                      now: float) -> list[int]:
    """The same checks in one statement (history/postgres_budget.py)."""
    from playground.history import postgres_budget

    def widened(cap: float | None) -> float | None:
        return None if cap is None else cap + EPSILON_USD

    email = charges[0].user_email
    asked = sum(c.estimate_usd for c in charges)
    params = {"email": email, "day": day, "now": now, "n": len(charges), "asked": asked,
              "per_minute": budgets.user_per_minute,
              "user_cap": widened(budgets.user_daily_usd),
              "team_cap": widened(budgets.team_daily_usd),
              "backends": [c.backend for c in charges], "models": [c.model for c in charges],
              "estimates": [c.estimate_usd for c in charges]}
    with store.guard("checking the budget"):
        conn = cast("PgConnection", store.connection())
        for _ in range(2):  # a second try when the team's spend went down since the refusal
            outcome = postgres_budget.check_and_move(conn, params)
            if outcome.ids:
                return outcome.ids
            if budgets.user_per_minute is not None:
                _check_minute(budgets.user_per_minute, outcome.recent, len(charges))
            _check_user(budgets, outcome.user_spent_usd, asked)
            _check_team(budgets, postgres_budget.team_spent(conn, day), asked)
    raise BudgetError("Not sent: the team's daily budget is nearly spent and others are "
                      "sending at the same moment.", hint="Try again in a moment.")


def _check_team(budgets: Budgets, team: float, asked: float) -> None:
    if budgets.team_daily_usd is not None and team + asked > budgets.team_daily_usd + EPSILON_USD:
        raise BudgetError(
            f"Not sent: the team's daily budget is ${budgets.team_daily_usd:.2f} and "
            f"${team:.2f} is spent today (UTC); this would cost about ${asked:.2f}.",
            hint="It frees up at midnight UTC, or an operator can raise "
                 "PLAYGROUND_BUDGET_TEAM_DAILY_USD.")


def _check_minute(cap: int, recent: int, asked: int) -> None:
    if recent + asked > cap:
        raise MinuteCapError(
            f"Not sent: at most {cap} requests per minute per person, "
            f"and you sent {recent} in the last minute.", hint="Wait a minute and try again.")


def _check_user(budgets: Budgets, spent: float, asked: float) -> None:
    if budgets.user_daily_usd is not None and spent + asked > budgets.user_daily_usd + EPSILON_USD:
        raise BudgetError(
            f"Not sent: your daily budget is ${budgets.user_daily_usd:.2f} and you have "
            f"spent ${spent:.2f} today (UTC); this would cost about ${asked:.2f}.",
            hint="It frees up at midnight UTC, or an operator can raise "
                 "PLAYGROUND_BUDGET_USER_DAILY_USD.")


def _move(conn: Connection, day: str, moves: dict[str, tuple[float, int]]) -> None:
    """Add (usd, requests) to each user's counter of `day`, then the sum to the team's: the
    order reserve locks them in, so the two never wait on each other."""
    for email in sorted(moves):
        _add(conn, user_scope(email), day, *moves[email])
    _add(conn, TEAM, day, sum(m[0] for m in moves.values()), sum(m[1] for m in moves.values()))


def _add(conn: Connection, scope: str, day: str, usd: float, requests: int) -> None:
    conn.execute("UPDATE budget_counters SET spent_usd = spent_usd + ?, requests = requests + ? "
                 "WHERE scope=? AND day=?", (usd, requests, scope, day))


def settle(store: HistoryStore, spend_id: int, *, generation_id: int | None,
           cost_usd: float | None) -> None:
    """Record what a request cost (from the server's counters); None keeps the estimate
    (an answer that never came may still be billed)."""
    with store.transaction() as conn:
        row = conn.execute(f"SELECT day, user_email, {SPENT} FROM spend WHERE id=?",
                           (spend_id,)).fetchone()
        if row is None:
            return
        conn.execute("UPDATE spend SET generation_id=?, cost_usd=COALESCE(?, cost_usd) "
                     "WHERE id=?", (generation_id, cost_usd, spend_id))
        if cost_usd is not None and cost_usd != float(row[2]):
            _move(conn, row[0], {row[1]: (cost_usd - float(row[2]), 0)})


def release(store: HistoryStore, spend_ids: list[int]) -> None:
    """Forget reservations whose requests were never sent."""
    with store.transaction() as conn:
        days: dict[str, dict[str, tuple[float, int]]] = {}
        for spend_id in spend_ids:
            row = conn.execute(f"DELETE FROM spend WHERE id=? AND generation_id IS NULL "
                               f"RETURNING day, user_email, {SPENT}", (spend_id,)).fetchone()
            if row is not None:
                usd, n = days.setdefault(row[0], {}).get(row[1], (0.0, 0))
                days[row[0]][row[1]] = (usd - float(row[2]), n - 1)
        for day in sorted(days):
            _move(conn, day, days[day])


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
