"""The review pack round trip: unzip it, the manifest matches history, the bytes match."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from playground.domain.errors import ExportSelectionError, PlaygroundError
from playground.domain.types import GenerationResult
from playground.export import build_review_pack, pack_bytes
from playground.export.manifest import REQUEST_PARAMS, iso_time
from playground.history.reviews import Review, save_review
from playground.history.store import HistoryStore
from tests.export.conftest import add_generation, open_pack, scene

TEXT_FILES = {"manifest.json", "manifest.csv", "metrics.json", "index.html"}


def history_row_matches(store: HistoryStore, row: dict) -> None:
    """Every manifest field against what history holds for this image."""
    found = store.find_image(row["image_id"])
    assert found is not None
    result, facts = found
    req = result.request
    expected = {
        "generation_id": result.id, "group_id": result.group_id, "backend": result.backend,
        "model": result.model, "prompt": req.prompt, "status": result.status,
        "http_status": result.http_status, "created_at": iso_time(result.created_at),
        "is_draft": facts.is_draft, "declared_mime": facts.declared_mime,
        "sniffed_mime": facts.sniffed_mime, "size_bytes": facts.size_bytes,
        "width": facts.width, "height": facts.height,
        "requested_width": facts.requested_width, "requested_height": facts.requested_height,
        "metadata_bytes": facts.metadata_bytes, "ttfb_s": result.timing.ttfb_s,
        "total_s": result.timing.total_s, "attempts": len(result.attempts),
        "finish_reason": result.finish_reason, "cost_usd": result.cost_usd,
        "sha256": facts.sha256,
        **{f"request_{name}": getattr(req, name) for name in REQUEST_PARAMS},
    }
    if result.usage:
        u = result.usage
        expected |= {"prompt_tokens": u.prompt_tokens, "candidates_tokens": u.candidates_tokens,
                     "thoughts_tokens": u.thoughts_tokens,
                     "image_output_tokens": u.image_output_tokens,
                     "total_tokens": u.total_tokens}
    assert {k: row[k] for k in expected} == expected


def csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def test_round_trip_of_emulated_both_runs(emulated_history: Callable[..., HistoryStore],
                                          tmp_path: Path) -> None:
    store = emulated_history("a red fox", "a blue whale")
    generations = store.list(limit=10)
    assert len(generations) == 4 and all(r.ok for r in generations)
    final = generations[0].image
    assert final is not None and final.id is not None
    save_review(store, Review(final.id, "Ana", 4, ["colour"], "sky is right"))
    save_review(store, Review(final.id, "Ben", 2, ["artefacts"], "banding"))

    summary = build_review_pack(store, last=4, out=tmp_path / "pack.zip")
    pack = open_pack(tmp_path / "pack.zip")

    assert summary.is_complete and summary.pairs == 2 and summary.generations == 4
    assert summary.path == tmp_path / "pack.zip"
    assert summary.size_bytes == (tmp_path / "pack.zip").stat().st_size
    assert set(summary.files) == set(pack.files)
    image_ids = [i.id for r in generations for i in r.images]
    rows = pack.manifest["images"]
    assert [r["image_id"] for r in rows] == image_ids  # newest generation first, by position
    assert any(r["is_draft"] for r in rows) and any(not r["is_draft"] for r in rows)
    for row in rows:
        history_row_matches(store, row)
        found = store.find_image(row["image_id"])
        assert found is not None
        data = pack.files[row["path"]]
        assert hashlib.sha256(data).hexdigest() == row["sha256"] == found[1].sha256
        assert data == store.original(found[1])  # the exact original bytes
        assert row["file_status"] == "ok"
    image_files = {n for n in pack.files if n.startswith("images/")}
    assert image_files == {r["path"] for r in rows}
    assert set(pack.files) == image_files | TEXT_FILES

    # the CSV holds the same rows, flattened
    csv_rows = pack.csv_rows
    assert len(csv_rows) == len(rows)
    for json_row, csv_row in zip(rows, csv_rows, strict=True):
        assert list(csv_row) == list(json_row)
        for key, value in json_row.items():
            if key != "reviews":
                assert csv_row[key] == csv_text(value), key
    reviewed = next(r for r in csv_rows if r["image_id"] == str(final.id))
    assert "Ana: 4/5 [colour] “sky is right”" in reviewed["reviews"]
    assert "Ben: 2/5 [artefacts] “banding”" in reviewed["reviews"]
    json_reviewed = next(r for r in rows if r["image_id"] == final.id)
    assert json_reviewed["review_count"] == 2 and json_reviewed["rating_mean"] == 3.0
    assert {v["reviewer"] for v in json_reviewed["reviews"]} == {"Ana", "Ben"}

    # one pair per Both run: AI Studio's final as A, Vertex's as B
    entries = pack.metrics["pairs"]
    assert len(entries) == 2
    for entry in entries:
        assert entry["kind"] == "both-run" and entry["error"] is None
        assert (entry["a"]["backend"], entry["b"]["backend"]) == ("aistudio", "vertex")
        group = store.list(group_id=entry["group_id"])
        finals = {r.backend: r.image for r in group}
        assert entry["a"]["image_id"] == finals["aistudio"].id  # type: ignore[union-attr]
        assert entry["b"]["image_id"] == finals["vertex"].id  # type: ignore[union-attr]
        m = entry["metrics"]
        assert m["psnr_db"] > 20 and 0 < m["ssim"] <= 1 and m["ssim_method"].startswith("SSIM")
        assert m["mad"] >= 0 and m["max_diff"] >= 0 and m["concentration"]
        assert any("JPEG" in s and "PNG" in s for s in entry["why_bigger"])
        assert entry["like_for_like"] is None
        assert entry["byte_breakdown"]["a"]["format"] == "JPEG"
        pair_rows = [r for r in rows if r["pair_id"] == entry["pair_id"]]
        assert {r["pair_side"] for r in pair_rows} == {"A", "B"}
    assert pack.manifest["counts"] == {"images": len(rows), "generations": 4, "pairs": 2,
                                       "generations_without_image": 0, "missing_files": 0}


def test_pairs_with_like_for_like_on_a_crafted_both_run(
        store: HistoryStore, both_run: tuple[GenerationResult, GenerationResult],
        tmp_path: Path) -> None:
    a, b = both_run
    build_review_pack(store, generation_ids=[b.id or 0, a.id or 0], out=tmp_path / "p.zip",
                      like_for_like=True)
    pack = open_pack(tmp_path / "p.zip")
    (entry,) = pack.metrics["pairs"]
    assert entry["a"]["image_id"] == a.image.id  # type: ignore[union-attr]  # AI Studio is A
    assert entry["b"]["image_id"] == b.image.id  # type: ignore[union-attr]
    l4l = entry["like_for_like"]
    assert l4l["png_a"] > 0 and l4l["jpeg_b"] > 0 and l4l["matched_to"] == "A"
    assert "Re-encoded identically" in l4l["sentence"]
    assert any("explains" in s for s in entry["why_bigger"])
    # the draft is in the pack, marked, and not part of the pair
    draft = next(r for r in pack.manifest["images"] if r["is_draft"])
    assert "-draft-" in draft["path"] and draft["pair_id"] is None
    assert pack.metrics["like_for_like"] is True


def test_identical_images_give_infinite_psnr_as_valid_json(store: HistoryStore,
                                                           tmp_path: Path) -> None:
    data = scene("PNG", seed=3)
    a = add_generation(store, "twin", [data], group="g")
    b = add_generation(store, "twin", [data], backend="vertex", group="g")
    build_review_pack(store, generation_ids=[a.id or 0, b.id or 0], out=tmp_path / "p.zip")
    pack = open_pack(tmp_path / "p.zip")
    m = pack.metrics["pairs"][0]["metrics"]
    assert m["psnr_db"] is None and m["psnr_is_infinite"] is True and m["ssim"] == 1.0
    assert b"Infinity" not in pack.files["metrics.json"]
    assert "∞ (identical pixels)" in pack.html


def test_two_image_ids_are_the_pair_as_given_drafts_included(
        store: HistoryStore, both_run: tuple[GenerationResult, GenerationResult],
        tmp_path: Path) -> None:
    a, b = both_run
    draft_id, vertex_id = a.images[0].id or 0, b.images[0].id or 0
    summary = build_review_pack(store, image_ids=[vertex_id, draft_id], out=tmp_path / "p.zip")
    pack = open_pack(tmp_path / "p.zip")
    assert summary.images == 2 and summary.pairs == 1
    assert [r["image_id"] for r in pack.manifest["images"]] == [vertex_id, draft_id]
    (entry,) = pack.metrics["pairs"]
    assert entry["kind"] == "selected"
    assert (entry["a"]["image_id"], entry["b"]["image_id"]) == (vertex_id, draft_id)
    assert entry["b"]["is_draft"] is True
    assert len([n for n in pack.files if n.startswith("images/")]) == 2
    assert {g["generation_id"] for g in pack.manifest["generations"]} == {a.id, b.id}
    by_gen = {g["generation_id"]: g["image_ids"] for g in pack.manifest["generations"]}
    assert by_gen[a.id] == [draft_id]  # only the exported image of that generation


def test_equal_bytes_in_one_generation_share_one_file(store: HistoryStore,
                                                      tmp_path: Path) -> None:
    data = scene("JPEG")
    result = add_generation(store, "draft equals final", [data, data], drafts=1)
    build_review_pack(store, generation_ids=[result.id or 0], out=tmp_path / "p.zip")
    pack = open_pack(tmp_path / "p.zip")
    rows = pack.manifest["images"]
    assert [r["is_draft"] for r in rows] == [True, False]
    assert rows[0]["path"] == rows[1]["path"] and "-draft-" not in rows[0]["path"]
    assert "Same bytes as" in pack.html


def test_generation_without_image_is_listed_with_its_error(
        store: HistoryStore, both_run: tuple[GenerationResult, GenerationResult],
        tmp_path: Path) -> None:
    failed = add_generation(store, "quota hit", None, status="error")
    summary = build_review_pack(store, last=3, out=tmp_path / "p.zip")
    pack = open_pack(tmp_path / "p.zip")
    assert summary.generations_without_image == 1 and summary.is_complete
    entry = next(g for g in pack.manifest["generations"] if g["generation_id"] == failed.id)
    assert entry["status"] == "error" and entry["image_ids"] == []
    assert entry["error"]["status"] == "RESOURCE_EXHAUSTED" and entry["error"]["hint"]
    assert failed.id not in {r["generation_id"] for r in pack.manifest["images"]}
    assert "Generations without an image" in pack.html and "Resource exhausted" in pack.html
    assert "1 generation(s) have no image" in summary.text()


def test_only_failed_generations_still_make_a_pack(store: HistoryStore, tmp_path: Path) -> None:
    failed = add_generation(store, "blocked", None, status="blocked")
    build_review_pack(store, generation_ids=[failed.id or 0], out=tmp_path / "p.zip")
    pack = open_pack(tmp_path / "p.zip")
    assert pack.manifest["images"] == [] and set(pack.files) == TEXT_FILES
    header = pack.files["manifest.csv"].decode().splitlines()
    assert len(header) == 1 and header[0].startswith("image_id,generation_id")


def test_missing_file_is_listed_not_fatal(store: HistoryStore,
                                          both_run: tuple[GenerationResult, GenerationResult],
                                          tmp_path: Path) -> None:
    a, b = both_run
    assert b.image is not None and store.has_original(b.image)
    store.files.path_for(b.image.sha256, b.image.sniffed_mime).unlink()
    summary = build_review_pack(store, generation_ids=[a.id or 0, b.id or 0],
                                out=tmp_path / "p.zip")
    pack = open_pack(tmp_path / "p.zip")
    assert not summary.is_complete and len(summary.missing) == 1
    assert f"Image #{b.image.id}" in summary.missing[0] and "missing" in summary.text()
    row = next(r for r in pack.manifest["images"] if r["image_id"] == b.image.id)
    assert row["file_status"] == "missing" and row["path"] is None
    assert row["sha256"] == b.image.sha256  # the facts stay
    assert not any(n.endswith(".png") for n in pack.files)
    assert pack.manifest["counts"]["missing_files"] == 1 and pack.manifest["missing"]
    (entry,) = pack.metrics["pairs"]
    assert entry["metrics"] is None and "Image B is missing" in entry["error"]
    assert entry["why_bigger"]  # still computed from the stored facts
    assert "File missing" in pack.html and summary.missing[0] in pack.html
    csv_row = next(r for r in pack.csv_rows if r["image_id"] == str(b.image.id))
    assert csv_row["file_status"] == "missing" and csv_row["path"] == ""


def test_changed_file_is_flagged(store: HistoryStore, tmp_path: Path) -> None:
    result = add_generation(store, "tampered", [scene("PNG")])
    assert result.image is not None and store.has_original(result.image)
    store.files.path_for(result.image.sha256, result.image.sniffed_mime).write_bytes(scene("PNG", seed=9))
    summary = build_review_pack(store, generation_ids=[result.id or 0], out=tmp_path / "p.zip")
    row = open_pack(tmp_path / "p.zip").manifest["images"][0]
    assert row["file_status"] == "changed" and not summary.is_complete
    assert "no longer match" in summary.missing[0]


def test_undecodable_image_gives_a_sentence_not_a_traceback(store: HistoryStore,
                                                           tmp_path: Path) -> None:
    good = scene("PNG")
    a = add_generation(store, "ok", [scene("JPEG")], group="g")
    b = add_generation(store, "truncated", [good[: len(good) // 2]], backend="vertex", group="g")
    build_review_pack(store, generation_ids=[a.id or 0, b.id or 0], out=tmp_path / "p.zip")
    pack = open_pack(tmp_path / "p.zip")
    (entry,) = pack.metrics["pairs"]
    assert entry["metrics"] is None and "could not be decoded" in entry["error"]
    assert "No preview" in pack.html


@pytest.mark.parametrize("selection, words", [
    ({"generation_ids": [999]}, "no generation with id 999"),
    ({"generation_ids": [1, 998, 999]}, "ids 998, 999"),
    ({"image_ids": [4242]}, "no image with id 4242"),
    ({"generation_ids": []}, "nothing to export"),
    ({"last": 0}, "positive number"),
    ({"last": -3}, "positive number"),
    ({}, "exactly one way"),
    ({"last": 2, "image_ids": [1]}, "exactly one way"),
])
def test_bad_selections_raise_a_clear_error(
        store: HistoryStore, both_run: tuple[GenerationResult, GenerationResult],
        tmp_path: Path, selection: dict, words: str) -> None:
    out = tmp_path / "p.zip"
    with pytest.raises(ExportSelectionError) as info:
        build_review_pack(store, out=out, **selection)
    assert isinstance(info.value, PlaygroundError)
    assert words in str(info.value).lower() and info.value.hint
    assert not out.exists() and list(tmp_path.glob("*.tmp")) == []


def test_empty_history_says_how_to_fill_it(store: HistoryStore, tmp_path: Path) -> None:
    with pytest.raises(ExportSelectionError, match="History is empty") as info:
        build_review_pack(store, last=5, out=tmp_path / "p.zip")
    assert "generate" in info.value.hint


def test_failure_while_writing_leaves_no_partial_file(
        store: HistoryStore, both_run: tuple[GenerationResult, GenerationResult],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from playground.export import comparison

    def boom(*args: object, **kwargs: object) -> dict:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(comparison, "pair_entry", boom)
    with pytest.raises(RuntimeError):
        build_review_pack(store, last=2, out=tmp_path / "p.zip")
    assert list(tmp_path.iterdir()) == [store.data_dir]


def test_stream_output_progress_and_pack_bytes(
        store: HistoryStore, both_run: tuple[GenerationResult, GenerationResult]) -> None:
    calls: list[tuple[int, int, str]] = []
    buffer = io.BytesIO()
    summary = build_review_pack(store, last=2, out=buffer,
                                progress=lambda d, t, w: calls.append((d, t, w)))
    assert summary.path is None and summary.size_bytes == len(buffer.getvalue())
    assert zipfile.ZipFile(buffer).testzip() is None
    done = [c[0] for c in calls]
    assert done == sorted(done) and calls[-1][0] == calls[-1][1] and calls[0][0] == 0
    data = pack_bytes(store, last=2)
    assert set(zipfile.ZipFile(io.BytesIO(data)).namelist()) == set(summary.files)


def test_more_than_two_image_ids_pair_by_both_run(
        store: HistoryStore, both_run: tuple[GenerationResult, GenerationResult],
        tmp_path: Path) -> None:
    a, b = both_run
    ids = [a.images[0].id or 0, b.images[0].id or 0, a.images[1].id or 0]
    summary = build_review_pack(store, image_ids=ids, out=tmp_path / "p.zip")
    (entry,) = open_pack(tmp_path / "p.zip").metrics["pairs"]
    assert summary.images == 3 and entry["kind"] == "both-run"
    assert (entry["a"]["image_id"], entry["b"]["image_id"]) == (ids[2], ids[1])


def test_pack_filename_is_dated() -> None:
    from playground.export import pack_filename

    assert pack_filename(1_700_000_000).startswith("banana-split-review-2023")
    assert pack_filename().endswith(".zip")
