"""Runs a user can trust, in a real browser: one click is one run (a double click sends one pair),
Cancel stops waiting, each backend's card appears when its answer lands, a run survives leaving
the page, and untrusted text never renders as Markdown (a loopback listener must receive nothing).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, AppServer, full_screenshot, wait_for_app
from .test_app_browser import open_page

pytestmark = pytest.mark.e2e


def rows(app: AppServer) -> int:
    with sqlite3.connect(app.data_dir / "history.sqlite3") as conn:
        return int(conn.execute("SELECT COUNT(*) FROM generations").fetchone()[0])


def fill_prompt(page: Any, prompt: str) -> None:
    page.get_by_label("Prompt").fill(prompt)
    page.get_by_label("Prompt").press("Control+Enter")
    wait_for_app(page)


@pytest.fixture
def listener() -> Iterator[list[str]]:
    """A web server on loopback that records every request a rendered page would make."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hits.append(f"port:{server.server_address[1]}")
    yield hits
    server.shutdown()


def test_double_click_sends_one_pair_and_cancel_stops_waiting(page: Any, app: AppServer) -> None:
    open_page(page, app)  # the app starts its demo emulator on the first visit
    app.control("latency", {"ttfb_s": 30, "body_s": 0, "platform": "*"})
    try:
        fill_prompt(page, "one click, one run")
        before = rows(app)
        button = page.get_by_role("button", name="Generate", exact=True)
        button.dblclick()
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text(re.compile(r"waiting for the image"))).to_have_count(2)
        expect(button).to_be_disabled()
        page.get_by_role("button", name="Cancel").click()
        wait_for_app(page)
        expect(main.get_by_text(re.compile(r"^Cancelled\. Requests already sent"))).to_be_visible()
        expect(button).to_be_enabled()
        full_screenshot(page, ARTIFACTS / "generate-cancelled.png")
        # one pair of requests went out (the second click was refused while the run flew)
        # (the app is shared by the session's browser tests: count only this prompt's requests)
        requests = [r for r in app.control("requests")["requests"]
                    if r.get("route") == "generateContent"
                    and "one click, one run" in json.dumps(r.get("body"))]
        assert len(requests) == 2, requests
        assert rows(app) - before <= 2
    finally:
        app.control("latency", {"ttfb_s": 0, "body_s": 0, "platform": "*"})


def test_each_card_arrives_on_its_own_and_the_run_survives_navigation(
        page: Any, app: AppServer) -> None:
    open_page(page, app)
    app.control("latency", {"ttfb_s": 6, "body_s": 0, "platform": "vertex"})
    try:
        fill_prompt(page, "AI Studio first, then Vertex")
        page.get_by_role("button", name="Generate", exact=True).click()
        main = page.get_by_test_id("stMain")
        # AI Studio's card shows while Vertex is still on the wire
        expect(main.get_by_text(re.compile(r"^Vertex AI: waiting for the image"))).to_be_visible()
        expect(main.get_by_text(re.compile(r"AI Studio · demo \(emulator\)"))).to_be_visible()
        expect(main.get_by_text(re.compile(r"^Vertex AI: waiting for the image"))).to_be_visible()
        # leave and come back: the run is the session's, not the page render's
        page.get_by_role("link", name="History").click()
        wait_for_app(page)
        page.get_by_role("link", name="Generate").click()
        wait_for_app(page)
        expect(main.get_by_text("Vertex AI · demo (emulator)")).to_be_visible(timeout=30_000)
        expect(main.get_by_text("AI Studio · demo (emulator)")).to_be_visible()
    finally:
        app.control("latency", {"ttfb_s": 0, "body_s": 0, "platform": "*"})


def test_untrusted_text_stays_text(page: Any, app: AppServer, listener: list[str]) -> None:
    port = listener.pop(0).split(":")[1]
    prompt = (f"![p](http://127.0.0.1:{port}/prompt.png) <img src='http://127.0.0.1:{port}/"
              f"html.png'> **bold** :red[x]")
    open_page(page, app)
    fill_prompt(page, prompt)
    page.get_by_role("radiogroup", name="Backend").get_by_role("radio", name="AI Studio",
                                                              exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="Generate", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("AI Studio · demo (emulator)")).to_be_visible(timeout=30_000)
    open_page(page, app, "history")
    expect(main.get_by_text(re.compile(r"!\[p\]\(http://127\.0\.0\.1"))).to_be_visible()
    main.get_by_role("button", name="Details").first.click()
    wait_for_app(page)
    shown = main.get_by_test_id("stText").first
    expect(shown).to_have_text(prompt)  # the prompt exactly as typed, not rendered
    assert main.locator(f"a[href*=':{port}']").count() == 0  # not even a link
    full_screenshot(page, ARTIFACTS / "history-untrusted-text.png")
    open_page(page, app, "compare")
    page.wait_for_timeout(500)
    assert listener == [], f"the page fetched {listener}"
