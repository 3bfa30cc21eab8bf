"""The study presets, and the verdict the "Is Vertex's quality better?" preset states.

The article behind Banana Split calls Vertex's quality "enterprise-grade" and AI Studio's merely
"good". The preset asks reviewers, blind, to judge AI Studio against Vertex at the same model,
size and prompts, plus Vertex's JPEG q85 against its default PNG; the verdict reads the share of
decisive votes that preferred Vertex, with its 95 % interval: better or worse only when the whole
interval lies on one side of 50 %.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.domain.arms import ArmSetting
from playground.domain.catalog import DEFAULT_MODEL
from playground.history.studies import Study

if TYPE_CHECKING:
    from playground.review.study_results import PairOfArms, StudyResults

VERTEX_PRESET = "vertex-quality"
VERTEX_PRESET_NAME = "Is Vertex's quality better?"
PRESET_PROMPTS = (
    "A photorealistic mountain lake at sunrise, mist over the water, pine forest on the shore",
    "A night market street in the rain, neon signs reflected in the puddles, people with umbrellas",
    "A product photo of a ceramic coffee mug on an oak table, soft morning window light",
    "A close-up portrait of an old fisherman with a weathered face at golden hour",
)
EMULATED = "Emulated — these images come from Banana Split's built-in emulator, not Google: "


def vertex_quality_arms(model: str = DEFAULT_MODEL, image_size: str | None = "1K"
                        ) -> list[ArmSetting]:
    """AI Studio and Vertex at the same model and size in their default formats, plus JPEG q85
    on Vertex (the PNG-vs-JPEG arm)."""
    return [ArmSetting("aistudio", model, image_size),
            ArmSetting("vertex", model, image_size),
            ArmSetting("vertex", model, image_size, output_mime_type="image/jpeg",
                       compression_quality=85)]


def _find(study: Study, backend: str, mime: str | None) -> int | None:
    for arm in study.arms:
        if arm.spec.get("backend") == backend and arm.spec.get("output_mime_type") == mime:
            return arm.index
    return None


def _preferred(results: StudyResults, winner: int, loser: int) -> PairOfArms | None:
    return next((p for p in results.pairs if {p.a, p.b} == {winner, loser}), None)


def _sentence(results: StudyResults, first: int, second: int, name_1: str, name_2: str,
              better: str, worse: str) -> str:
    pair = _preferred(results, first, second)
    decisive = (pair.a_wins + pair.b_wins) if pair else 0
    if pair is None or not decisive or pair.preference is None:
        return f"{name_1} against {name_2}: no decisive votes yet."
    flip = pair.a != first
    share = 1 - pair.preference if flip else pair.preference
    low, high = ((1 - (pair.ci_high or 0), 1 - (pair.ci_low or 0)) if flip
                 else (pair.ci_low or 0, pair.ci_high or 0))
    if low > 0.5:
        said = better
    elif high < 0.5:
        said = worse
    else:
        said = "no detectable difference: the interval includes 50 %"
    return (f"{name_1} was preferred over {name_2} in {share:.0%} of {decisive} decisive votes "
            f"(95 % CI {low:.0%}–{high:.0%}): {said}.")


def verdict_lines(study: Study, results: StudyResults) -> list[str]:
    """The preset's verdict, one sentence per question; [] for other studies."""
    if study.preset != VERTEX_PRESET:
        return []
    prefix = EMULATED if results.emulated else ""
    if not results.ranking_shown:
        return [f"{prefix}No verdict yet: {results.votes} of the {results.min_votes} votes "
                "needed."]
    aistudio, vertex = _find(study, "aistudio", None), _find(study, "vertex", None)
    jpeg = _find(study, "vertex", "image/jpeg")
    lines = []
    if aistudio is not None and vertex is not None:
        lines.append(prefix + _sentence(results, vertex, aistudio, "Vertex AI", "AI Studio",
                                        "Vertex's quality is better",
                                        "AI Studio's quality is better"))
    if vertex is not None and jpeg is not None:
        lines.append(prefix + _sentence(results, vertex, jpeg, "Vertex's default PNG",
                                        "Vertex's JPEG q85", "PNG looks better",
                                        "JPEG q85 looks better"))
    return lines
