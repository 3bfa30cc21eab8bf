"""The model's limits on input images, checked before anything is sent.

One sentence per problem, naming the image: how many a model takes (Pro and 3.1 Flash ≤ 14,
2.5 Flash Image ≤ 3), which types (PNG, JPEG, WebP, HEIC, HEIF), and the inline size limit (7 MB
per image; docs/wire-notes.md "Conversations").
"""

from __future__ import annotations

from playground.domain.catalog import ModelInfo
from playground.domain.imaging import format_name
from playground.domain.labels import human_bytes
from playground.domain.turns import INPUT_MIME_TYPES, InputImage
from playground.domain.types import Finding, ImageRequest

#: "7 MB" read strictly as 7,000,000 bytes (docs/decisions.md "Conversations"): an image this
#: size or smaller is sent as it is; a larger one only with consent, re-encoded or downscaled.
INLINE_LIMIT_BYTES = 7_000_000
ACCEPTED = "PNG, JPEG, WebP, HEIC or HEIF"


def input_name(img: InputImage, n: int) -> str:
    return f"image {n} ({img.name})" if img.name else f"image {n}"


def check_inputs(req: ImageRequest, info: ModelInfo) -> list[Finding]:
    """Count, type and size of this turn's images; a note when replayed images add up past
    the count (whether they count is UNCONFIRMED)."""
    out: list[Finding] = []
    if req.inputs and info.max_input_images == 0:
        return [Finding("error", "inputs", f"{info.id} takes no input images; remove them or "
                                           "pick a Gemini image model.")]
    if len(req.inputs) > info.max_input_images:
        out.append(Finding("error", "inputs", (
            f"{len(req.inputs)} images added, but {info.id} takes at most "
            f"{info.max_input_images} per prompt: remove {len(req.inputs) - info.max_input_images}.")))
    for n, img in enumerate(req.inputs, start=1):
        out += _check_one(img, n)
    replayed = sum(1 for t in req.history for p in t.parts if p.is_image and not p.is_thought)
    if replayed and replayed + len(req.inputs) > info.max_input_images:
        out.append(Finding("note", "inputs", (
            f"This turn sends {replayed} earlier image{'s' if replayed != 1 else ''} of the "
            f"conversation and {len(req.inputs)} new: {replayed + len(req.inputs)} in all, over "
            f"{info.id}'s {info.max_input_images}. Whether replayed images count toward that "
            "limit is UNCONFIRMED; a refusal would come back as the platform's 400.")))
    return out


def _check_one(img: InputImage, n: int) -> list[Finding]:
    name = input_name(img, n)
    out: list[Finding] = []
    if img.mime not in INPUT_MIME_TYPES:
        out.append(Finding("error", "inputs", (
            f"{name} is {format_name(img.mime)}: the models take {ACCEPTED}. Convert it, or "
            "allow Banana Split to re-encode it as PNG.")))
    if img.size_bytes > INLINE_LIMIT_BYTES:
        out.append(Finding("error", "inputs", (
            f"{name} is {human_bytes(img.size_bytes)} ({img.size_bytes:,} bytes); an inline "
            f"image may be at most {human_bytes(INLINE_LIMIT_BYTES)} ({INLINE_LIMIT_BYTES:,} "
            "bytes). Allow Banana Split to re-encode or downscale it (noted on the result), or "
            "pick a smaller file.")))
    return out
