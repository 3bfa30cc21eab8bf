"""`usageMetadata` exactly where and how Google sends it (docs/emulator.md "Usage").

Key order, per captured body:

* AI Studio: promptTokenCount, candidatesTokenCount, totalTokenCount, promptTokensDetails,
  candidatesTokensDetails, thoughtsTokenCount, serviceTier (vercel/ai fixtures
  google-image-gemini-3.1-flash-image.json and issue-10660-image-thought-signature.chunks.txt).
* Vertex: promptTokenCount, candidatesTokenCount, totalTokenCount, trafficType,
  promptTokensDetails, candidatesTokensDetails, thoughtsTokenCount (the blocked Pro chunk of
  https://github.com/BerriAI/litellm/issues/20357, which lists IMAGE before TEXT).

What is reported: thoughtsTokenCount only for models that always think (Pro) — on 3.1 Flash,
Nano Banana 2.1 and Lite the thinking sits inside candidatesTokenCount; no candidatesTokenCount
on image-less finishes and prompt blocks, while a blocked Pro answer still bills its thoughts
(vercel/ai google-image-no-image-live.json; the litellm chunk above).
"""

from __future__ import annotations

from typing import Any

from playground.emulator.generation import Generation

#: Vertex trafficType per requested tier (google-genai's TrafficType enum).
TRAFFIC_TYPES = {"standard": "ON_DEMAND", "flex": "ON_DEMAND_FLEX",
                 "priority": "ON_DEMAND_PRIORITY"}


def usage_metadata(gen: Generation, platform: str) -> dict[str, Any]:
    """The full usage of a finished answer."""
    prompt = gen.prompt_text_tokens + gen.prompt_image_tokens
    thoughts = gen.thinking_tokens if reports_thoughts(gen) else 0
    candidates = candidates_tokens(gen) if gen.has_answer else None
    usage: dict[str, Any] = {"promptTokenCount": prompt}
    if candidates is not None:
        usage["candidatesTokenCount"] = candidates
    usage["totalTokenCount"] = prompt + (candidates or 0) + thoughts
    if platform == "vertex":
        usage["trafficType"] = TRAFFIC_TYPES[gen.spec.service_tier]
    usage["promptTokensDetails"] = _prompt_details(gen, platform)
    if candidates is not None:
        usage["candidatesTokensDetails"] = _candidates_details(gen)
    if thoughts:
        usage["thoughtsTokenCount"] = thoughts
    if platform == "aistudio":
        usage["serviceTier"] = gen.spec.service_tier
    return usage


def interim_usage(gen: Generation, platform: str) -> dict[str, Any]:
    """Usage on a stream event before the last: Vertex sends only `{"trafficType"}` (the
    thought chunks of the infinigence/octollm Vertex stream test); AI Studio repeats the full
    usage, its thoughts count larger than the final one (vercel/ai
    issue-10660-image-thought-signature.chunks.txt: 244, then 167)."""
    if platform == "vertex":
        return {"trafficType": TRAFFIC_TYPES[gen.spec.service_tier]}
    usage = usage_metadata(gen, platform)
    if "thoughtsTokenCount" in usage:
        drift = 40 + gen.thinking_tokens % 60
        usage["thoughtsTokenCount"] += drift
        usage["totalTokenCount"] += drift
    return usage


def reports_thoughts(gen: Generation) -> bool:
    return gen.spec.model.thinking == "always"


def candidates_tokens(gen: Generation) -> int:
    hidden = 0 if reports_thoughts(gen) else gen.thinking_tokens
    return gen.image_tokens + gen.text_tokens + gen.extra_tokens + hidden


def _prompt_details(gen: Generation, platform: str) -> list[dict[str, Any]]:
    details = [{"modality": "TEXT", "tokenCount": gen.prompt_text_tokens}]
    if gen.prompt_image_tokens:
        image = {"modality": "IMAGE", "tokenCount": gen.prompt_image_tokens}
        details.insert(0 if platform == "vertex" else 1, image)
    return details


def _candidates_details(gen: Generation) -> list[dict[str, Any]]:
    """Only IMAGE even when a text part came back (the 2.5 Flash sample); TEXT for a text-only
    answer."""
    if gen.image_tokens:
        return [{"modality": "IMAGE", "tokenCount": gen.image_tokens}]
    return [{"modality": "TEXT", "tokenCount": candidates_tokens(gen)}]
