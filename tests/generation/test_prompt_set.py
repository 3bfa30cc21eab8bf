"""A prompt set run across arms: rounds of one arm per platform, refused arms before sending."""

from __future__ import annotations

import pytest

from playground.domain.arms import ArmSetting
from playground.domain.errors import StudyError
from playground.generation.prompt_set import MAX_RUN_IMAGES, check_arms, rounds_of
from playground.review.verdict import vertex_quality_arms


def test_arms_on_one_platform_go_to_separate_rounds() -> None:
    arms = vertex_quality_arms()
    rounds = rounds_of(arms)
    assert [[a.platform for a in r] for r in rounds] == [["aistudio", "vertex"], ["vertex"]]
    assert rounds[1][0].output_mime_type == "image/jpeg" and rounds[1][0].compression_quality == 85


@pytest.mark.parametrize(("arms", "prompts", "message"), [
    ([ArmSetting("vertex")], ["p"], "at least two arms"),
    (vertex_quality_arms(), [], "at least two arms and one prompt"),
    (vertex_quality_arms(), ["p"] * (MAX_RUN_IMAGES // 3 + 1), "more than"),
    ([ArmSetting("aistudio", output_mime_type="image/png"), ArmSetting("vertex")], ["p"],
     "cannot be sent"),
])
def test_bad_runs_are_refused_before_anything_is_sent(arms: list[ArmSetting], prompts: list[str],
                                                      message: str) -> None:
    with pytest.raises(StudyError, match=message):
        check_arms(arms, prompts)
