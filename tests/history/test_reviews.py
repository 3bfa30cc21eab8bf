"""Review notes: stored per image and reviewer, validated, survive a reopen."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.domain.errors import ReviewError
from playground.history.reviews import Review, review_by, reviews_for, save_review
from tests.history import OpenStore
from tests.history.test_store import make_result, png


def test_review_round_trip(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    result = make_result(store, "fox", png(1))
    store.save(result)
    image_id = result.images[0].id
    assert image_id is not None
    found = store.find_image(image_id)
    assert found is not None and found[1].sha256 == result.images[0].sha256
    save_review(store, Review(image_id, "ana", 4, ["colour"], "warm cast"))
    save_review(store, Review(image_id, "ana", 5, ["colour", "artefacts"], "fixed"))  # replaces
    save_review(store, Review(image_id, "bo", 2, [], ""))
    again = open_store(tmp_path)
    notes = reviews_for(again, [image_id])[image_id]
    assert {(n.reviewer, n.rating) for n in notes} == {("ana", 5), ("bo", 2)}
    ana = review_by(again, image_id, "ana")
    assert ana is not None and ana.tags == ["colour", "artefacts"] and ana.comment == "fixed"
    again.delete(result.id or 0)
    assert reviews_for(again, [image_id])[image_id] == []


@pytest.mark.parametrize("review", [Review(1, "x", 6), Review(1, "x", 3, ["sharpness"])])
def test_invalid_reviews(open_store: OpenStore, tmp_path: Path, review: Review) -> None:
    with pytest.raises(ReviewError):
        save_review(open_store(tmp_path), review)
