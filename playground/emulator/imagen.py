"""Imagen `:predict` when `imagen="serve"` (docs/wire-notes.md "Imagen"); retired models 404 before this runs."""

from __future__ import annotations

from typing import Any

from playground.domain.catalog import ModelInfo
from playground.emulator import envelopes
from playground.emulator.config import EmulatorConfig
from playground.emulator.encoding import Blob
from playground.emulator.render import ImageJob, RenderCache, scene_seed_for
from playground.emulator.schema import normalize
from playground.emulator.validation import OUTPUT_TYPES


def predict(raw: dict[str, Any], info: ModelInfo, platform: str, config: EmulatorConfig,
            cache: RenderCache) -> tuple[dict[str, Any], str]:
    """The predictions[] body and the image size used."""
    body = normalize(raw, "PredictRequest", platform)
    instances = body.get("instances") or []
    if not isinstance(instances, list) or not instances or not isinstance(instances[0], dict):
        raise envelopes.invalid_argument("instances must hold one object with a prompt.")
    prompt = str(instances[0].get("prompt") or "")
    params = body.get("parameters") or {}
    count = params.get("sampleCount", 4)
    if not isinstance(count, int) or not 1 <= count <= 4:
        raise envelopes.invalid_argument(f"sampleCount must be between 1 and 4, got {count!r}.")
    ratio = params.get("aspectRatio") or "1:1"
    size = params.get("sampleImageSize") or "1K"
    dims = info.dimensions.get((ratio, size))
    if dims is None:
        raise envelopes.invalid_argument(
            f"Unsupported aspect ratio {ratio!r} or image size {size!r} for {info.id}.")
    options = params.get("outputOptions") or {}
    mime = options.get("mimeType") or "image/png"
    if mime not in OUTPUT_TYPES:
        raise envelopes.invalid_argument(f"Unsupported output MIME type: {mime}.")
    quality = None if mime == "image/png" else int(options.get("compressionQuality", 75))
    seed = scene_seed_for(info.id, prompt, params.get("seed"))
    predictions = []
    for index in range(count):
        job = ImageJob(info.id, seed + index, dims[0], dims[1], mime, quality,
                       metadata="none", png_level=config.png_compress_level)
        predictions.append({"bytesBase64Encoded": Blob(cache.get(job)), "mimeType": mime})
    return {"predictions": predictions}, size
