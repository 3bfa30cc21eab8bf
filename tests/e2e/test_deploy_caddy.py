"""The team deployment's proxy for real: Debian's Caddy runs `deploy/Caddyfile` (the file
compose.yaml mounts, unchanged but for its two environment overrides) in front of two team-mode
replicas on one PostgreSQL history.

Proves what the file claims: both replicas are in rotation, a browser stays on the replica its
cookie names (Streamlit keeps its session in that replica's memory), the WebSocket and the
identity header pass through, a generation made through the proxy on one replica shows in the
other's History, and when a replica dies its browsers are moved to the other one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import (
    ARTIFACTS,
    LOOPBACK,
    ROOT,
    AppServer,
    free_port,
    full_screenshot,
    wait_for_app,
    wait_http,
)

pytestmark = pytest.mark.e2e
HEADER = "X-Goog-Authenticated-User-Email"
COOKIE = "banana_replica"  # lb_policy cookie in deploy/Caddyfile


@pytest.fixture(scope="module")
def replicas(app_factory: Any, pg_database: str, tmp_path_factory: pytest.TempPathFactory
             ) -> list[AppServer]:
    folder = tmp_path_factory.mktemp("deploy")
    users = folder / "users.toml"
    users.write_text((ROOT / "deploy" / "users.toml").read_text())
    env = {"PLAYGROUND_AUTH": "proxy", "PLAYGROUND_USERS": str(users),
           "PLAYGROUND_DATABASE_URL": pg_database}
    data = folder / "data"  # the shared image volume
    return [app_factory(data, **env), app_factory(data, **env)]


@pytest.fixture(scope="module")
def caddy(replicas: list[AppServer], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("caddy")
    if binary is None:
        pytest.fail("caddy is missing: run `bash scripts/test.sh`, which installs Debian's caddy")
    home = tmp_path_factory.mktemp("caddy-home")
    port = free_port()
    upstreams = " ".join(r.url.removeprefix("http://") for r in replicas)
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home),
           "XDG_CONFIG_HOME": str(home), "BANANA_LISTEN": f":{port}",
           "BANANA_UPSTREAMS": upstreams}
    log = (home / "caddy.log").open("w")
    proc = subprocess.Popen([binary, "run", "--config", str(ROOT / "deploy" / "Caddyfile"),
                             "--adapter", "caddyfile"], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/_stcore/health", b"ok", timeout=30)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def pinned_to(url: str, cookie: str | None = None) -> str | None:
    """The replica cookie Caddy sets on a page load (None: it kept the one sent)."""
    request = urllib.request.Request(f"{url}/", headers={HEADER: "ops@example.com"})
    if cookie:
        request.add_header("Cookie", f"{COOKIE}={cookie}")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == COOKIE:
                return rest.split(";")[0]
    return None


def browse(browser: Any, url: str, cookie: str, email: str, name: str, path: str = "") -> Any:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000},
                              extra_http_headers={HEADER: f"accounts.google.com:{email}"})
    ctx.set_default_timeout(30_000)
    ctx.add_cookies([{"name": COOKIE, "value": cookie, "url": url}])
    external: list[str] = []
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOOPBACK)
              else (external.append(route.request.url), route.abort()))
    page = ctx.new_page()
    page.external = external  # type: ignore[attr-defined]
    page.shot = ARTIFACTS / f"deploy-{name}.png"  # type: ignore[attr-defined]
    page.goto(f"{url}/{path}")
    wait_for_app(page)
    return page


def close(page: Any) -> None:
    full_screenshot(page, page.shot)
    page.context.close()
    assert not page.external, f"requests left 127.0.0.1: {page.external}"


def test_caddy_pins_each_browser_to_one_replica_and_moves_it_when_that_one_dies(
        browser: Any, caddy: str, replicas: list[AppServer]) -> None:
    seen = {pinned_to(caddy) for _ in range(24)}  # no cookie yet: Caddy picks at random
    assert len(seen) == 2 and None not in seen, f"both replicas should be in rotation: {seen}"
    first, second = sorted(c for c in seen if c)
    assert pinned_to(caddy, first) is None and pinned_to(caddy, second) is None  # sticky

    # Through the proxy: sign-in header, page, WebSocket; generate on one replica ...
    page = browse(browser, caddy, first, "ana@example.com", "generate")
    main = page.get_by_test_id("stMain")
    expect(page.get_by_text("Signed in as ana@example.com · member")).to_be_visible()
    page.get_by_label("Prompt").fill("made behind the proxy")
    page.get_by_label("Prompt").press("Control+Enter")
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Backend").get_by_role(
        "radio", name="AI Studio", exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="Generate", exact=True).click()
    wait_for_app(page)
    expect(main.get_by_test_id("stImage").locator("img")).to_have_count(1)
    close(page)
    # ... and see it from a browser pinned to the other one.
    page = browse(browser, caddy, second, "ops@example.com", "history-other-replica", "history")
    expect(page.get_by_test_id("stMain").get_by_text("made behind the proxy")).to_be_visible()
    close(page)

    # A browser with no identity header still sees only the sign-in wall through the proxy.
    ctx = browser.new_context()
    anonymous = ctx.new_page()
    anonymous.goto(caddy)
    wait_for_app(anonymous)
    expect(anonymous.get_by_text("Not signed in")).to_be_visible()
    ctx.close()

    # One replica dies: only the browsers pinned to it are moved, to the one still up.
    replicas[0].stop()
    repinned = {cookie: pinned_to(caddy, cookie) for cookie in (first, second)}
    moved = [c for c, new in repinned.items() if new is not None]
    assert len(moved) == 1, f"exactly the dead replica's cookie should move: {repinned}"
    survivor = next(c for c in (first, second) if c not in moved)
    assert repinned[moved[0]] == survivor
    page = browse(browser, caddy, moved[0], "ana@example.com", "after-failover", "history")
    expect(page.get_by_test_id("stMain").get_by_text("made behind the proxy")).to_be_visible()
    close(page)
