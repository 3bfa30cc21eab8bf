"""A small benchmark run in demo mode, in a real browser: live progress, charts, CSV download."""

from __future__ import annotations

import csv
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, AppServer, full_screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def test_small_demo_run(page: Any, app_factory: Any, tmp_path: Any) -> None:
    app: AppServer = app_factory()  # a fresh server, so this deep link is its first visit
    page.goto(f"{app.url}/benchmark")
    wait_for_app(page)
    # Routed through streamlit_app.py, not Streamlit's legacy pages/ folder routing:
    expect(page.get_by_text("Demo mode", exact=False).first).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav").get_by_text("Measure")).to_be_visible()
    box = page.get_by_label("…or type/paste prompts, one per line")
    box.fill("a red fox\na lighthouse\na mug of tea")
    box.press("Control+Enter")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(re.compile(r"= 6 requests"))).to_be_visible()
    full_screenshot(page, ARTIFACTS / "benchmark-setup.png")
    main.get_by_role("button", name="Start the run").click()
    expect(main.get_by_text(re.compile(r"\d+ of 6 done"))).to_be_visible(timeout=30_000)
    expect(main.get_by_text(re.compile(r"6 of 6 tasks"))).to_be_visible(timeout=180_000)
    wait_for_app(page)
    expect(main.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    assert main.get_by_test_id("stVegaLiteChart").count() >= 4
    # the time scale is said with the results, on the charts and in the export
    expect(main.get_by_text(re.compile(r"Emulated \(built-in emulator, latency profile \w+, "
                                       r"time scale 0\.1: injected delays 10× shorter"))).to_be_visible()
    expect(main.get_by_text(re.compile(r"Every chart below: emulated"))).to_be_visible()
    with page.expect_download() as download:
        main.get_by_role("button", name=re.compile(r"Download the data \(CSV")).click()
    path = tmp_path / "run.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == 6 and {r["backend"] for r in rows} == {"AI Studio", "Vertex AI"}
    assert {(r["emulated"], r["time_scale"]) for r in rows} == {("True", "0.1")}
    chart = main.get_by_test_id("stVegaLiteChart").first
    chart.hover()
    with page.expect_download() as png:
        main.get_by_role("button", name="Download as PNG").first.click()
    assert png.value.suggested_filename.endswith(".png")
    full_screenshot(page, ARTIFACTS / "benchmark-results.png")
