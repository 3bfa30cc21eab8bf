"""A prompt set run now across a study's arms: every prompt on every arm, each row written
before its request goes out (`Recorder`), so the study's images are ordinary History rows.

Arms on the same platform cannot share one fan-out (a fan-out has one slot per platform and
variant), so each prompt runs in rounds of one arm per platform; rounds run a few at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from playground.clients.base import Platform
from playground.domain.arms import ArmSetting
from playground.domain.errors import StudyError
from playground.domain.options import check_request
from playground.domain.types import GenerationResult
from playground.generation.fanout import Slot, run_slots
from playground.generation.recorder import Recorder
from playground.generation.run import RunOptions
from playground.history.store import HistoryStore

MAX_RUN_IMAGES = 120  # prompts × arms: a study run now stays a few minutes at most
PARALLEL_RUNS = 4  # fan-outs at once (each sends one request per platform)


@dataclass
class ArmRun:
    results: list[GenerationResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def generation_ids(self) -> list[int]:
        return [r.id for r in self.results if r.id is not None]


def rounds_of(arms: Sequence[ArmSetting]) -> list[list[ArmSetting]]:
    """Arms grouped so that no platform appears twice in a round (arm order kept)."""
    rounds: list[list[ArmSetting]] = []
    for arm in arms:
        spot = next((r for r in rounds if all(a.platform != arm.platform for a in r)), None)
        if spot is None:
            rounds.append(spot := [])
        spot.append(arm)
    return rounds


def check_arms(arms: Sequence[ArmSetting], prompts: Sequence[str]) -> None:
    """StudyError before anything is sent: too few arms or prompts, too many images, or an arm
    its platform does not accept (the message says which)."""
    if len(arms) < 2 or not prompts:
        raise StudyError("A study run needs at least two arms and one prompt.")
    if len(arms) * len(prompts) > MAX_RUN_IMAGES:
        raise StudyError(f"{len(prompts)} prompts × {len(arms)} arms is more than "
                         f"{MAX_RUN_IMAGES} images.", hint="Use fewer prompts or arms.")
    for arm in arms:
        chosen = {k for k in ("image_size", "aspect_ratio", "output_mime_type",
                              "compression_quality") if getattr(arm, k) is not None}
        findings = check_request(arm.request(prompts[0]), [arm.platform]).for_platform(
            arm.platform)
        # an option the platform drops (a note) would make the arm's label a lie
        refused = [f.message for f in findings if f.severity == "error" or f.field in chosen]
        if refused:
            raise StudyError(f"The arm {arm.platform} · {arm.model} cannot be sent as set: "
                             f"{' '.join(refused)}")


def run_arms(store: HistoryStore, arms: Sequence[ArmSetting], prompts: Sequence[str], *,
             platforms: Mapping[str, Platform], client: httpx.Client,
             options: RunOptions | None = None,
             on_result: Callable[[GenerationResult], object] | None = None) -> ArmRun:
    """Every prompt on every arm, `PARALLEL_RUNS` fan-outs at a time; every row is written
    before the first request leaves (a history that cannot be written stops the run unsent).
    A storage fault on one answer is said in `problems`, never raised."""
    check_arms(arms, prompts)
    base = (options or RunOptions()).with_(group_id=None)
    batches = []
    for prompt in prompts:
        for group in rounds_of(arms):
            slots = [Slot(platforms[a.platform],
                          check_request(a.request(prompt), [a.platform])) for a in group]
            batches.append((slots, Recorder(store, slots, None)))

    def one(slots: list[Slot], recorder: Recorder) -> list[GenerationResult]:
        def save(result: GenerationResult) -> None:
            recorder.save(result)
            if on_result is not None:
                on_result(result)

        return run_slots(slots, client=client, options=base, on_result=save)

    run = ArmRun()
    with ThreadPoolExecutor(max_workers=PARALLEL_RUNS, thread_name_prefix="study-run") as pool:
        futures = [pool.submit(one, slots, recorder) for slots, recorder in batches]
        for future, (_, recorder) in zip(futures, batches, strict=True):
            run.results += future.result()
            run.problems += recorder.problems
    return run
