"""Requests that build on stored results: continue a thread, use a result as a reference, and
regenerate a result at a larger size (docs/decisions.md "Conversations").

A continuation stays on the platform that holds its thread: signatures are minted by one
platform for one model, so an AI Studio thread continues on AI Studio and a Vertex thread on
Vertex. Continuing one result of a "Both" run continues its sibling too, each on its own thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from playground.domain.errors import ConfigError
from playground.domain.labels import image_ref, platform_label
from playground.domain.turns import InputImage, SignatureMode
from playground.domain.types import GenerationResult, ImageFacts, ImageRequest
from playground.history.store import HistoryStore

#: The sizes "Regenerate at … from this" offers (the 1K result is the reference).
LARGER_SIZES = ("2K", "4K")


def threads_to_continue(store: HistoryStore, gen_ids: Sequence[int],
                        platforms: Sequence[str] | None = None) -> dict[str, GenerationResult]:
    """Which generation continues on which platform: each id on its own platform; one id of a
    Both run brings its sibling (same group, same variant) for the other platforms asked for.
    ConfigError, in words, for an id that is missing, failed, or clashes with another."""
    chosen: dict[str, GenerationResult] = {}
    for gen_id in gen_ids:
        result = store.get(gen_id)
        if result is None:
            raise ConfigError(f"There is no generation #{gen_id} in this history.",
                              hint="Pick an id from History (or `generate --json` output).")
        if not result.ok:
            raise ConfigError(f"Generation #{gen_id} has no image to continue from "
                              f"({result.status}).", hint="Continue from a result with an image.")
        if result.backend in chosen and chosen[result.backend].id != gen_id:
            raise ConfigError(f"Two threads on {platform_label(result.backend)} (#"
                              f"{chosen[result.backend].id} and #{gen_id}): continue one per "
                              "platform.", hint="Pass one --continue id per platform.")
        chosen[result.backend] = result
    if len(gen_ids) == 1 and platforms and len(platforms) > 1:
        first = next(iter(chosen.values()))
        for sibling in _siblings(store, first):
            if sibling.backend in platforms and sibling.backend not in chosen and sibling.ok:
                chosen[sibling.backend] = sibling
    if platforms:
        chosen = {p: r for p, r in chosen.items() if p in platforms}
    if not chosen:
        raise ConfigError("None of these threads is on the platforms asked for.",
                          hint="Leave out --backend to continue each thread on its own platform.")
    return chosen


def _siblings(store: HistoryStore, result: GenerationResult) -> list[GenerationResult]:
    if not result.group_id:
        return []
    return [r for r in store.list(group_id=result.group_id, limit=50)
            if r.id != result.id and r.variant == result.variant]


def continuation(store: HistoryStore, parent: GenerationResult, prompt: str, *,
                 inputs: tuple[InputImage, ...] = (), signatures: SignatureMode = "replay",
                 **changes: Any) -> ImageRequest:
    """The next turn of `parent`'s thread: its settings (changes may override them), the whole
    conversation replayed, the new instruction and any new images."""
    assert parent.id is not None
    history = store.conversation(parent.id)
    return parent.request.with_(prompt=prompt, inputs=inputs, history=history, stored_turn=None,
                                parent_id=parent.id, signatures=signatures,
                                derived_from=None, **changes)


def as_input(store: HistoryStore, result: GenerationResult, image: ImageFacts) -> InputImage:
    """A stored image (an answer, drafts included) as a reference for a new request."""
    return InputImage(sha256=image.sha256, mime=image.sniffed_mime, size_bytes=image.size_bytes,
                      width=image.width, height=image.height, source="history",
                      source_ref=image_ref(result.id, image), name=f"#{image_ref(result.id, image)}",
                      data=store.original(image))


def regenerate_larger(store: HistoryStore, result: GenerationResult, size: str) -> ImageRequest:
    """"Regenerate at 2K/4K from this": the same prompt and settings at `size`, with the result's
    image as the reference (Imagen's upscaler is retired: catalog.IMAGEN_UPSCALER)."""
    image = result.image
    if image is None or result.id is None:
        raise ConfigError("This result has no image to regenerate from.")
    ref = image_ref(result.id, image)
    reference = as_input(store, result, image)
    return result.request.with_(image_size=size, inputs=(reference,), history=(), stored_turn=None,
                                parent_id=None, signatures="replay",
                                derived_from=f"regenerated at {size} from #{ref}")
