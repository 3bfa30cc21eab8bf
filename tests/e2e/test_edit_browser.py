"""Editing with images in a real browser: upload a photo, edit it on Both, continue twice (each
platform on its own thread), branch from an earlier turn in History, compare two turns, export a
pack with the inputs; and the missing-signature difference, from the UI."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from .conftest import ARTIFACTS, AppServer, full_screenshot, wait_for_app
from .test_app_browser import open_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def edit_app(app_factory: Callable[..., AppServer]) -> AppServer:
    """An app of its own: the checks below read every row of its history."""
    return app_factory()


def photo(tmp_path: Path) -> Path:
    img = Image.new("RGB", (640, 480), (60, 120, 190))
    for x in range(0, 640, 40):
        for y in range(0, 480, 40):
            if (x + y) // 40 % 2:
                img.paste((230, 190, 60), (x, y, x + 40, y + 40))
    path = tmp_path / "holiday photo.jpg"
    img.save(path, quality=90)
    return path


def db(app: AppServer) -> sqlite3.Connection:
    conn = sqlite3.connect(app.data_dir / "history.sqlite3")
    conn.row_factory = sqlite3.Row
    return conn


def send(page: Any, prompt: str) -> None:
    page.get_by_label("Prompt").fill(prompt)
    page.get_by_label("Prompt").press("Control+Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Generate", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("button", name="Continue editing")).to_have_count(2, timeout=60_000)
    wait_for_app(page)


def test_upload_edit_continue_branch_compare_and_pack(page: Any, edit_app: AppServer,
                                                      tmp_path: Path) -> None:
    app = edit_app
    open_page(page, app)
    main = page.get_by_test_id("stMain")
    main.get_by_text(re.compile(r"^Input images")).click()
    page.locator("input[type=file]").set_input_files(str(photo(tmp_path)))
    wait_for_app(page)
    expect(main.get_by_text("1. holiday photo.jpg")).to_be_visible()
    expect(main.get_by_text(re.compile(r"JPEG · .* · 640×480"))).to_be_visible()
    send(page, "make it night")
    full_screenshot(page, ARTIFACTS / "edit-first-turn.png")
    with db(app) as conn:
        first = conn.execute("SELECT id, backend FROM generations ORDER BY id").fetchall()
        assert [r["backend"] for r in first] == ["aistudio", "vertex"]
        sent = conn.execute("SELECT sha256, size_bytes FROM inputs WHERE role='reference'").fetchall()
    assert len(sent) == 2 and len({r["sha256"] for r in sent}) == 1  # one photo, on both
    # continue twice: each platform continues its own thread
    main.get_by_role("button", name="Continue editing").first.click()
    wait_for_app(page)
    expect(main.get_by_text(re.compile(r"Continuing a conversation"))).to_be_visible()
    send(page, "add snow")
    main.get_by_role("button", name="Continue editing").first.click()
    wait_for_app(page)
    send(page, "add a fox")
    full_screenshot(page, ARTIFACTS / "edit-third-turn.png")
    with db(app) as conn:
        rows = conn.execute("SELECT id, backend, parent_id, turn_index, status, prompt_tokens "
                            "FROM (SELECT g.*, json_extract(usage_json, '$.prompt_tokens') "
                            "AS prompt_tokens FROM generations g) ORDER BY id").fetchall()
    assert [r["turn_index"] for r in rows] == [0, 0, 1, 1, 2, 2]
    by_id = {r["id"]: r for r in rows}
    for r in rows[2:]:  # a continuation stays on its parent's platform
        assert by_id[r["parent_id"]]["backend"] == r["backend"] and r["status"] == "ok"
    assert rows[4]["prompt_tokens"] > rows[0]["prompt_tokens"]  # replayed images are billed
    third = rows[4]["id"]
    # History: the thread strip, and a branch from the first turn
    open_page(page, app, "history", f"id={third}")
    expect(main.get_by_text(re.compile(r"^Thread · 3 turns"))).to_be_visible()
    full_screenshot(page, ARTIFACTS / "history-thread.png")
    main.get_by_role("button", name="Branch from turn 1").first.click()
    wait_for_app(page)
    expect(main.get_by_text(re.compile(r"Continuing a conversation"))).to_be_visible()
    page.get_by_role("radiogroup", name="Backend")  # the form is there
    send(page, "make it a watercolour")
    with db(app) as conn:
        branch = conn.execute("SELECT parent_id, turn_index FROM generations ORDER BY id DESC "
                              "LIMIT 2").fetchall()
    assert {r["parent_id"] for r in branch} == {rows[0]["id"], rows[1]["id"]}
    assert {r["turn_index"] for r in branch} == {1}
    # compare two turns of one thread
    open_page(page, app, "compare", f"a={rows[0]['id']}.1&b={third}.1")
    expect(main.get_by_text("SSIM", exact=True)).to_be_visible(timeout=60_000)
    expect(main.get_by_text(re.compile(r"^B: .* turn 3 of a conversation"))).to_be_visible()
    expect(main.get_by_text(re.compile(r"^1\. holiday photo\.jpg · JPEG"))).to_be_visible()
    full_screenshot(page, ARTIFACTS / "compare-turns.png")
    # a pack of the thread carries its inputs
    open_page(page, app, "history", f"id={third}")
    with page.expect_download(timeout=60_000) as download:
        main.get_by_role("button", name=re.compile(r"^Export the thread")).click()
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as pack:
        names = pack.namelist()
        manifest = json.loads(pack.read(next(n for n in names if n.endswith("manifest.json"))))
    assert any(n.startswith("inputs/") for n in names), names
    assert any(row["inputs"] for row in manifest["images"])


def test_missing_signature_difference_from_the_ui(page: Any, edit_app: AppServer) -> None:
    app = edit_app
    open_page(page, app)
    main = page.get_by_test_id("stMain")
    send(page, "a red bicycle")
    main.get_by_role("button", name="Continue editing").first.click()
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Thought signatures of the replayed turns").get_by_text(
        re.compile(r"^without them")).click()
    wait_for_app(page)
    page.get_by_label("Prompt").fill("make it blue")
    page.get_by_label("Prompt").press("Control+Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(main.get_by_test_id("stAlertContentError").get_by_text(
        re.compile(r"Image part is missing a thought_signature"))).to_be_visible(timeout=60_000)
    expect(main.get_by_text(re.compile(r"--signatures bypass"))).to_be_visible()  # the hint
    expect(main.get_by_text(re.compile(r"^Vertex AI · demo"))).to_be_visible()
    full_screenshot(page, ARTIFACTS / "edit-without-signatures.png")
    with db(app) as conn:
        last = conn.execute("SELECT backend, status, http_status FROM generations ORDER BY id "
                            "DESC LIMIT 2").fetchall()
    assert {(r["backend"], r["status"], r["http_status"]) for r in last} == {
        ("aistudio", "error", 400), ("vertex", "ok", 200)}
