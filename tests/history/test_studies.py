"""Studies in the history database: made from stored generations, one vote per reviewer per
pair enforced by the database itself, closing, deleting, and generations deleted under a study."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.domain.errors import StudyError
from playground.history.store import HistoryStore
from playground.history.studies import (
    Vote,
    close_study,
    create_study,
    delete_study,
    get_study,
    list_studies,
    record_vote,
    require_study,
    votes_of,
)
from playground.review.study_plan import study_from_generations
from tests.history.test_store import make_result, png


def both_run(store: HistoryStore, prompt: str, seed: int) -> list[int]:
    ids = []
    for n, backend in enumerate(("aistudio", "vertex")):
        ids.append(store.save(make_result(store, prompt, png(seed + n), backend=backend,
                                          group=f"g{seed}")))
    return ids


@pytest.fixture
def store(open_store, tmp_path: Path) -> HistoryStore:  # type: ignore[no-untyped-def]
    """On both engines (tests/conftest.py): studies live in a team's shared history too."""
    return open_store(tmp_path)  # type: ignore[no-any-return]


def test_a_study_from_both_runs_pairs_the_platforms_per_prompt(store: HistoryStore) -> None:
    ids = both_run(store, "fox", 1) + both_run(store, "owl", 3)
    draft = study_from_generations(store, ids, name="  Platforms  ", question="quality",
                                   owner="ana")
    study = create_study(store, draft)
    again = require_study(HistoryStore(store.data_dir, database_url=getattr(
        store.engine, "url", None)), study.id)
    assert again.name == "Platforms" and again.question == "Which has better image quality?"
    assert [a.label for a in again.arms] == ["AI Studio · JPEG (default)", "Vertex AI · PNG (default)"]
    assert [(p.prompt, p.arm_a, p.arm_b) for p in again.pairs] == [("fox", 0, 1), ("owl", 0, 1)]
    assert again.owner == "ana" and again.is_open and again.is_emulated  # no googleapis host
    (summary,) = list_studies(store)
    assert (summary.id, summary.pairs, summary.votes) == (study.id, 2, 0)


def test_one_setting_makes_each_variant_its_own_arm(store: HistoryStore) -> None:
    ids = [store.save(make_result(store, "fox", png(n), group="v")) for n in range(3)]
    study = create_study(store, study_from_generations(store, ids, name="variants"))
    assert len(study.arms) == 3 and len(study.pairs) == 3
    assert len({a.label for a in study.arms}) == 3


def test_nothing_to_compare_is_a_clear_error(store: HistoryStore) -> None:
    one = store.save(make_result(store, "fox", png(1)))
    other = store.save(make_result(store, "owl", png(2), backend="vertex"))
    with pytest.raises(StudyError, match="nothing to compare"):
        study_from_generations(store, [one, other], name="x")
    with pytest.raises(StudyError, match="None of these"):
        study_from_generations(store, [999], name="x")
    with pytest.raises(StudyError, match="no study"):
        require_study(store, "nope")


def test_one_vote_per_reviewer_per_pair_is_enforced_by_the_database(store: HistoryStore) -> None:
    study = create_study(store, study_from_generations(store, both_run(store, "fox", 1),
                                                       name="s"))
    assert record_vote(store, study, Vote(0, " ana ", "a", "left"))
    assert not record_vote(store, study, Vote(0, "ana", "b", "right"))  # the first stands
    assert record_vote(store, study, Vote(0, "ana", "b", "right", is_repeat=True))
    assert record_vote(store, study, Vote(0, "bo", "b", "tie", comment=" ok ", tags=("colour",)))
    with pytest.raises(store.engine.not_faults), store.transaction() as conn:  # either driver's
        conn.execute("INSERT INTO study_votes (study_id, pair_index, reviewer, is_repeat, "
                     "left_side, choice, created_at) VALUES (?, 0, 'ana', 0, 'a', 'tie', 0)",
                     (study.id,))
    votes = votes_of(store, study.id)
    assert [(v.reviewer, v.choice, v.is_repeat) for v in votes] == [
        ("ana", "left", False), ("ana", "right", True), ("bo", "tie", False)]
    assert votes[2].comment == "ok" and votes[2].tags == ("colour",)


@pytest.mark.parametrize(("vote", "message"), [
    (Vote(0, "", "a", "left"), "reviewer name"),
    (Vote(0, "ana", "a", "maybe"), "Unknown vote"),  # type: ignore[arg-type]
    (Vote(7, "ana", "a", "left"), "not part of this study"),
    (Vote(0, "ana", "a", "left", tags=("pretty",)), "Unknown tag"),
])
def test_bad_votes_say_what_is_wrong(store: HistoryStore, vote: Vote, message: str) -> None:
    study = create_study(store, study_from_generations(store, both_run(store, "fox", 1),
                                                       name="s"))
    with pytest.raises(StudyError, match=message):
        record_vote(store, study, vote)


def test_closed_studies_take_no_votes_and_deleting_keeps_generations(store: HistoryStore) -> None:
    ids = both_run(store, "fox", 1)
    study = create_study(store, study_from_generations(store, ids, name="s"))
    record_vote(store, study, Vote(0, "ana", "a", "left"))
    assert close_study(store, study.id) and not close_study(store, study.id)
    with pytest.raises(StudyError, match="closed"):
        record_vote(store, study, Vote(0, "bo", "a", "left"))  # a stale open copy
    closed = require_study(store, study.id)
    assert not closed.is_open and closed.closed_at is not None
    assert delete_study(store, study.id) and get_study(store, study.id) is None
    assert all(store.get(i) is not None for i in ids)


def test_a_generation_deleted_under_a_study_leaves_its_pair_incomplete(store: HistoryStore) -> None:
    ids = both_run(store, "fox", 1) + both_run(store, "owl", 3)
    study = create_study(store, study_from_generations(store, ids, name="s"))
    store.delete(ids[0])
    pairs = require_study(store, study.id).pairs
    assert not pairs[0].is_complete and pairs[1].is_complete
