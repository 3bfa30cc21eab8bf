"""auto:quality from stored blind-review studies: the platform the votes prefer, or the default
with the reason when the interval says no difference; over HTTP with the openai SDK, and the
CLI's `generate --backend auto --priority quality`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from playground.bench.store import BenchStore
from playground.domain.imaging import describe_image
from playground.domain.types import GenerationResult, ImageRequest, Timing
from playground.gateway.quality import StoredStudies
from playground.gateway.routing import Router
from playground.history.store import HistoryStore
from playground.history.studies import Vote, close_study, create_study, record_vote
from playground.review.study_plan import study_from_generations
from tests.gateway.conftest import ids
from tests.gateway.test_routing import _ask, fresh, generate_auto  # noqa: F401 - the fixture
from tests.history.test_store import png

PRO = "gemini-3-pro-image"
GOOGLE = {"aistudio": "https://generativelanguage.googleapis.com/v1beta/models/x",
          "vertex": "https://aiplatform.googleapis.com/v1/projects/p/models/x"}


def seed_study(store: HistoryStore, *, vertex: int, aistudio: int, ties: int = 0,
               model: str = PRO, tier: str | None = "1K", google: bool = True,
               close: bool = True, name: str = "Platforms") -> str:
    """A study over stored generations of both platforms, one pair per prompt, and votes: the
    first `vertex` pairs won by Vertex, the next `aistudio` by AI Studio, then `ties`."""
    pairs = vertex + aistudio + ties
    gen_ids = []
    for n in range(pairs):
        for m, backend in enumerate(("aistudio", "vertex")):
            req = ImageRequest(prompt=f"prompt {n}", model=model, image_size=tier)
            result = GenerationResult(backend=backend, request=req, status="ok", model=model,  # type: ignore[arg-type]
                                      http_status=200, timing=Timing(1.0, 2.0),
                                      group_id=f"g{n}",
                                      request_url=GOOGLE[backend] if google else None)
            result.images.append(describe_image(png(2 * n + m), declared_mime="image/png"))
            gen_ids.append(store.save(result))
    study = create_study(store, study_from_generations(store, gen_ids, name=name, min_votes=10))
    vertex_arm = next(a.index for a in study.arms if a.spec["backend"] == "vertex")
    for pair in study.pairs:
        n = pair.index
        vertex_side = "a" if pair.arm_a == vertex_arm else "b"
        other = "b" if vertex_side == "a" else "a"
        winner = vertex_side if n < vertex else other if n < vertex + aistudio else None
        left = "a" if n % 2 else "b"  # both sides shown on the left, as the page draws them
        choice = "tie" if winner is None else "left" if winner == left else "right"
        assert record_vote(store, study, Vote(n, "ana", left, choice))  # type: ignore[arg-type]
    if close:
        close_study(store, study.id)
    return study.id


def _route(store: HistoryStore, tier: str = "1K", *, emulated: bool = False) -> Any:
    return Router(BenchStore(store), StoredStudies(store, include_emulated=emulated)).choose(
        PRO, tier, "quality")


def test_votes_favouring_vertex_pick_vertex(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    study = seed_study(store, vertex=24, aistudio=6)
    decision = _route(store)
    assert (decision.platform, decision.basis) == ("vertex", "study")
    header = decision.header()
    day = time.strftime("%Y-%m-%d", time.gmtime())
    assert f'study={study} "Platforms" closed tier=1K' in header
    assert "vertex-preferred=80% ci95=63%-90%" in header and "decisive=30 votes=30" in header
    assert "strength vertex=" in header and f"as-of={day}" in header
    assert "emulated" not in header
    assert f"why=the blind-review study {study} preferred vertex" in header
    assert "preferred vertex (Vertex AI preferred in 80% of 30 decisive votes" in decision.note()


def test_votes_favouring_ai_studio_pick_ai_studio(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    seed_study(store, vertex=5, aistudio=25, close=False, name='Qualität; "A/B"\r\nX-Evil: 1')
    decision = _route(store)
    assert (decision.platform, decision.basis) == ("aistudio", "study")
    header = decision.header()
    assert '"Qualit?t? ?A/B???X-Evil: 1" open tier=1K' in header  # one ASCII line, quoted
    assert "vertex-preferred=17%" in header and header.isascii() and "\n" not in header


def test_an_interval_spanning_no_difference_falls_back_and_says_why(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    study = seed_study(store, vertex=9, aistudio=7, ties=4)
    decision = _route(store)
    assert (decision.platform, decision.basis) == ("vertex", "default")
    header = decision.header()
    assert f"study={study}" in header and "decisive=16 votes=20" in header
    assert (f"why=the blind-review study {study} found no detectable difference (Vertex AI "
            "preferred in 56% of 16 decisive votes, 95 % CI 33%-77%: the interval includes "
            "50 %); the documented default: same model on both platforms") in header


def test_the_requested_tier_wins_and_another_tier_is_said(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    seed_study(store, vertex=3, aistudio=20, tier="2K")
    assert "tier=2K" in _route(store, "4K").header()  # only a 2K study: used, and said
    assert _route(store, "4K").platform == "aistudio"
    seed_study(store, vertex=20, aistudio=3, tier="4K")
    assert _route(store, "4K").platform == "vertex" and _route(store, "2K").platform == "aistudio"
    other_model = Router(BenchStore(store), StoredStudies(store)).choose(
        "gemini-nano-banana-2.1", "1K", "quality")
    assert other_model.basis == "default" and "no blind-review study with votes" in \
        other_model.reason


def test_emulated_studies_count_only_in_demo_mode_and_say_so(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    seed_study(store, vertex=2, aistudio=20, google=False)
    assert _route(store).basis == "default"
    demo = _route(store, emulated=True)
    assert demo.platform == "aistudio" and " emulated as-of=" in demo.header()
    assert "(emulated)" in demo.reason


def test_auto_quality_through_the_gateway_with_the_openai_sdk(fresh: Any) -> None:  # noqa: F811
    store = fresh.gateway.store
    before = _ask(fresh, "auto:quality")
    assert "basis=default" in before.headers["x-banana-route"]
    study = seed_study(store, vertex=4, aistudio=22)
    fresh.gateway.router.refresh()
    raw = _ask(fresh, "auto:quality", size="1024x1024")
    assert raw.headers["x-banana-backend"] == "aistudio"
    route = raw.headers["x-banana-route"]
    assert route.startswith("auto:quality -> aistudio; basis=study")
    assert f"study={study}" in route and "decisive=26" in route
    image = raw.parse().data[0]
    assert image.b64_json
    row = store.get(ids(raw.headers)[0])
    assert row.backend == "aistudio"
    assert any(n.startswith("Routed by auto:quality to aistudio (study)") and
               f"Study: study={study}" in n and "decisive=26" in n for n in row.notes)


def test_generate_backend_auto_priority_quality(tmp_path: Path, monkeypatch: Any,
                                                capsys: Any) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(data))
    study = seed_study(HistoryStore(data), vertex=3, aistudio=21, model=PRO + "-preview",
                       tier="2K", google=False)  # --demo: emulated studies count, labelled
    line, err = generate_auto("quality", capsys)
    assert line["backend"] == "aistudio"
    assert "route: auto:quality -> aistudio; basis=study" in err
    assert f"study={study}" in err and " emulated as-of=" in err
    assert any(n.startswith("Routed by auto:quality to aistudio (study)") for n in line["notes"])
