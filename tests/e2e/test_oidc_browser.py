"""PLAYGROUND_AUTH=oidc in a real browser: Streamlit's st.login against a real OIDC provider on
loopback (tests/e2e/oidc_provider.py: signed ID tokens, nonce, JWKS), with the allow-list."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e import conftest as e2e
from tests.e2e.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, start_provider

from .conftest import AppServer, wait_for_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def provider() -> Any:
    p = start_provider()
    yield p
    p.server.should_exit = True


@pytest.fixture(scope="module")
def oidc_app(app_factory: Any, provider: Provider, tmp_path_factory: pytest.TempPathFactory,
             ) -> AppServer:
    folder = tmp_path_factory.mktemp("oidc")
    (folder / "users.toml").write_text('[users]\n"@example.com" = "member"\n')
    port, emulator_port = e2e.free_port(), e2e.free_port()
    home = folder / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(24)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.base_url}/.well-known/openid-configuration"\n')
    ports = iter([port, emulator_port])
    original = e2e.free_port
    e2e.free_port = lambda: next(ports)  # the redirect URI must name the app's port
    try:
        return app_factory(folder / "data", PLAYGROUND_AUTH="oidc", HOME=str(home),
                           PLAYGROUND_USERS=str(folder / "users.toml"))
    finally:
        e2e.free_port = original


def sign_in(page: Any, app: AppServer) -> Any:
    page.goto(app.url)
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Not signed in")).to_be_visible()
    main.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{app.url}/**")
    wait_for_app(page)
    return main


def test_sign_in_with_oidc_and_the_allow_list(page: Any, oidc_app: AppServer,
                                              provider: Provider, browser: Any) -> None:
    provider.user_email = "ana@example.com"
    main = sign_in(page, oidc_app)
    expect(page.get_by_text("Signed in as ana@example.com · member")).to_be_visible()
    expect(main.get_by_role("button", name="Generate", exact=True)).to_be_visible()
    assert provider.issued == ["ana@example.com"]
    page.get_by_role("button", name="Sign out").click()
    wait_for_app(page)
    expect(main.get_by_text("Not signed in")).to_be_visible()
    provider.user_email = "eve@elsewhere.org"  # signed in by the provider, not on the list
    sign_in(page, oidc_app)
    expect(main.get_by_text("Not on this team's list")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    assert provider.issued[-1] == "eve@elsewhere.org"
