"""What the emulated model produces for one request: thoughts, drafts, narration, image, tokens.

Pure apart from the render cache. Result-shaping faults (blocked, no image, mislabelled MIME,
undecodable or redacted data) are applied here so the token counts stay consistent with what is
returned. Which counters Google reports for which model is usage.py's business; this module
only counts (docs/emulator.md "Usage").
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace
from typing import Any

from playground.domain.catalog import ModelInfo
from playground.emulator.config import EmulatorConfig
from playground.emulator.render import ImageJob, RenderCache, scene_seed_for
from playground.emulator.validation import GenerationSpec

#: Input-image tokens when the catalog has no `input_image_tokens` for a model: the 258 of an
#: observed IMAGE prompt detail (docs/emulator.md "Usage").
DEFAULT_INPUT_IMAGE_TOKENS = 258
#: Thinking tokens of the "levels" models, by level (+ up to 150): captured 3.1 Flash answers
#: carry 272–415 tokens beyond the image at the default level (docs/emulator.md "Usage").
LEVEL_THINKING = {"minimal": 272, "low": 272, "medium": 420, "high": 640}
#: Pro answers count ~98 tokens beyond the image in candidatesTokenCount besides its thoughts.
PRO_EXTRA_CANDIDATES = 98
_THOUGHTS = (
    "**Composing the scene**\n\nI'm planning the layout: a wide sky, a low sun and rolling hills "
    "in three layers, with a few houses and trees in the foreground.\n",
    "**Refining light and texture**\n\nI'm checking the lighting against the request and adding "
    "fine grain so the result reads as a photograph rather than a flat illustration.\n",
)
#: Narration before the image (2.5 Flash style: "Sure, here is a cat: ").
_NARRATIONS = ("Sure, here is your image: ", "Sure, here it is: ",
               "Here is the image you asked for: ")
#: The answer when only TEXT was requested.
_TEXT_ANSWERS = (
    "Here is a description of the scene you asked for.",
    "I've described the image based on your request.",
)
BLOCK_MESSAGES = {
    "IMAGE_SAFETY": (
        "Unable to show the generated image. The image was filtered out because it violated "
        "Google's [Generative AI Prohibited Use policy](https://policies.google.com/terms/"
        "generative-ai/use-policy). You will not be charged for blocked images. Try rephrasing "
        "the prompt. If you think this was an error, [send feedback](https://ai.google.dev/"
        "gemini-api/docs/troubleshooting)."
    ),
    "IMAGE_PROHIBITED_CONTENT": (
        "The model output could not be generated. This output contains sensitive words that "
        "violate Google's Responsible AI practices. If you think this was an error, send "
        "feedback. Support code: 42876398."
    ),
    "IMAGE_OTHER": (
        "Unable to show the generated image. The model could not generate the image based on "
        "the prompt provided. You will not be charged for this request. Try rephrasing the "
        "prompt."
    ),
    # IMAGE_RECITATION: the recorded body has no finishMessage (docs/emulator.md "Faults").
}
RESULT_FAULTS = {
    "image_safety": "IMAGE_SAFETY",
    "image_prohibited_content": "IMAGE_PROHIBITED_CONTENT",
    "image_other": "IMAGE_OTHER",
    "image_recitation": "IMAGE_RECITATION",
    "no_image": "NO_IMAGE",
}
#: A truncated JPEG: SOI, JFIF APP0, and the first bytes of the next segment (45 bytes).
UNDECODABLE_BYTES = 45


@dataclass
class Generation:
    spec: GenerationSpec
    thoughts: list[str] = field(default_factory=list)
    drafts: list[bytes] = field(default_factory=list)
    narration: str | None = None
    image: bytes | None = None
    image_mime: str = ""  # as declared on the wire
    redacted_data: str | None = None  # `data` sent as this literal instead of base64
    finish_reason: str = "STOP"
    finish_message: str | None = None
    block_reason: str | None = None
    block_message: str | None = None
    prompt_text_tokens: int = 0
    prompt_image_tokens: int = 0
    thinking_tokens: int = 0  # Pro reports them as thoughts; "levels" models inside candidates
    image_tokens: int = 0
    text_tokens: int = 0
    extra_tokens: int = 0  # further candidate tokens Google counts (Pro's ~98)

    @property
    def has_answer(self) -> bool:
        """A STOP answer: candidatesTokenCount is reported (not for image-less finishes)."""
        return self.block_reason is None and self.finish_reason == "STOP"


def produce(spec: GenerationSpec, config: EmulatorConfig, cache: RenderCache,
            fault: str | None = None, params: dict[str, Any] | None = None) -> Generation:
    params = params or {}
    digest = _digest(spec)
    gen = Generation(spec)
    gen.prompt_text_tokens = text_tokens(spec.text_chars)
    gen.prompt_image_tokens = spec.input_image_parts * input_image_tokens(spec.model)
    if fault == "prompt_blocked":
        gen.block_reason = str(params.get("reason") or "PROHIBITED_CONTENT")
        gen.block_message = params.get("message")
        return gen
    gen.thinking_tokens = _thinking_tokens(spec, digest)
    if spec.include_thoughts and spec.model.thinking != "none":
        gen.thoughts = list(_THOUGHTS)
    if fault in RESULT_FAULTS:
        gen.finish_reason = RESULT_FAULTS[fault]
        gen.finish_message = params.get("message") or BLOCK_MESSAGES.get(gen.finish_reason)
        return gen
    gen.narration = _narration(spec, config, digest, forced=fault == "narration",
                               text=params.get("text"))
    gen.text_tokens = text_tokens(len(gen.narration)) if gen.narration else 0
    if spec.model.thinking == "always":
        gen.extra_tokens = PRO_EXTRA_CANDIDATES + digest % 2
    if spec.want_image:
        _add_images(gen, config, cache, mislabel=fault == "mislabelled_mime")
        _spoil_image(gen, fault, params)
    return gen


def _narration(spec: GenerationSpec, config: EmulatorConfig, digest: int, *, forced: bool,
               text: Any) -> str | None:
    """Only TEXT requested → a text answer. TEXT and IMAGE → a narration part before the image
    for models that do not sign their parts (2.5 Flash), none for Gemini 3-generation models
    (no text part in their captured answers), unless `narration` or a `narration` fault says
    otherwise (docs/emulator.md "Responses")."""
    if not spec.want_text and not forced:
        return None
    if not spec.want_image:
        return _TEXT_ANSWERS[digest % len(_TEXT_ANSWERS)]
    wanted = forced or config.narration == "always" or (
        config.narration == "auto" and not spec.model.signs_parts)
    if not wanted:
        return None
    return str(text) if text else _NARRATIONS[digest % len(_NARRATIONS)]


def _add_images(gen: Generation, config: EmulatorConfig, cache: RenderCache, *,
                mislabel: bool) -> None:
    spec = gen.spec
    job = ImageJob(
        model=spec.model.id,
        scene_seed=scene_seed_for(spec.model.id, spec.prompt_text, spec.seed, spec.input_digests),
        width=spec.width, height=spec.height, mime=spec.output_mime, quality=spec.quality,
        metadata=config.metadata, png_cabx=config.png_cabx, png_level=config.png_compress_level,
        jumbf_bytes=config.c2pa_jumbf_bytes, edit=spec.edit,
    )
    if mislabel:  # a JPEG labelled image/png, seen on AI Studio (docs/emulator.md "Faults")
        job = replace(job, mime="image/jpeg", quality=config.aistudio_jpeg_quality)
    gen.image = cache.get(job)
    gen.image_mime = "image/png" if mislabel else spec.output_mime
    gen.image_tokens = spec.model.image_tokens.get(spec.image_size, 0)
    if gen.thoughts:
        count = config.pro_draft_images if spec.model.thinking == "always" \
            else config.flash_draft_images
        # The last thought image equals the final one; earlier ones are rougher.
        gen.drafts = [cache.get(replace(job, variant=k)) for k in range(1, count)]
        gen.drafts += [gen.image] if count > 0 else []


def _spoil_image(gen: Generation, fault: str | None, params: dict[str, Any]) -> None:
    """`undecodable_image`: valid base64 of bytes that are no complete image (the image's
    first 45 bytes); `redacted_image_data`: `data` is a placeholder text, as some gateways
    and loggers leave it (docs/emulator.md "Faults")."""
    if gen.image is None:
        return
    if fault == "undecodable_image":
        gen.image = gen.image[:int(params.get("length", UNDECODABLE_BYTES))]
    elif fault == "redacted_image_data":
        gen.redacted_data = f"<redacted; length={int(params.get('length', 439196))}>"


def input_image_tokens(info: ModelInfo) -> int:
    """Per input image, from the catalog (`ModelInfo.input_image_tokens`)."""
    return info.input_image_tokens or DEFAULT_INPUT_IMAGE_TOKENS


def text_tokens(chars: int) -> int:
    return max(1, math.ceil(chars / 4))


def _digest(spec: GenerationSpec) -> int:
    text = f"{spec.model.id}\x1f{spec.prompt_text}\x1f{spec.seed}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def _thinking_tokens(spec: GenerationSpec, digest: int) -> int:
    """Pro always thinks (162–748 thoughts seen); the "levels" models think by level."""
    if spec.model.thinking == "always":
        return 150 + digest % 250
    if spec.model.thinking == "levels":
        return LEVEL_THINKING.get(spec.thinking_level or "minimal", 272) + digest % 150
    return 0
