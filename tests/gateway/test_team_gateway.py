"""The gateway in team mode, over HTTP with the official openai SDK, on the test PostgreSQL
server: a key's name is a member's email; its calls spend that member's daily budget shared
with the app (another replica's store here, reserving as the app's Generate page does), its
rows are theirs, viewers and strangers are refused, and refusals are audited."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from playground.config import load_settings
from playground.domain.team import Budgets
from playground.gateway.server import GatewayHandle
from playground.gateway.team_limits import TeamLimits
from playground.history.store import HistoryStore
from playground.history.team import Charge, audit_log, reserve, usage

from .conftest import gateway_env, ids, start

ANA = "gw-team-ana-" + secrets.token_hex(8)
VIEW = "gw-team-view-" + secrets.token_hex(8)
STRANGER = "gw-team-eve-" + secrets.token_hex(8)
BO = "gw-team-bo-" + secrets.token_hex(8)
USERS = ('[users]\n"ana@example.com" = "member"\n"bo@example.com" = "member"\n'
         '"view@example.com" = "viewer"\n')


@pytest.fixture(scope="module")
def team_gateway(emulator_handle: Any, service_account_file: Path, pg_database: str,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayHandle]:
    handle = start(load_settings(env=team_env(emulator_handle, service_account_file,
                                              pg_database, tmp_path_factory)))
    yield handle
    handle.stop()


def team_env(emulator_handle: Any, service_account_file: Path, pg_database: str,
             tmp_path_factory: pytest.TempPathFactory, **extra: str) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("team-gateway")
    (folder / "users.toml").write_text(USERS)
    return gateway_env(emulator_handle, service_account_file, folder / "data",
                       PLAYGROUND_AUTH="proxy", PLAYGROUND_USERS=str(folder / "users.toml"),
                       PLAYGROUND_DATABASE_URL=pg_database,
                       PLAYGROUND_BUDGET_USER_DAILY_USD="0.30",
                       PLAYGROUND_GATEWAY_KEYS=f"Ana@Example.com:{ANA},view@example.com:{VIEW},"
                                               f"eve@else.org:{STRANGER},bo@example.com:{BO}",
                       **extra)


def client(handle: GatewayHandle, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=handle.base_url + "/v1", api_key=key, max_retries=0)


def test_a_key_spends_its_members_budget_shared_with_the_app(
        team_gateway: GatewayHandle, emu: Any, pg_database: str, tmp_path: Path) -> None:
    assert isinstance(team_gateway.gateway.limiter, TeamLimits)
    ana = client(team_gateway, ANA)
    raw = ana.images.with_raw_response.generate(model="nano-banana-pro", prompt="from the SDK")
    raw.parse()
    (gen_id,) = ids(raw.headers)
    store = team_gateway.gateway.store
    made = store.get(gen_id)
    assert made is not None and made.ok and made.user_email == "ana@example.com"
    (row,) = usage(store, user_email="ana@example.com")
    assert (row.backend, row.model, row.requests) == ("aistudio", made.model, 1)
    assert row.cost_usd == pytest.approx(made.cost_usd) and row.estimated_usd == 0
    # The app, on another replica, spends most of what is left of Ana's $0.30 today.
    app_side = HistoryStore(tmp_path, database_url=pg_database)
    try:
        reserve(app_side, [Charge("ana@example.com", "vertex", made.model, 0.134)],
                Budgets(user_daily_usd=0.30))
    finally:
        app_side.close()
    sent = len(emu.control.requests())
    with pytest.raises(openai.RateLimitError) as caught:
        ana.images.generate(model="nano-banana-pro", prompt="one too many")
    assert caught.value.code == "budget_exceeded"
    assert "your daily budget is $0.30" in caught.value.message
    assert caught.value.response.headers["x-should-retry"] == "false"
    assert len(emu.control.requests()) == sent, "a refused call left"
    (refusal,) = audit_log(store, action="budget refused")
    assert refusal.user_email == "ana@example.com" and refusal.detail.startswith("gateway:")
    assert store.list(search="one too many") == []


def test_viewers_and_strangers_are_refused(team_gateway: GatewayHandle, emu: Any) -> None:
    sent = len(emu.control.requests())
    with pytest.raises(openai.PermissionDeniedError) as caught:
        client(team_gateway, VIEW).images.generate(model="nano-banana-pro", prompt="look only")
    assert caught.value.code == "role_not_permitted" and "viewer" in caught.value.message
    with pytest.raises(openai.PermissionDeniedError) as caught:
        client(team_gateway, STRANGER).images.generate(model="nano-banana-pro", prompt="hi")
    assert caught.value.code == "not_a_team_member"
    assert "PLAYGROUND_USERS" in caught.value.message
    assert len(emu.control.requests()) == sent
    denied = audit_log(team_gateway.gateway.store, action="denied")
    assert {e.user_email for e in denied} >= {"view@example.com", "eve@else.org"}


def test_the_minute_cap_is_a_429_with_retry_after(
        emulator_handle: Any, service_account_file: Path, pg_database: str,
        tmp_path_factory: pytest.TempPathFactory, emu: Any) -> None:
    """A second gateway process on the same database (as another replica), one request a
    minute per person: Bo's second request is refused, retryable after the minute."""
    handle = start(load_settings(env=team_env(
        emulator_handle, service_account_file, pg_database, tmp_path_factory,
        PLAYGROUND_BUDGET_USER_PER_MINUTE="1")))
    try:
        bo = client(handle, BO)
        bo.images.generate(model="nano-banana-pro", prompt="once a minute")
        with pytest.raises(openai.RateLimitError) as caught:
            bo.images.generate(model="nano-banana-pro", prompt="twice a minute")
        assert caught.value.code == "rate_limit_exceeded"
        assert "at most 1 requests per minute" in caught.value.message
        assert caught.value.response.headers["retry-after"] == "60"
    finally:
        handle.stop()
