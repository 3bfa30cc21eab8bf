"""A review pack's index.html in a real browser, from file://, with the network cut off
("opens offline"). Screenshot: test-artifacts/review-pack.png."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from .conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


@pytest.fixture
def unzipped_pack(emu_env: dict[str, str], tmp_path: Path) -> Path:
    """A Both run with drafts from the emulator, one review, exported and unzipped."""
    from playground.clients.base import platform_for
    from playground.clients.http import make_client
    from playground.config import load_settings
    from playground.domain.types import ImageRequest
    from playground.export import build_review_pack
    from playground.generation.fanout import generate_many
    from playground.history.reviews import Review, save_review
    from playground.history.store import HistoryStore

    settings = load_settings()
    store = HistoryStore(settings.data_dir)
    req = ImageRequest(prompt="a red fox at dusk <script>alert(1)</script>", image_size="1K",
                       aspect_ratio="16:9", include_thoughts=True)
    with make_client(settings) as client:
        results = generate_many(req, [platform_for(p, settings) for p in ("aistudio", "vertex")],
                                client=client, on_result=store.save)
    final = results["vertex"].image
    assert final is not None and final.id is not None
    save_review(store, Review(final.id, "Ana", 4, ["colour"], "sky <b>banding</b> top-left"))
    build_review_pack(store, last=2, out=tmp_path / "pack.zip")
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(tmp_path / "pack.zip") as zf:
        zf.extractall(folder)
    return folder


def offline_page(browser: Any) -> tuple[Any, Any, list[str], list[str]]:
    """A page that may load only file:// and data: URLs; everything else is aborted."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(30_000)
    blocked: list[str] = []
    problems: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return ctx, page, blocked, problems


def decoded_previews(page: Any) -> list[int]:
    return page.evaluate("() => Array.from(document.images).map(i => i.complete ? "
                         "i.naturalWidth : 0)")


def test_pack_opens_offline_with_previews_and_links(browser: Any, unzipped_pack: Path) -> None:
    ctx, page, blocked, problems = offline_page(browser)
    try:
        page.goto((unzipped_pack / "index.html").as_uri())
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        widths = decoded_previews(page)
        assert len(widths) >= 2 and all(0 < w <= 800 for w in widths), widths
        assert page.locator("script").count() == 0
        assert "<script>alert(1)</script>" in page.locator(".pair .prompt").first.inner_text()
        assert page.get_by_text("PSNR").count() >= 1
        assert page.get_by_text("Why is one bigger?").count() == 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-pack.png"), full_page=True)

        # each preview opens its original, by relative path
        href = page.locator(".pair a:has(img)").first.get_attribute("href")
        assert href and (unzipped_pack / href).is_file()
        page.locator(".pair a:has(img)").first.click()
        page.wait_for_url(f"**/{href}")
        page.wait_for_function("() => document.images.length && document.images[0].complete")
        assert decoded_previews(page)[0] > 800  # the 1376-px original, not the preview
    finally:
        ctx.close()
    assert not blocked, f"the page asked for the network: {blocked}"
    assert not problems, f"errors in the page: {problems}"


def test_index_alone_is_readable_before_unzipping(browser: Any, unzipped_pack: Path,
                                                  tmp_path: Path) -> None:
    """Zip viewers open one file on its own: the embedded previews must not need images/."""
    lonely = tmp_path / "alone"
    lonely.mkdir()
    shutil.copy(unzipped_pack / "index.html", lonely / "index.html")
    ctx, page, blocked, problems = offline_page(browser)
    try:
        page.goto((lonely / "index.html").as_uri())
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        assert all(w > 0 for w in decoded_previews(page))
    finally:
        ctx.close()
    assert not blocked and not problems
