"""Making a study from stored generations: which settings are the arms, which images pair up.

An *arm* is what made an image: platform, model, size, aspect ratio and output options (the
request as sent, never the prompt). Two images pair up when the same prompt made them in two
different arms: a Both run, a benchmark's cells on one prompt, a prompt set run across arms.
When every chosen generation has the same settings (a variant group), each generation is its
own arm, so the variants are ranked against each other.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from playground.domain.catalog import MODELS
from playground.domain.errors import StudyError
from playground.domain.labels import image_ref, platform_label
from playground.domain.types import GenerationResult
from playground.history.store import HistoryStore
from playground.history.studies import Arm, Pair, StudyDraft

QUESTIONS = {
    "adherence": "Which image follows the prompt better?",
    "quality": "Which has better image quality?",
}
DEFAULT_QUESTION = "quality"
MAX_PAIRS = 400
ARM_FIELDS = ("backend", "model", "image_size", "aspect_ratio", "output_mime_type",
              "compression_quality")


def question_text(question: str | None) -> str:
    """A preset key ("adherence", "quality") or the custom question itself."""
    text = (question or DEFAULT_QUESTION).strip()
    text = QUESTIONS.get(text, text)
    if not text or len(text) > 300:
        raise StudyError("A question has 1 to 300 characters (or is a preset: "
                         + ", ".join(QUESTIONS) + ").")
    return text


def arm_spec(result: GenerationResult) -> dict[str, Any]:
    """The settings that made this result (what the arm compares); never the prompt."""
    r = result.request
    return {"backend": result.backend, "model": result.model, "image_size": r.image_size,
            "aspect_ratio": r.aspect_ratio, "output_mime_type": r.output_mime_type,
            "compression_quality": r.compression_quality}


def _output_label(spec: dict[str, Any]) -> str:
    mime, quality = spec.get("output_mime_type"), spec.get("compression_quality")
    if mime is None:  # the platform's default, as the catalog has it (docs/wire-notes.md)
        model = MODELS.get(str(spec.get("model")))
        default = model.default_mime.get(str(spec.get("backend"))) if model else None
        return f"{_kind(default)} (default)" if default else "default format"
    return f"{_kind(mime)} q{quality}" if quality is not None else _kind(mime)


def _kind(mime: str) -> str:
    return {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP"}.get(mime, mime)


def _part(spec: dict[str, Any], name: str) -> str:
    value = spec.get(name)
    if name == "backend":
        return platform_label(str(value))
    if name == "output_mime_type":
        return _output_label(spec)
    if name == "image_size":
        return str(value or "default size")
    if name == "aspect_ratio":
        return str(value or "default ratio")
    return str(value)


def arm_labels(specs: Sequence[dict[str, Any]]) -> list[str]:
    """Short labels naming only what differs between the arms (platform first)."""
    varying = [f for f in ARM_FIELDS if f != "compression_quality"
               and len({_part(s, f) for s in specs}) > 1] or ["backend"]
    labels = [" · ".join(_part(s, f) for f in varying) for s in specs]
    if len(set(labels)) < len(labels):  # e.g. per-generation arms of one setting
        labels = [f"{lab} · #{s['generation_id']}" if "generation_id" in s else lab
                  for lab, s in zip(labels, specs, strict=True)]
    return labels


def _prompt_key(result: GenerationResult) -> tuple[str, tuple[str, ...]]:
    return result.request.prompt, tuple(i.sha256 for i in result.request.inputs)


@dataclass(frozen=True)
class Plan:
    arms: list[Arm]
    pairs: list[Pair]
    skipped: list[str]  # generations left out, one sentence each


def plan_pairs(results: Sequence[GenerationResult], *, max_pairs: int = MAX_PAIRS) -> Plan:
    """Arms and pairs from these generations: every image of one arm against every image of
    another arm made from the same prompt (inputs included), up to `max_pairs`."""
    usable = [r for r in results if r.ok and r.image is not None and r.id is not None]
    skipped = [f"#{r.id} has no image ({r.status})." for r in results if r not in usable]
    specs = [arm_spec(r) for r in usable]
    keyed = [json_key(s) for s in specs]
    if len(set(keyed)) < 2 and len(usable) >= 2:  # one setting: each generation its own arm
        specs = [s | {"generation_id": r.id, "variant": r.variant} for s, r in zip(specs, usable,
                                                                                   strict=True)]
        keyed = [json_key(s) for s in specs]
    order = sorted(set(keyed))
    spec_of = dict(zip(keyed, specs, strict=True))
    arms = [Arm(n, label, spec_of[k]) for n, (k, label) in
            enumerate(zip(order, arm_labels([spec_of[k] for k in order]), strict=True))]
    index = {k: n for n, k in enumerate(order)}
    groups: dict[tuple[str, tuple[str, ...]], list[tuple[int, GenerationResult]]] = {}
    for key, r in zip(keyed, usable, strict=True):
        groups.setdefault(_prompt_key(r), []).append((index[key], r))
    pairs: list[Pair] = []
    for members in groups.values():
        for (arm_a, ra), (arm_b, rb) in itertools.combinations(sorted(
                members, key=lambda m: (m[0], m[1].id or 0)), 2):
            if arm_a == arm_b or len(pairs) >= max_pairs:
                continue
            ia, ib = ra.image, rb.image
            assert ia is not None and ib is not None
            pairs.append(Pair(len(pairs), ra.request.prompt, arm_a, arm_b, ia.id, ib.id,
                              image_ref(ra.id, ia), image_ref(rb.id, ib)))
    return Plan(arms, pairs, skipped)


def answered_by_google(result: GenerationResult) -> bool:
    """Whether the request went to Google (a *.googleapis.com host), not to the emulator or
    another endpoint: a study over anything else is labelled emulated."""
    from urllib.parse import urlsplit

    host = urlsplit(result.request_url or "").hostname or ""
    return host == "googleapis.com" or host.endswith(".googleapis.com")


def json_key(spec: dict[str, Any]) -> str:
    import json

    return json.dumps(spec, sort_keys=True)


def study_from_generations(store: HistoryStore, generation_ids: Sequence[int], *, name: str,
                           question: str | None = None, votes_per_pair: int = 3,
                           min_votes: int = 20, owner: str | None = None,
                           source: str = "history", source_ref: str | None = None,
                           preset: str | None = None,
                           environment: dict[str, Any] | None = None) -> StudyDraft:
    """A draft study over these generations (create it with `history.studies.create_study`);
    StudyError when they hold fewer than two arms or no pair made from the same prompt."""
    results = [r for gid in dict.fromkeys(generation_ids) if (r := store.get(gid)) is not None]
    missing = len(set(generation_ids)) - len(results)
    if not results:
        raise StudyError("None of these generations is in the history.")
    plan = plan_pairs(results)
    if len(plan.arms) < 2 or not plan.pairs:
        raise StudyError(
            "These generations give nothing to compare: a pair needs two images of the same "
            "prompt made with different settings (or two variants).",
            hint="Pick a Both run, a variant group, or runs of one prompt on several settings.")
    env = dict(environment or {})
    env.setdefault("demo", any(not answered_by_google(r) for r in results))
    env.setdefault("missing_generations", missing)
    return StudyDraft(name=name, question=question_text(question), arms=plan.arms,
                      pairs=plan.pairs, votes_per_pair=votes_per_pair, min_votes=min_votes,
                      owner=owner or None, source=source, source_ref=source_ref, preset=preset,
                      environment=env)
