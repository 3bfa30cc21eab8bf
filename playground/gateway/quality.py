"""auto:quality from the team's blind-review studies (playground/history/studies.py).

A study covers a model when it has an AI Studio arm and a Vertex AI arm of that model in their
default output formats (no output_mime_type or compression_quality asked), at the same size
tier and aspect ratio, and votes between the two. The figures are the ones the Studies page and
`study results` show (review/study_results.py): the share of decisive votes (ties and "both
bad" left out) that preferred Vertex with its Wilson 95 % interval, and each arm's
Bradley–Terry strength with its bootstrap interval once the study has its minimum vote count.

Which study: the requested tier before another tier of the same model (the figures say which
tier the study covered), then closed (finished) studies before open ones, then the newest vote.
A platform is preferred only when the whole interval lies on one side of 50 %, the rule of
review/verdict.py; otherwise the figures come back with `preferred=None` and the router falls
back to its documented default, saying so. Studies made in demo mode (emulated images) count
only when the gateway runs in demo mode, and the figures say "emulated".
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from playground.domain.catalog import MODELS
from playground.gateway.routing import CACHE_S, QualityFigures
from playground.history.store import HistoryStore
from playground.history.studies import Arm, Study, Vote, get_study, list_studies, votes_of
from playground.review.study_results import study_results

MAX_STUDIES = 200
PLATFORMS = ("aistudio", "vertex")


def _covers(study: Study, model: str) -> list[tuple[str, Arm, Arm]]:
    """(tier, AI Studio arm, Vertex arm) of every same-settings platform pair of `model`."""
    info = MODELS.get(model)
    default_tier = info.default_size if info else "1K"
    found: dict[tuple[str, object], dict[str, Arm]] = {}
    for arm in study.arms:
        spec = arm.spec
        if (spec.get("model") != model or spec.get("backend") not in PLATFORMS
                or spec.get("output_mime_type") or spec.get("compression_quality") is not None):
            continue
        tier = str(spec.get("image_size") or default_tier)
        found.setdefault((tier, spec.get("aspect_ratio")), {}).setdefault(spec["backend"], arm)
    return [(tier, arms["aistudio"], arms["vertex"]) for (tier, _), arms in found.items()
            if len(arms) == 2]


def figures_of(study: Study, tier: str, studio: Arm, vertex: Arm,
               votes: list[Vote]) -> QualityFigures | None:
    """The study's verdict on AI Studio against Vertex AI; None without decisive votes."""
    results = study_results(study, votes)
    pair = next((p for p in results.pairs if {p.a, p.b} == {studio.index, vertex.index}), None)
    if pair is None or pair.preference is None or pair.ci_low is None or pair.ci_high is None:
        return None
    flip = pair.a != vertex.index
    share = 1 - pair.preference if flip else pair.preference
    low, high = (1 - pair.ci_high, 1 - pair.ci_low) if flip else (pair.ci_low, pair.ci_high)
    preferred = "vertex" if low > 0.5 else "aistudio" if high < 0.5 else None
    strengths = tuple((name, arm.strength, arm.ci_low, arm.ci_high)
                      for name, n in (("vertex", vertex.index), ("aistudio", studio.index))
                      if (arm := results.arms[n]).strength is not None
                      and arm.ci_low is not None and arm.ci_high is not None)
    counted = [v for v in votes if not v.is_repeat and v.pair_index < len(study.pairs)
               and {study.pairs[v.pair_index].arm_a, study.pairs[v.pair_index].arm_b}
               == {studio.index, vertex.index}]
    newest = max((v.created_at for v in counted), default=study.closed_at or study.created_at)
    return QualityFigures(
        preferred=preferred, vertex_share=share, ci_low=low, ci_high=high,
        votes=pair.a_wins + pair.b_wins, all_votes=pair.votes,
        as_of=datetime.fromtimestamp(newest, UTC).date().isoformat(), study=study.id,
        name=study.name, tier=tier, status=study.status, emulated=study.is_emulated,
        strengths=strengths)


class StoredStudies:
    """`QualityStudy` over the studies stored in a history (cached CACHE_S per model and tier)."""

    why_none = ("no blind-review study with votes compares AI Studio and Vertex AI on this "
                "model in their default formats (python -m playground study create)")

    def __init__(self, store: HistoryStore, *, include_emulated: bool = False) -> None:
        self.store = store
        self.include_emulated = include_emulated
        self._cache: dict[tuple[str, str], tuple[float, QualityFigures | None]] = {}
        self._lock = threading.Lock()

    def refresh(self) -> None:
        with self._lock:
            self._cache.clear()

    def quality_figures(self, model: str, image_size: str) -> QualityFigures | None:
        key = (model, image_size)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and time.monotonic() - hit[0] < CACHE_S:
                return hit[1]
        found = self._find(model, image_size)
        with self._lock:
            self._cache[key] = (time.monotonic(), found)
        return found

    def _find(self, model: str, tier: str) -> QualityFigures | None:
        best: tuple[tuple[bool, bool, str, float], QualityFigures] | None = None
        for summary in list_studies(self.store, limit=MAX_STUDIES):
            if not summary.votes:
                continue
            study = get_study(self.store, summary.id)
            if study is None or (study.is_emulated and not self.include_emulated):
                continue
            covered = _covers(study, model)
            if not covered:
                continue
            votes = votes_of(self.store, study.id)
            for covered_tier, studio, vertex in covered:
                figures = figures_of(study, covered_tier, studio, vertex, votes)
                if figures is None:
                    continue
                rank = (covered_tier == tier, study.status == "closed", figures.as_of,
                        study.created_at)
                if best is None or rank > best[0]:
                    best = (rank, figures)
        return best[1] if best else None
