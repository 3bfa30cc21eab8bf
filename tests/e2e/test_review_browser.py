"""Review tools in a real browser: a Compare link from the URL, every view, the pixel-peeper
showing the same region of both images, and the Compression Lab chart."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, AppServer, full_screenshot, wait_for_app
from .test_app_browser import generate, open_page

pytestmark = pytest.mark.e2e


def latest_pair(app: AppServer) -> tuple[int, int]:
    with sqlite3.connect(app.data_dir / "history.sqlite3") as conn:
        rows = conn.execute(
            "SELECT i.id, g.backend FROM images i JOIN generations g ON g.id = i.generation_id "
            "WHERE i.is_draft = 0 ORDER BY g.created_at DESC, g.backend LIMIT 2").fetchall()
    by_backend = {backend: image_id for image_id, backend in rows}
    return by_backend["aistudio"], by_backend["vertex"]


def ref_of(app: AppServer, image_id: int) -> str:
    """The image's one name on every page: GENERATION.POSITION (1-based)."""
    with sqlite3.connect(app.data_dir / "history.sqlite3") as conn:
        gen, pos = conn.execute("SELECT generation_id, position FROM images WHERE id=?",
                                (image_id,)).fetchone()
    return f"{gen}.{pos + 1}"


@pytest.fixture(scope="module")
def pair(app: AppServer, browser: Any) -> tuple[int, int]:
    page = browser.new_page()
    page.goto(app.url)
    wait_for_app(page)
    generate(page, "a lighthouse on a cliff, for review")
    expect(page.get_by_text("Vertex AI · demo (emulator)")).to_be_visible()
    page.close()
    return latest_pair(app)


def test_compare_link_views_and_peeper(page: Any, app: AppServer, pair: tuple[int, int]) -> None:
    a, b = pair
    ref_a, ref_b = ref_of(app, a), ref_of(app, b)
    # a link made with the old image numbers still opens the same pair, rewritten to refs
    open_page(page, app, "compare", f"a={a}&b={b}&view=peeper&zoom=1&region=centre")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("combobox", name="Image A")).to_have_value(
        re.compile(rf"^#{re.escape(ref_a)} · AI Studio"))
    expect(main.get_by_role("combobox", name="Image B")).to_have_value(
        re.compile(rf"^#{re.escape(ref_b)} · Vertex AI"))
    expect(main.get_by_text(re.compile(rf"it is #{re.escape(ref_a)} now"))).to_be_visible()
    assert f"a={ref_a}" in page.url and f"b={ref_b}" in page.url
    crops = main.get_by_test_id("stImage")
    expect(crops).to_have_count(2)
    captions = [crops.nth(n).inner_text() for n in range(2)]
    regions = [re.search(r"x (\d+)–(\d+), y (\d+)–(\d+)", c).groups() for c in captions]  # type: ignore[union-attr]
    assert regions[0] == regions[1], captions  # same region of both (same-size images)
    sizes = [crops.nth(n).locator("img").evaluate("i => [i.naturalWidth, i.clientWidth]")
             for n in range(2)]
    assert all(natural == shown for natural, shown in sizes), sizes  # 100%: no resampling
    left, right = (crops.nth(n).locator("img").bounding_box() for n in range(2))
    assert left["x"] + left["width"] <= right["x"], (left, right)  # side by side, none clipped
    expect(main.get_by_text("PSNR")).to_be_visible()
    expect(main.get_by_text("SSIM", exact=True)).to_be_visible()
    full_screenshot(page, ARTIFACTS / "compare-peeper.png")

    radios = page.get_by_role("radiogroup", name="View")
    radios.get_by_role("radio", name="Difference heatmap").click()
    wait_for_app(page)
    expect(main.get_by_text(re.compile(r"Scale: black = identical, white = "))).to_be_visible()
    assert "view=heatmap" in page.url
    radios.get_by_role("radio", name="Slider").click()
    wait_for_app(page)
    slider = page.frame_locator("iframe[title='st.iframe']").first
    expect(slider.locator(".jx-handle")).to_be_visible()
    radios.get_by_role("radio", name="Blink").click()
    wait_for_app(page)
    expect(main.get_by_test_id("bs-blink")).to_be_visible()
    radios.get_by_role("radio", name="Side by side").click()
    wait_for_app(page)
    expect(main.get_by_test_id("stImage")).to_have_count(2)
    expect(main.get_by_text(re.compile(r"Like for like:"))).to_be_visible(timeout=90_000)
    full_screenshot(page, ARTIFACTS / "compare-side.png")


def test_lab_chart_renders(page: Any, app: AppServer, pair: tuple[int, int]) -> None:
    open_page(page, app, "compression_lab", f"img={pair[1]}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Suggested JPEG quality")).to_be_visible(timeout=120_000)
    chart = main.get_by_test_id("stVegaLiteChart")
    expect(chart).to_be_visible()
    expect(chart.locator("canvas, svg").first).to_be_visible()
    expect(main.get_by_role("button", name=re.compile(r"^Download (JPEG|WebP|PNG) "))).to_be_visible()
    full_screenshot(page, ARTIFACTS / "compression-lab.png")


def test_lab_selection_follows_the_image(page: Any, app: AppServer,
                                         pair: tuple[int, int]) -> None:
    """After switching the image, the point, the preview and the download belong to the new
    image together: nothing of the previous image's selection stays on screen."""
    open_page(page, app, "compression_lab", f"img={pair[1]}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Suggested JPEG quality")).to_be_visible(timeout=120_000)
    picker = main.get_by_role("combobox", name="Preview a point against the original")
    picker.click()
    picker.fill("JPEG q50")  # the list is virtualised: filter it to the option, then take it
    picker.press("Enter")
    wait_for_app(page)
    expect(main.get_by_role("button", name=re.compile(r"^Download JPEG q50 "))).to_be_visible()
    images = main.get_by_role("combobox", name="Image", exact=True)
    images.click()
    images.fill(f"#{ref_of(app, pair[0])} ")
    images.press("Enter")
    wait_for_app(page)
    expect(main.get_by_text("Suggested JPEG quality")).to_be_visible(timeout=120_000)
    chosen = picker.input_value()
    assert chosen != "JPEG q50" or "JPEG q50" in main.get_by_text("Suggested").inner_text()
    expect(main.get_by_role("button", name=re.compile(
        rf"^Download {re.escape(chosen)} "))).to_be_visible()


def test_export_review_pack_from_compare(page: Any, app: AppServer, pair: tuple[int, int],
                                         tmp_path: Any) -> None:
    import json
    import zipfile

    open_page(page, app, "compare", f"a={pair[0]}&b={pair[1]}&view=side")
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name=re.compile(r"^Export review pack")).click()
    path = tmp_path / "pack.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as pack:
        names = pack.namelist()
        manifest = json.loads(pack.read("manifest.json"))
    assert "index.html" in names and "manifest.csv" in names
    assert sum(n.startswith("images/") for n in names) == 2
    with sqlite3.connect(app.data_dir / "history.sqlite3") as conn:
        expected = {sha for (sha,) in conn.execute(
            "SELECT sha256 FROM images WHERE id IN (?, ?)", pair)}
    assert [row["sha256"] for row in manifest["images"]] and len(manifest["images"]) == 2
    assert {row["sha256"] for row in manifest["images"]} == expected
    with zipfile.ZipFile(path) as pack:
        metrics = json.loads(pack.read("metrics.json"))
    # Compare showed the like-for-like re-encode (test above): the pack carries its figures
    assert metrics["pairs"][0]["like_for_like"] is not None
