"""What the emulated model produces for one request: thoughts, drafts, narration, image, usage.

Pure apart from the render cache. Result-shaping faults (blocked, no image, mislabelled MIME)
are applied here so the usage numbers stay consistent with what is returned (docs/wire-notes.md "Responses").
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
_THOUGHTS = (
    "**Composing the scene**\n\nI'm planning the layout: a wide sky, a low sun and rolling hills "
    "in three layers, with a few houses and trees in the foreground.\n",
    "**Refining light and texture**\n\nI'm checking the lighting against the request and adding "
    "fine grain so the result reads as a photograph rather than a flat illustration.\n",
)
_NARRATIONS = (
    "Here is the image you asked for.",
    "Here's the scene, rendered as requested.",
    "I've created the image based on your description.",
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
}
RESULT_FAULTS = {
    "image_safety": "IMAGE_SAFETY",
    "image_prohibited_content": "IMAGE_PROHIBITED_CONTENT",
    "no_image": "NO_IMAGE",
}


@dataclass
class Generation:
    spec: GenerationSpec
    thoughts: list[str] = field(default_factory=list)
    drafts: list[bytes] = field(default_factory=list)
    narration: str | None = None
    image: bytes | None = None
    image_mime: str = ""  # as declared on the wire
    finish_reason: str = "STOP"
    finish_message: str | None = None
    block_reason: str | None = None
    block_message: str | None = None
    prompt_text_tokens: int = 0
    prompt_image_tokens: int = 0
    thoughts_tokens: int = 0
    image_tokens: int = 0
    text_tokens: int = 0


def produce(spec: GenerationSpec, config: EmulatorConfig, cache: RenderCache,
            fault: str | None = None, params: dict[str, Any] | None = None) -> Generation:
    params = params or {}
    digest = _digest(spec)
    gen = Generation(spec)
    gen.prompt_text_tokens = text_tokens(spec.text_chars)
    gen.prompt_image_tokens = spec.input_image_parts * input_image_tokens(spec.model)
    if fault == "prompt_blocked":
        gen.block_reason = str(params.get("reason") or "OTHER")
        gen.block_message = params.get("message")
        return gen
    gen.thoughts_tokens = _thoughts_tokens(spec, digest)
    if spec.include_thoughts and spec.model.thinking != "none":
        gen.thoughts = list(_THOUGHTS)
    if fault in RESULT_FAULTS:
        gen.finish_reason = RESULT_FAULTS[fault]
        gen.finish_message = params.get("message") or BLOCK_MESSAGES.get(gen.finish_reason)
        return gen
    if spec.want_text and config.narration:
        gen.narration = _NARRATIONS[digest % len(_NARRATIONS)]
        gen.text_tokens = text_tokens(len(gen.narration))
    if spec.want_image:
        _add_images(gen, config, cache, mislabel=fault == "mislabelled_mime")
    return gen


def _add_images(gen: Generation, config: EmulatorConfig, cache: RenderCache, *,
                mislabel: bool) -> None:
    spec = gen.spec
    job = ImageJob(
        model=spec.model.id,
        scene_seed=scene_seed_for(spec.model.id, spec.prompt_text, spec.seed, spec.input_digests),
        width=spec.width, height=spec.height, mime=spec.output_mime, quality=spec.quality,
        metadata=config.metadata, png_cabx=config.png_cabx, png_level=config.png_compress_level,
        jumbf_bytes=config.c2pa_jumbf_bytes,
    )
    if mislabel:  # docs/wire-notes.md "Formats and metadata": JPEG bytes labelled image/png
        job = replace(job, mime="image/jpeg", quality=config.aistudio_jpeg_quality)
    gen.image = cache.get(job)
    gen.image_mime = "image/png" if mislabel else spec.output_mime
    gen.image_tokens = spec.model.image_tokens.get(spec.image_size, 0)
    if gen.thoughts:
        count = config.pro_draft_images if spec.model.thinking == "always" \
            else config.flash_draft_images
        # The last thought image equals the final one (D-imggen-zh); earlier ones are rougher.
        gen.drafts = [cache.get(replace(job, variant=k)) for k in range(1, count)]
        gen.drafts += [gen.image] if count > 0 else []


def input_image_tokens(info: ModelInfo) -> int:
    """Per input image, from the catalog (`ModelInfo.input_image_tokens`)."""
    return info.input_image_tokens or DEFAULT_INPUT_IMAGE_TOKENS


def text_tokens(chars: int) -> int:
    return max(1, math.ceil(chars / 4))


def _digest(spec: GenerationSpec) -> int:
    text = f"{spec.model.id}\x1f{spec.prompt_text}\x1f{spec.seed}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def _thoughts_tokens(spec: GenerationSpec, digest: int) -> int:
    """Pro always thinks; 3.1 Flash/Lite think a little at `minimal`, more at `high`."""
    if spec.model.thinking == "always":
        return 120 + digest % 200
    if spec.model.thinking == "levels":
        return 200 + digest % 200 if spec.thinking_level == "high" else 40 + digest % 60
    return 0
