"""AppTest of the Review page: the studies home, an unknown study, voting a stored pair."""

from __future__ import annotations

from typing import Any

from playground.history.studies import create_study, votes_of
from playground.review.study_plan import study_from_generations
from tests.app.test_pages import demo, page, texts  # noqa: F401 - fixture
from tests.history.test_store import make_result, png


def test_home_asks_for_a_name_then_offers_the_preset(demo: Any) -> None:  # noqa: F811
    at = page("pages/review.py")
    assert not at.exception, at.exception
    assert "No studies yet" in texts(at)
    at.text_input(key="reviewer").input("olga").run()
    assert not at.exception
    assert at.text_input[0].label == "Name" and "Vertex" in at.text_input[0].value


def test_unknown_study_says_so(demo: Any) -> None:  # noqa: F811
    at = page("pages/review.py", study="nope")
    assert not at.exception
    assert "There is no study" in texts(at)


def test_a_vote_is_stored_with_the_side_shown(demo: Any) -> None:  # noqa: F811
    store = demo.store
    ids = [store.save(make_result(store, "fox", png(n), backend=b, group="g"))
           for n, b in enumerate(("aistudio", "vertex"))]
    study = create_study(store, study_from_generations(store, ids, name="Vertex vs AI Studio"))
    at = page("pages/review.py", study=study.id)
    at.text_input(key="reviewer").input("ana").run()
    body = texts(at)
    assert "Prompt: fox" in body and "Vertex" not in body and "AI Studio" not in body
    next(b for b in at.button if b.label == "Tie").click().run()
    assert not at.exception, at.exception
    (vote,) = votes_of(store, study.id)
    assert (vote.reviewer, vote.choice, vote.pair_index) == ("ana", "tie", 0)
    assert any("Done" in s.value for s in at.success)


def test_history_makes_a_study_of_the_generations_shown(demo: Any) -> None:  # noqa: F811
    store = demo.store
    ids = [store.save(make_result(store, "owl", png(n), backend=b, group="g"))
           for n, b in enumerate(("aistudio", "vertex"))]
    hist = page("pages/history.py")
    links = [e for e in hist.get("page_link") if "blind study" in e.proto.label]
    assert len(links) == 1 and links[0].proto.page == "review"
    given = ",".join(map(str, sorted(ids, reverse=True)))  # the list is newest first
    assert links[0].proto.query_string == "ids=" + given.replace(",", "%2C")
    at = page("pages/review.py", ids=given)
    at.text_input(key="reviewer").input("olga").run()
    assert not at.exception, at.exception
    assert at.radio(key="study_src").value == "ids"
    ids_box = next(t for t in at.text_input if t.label == "Generation ids")
    assert ids_box.value == given
    next(t for t in at.text_input if t.label == "Name").input("owls")
    submit = next(b for b in at.button if b.label == "Create study")
    submit.click().run()
    assert not at.exception, at.exception
    assert at.query_params["study"]
