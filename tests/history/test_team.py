"""Team mode's tables on both engines: budgets exact under races, settled with the counted
cost, usage per day/user/platform/model, the audit log; and who may sign in with which role."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from playground.config import load_settings
from playground.domain.errors import BudgetError, ConfigError
from playground.domain.team import Budgets, email_from_header, may, parse_users
from playground.history import migrations
from playground.history.store import HistoryStore
from playground.history.team import (
    Charge,
    audit_log,
    record_audit,
    release,
    reserve,
    settle,
    usage,
    utc_day,
)
from tests.history import OpenStore

NOON = 1_800_000_000.0  # a fixed instant, so a test never straddles midnight UTC


def charge(user: str = "ana@example.com", usd: float = 0.134, backend: str = "aistudio") -> Charge:
    return Charge(user, backend, "gemini-3-pro-image-preview", usd)


def test_twenty_sessions_racing_for_the_last_dollars_pass_the_cap_exactly(
        open_store: OpenStore, tmp_path: Path) -> None:
    """Daily cap $1.00, 20 sessions on 4 store objects (as 4 replicas) each asking $0.10 three
    times: exactly 10 reservations pass, none more, every refusal says why."""
    stores = [open_store(tmp_path) for _ in range(4)]
    budgets = Budgets(team_daily_usd=1.0)
    passed, refused = race(stores, 20, lambda store, n: reserve(
        store, [charge(f"u{n}@example.com", 0.1)], budgets, now=NOON), rounds=3)
    assert len(passed) == 10 and len(set(passed)) == 10
    assert len(refused) == 50 and all("team's daily budget is $1.00" in r for r in refused)
    assert sum(r.cost_usd for r in usage(stores[0])) == pytest.approx(1.0)


def race(stores: list[HistoryStore], sessions: int, attempt: Callable[[HistoryStore, int], list[int]],
         *, rounds: int = 1) -> tuple[list[int], list[str]]:
    """`attempt(store, n)` from `sessions` threads at once (`rounds` times each), on stores
    taken in turn; the ids that passed and the refusals' messages (any other error fails the
    test)."""
    passed: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(sessions)

    def session(n: int) -> None:
        barrier.wait()
        for _ in range(rounds):
            try:
                ids = attempt(stores[n % len(stores)], n)
                with lock:
                    passed.extend(ids)
            except BudgetError as exc:
                with lock:
                    refused.append(str(exc))
            except BaseException as exc:  # noqa: BLE001 - asserted below
                errors.append(exc)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    return passed, refused


def test_one_users_sessions_racing_pass_their_minute_and_daily_caps_exactly(
        open_store: OpenStore, tmp_path: Path) -> None:
    """One person in 20 tabs on 4 replicas at once, three times: 4 requests a minute pass, no
    more; then their daily cap of $0.50 in $0.10 steps passes 5, no more, while another
    person's requests are not held back."""
    stores = [open_store(tmp_path) for _ in range(4)]
    minute = Budgets(user_per_minute=4)
    for start in (NOON, NOON + 61, NOON + 122):  # each a new minute
        passed, refused = race(stores, 20, lambda s, n, t=start: reserve(
            s, [charge(usd=0.01)], minute, now=t + n / 100))
        assert len(passed) == 4 and len(set(passed)) == 4
        assert len(refused) == 16 and all("at most 4 requests per minute" in r for r in refused)
    daily = Budgets(user_daily_usd=0.54)
    passed, refused = race(stores, 12, lambda s, n: reserve(
        s, [charge("bo@example.com" if n % 2 else "cy@example.com", 0.1)], daily,
        now=NOON + 200))
    assert len(passed) == 10 and len(refused) == 2
    assert all("your daily budget is $0.54 and you have spent $0.50" in r for r in refused)
    assert counters(stores[0]) == ledger(stores[0])


def counters(store: HistoryStore) -> dict[tuple[str, str], tuple[float, int]]:
    rows = store.connection().execute("SELECT scope, day, spent_usd, requests FROM "
                                      "budget_counters WHERE requests <> 0 OR spent_usd <> 0")
    return {(r[0], r[1]): (round(float(r[2]), 6), int(r[3])) for r in rows}


def ledger(store: HistoryStore) -> dict[tuple[str, str], tuple[float, int]]:
    """What the counters must say, summed from the spend ledger."""
    out: dict[tuple[str, str], tuple[float, int]] = {}
    for scope in ("'team'", "'user:' || user_email"):
        for r in store.connection().execute(
                f"SELECT {scope}, day, SUM(COALESCE(cost_usd, estimate_usd)), COUNT(*) "
                f"FROM spend GROUP BY 1, 2"):
            out[(r[0], r[1])] = (round(float(r[2]), 6), int(r[3]))
    return out


def test_a_reservation_is_one_persons(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with pytest.raises(ValueError, match="one user"):
        reserve(store, [charge(), charge("bo@example.com")], Budgets())
    assert reserve(store, [], Budgets(team_daily_usd=0.0)) == []


def test_user_caps_count_the_settled_cost_and_the_minute(open_store: OpenStore,
                                                          tmp_path: Path) -> None:
    store = open_store(tmp_path)
    budgets = Budgets(user_daily_usd=0.30, user_per_minute=3)
    (first,) = reserve(store, [charge()], budgets, now=NOON)
    settle(store, first, generation_id=None, cost_usd=0.05)  # cheaper than estimated
    reserve(store, [charge(usd=0.2)], budgets, now=NOON + 1)  # 0.05 + 0.2 ≤ 0.30
    with pytest.raises(BudgetError, match=r"your daily budget is \$0.30 and you have spent "
                                          r"\$0.25 today"):
        reserve(store, [charge(usd=0.1)], budgets, now=NOON + 2)
    reserve(store, [charge("bo@example.com", 0.01)] * 3, budgets, now=NOON + 3)
    with pytest.raises(BudgetError, match="at most 3 requests per minute"):
        reserve(store, [charge("bo@example.com", 0.01)], budgets, now=NOON + 4)
    reserve(store, [charge("bo@example.com", 0.01)], budgets, now=NOON + 70)  # a minute later
    assert reserve(store, [charge()], budgets, now=NOON + 86_400)  # a new UTC day


def test_usage_and_refunds(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    ids = reserve(store, [charge(), charge(backend="vertex")], Budgets(), now=NOON)
    settle(store, ids[0], generation_id=None, cost_usd=0.1375)
    reserve(store, [charge("bo@example.com")], Budgets(), now=NOON)
    gone = reserve(store, [charge("bo@example.com")], Budgets(), now=NOON)
    release(store, gone)  # never sent
    rows = usage(store)
    assert [(r.user_email, r.backend, r.requests, r.cost_usd, r.estimated_usd) for r in rows] == [
        ("ana@example.com", "aistudio", 1, 0.1375, 0.0),
        ("ana@example.com", "vertex", 1, 0.134, 0.134),
        ("bo@example.com", "aistudio", 1, 0.134, 0.134)]
    assert {r.day for r in rows} == {utc_day(NOON)}
    assert [r.user_email for r in usage(store, user_email="bo@example.com")] == ["bo@example.com"]
    assert usage(store, since_day=utc_day(NOON + 86_400)) == []
    assert counters(store) == ledger(store) == {
        ("team", utc_day(NOON)): (0.4055, 3), ("user:ana@example.com", utc_day(NOON)): (0.2715, 2),
        ("user:bo@example.com", utc_day(NOON)): (0.134, 1)}


def test_the_counters_start_from_the_ledger_of_an_older_history(
        database_url: str | None, request: pytest.FixtureRequest, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A history from before the counters (migration 8) keeps its day's spend: the migration
    fills the counters from the ledger, and the caps count it."""
    server = request.getfixturevalue("pg_server") if database_url else None
    url = server.create_database() if server else None  # its own: it starts at version 8
    full = list(migrations.MIGRATIONS)
    monkeypatch.setattr(migrations, "MIGRATIONS", full[:8])
    old = HistoryStore(tmp_path, database_url=url)
    with old.transaction() as conn:
        conn.executemany(
            "INSERT INTO spend (created_at, day, user_email, backend, model, estimate_usd, "
            "cost_usd) VALUES (?,?,?,?,?,?,?)",
            [(NOON, utc_day(NOON), "ana@example.com", "aistudio", "m", 0.134, 0.2),
             (NOON, utc_day(NOON), "ana@example.com", "vertex", "m", 0.134, None),
             (NOON - 86_400, utc_day(NOON - 86_400), "bo@example.com", "aistudio", "m", 0.1,
              None)])
    old.close()
    monkeypatch.setattr(migrations, "MIGRATIONS", full)
    store = HistoryStore(tmp_path, database_url=url)
    try:
        assert store.schema_version == len(full)
        assert counters(store) == ledger(store)
        assert counters(store)[("team", utc_day(NOON))] == (0.334, 2)
        with pytest.raises(BudgetError, match=r"you have spent \$0.33 today"):
            reserve(store, [charge(usd=0.1)], Budgets(user_daily_usd=0.4), now=NOON)
    finally:
        store.close()
        if server and url:
            server.drop_database(url)


def test_audit_log(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    record_audit(store, "ana@example.com", "sign-in", "role member")
    record_audit(store, "eve@else.org", "denied", "signed in but not on the team's list")
    entries = audit_log(store)
    assert [(e.user_email, e.action) for e in entries] == [("eve@else.org", "denied"),
                                                           ("ana@example.com", "sign-in")]
    assert [e.action for e in audit_log(store, action="sign-in")] == ["sign-in"]


@pytest.mark.parametrize(("header", "email"), [
    ("accounts.google.com:Ana@Example.com", "ana@example.com"),
    ("bo@example.com", "bo@example.com"),
    (None, None), ("", None), ("accounts.google.com:", None), ("not an email", None),
    ("a@b.com, c@d.com", None), ("a@localhost", None), ("<a@b.com>", None),
])
def test_email_from_the_proxy_header(header: str | None, email: str | None) -> None:
    assert email_from_header(header) == email


def test_roles_from_the_users_file(tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    users.write_text('[users]\n"Ops@Example.com" = "operator"\n"@example.com" = "member"\n'
                     '"view@example.com" = "viewer"\n')
    team = load_settings(env={"PLAYGROUND_AUTH": "proxy", "PLAYGROUND_USERS": str(users),
                              "PLAYGROUND_BUDGET_USER_DAILY_USD": "5",
                              "PLAYGROUND_BUDGET_USER_PER_MINUTE": "10"}).team
    assert team.is_team and team.budgets == Budgets(5.0, None, 10)
    assert team.role_of("ops@example.com") == "operator"
    assert team.role_of("view@example.com") == "viewer"
    assert team.role_of("new@example.com") == "member"
    assert team.role_of("new@evil-example.com") is None and team.role_of("") is None
    assert may("viewer", "browse") and may("viewer", "vote") and not may("viewer", "generate")
    assert may("member", "generate") and not may("member", "settings")
    assert not may(None, "browse")


@pytest.mark.parametrize(("env", "message"), [
    ({"PLAYGROUND_AUTH": "proxy"}, "needs PLAYGROUND_USERS"),
    ({"PLAYGROUND_AUTH": "ldap"}, "is not one of none, proxy, oidc"),
    ({"PLAYGROUND_BUDGET_TEAM_DAILY_USD": "-1"}, "is not a number of US dollars"),
    ({"PLAYGROUND_BUDGET_USER_PER_MINUTE": "2.5"}, "is not a whole number"),
])
def test_bad_team_settings_are_refused_in_words(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env=env)


@pytest.mark.parametrize(("text", "message"), [
    ("[users", "is not valid TOML"), ("[other]\na = 1", "has no \\[users\\] table"),
    ('[users]\n"a@b.com" = "admin"', "has role 'admin'"),
    ('[users]\n"nobody" = "member"', "neither an email"),
])
def test_bad_users_files(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_users(text, "users.toml")
