"""Fan out: one request to several platforms, N variants each, or each platform its own
request (a conversation continues on the platform that holds it), all at once.

Wall time ≈ the slowest request, not the sum: every slot gets its own worker. The platforms
reject `candidateCount` > 1 (docs/wire-notes.md "Conversations"), so N variants are N requests; they share
one group id, so they compare as one run (docs/decisions.md "Conversations").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import httpx

from playground.clients.base import Platform
from playground.domain.options import RequestCheck, check_request
from playground.domain.types import GenerationResult, ImageRequest
from playground.generation.run import DEFAULTS, RunOptions, generate

MAX_VARIANTS = 4
Requests = ImageRequest | RequestCheck | Mapping[str, ImageRequest | RequestCheck]


@dataclass(frozen=True)
class Slot:
    """One request of a fan-out: where it goes, what it asks, which variant it is."""

    platform: Platform
    check: RequestCheck
    variant: int | None = None

    @property
    def key(self) -> str:
        return slot_key(self.platform.name, self.variant)


def slot_key(platform: str, variant: int | None) -> str:
    """"aistudio", or "aistudio#2" for the second variant."""
    return platform if variant is None else f"{platform}#{variant}"


def result_key(result: GenerationResult) -> str:
    return slot_key(result.backend, result.variant)


def plan_slots(requests: Requests, platforms: Sequence[Platform], *,
               variants: int = 1) -> list[Slot]:
    """The slots of a run: each platform's request (one for all, or one per platform by name),
    `variants` times (1–4)."""
    if not 1 <= variants <= MAX_VARIANTS:
        raise ValueError(f"variants must be 1 to {MAX_VARIANTS}")
    slots: list[Slot] = []
    for platform in platforms:
        request = requests[platform.name] if isinstance(requests, Mapping) else requests
        check = (request if isinstance(request, RequestCheck)
                 else check_request(request, [platform.name]))
        for n in range(1, variants + 1):
            slots.append(Slot(platform, check, n if variants > 1 else None))
    return slots


def run_slots(slots: Sequence[Slot], *, client: httpx.Client, options: RunOptions = DEFAULTS,
              on_result: Callable[[GenerationResult], object] | None = None,
              ) -> list[GenerationResult]:
    """Send every slot at once; results in slot order. `on_result` is called in the worker
    thread as each lands (the job saves it there, so the first answer is stored while the
    others are still on the wire)."""
    if len(slots) > 1 and options.group_id is None:
        options = options.with_(group_id=uuid.uuid4().hex[:12])

    def one(slot: Slot) -> GenerationResult:
        result = generate(slot.check, slot.platform, client=client,
                          options=options.with_(variant=slot.variant))
        if on_result:
            on_result(result)
        return result

    if len(slots) == 1:  # no worker to start and hand over to (0.4 ms a call in the gateway)
        return [one(slots[0])]
    results: dict[int, GenerationResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, len(slots)), thread_name_prefix="fanout") as pool:
        futures = {pool.submit(one, slot): n for n, slot in enumerate(slots)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
    return [results[n] for n in range(len(slots))]


def generate_many(requests: Requests, platforms: Sequence[Platform], *, client: httpx.Client,
                  options: RunOptions = DEFAULTS,
                  on_result: Callable[[GenerationResult], object] | None = None,
                  ) -> dict[str, GenerationResult]:
    """One request (or one per platform) on several platforms at once, by platform name."""
    results = run_slots(plan_slots(requests, platforms), client=client, options=options,
                        on_result=on_result)
    return {r.backend: r for r in results}
