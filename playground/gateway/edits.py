"""Input images for /v1/images/edits and chat messages: checked, then put into Gemini's body.

ImageRequest has no input images yet (multi-image editing is being added to the shared
request type), so the gateway builds the body itself: the platform's own body for the text
request (`Platform.build`, so imageConfig, Vertex-only options and notes stay right), plus one
`inlineData` part per image in the same user turn (role "user" always: Vertex answers 400
without it) and any system text as `systemInstruction`. It goes out through
`generate(..., RunOptions(raw_body=…))`, so timing, retries, parsing and history still apply.
History keeps the body with each image's base64 replaced by its size and SHA-256.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from playground.domain.catalog import ModelInfo
from playground.domain.imaging import sniff_format
from playground.gateway.errors import bad_param

#: What Gemini takes inline (docs/wire-notes.md "Request body", "Input images").
INPUT_TYPES = ("image/png", "image/jpeg", "image/webp", "image/heic", "image/heif")
MAX_INPUT_BYTES = 20_000_000
MASK_REFUSAL = ("Gemini image models take no mask: they edit from the prompt and the whole "
                "image. Describe the area to change in the prompt and send the request without "
                "mask (the gateway will not drop the mask silently, because the answer would "
                "not be the masked edit you asked for).")


@dataclass(frozen=True)
class InputImage:
    data: bytes
    mime: str  # sniffed from the bytes, never the declared type (image/heic if declared so)
    sha256: str


def read_input(data: bytes, declared: str | None, param: str) -> InputImage:
    if not data:
        raise bad_param(param, f"{param} is empty.")
    if len(data) > MAX_INPUT_BYTES:
        raise bad_param(param, f"{param} is {len(data):,} bytes; the gateway takes at most "
                               f"{MAX_INPUT_BYTES:,} per image.")
    sniffed = sniff_format(data)
    heic = sniffed == "image/heif" and (declared or "").lower() == "image/heic"
    mime = "image/heic" if heic else sniffed
    if mime not in INPUT_TYPES:
        raise bad_param(param, f"{param} is not an image Gemini takes (its bytes are "
                               f"{sniffed}); send PNG, JPEG, WebP, HEIC or HEIF.",
                        "invalid_image_format")
    return InputImage(data, mime, hashlib.sha256(data).hexdigest())


def check_count(images: list[InputImage], info: ModelInfo, param: str) -> None:
    if len(images) > info.max_input_images:
        raise bad_param(param, f"{info.id} takes at most {info.max_input_images} input images; "
                               f"{len(images)} were sent.")


def with_inputs(body: dict[str, Any], images: list[InputImage],
                system: str | None) -> dict[str, Any]:
    """The platform's body with the images in the user turn and the system text, if any."""
    out = copy.deepcopy(body)
    turn = out["contents"][-1]
    turn["role"] = "user"
    turn["parts"] = list(turn["parts"]) + [
        {"inlineData": {"mimeType": img.mime, "data": base64.b64encode(img.data).decode()}}
        for img in images]
    if system:
        out["systemInstruction"] = {"parts": [{"text": system}]}
    return out


def without_image_data(body: dict[str, Any] | None,
                       images: list[InputImage]) -> dict[str, Any] | None:
    """The body as history keeps it: each input image's base64 replaced by what it was."""
    if body is None or not images:
        return body
    out = copy.deepcopy(body)
    parts = [p for c in out.get("contents", []) for p in c.get("parts", []) if "inlineData" in p]
    for part, img in zip(parts, images, strict=False):
        part["inlineData"]["data"] = (f"[input image: {len(img.data):,} bytes, {img.mime}, "
                                      f"sha256 {img.sha256}]")
    return out
