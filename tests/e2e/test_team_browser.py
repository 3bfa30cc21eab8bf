"""Team mode in a real browser: PLAYGROUND_AUTH=proxy on a shared PostgreSQL history.

The trusted header is what IAP or oauth2-proxy would set; the browser context sends it on every
request (page, WebSocket, media). Signed out sees nothing (no page, deep link, image or
download); each role sees what it may; images and downloads never go through /media; a budget
refusal is shown before any request leaves.
"""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import canary_key

from .conftest import ARTIFACTS, LOOPBACK, AppServer, full_screenshot, wait_for_app

pytestmark = pytest.mark.e2e
HEADER = "X-Goog-Authenticated-User-Email"
USERS = """
[users]
"ops@example.com" = "operator"
"view@example.com" = "viewer"
"@example.com" = "member"
"""


CANARY = canary_key()  # the operator's AI Studio key: must never reach a member's browser


@pytest.fixture(scope="module")
def team_app(app_factory: Any, pg_database: str, emulator_handle: Any,
             tmp_path_factory: pytest.TempPathFactory) -> AppServer:
    """AI Studio on the operator's (canary) key against the session's emulator; Vertex AI in
    the app's own demo emulator."""
    folder = tmp_path_factory.mktemp("team")
    users = folder / "users.toml"
    users.write_text(USERS)
    emulator_handle.control.set_profile("instant")
    return app_factory(folder / "data", PLAYGROUND_AUTH="proxy", PLAYGROUND_USERS=str(users),
                       PLAYGROUND_DATABASE_URL=pg_database,
                       GOOGLE_API_KEY=CANARY, GOOGLE_GEMINI_BASE_URL=emulator_handle.base_url,
                       PLAYGROUND_BUDGET_USER_DAILY_USD="0.20")  # one 1K/2K image, not two


@contextmanager
def session(browser: Any, email: str | None, name: str) -> Iterator[Any]:
    """A browser whose every request carries the proxy's header for `email` (None: none)."""
    headers = {HEADER: f"accounts.google.com:{email}"} if email else {}
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000},
                              extra_http_headers=headers, accept_downloads=True)
    ctx.set_default_timeout(30_000)
    external: list[str] = []
    seen: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        seen.append(url)
        if url.startswith(LOOPBACK):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(
        data if isinstance(data, bytes) else data.encode())))
    page.seen = seen  # type: ignore[attr-defined]
    page.frames_received = frames  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        full_screenshot(page, ARTIFACTS / f"team-{name}.png")
        ctx.close()
    assert not external, f"requests left 127.0.0.1: {external}"


def open_at(page: Any, app: AppServer, path: str = "") -> Any:
    page.goto(f"{app.url}/{path}")
    wait_for_app(page)
    return page.get_by_test_id("stMain")


def nav_titles(page: Any) -> list[str]:
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    return [t.strip().splitlines()[-1].strip() for t in links.all_inner_texts()]  # after the icon


def generate_one(page: Any, prompt: str, backend: str = "AI Studio") -> None:
    page.get_by_label("Prompt").fill(prompt)
    page.get_by_label("Prompt").press("Control+Enter")
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Backend").get_by_role(
        "radio", name=backend, exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="Generate", exact=True).click()
    wait_for_app(page)


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_signed_out_sees_nothing(browser: Any, team_app: AppServer) -> None:
    with session(browser, None, "signed-out") as page:
        for path in ("settings?id=1",):  # a deep link
            main = open_at(page, team_app, path)
            expect(main.get_by_text("Not signed in")).to_be_visible()
            expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
            expect(main.get_by_label("Prompt")).to_have_count(0)
            expect(main.get_by_test_id("stImage")).to_have_count(0)
    with session(browser, "someone@elsewhere.org", "stranger") as page:
        main = open_at(page, team_app)
        expect(main.get_by_text("Not on this team's list")).to_be_visible()
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


def test_member_generates_within_budget_and_images_never_touch_media(
        browser: Any, team_app: AppServer, emulator_handle: Any) -> None:
    with session(browser, "ana@example.com", "member") as page:
        main = open_at(page, team_app)
        assert nav_titles(page) == ["Generate", "History", "Compare", "Compression Lab",
                                    "Review", "Benchmark", "Usage"]
        expect(page.get_by_text("Signed in as ana@example.com · member")).to_be_visible()
        generate_one(page, "a team lighthouse")
        image = main.get_by_test_id("stImage").locator("img")
        expect(image).to_have_count(1)
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
        assert image.get_attribute("src").startswith("data:image/")
        with page.expect_download() as info:
            main.get_by_role("button", name=re.compile("^Download original")).click()
        saved = Path(info.value.path()).read_bytes()
        assert hashlib.sha256(saved).hexdigest()[:10] in info.value.suggested_filename
        assert saved[:8] == b"\x89PNG\r\n\x1a\n" or saved[:3] == b"\xff\xd8\xff"
        # The budget ($0.20 a day) held one image; the second is refused before it leaves.
        sent = len(emulator_handle.control.requests())
        generate_one(page, "a second one does not fit")
        expect(main.get_by_text("Not sent: your daily budget is $0.20")).to_be_visible()
        assert len(emulator_handle.control.requests()) == sent, "a request left"
        seen_by_browser = [page.content().encode(), saved,
                           *page.frames_received]  # type: ignore[attr-defined]
        assert page.frames_received, "no WebSocket frames were captured"  # type: ignore[attr-defined]
        assert not [b for b in seen_by_browser if CANARY.encode() in b], "the key reached the browser"
        media = [u for u in page.seen  # type: ignore[attr-defined]
                 if urlsplit(u).path.startswith("/media/")]
        assert media == [], f"images went through Streamlit's unauthenticated /media: {media}"
    assert status_of(f"{team_app.url}/media/{'0' * 56}.png") == 404


def test_viewer_browses_and_operator_sees_the_audit(browser: Any, team_app: AppServer) -> None:
    with session(browser, "view@example.com", "viewer") as page:
        main = open_at(page, team_app, "generate")  # a deep link to a page it may not open
        assert nav_titles(page) == ["History", "Compare", "Compression Lab", "Review"]
        expect(main.get_by_role("button", name="Generate", exact=True)).to_have_count(0)
        expect(main.get_by_text("a team lighthouse")).to_be_visible()  # History, shared
    with session(browser, "ops@example.com", "operator") as page:
        main = open_at(page, team_app, "audit")
        assert nav_titles(page)[-3:] == ["Usage", "Audit log", "Settings"]
        table = main.get_by_test_id("stTable")
        expect(table).to_be_visible()
        text = table.inner_text()
        for needle in ("sign-in", "denied", "budget refused", "ana@example.com",
                       "someone@elsewhere.org"):
            assert needle in text, needle
        main = open_at(page, team_app, "usage")
        expect(main.get_by_text("Spend in the period")).to_be_visible()
        expect(main.get_by_test_id("stVegaLiteChart")).to_be_visible()


def test_two_replicas_share_one_history_and_see_a_killed_ones_row(
        browser: Any, team_app: AppServer, app_factory: Any, pg_database: str) -> None:
    """A second server on another port, same database and image folder: it shows what the
    first made; when the first is killed (-9) mid-request, the second shows that row as
    interrupted. Runs last: it kills the module's server."""
    import os
    import signal

    import psycopg

    other = app_factory(team_app.data_dir, **{k: v for k, v in team_app.env.items()
                                              if k.startswith("PLAYGROUND_")
                                              and k not in ("PLAYGROUND_EMULATOR_PORT",)})
    team_app.control("latency", {"ttfb_s": 600, "body_s": 0, "platform": "*"})
    with session(browser, "cy@example.com", "replica-a-killed") as page:
        open_at(page, team_app)
        generate_one(page, "cut off mid-flight", backend="Vertex AI")  # the app's own emulator
        with psycopg.connect(pg_database) as conn:  # the row is written before it is sent
            row = conn.execute("SELECT id, status FROM generations WHERE prompt=%s",
                               ("cut off mid-flight",)).fetchone()
        assert row is not None and row[1] == "pending"
    os.kill(team_app.proc.pid, signal.SIGKILL)
    team_app.proc.wait(timeout=30)
    with session(browser, "ana@example.com", "replica-b-interrupted") as page:
        main = open_at(page, other, "history")
        expect(main.get_by_text("a team lighthouse")).to_be_visible()  # made on the first
        expect(main.get_by_text("cut off mid-flight")).to_be_visible()
        expect(main.get_by_text(re.compile("interrupted", re.IGNORECASE)).first).to_be_visible()
