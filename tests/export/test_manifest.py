"""Manifest details: CSV flattening and formula defusing, rows without optional facts."""

from __future__ import annotations

from pathlib import Path

from playground.export import build_review_pack
from playground.export.manifest import csv_cell, review_text
from playground.history.reviews import Review, save_review
from playground.history.store import HistoryStore
from tests.export.conftest import add_generation, open_pack, scene


def test_csv_defuses_formulas_but_json_keeps_the_text(store: HistoryStore,
                                                      tmp_path: Path) -> None:
    prompt = '=HYPERLINK("http://example.invalid","x")'
    result = add_generation(store, prompt, [scene("PNG")])
    assert result.image and result.image.id
    save_review(store, Review(result.image.id, "@ana", 5, [], "+1 great"))
    build_review_pack(store, generation_ids=[result.id or 0], out=tmp_path / "p.zip")
    pack = open_pack(tmp_path / "p.zip")
    (row,) = pack.csv_rows
    assert row["prompt"] == "'" + prompt
    assert row["reviews"] == "'@ana: 5/5 “+1 great”"
    assert pack.manifest["images"][0]["prompt"] == prompt


def test_csv_cells() -> None:
    assert csv_cell("x", None) == "" and csv_cell("x", True) == "true"
    assert csv_cell("x", ["C2PA/JUMBF", "EXIF"]) == "C2PA/JUMBF; EXIF"
    assert csv_cell("x", -1.5) == -1.5  # numbers stay numbers
    assert csv_cell("x", "-a fox") == "'-a fox"


def test_review_text_reads_well() -> None:
    from playground.export.manifest import review_json

    full = review_json(Review(1, "Ana", 4, ["text rendering", "colour"], "sign misspelt"))
    assert review_text(full) == "Ana: 4/5 [text rendering, colour] “sign misspelt”"
    assert review_text(review_json(Review(1, "", None, [], ""))) == "anonymous:"


def test_rows_without_usage_or_dimensions(store: HistoryStore, tmp_path: Path) -> None:
    result = add_generation(store, "odd", [b"not an image at all"])
    build_review_pack(store, generation_ids=[result.id or 0], out=tmp_path / "p.zip")
    pack = open_pack(tmp_path / "p.zip")
    row = pack.manifest["images"][0]
    assert row["width"] is None and row["real_format"] == "unknown"
    assert row["bytes_per_pixel"] is None and row["path"].endswith(".bin")
    assert "No preview" in pack.html
