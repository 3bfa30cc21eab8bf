"""The request body both platforms share: contents and generationConfig, in wire camelCase.

Only clients/ and emulator/ speak camelCase (docs/wire-notes.md "Request body"); reading the
answer is clients/parse.py.
"""

from __future__ import annotations

from typing import Any

from playground.domain.catalog import MODELS
from playground.domain.types import ImageRequest


def user_contents(prompt: str) -> list[dict[str, Any]]:
    return [{"role": "user", "parts": [{"text": prompt}]}]


def generation_config(req: ImageRequest, *, vertex: bool) -> dict[str, Any]:
    """generationConfig with only what the target platform accepts (docs/wire-notes.md "Request body")."""
    info = MODELS.get(req.model)
    image_config: dict[str, Any] = {}
    if req.aspect_ratio:
        image_config["aspectRatio"] = req.aspect_ratio
    if req.image_size:
        image_config["imageSize"] = req.image_size
    if vertex:
        if req.person_generation:
            image_config["personGeneration"] = req.person_generation
        output: dict[str, Any] = {}
        if req.output_mime_type:
            output["mimeType"] = req.output_mime_type
            if req.output_mime_type == "image/jpeg" and req.compression_quality is not None:
                output["compressionQuality"] = int(req.compression_quality)
        if output:
            image_config["imageOutputOptions"] = output
    config: dict[str, Any] = {"responseModalities": ["TEXT", "IMAGE"]}
    if image_config:
        config["imageConfig"] = image_config
    thinking: dict[str, Any] = {}
    thinks = info is not None and info.thinking != "none"
    if req.include_thoughts and thinks:
        thinking["includeThoughts"] = True
    if req.thinking_level and info is not None and info.thinking == "levels":
        thinking["thinkingLevel"] = req.thinking_level
    if thinking:
        config["thinkingConfig"] = thinking
    if req.seed is not None:
        config["seed"] = int(req.seed)
    return config


def generate_body(req: ImageRequest, *, vertex: bool) -> dict[str, Any]:
    return {"contents": user_contents(req.prompt),
            "generationConfig": generation_config(req, vertex=vertex)}
