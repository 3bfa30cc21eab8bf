"""Two replicas under load in real browsers: 10 signed-in sessions, 5 on each of two
`streamlit run` servers sharing one PostgreSQL database and one data folder, each generating
5 times through the page at the same moments (demo emulators, no delay, 1K images).

Every one of the 50 requests must land as one row (ok, unique id, attributed to its sender),
no page may show an error, and each replica's History must show every row.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from playwright.sync_api import expect

from playground.app.history_view import PAGE_SIZE

from .conftest import ARTIFACTS, LOOPBACK, AppServer, full_screenshot, wait_for_app

pytestmark = pytest.mark.e2e
HEADER = "X-Goog-Authenticated-User-Email"
SESSIONS = 10
TAKES = 5
BACKENDS = ("AI Studio", "Vertex AI")


@pytest.fixture(scope="module")
def replicas(app_factory: Any, pg_database: str,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[AppServer, AppServer]:
    folder = tmp_path_factory.mktemp("replicas")
    users = folder / "users.toml"
    users.write_text('[users]\n"@example.com" = "member"\n')
    env = {"PLAYGROUND_AUTH": "proxy", "PLAYGROUND_USERS": str(users),
           "PLAYGROUND_DATABASE_URL": pg_database}
    return app_factory(folder / "data", **env), app_factory(folder / "data", **env)


def rows(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT id, prompt, status, user_email, backend FROM generations "
                            "ORDER BY id").fetchall()


def wait_until(check: Any, what: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def wait_for_all(pages: list[Any]) -> None:
    """wait_for_app on every page, with its pause for a rerun to start taken once, not once a
    page."""
    pages[0].wait_for_timeout(200)
    for page in pages:
        page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
            state="attached", timeout=120_000)
        expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=60_000)


def history_ids(page: Any, app: AppServer) -> set[int]:
    """The generation numbers on every page of `app`'s History list."""
    page.goto(f"{app.url}/history")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(f"{SESSIONS * TAKES} generations, newest first")).to_be_visible()
    seen: set[int] = set()
    for number in range(1, -(-SESSIONS * TAKES // PAGE_SIZE) + 1):
        if number > 1:
            main.get_by_label("Page").fill(str(number))
            main.get_by_label("Page").press("Enter")
            wait_for_app(page)
        expect(main.get_by_text(re.compile(r"· #\d+$")).first).to_be_visible()
        seen |= {int(i) for i in re.findall(r"· #(\d+)", main.inner_text())}
    return seen


def test_ten_sessions_on_two_replicas_make_fifty_rows_without_an_error(
        browser: Any, replicas: tuple[AppServer, AppServer], pg_database: str) -> None:
    contexts: list[Any] = []
    pages: list[Any] = []
    external: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(LOOPBACK):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    try:
        for n in range(SESSIONS):  # sessions 0, 2, 4, … on the first replica
            ctx = browser.new_context(viewport={"width": 1200, "height": 900},
                                      extra_http_headers={HEADER: f"s{n}@example.com"})
            ctx.set_default_timeout(60_000)
            ctx.route("**/*", guard)
            contexts.append(ctx)
            page = ctx.new_page()
            backend = quote(BACKENDS[n // 2 % 2])
            page.goto(f"{replicas[n % 2].url}/?backend={backend}", wait_until="commit")
            pages.append(page)
        for page in pages:
            wait_for_app(page)
        for take in range(TAKES):
            prompts = [f"session {n} take {take}" for n in range(SESSIONS)]
            for page, prompt in zip(pages, prompts, strict=True):
                page.get_by_label("Prompt").fill(prompt)
                page.get_by_label("Prompt").press("Control+Enter")  # applied before the click:
            wait_for_all(pages)  # a click that blurs the prompt can miss the button as it moves
            for page in pages:  # ten requests in flight at once, five per replica
                page.get_by_role("button", name="Generate", exact=True).click()
            wait_until(lambda p=set(prompts): sum(
                1 for r in rows(pg_database) if r[1] in p and r[2] != "pending") == SESSIONS,
                f"take {take}'s {SESSIONS} rows")
            for page in pages:
                main = page.get_by_test_id("stMain")
                expect(main.get_by_role("button", name="Cancel")).to_have_count(0)
                expect(main.get_by_role("button", name="Generate", exact=True)).to_be_enabled()
                expect(main.get_by_test_id("stImage")).to_have_count(1)
        for page in pages:
            main = page.get_by_test_id("stMain")
            expect(main.get_by_test_id("stException")).to_have_count(0)
            expect(main.get_by_test_id("stAlertContentError")).to_have_count(0)
        made = rows(pg_database)
        assert len(made) == SESSIONS * TAKES
        assert len({r[0] for r in made}) == SESSIONS * TAKES
        assert {r[2] for r in made} == {"ok"}
        assert sorted((r[3], r[1]) for r in made) == sorted(
            (f"s{n}@example.com", f"session {n} take {t}")
            for n in range(SESSIONS) for t in range(TAKES))
        assert {r[4] for r in made} == {"aistudio", "vertex"}
        for n, app in enumerate(replicas):  # each replica's History shows all 50, page by page
            assert history_ids(pages[n], app) == {r[0] for r in made}
        full_screenshot(pages[1], ARTIFACTS / "replicas-history.png")
    except BaseException:
        for n, page in enumerate(pages):
            page.screenshot(path=str(ARTIFACTS / f"replicas-failed-{n}.png"))
        raise
    finally:
        for ctx in contexts:
            ctx.close()
    assert not external, f"requests left 127.0.0.1: {external}"
