"""The budget check on PostgreSQL in one round trip (history/team.py holds the rules).

Two statements are sent together in psycopg's pipeline mode
(https://www.psycopg.org/psycopg3/docs/advanced/pipeline.html) and run in order in one
implicit transaction, committed at the pipeline's sync: lock the user's counter row; then one
statement that counts the user's last minute, checks every cap and, only when all pass, moves
both counters and writes the spend rows. The count is a statement of its own after the
lock, so it sees every row another session of the same user committed before; the team's row
is moved by `INSERT … ON CONFLICT DO UPDATE … WHERE spent + asked <= cap`, which reads its
newest version even when it had to wait for it
(https://www.postgresql.org/docs/15/sql-insert.html), and is locked only from that statement
to the commit, with no client round trip in between. A refusal
moves nothing: every write in the statement depends on the team's row having moved.

The statement is PostgreSQL's own (data-modifying WITH); SQLite runs the plain statements of
history/team.py under its one write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.history.postgres import PgConnection

LOCK_USER = ("INSERT INTO budget_counters (scope, day) VALUES (%(scope)s, %(day)s) "
             "ON CONFLICT (scope, day) DO UPDATE SET requests = budget_counters.requests")

CHECK_AND_MOVE = """
WITH recent AS (
    SELECT COUNT(*) AS n FROM spend WHERE user_email = %(email)s AND created_at > %(since)s),
mine AS (SELECT spent_usd FROM budget_counters WHERE scope = %(scope)s AND day = %(day)s),
allowed AS (
    SELECT 1 FROM recent, mine
    WHERE (%(per_minute)s::bigint IS NULL OR recent.n + %(n)s <= %(per_minute)s::bigint)
      AND (%(user_cap)s::float8 IS NULL OR mine.spent_usd + %(asked)s <= %(user_cap)s::float8)),
team AS (
    INSERT INTO budget_counters AS c (scope, day, spent_usd, requests)
    SELECT 'team', %(day)s, %(asked)s, %(n)s FROM allowed
    WHERE %(team_cap)s::float8 IS NULL OR %(asked)s <= %(team_cap)s::float8
    ON CONFLICT (scope, day) DO UPDATE
        SET spent_usd = c.spent_usd + excluded.spent_usd, requests = c.requests + excluded.requests
        WHERE %(team_cap)s::float8 IS NULL OR c.spent_usd + excluded.spent_usd <= %(team_cap)s::float8
    RETURNING spent_usd),
moved AS (
    UPDATE budget_counters SET spent_usd = spent_usd + %(asked)s, requests = requests + %(n)s
    WHERE scope = %(scope)s AND day = %(day)s AND EXISTS (SELECT 1 FROM team) RETURNING 1),
sent AS (
    INSERT INTO spend (created_at, day, user_email, backend, model, estimate_usd)
    SELECT %(now)s, %(day)s, %(email)s, v.backend, v.model, v.estimate
    FROM unnest(%(backends)s::text[], %(models)s::text[], %(estimates)s::float8[])
        WITH ORDINALITY AS v(backend, model, estimate, n)
    WHERE EXISTS (SELECT 1 FROM team) ORDER BY v.n
    RETURNING id)
SELECT (SELECT n FROM recent), (SELECT spent_usd FROM mine), (SELECT spent_usd FROM team),
       ARRAY(SELECT id FROM sent ORDER BY id), (SELECT COUNT(*) FROM moved)
"""

TEAM_SPENT = "SELECT spent_usd FROM budget_counters WHERE scope = 'team' AND day = %(day)s"


@dataclass(frozen=True)
class Outcome:
    """What the statement saw and did: `ids` is empty when a cap refused."""

    recent: int
    user_spent_usd: float
    team_spent_usd: float | None  # after this reservation; None when refused
    ids: list[int]


def check_and_move(conn: PgConnection, params: dict[str, Any]) -> Outcome:
    """Run the check in one round trip; on a refusal nothing is written. `params` names
    email, scope, day, now, since, n, asked, per_minute, user_cap, team_cap (caps None when
    unset, already widened by the caller's tolerance) and backends, models, estimates."""
    raw = conn.raw
    with raw.pipeline():  # one implicit transaction: committed at its end, undone by an error
        raw.execute(LOCK_USER, params)
        cursor = raw.execute(CHECK_AND_MOVE, params)
    recent, spent, team, ids, _moved = cursor.fetchone() or (0, 0.0, None, [], 0)
    return Outcome(int(recent), float(spent), None if team is None else float(team),
                   [int(i) for i in ids])


def team_spent(conn: PgConnection, day: str) -> float:
    """The team's counter now (for a refusal's message: it read the counter as it waited)."""
    row = conn.raw.execute(TEAM_SPENT, {"day": day}).fetchone()
    return float(row[0]) if row else 0.0
