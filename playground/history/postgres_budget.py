"""The budget check on PostgreSQL in one statement (history/team.py holds the rules).

`budget_reserve` (migration "budget counters", history/migrations.py) runs as one statement,
so in one transaction, in one round trip: it locks the user's counter row, then counts the
user's last minute (in a PL/pgSQL function every query sees what was committed before it
started, https://www.postgresql.org/docs/15/xfunc-volatility.html, so the count includes every
request another session of the same user committed while this one waited for the row), checks
the user's caps, moves the user's row and writes the spend rows, and only then moves the team's
row with `INSERT … ON CONFLICT DO UPDATE … WHERE spent + asked <= cap` (which reads the row's
newest version even after waiting for it, https://www.postgresql.org/docs/15/sql-insert.html).
The team's row, the one every sender shares, is so locked only from that last statement to the
commit. When the team's cap refuses, the function raises and the statement's writes are undone
(`check_and_move` turns that into a refusal). A refusal moves nothing.

SQLite runs the plain statements of history/team.py under its one write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from playground.history.postgres import PgConnection

#: Created by the migration "budget counters" (history/migrations.py `postgres_only`); like
#: every migration, never edit it once shipped: a change is a new migration.
RESERVE_FUNCTION = """
CREATE FUNCTION budget_reserve(p_email text, p_day text, p_now float8, p_n bigint,
    p_asked float8, p_per_minute bigint, p_user_cap float8, p_team_cap float8,
    p_backends text[], p_models text[], p_estimates float8[],
    OUT recent bigint, OUT user_spent float8, OUT team_spent float8, OUT ids bigint[])
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO budget_counters AS c (scope, day) VALUES ('user:' || p_email, p_day)
    ON CONFLICT (scope, day) DO UPDATE SET requests = c.requests
    RETURNING c.spent_usd INTO user_spent;
  SELECT COUNT(*) INTO recent FROM spend WHERE user_email = p_email AND created_at > p_now - 60;
  IF (p_per_minute IS NOT NULL AND recent + p_n > p_per_minute)
     OR (p_user_cap IS NOT NULL AND user_spent + p_asked > p_user_cap) THEN
    ids := '{}'; RETURN;
  END IF;
  UPDATE budget_counters SET spent_usd = spent_usd + p_asked, requests = requests + p_n
    WHERE scope = 'user:' || p_email AND day = p_day;
  WITH sent AS (
    INSERT INTO spend (created_at, day, user_email, backend, model, estimate_usd)
    SELECT p_now, p_day, p_email, v.b, v.m, v.e
    FROM unnest(p_backends, p_models, p_estimates) WITH ORDINALITY AS v(b, m, e, n) ORDER BY v.n
    RETURNING id)
  SELECT array_agg(id ORDER BY id) INTO ids FROM sent;
  INSERT INTO budget_counters AS c (scope, day, spent_usd, requests)
    SELECT 'team', p_day, p_asked, p_n WHERE p_team_cap IS NULL OR p_asked <= p_team_cap
    ON CONFLICT (scope, day) DO UPDATE
      SET spent_usd = c.spent_usd + excluded.spent_usd, requests = c.requests + excluded.requests
      WHERE p_team_cap IS NULL OR c.spent_usd + excluded.spent_usd <= p_team_cap
    RETURNING c.spent_usd INTO team_spent;
  IF team_spent IS NULL THEN  -- undo the user's part: the statement fails, nothing is kept
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'budget_reserve: team cap';
  END IF;
END $$;
"""

RESERVE = ("SELECT recent, user_spent, team_spent, ids FROM budget_reserve("
           "%(email)s, %(day)s, %(now)s, %(n)s, %(asked)s, %(per_minute)s, %(user_cap)s, "
           "%(team_cap)s, %(backends)s, %(models)s, %(estimates)s)")
TEAM_SPENT = "SELECT spent_usd FROM budget_counters WHERE scope = 'team' AND day = %(day)s"


@dataclass(frozen=True)
class Outcome:
    """What the check saw and did: `ids` is empty when a cap refused."""

    recent: int
    user_spent_usd: float  # before this reservation
    ids: list[int]


def check_and_move(conn: PgConnection, params: dict[str, Any]) -> Outcome:
    """Run the check; on a refusal nothing is written. `params` names email, day, now, n,
    asked, per_minute, user_cap, team_cap (caps None when unset, already widened by the
    caller's tolerance) and backends, models, estimates (one per request)."""
    try:
        row = conn.raw.execute(RESERVE, params).fetchone()
    except psycopg.errors.RaiseException as exc:
        if "budget_reserve: team cap" not in str(exc):
            raise
        return Outcome(0, 0.0, [])  # the user's caps passed; the team's refused
    recent, spent, _team, ids = row if row else (0, 0.0, None, None)
    return Outcome(int(recent or 0), float(spent or 0.0), [int(i) for i in ids or []])


def team_spent(conn: PgConnection, day: str) -> float:
    """The team's counter now (for a refusal's message)."""
    row = conn.raw.execute(TEAM_SPENT, {"day": day}).fetchone()
    return float(row[0]) if row else 0.0
