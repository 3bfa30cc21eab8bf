"""What only a browser can show: the newcomer flow with a working offline slider, an error flow,
history across a server restart, and a screenshot of every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, JUXTAPOSE, AppServer, full_screenshot, wait_for_app

pytestmark = pytest.mark.e2e
VENDORED = Path(__file__).resolve().parents[2] / "playground" / "app" / "vendor" / "juxtapose"


def open_page(page: Any, app: AppServer, path: str = "", query: str = "") -> None:
    page.goto(f"{app.url}/{path}{'?' + query if query else ''}")
    wait_for_app(page)


def generate(page: Any, prompt: str, backend: str = "Both") -> None:
    page.get_by_label("Prompt").fill(prompt)
    page.get_by_label("Prompt").press("Control+Enter")
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Backend").get_by_role("radio", name=backend,
                                                              exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="Generate", exact=True).click()
    wait_for_app(page)


def test_vendored_juxtapose_is_the_npm_package() -> None:
    for rel in ("js/juxtapose.min.js", "css/juxtapose.css"):
        assert (VENDORED / Path(rel).name).read_bytes() == (JUXTAPOSE / rel).read_bytes()


def test_newcomer_flow(page: Any, app: AppServer) -> None:
    open_page(page, app)
    expect(page.get_by_text("Demo mode", exact=False).first).to_be_visible()
    generate(page, "a red fox in fresh snow at dawn")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("AI Studio · demo (emulator)")).to_be_visible()
    expect(main.get_by_text("Vertex AI · demo (emulator)")).to_be_visible()
    images = main.get_by_test_id("stImage")
    expect(images).to_have_count(2)
    for n in range(2):  # both previews really decoded in the browser
        assert images.nth(n).locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    expect(main.get_by_text("Format (real)")).to_have_count(2)
    expect(main.get_by_role("cell", name="JPEG", exact=True)).to_be_visible()
    expect(main.get_by_role("cell", name="PNG", exact=True)).to_be_visible()
    expect(main.get_by_text(re.compile(r"\d+\.\d\d s")).first).to_be_visible()
    # The slider renders offline from the vendored JuxtaposeJS: handle and both images present.
    slider = page.frame_locator("iframe[title='st.iframe']").first
    expect(slider.locator(".jx-slider")).to_be_visible()
    expect(slider.locator(".jx-handle")).to_be_visible()
    expect(slider.locator(".jx-image")).to_have_count(2)
    assert page.cdn_requests == [], "the app asked the CDN for JuxtaposeJS"
    expect(main.get_by_text("Why the sizes differ")).to_be_visible()


def test_error_flow_ends_in_the_hint(page: Any, app: AppServer) -> None:
    open_page(page, app)
    app.control("faults", {"fault": "429", "platform": "vertex", "count": 5,
                           "params": {"retry_delay_s": 0.05}})
    page.get_by_text("Advanced").click()
    page.get_by_label("Retries").fill("1")
    generate(page, "quota please", backend="Vertex AI")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Quota or capacity exhausted", exact=False)).to_be_visible()
    expect(main.get_by_text("Raw error")).to_be_visible()
    expect(main.get_by_text("Traceback")).to_have_count(0)


def test_history_survives_a_restart(page: Any, app_factory: Any, tmp_path: Path) -> None:
    first = app_factory(tmp_path / "history")
    open_page(page, first)
    generate(page, "remember this lighthouse", backend="AI Studio")
    expect(page.get_by_text("AI Studio · demo (emulator)")).to_be_visible()
    first.stop()
    second = app_factory(tmp_path / "history")
    open_page(page, second, "history")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("remember this lighthouse")).to_be_visible()
    expect(main.get_by_test_id("stImage")).to_have_count(1)
    main.get_by_role("button", name="Details").click()
    wait_for_app(page)
    expect(main.get_by_text("Format (real)")).to_be_visible()
    main.get_by_role("button", name="Open these settings in Generate").click()
    wait_for_app(page)
    expect(page.get_by_label("Prompt")).to_have_value("remember this lighthouse")
    assert "backend=AI+Studio" in page.url or "backend=AI%20Studio" in page.url


@pytest.mark.parametrize("path", ["", "history", "settings"])
def test_page_screenshots(page: Any, app: AppServer, path: str) -> None:
    open_page(page, app, path)
    expect(page.get_by_test_id("stMain")).to_be_visible()
    expect(page.get_by_text("Traceback")).to_have_count(0)
    full_screenshot(page, ARTIFACTS / f"page-{path or 'generate'}.png")


def test_live_progress_while_waiting(page: Any, app: AppServer) -> None:
    open_page(page, app)
    app.control("latency", {"ttfb_s": 2.5, "body_s": 0.0})
    try:
        page.get_by_label("Prompt").fill("a slow fox")
        page.get_by_label("Prompt").press("Control+Enter")
        wait_for_app(page)
        page.get_by_role("button", name="Generate", exact=True).click()
        progress = page.get_by_test_id("stMain").get_by_text(
            re.compile(r"Vertex AI: waiting for the image · attempt 1 · \d+\.\d s"))
        expect(progress).to_be_visible(timeout=10_000)
        expect(page.get_by_text("Vertex AI · demo (emulator)")).to_be_visible(timeout=30_000)
        expect(progress).to_have_count(0)
    finally:
        import httpx

        httpx.delete(f"{app.emulator_url}/_emulator/latency")
