"""Imagen `:predict` payloads translated to Gemini image requests, with a retirement notice.

Imagen is retired (Vertex discontinued it on 2026-06-30, the Gemini API shut it down on
2026-08-17: domain/catalog.py, docs/wire-notes.md "Imagen"). A `{"instances": [{"prompt"}],
"parameters": {…}}` body becomes one ImageRequest per instance, `sampleCount` variants each
(generation/fanout.py: N requests, since Gemini rejects candidateCount > 1), for the target
model (default gemini-2.5-flash-image, Google's named replacement on Vertex;
PLAYGROUND_GATEWAY_IMAGEN_TARGET): `aspectRatio` → aspect ratio, `sampleImageSize` → size
tier where the target has tiers, `outputOptions.mimeType/compressionQuality` → Vertex
imageOutputOptions, `personGeneration` → personGeneration, `seed` → seed. Fields with no
Gemini equivalent (negativePrompt, addWatermark, safetySetting, enhancePrompt, …) are listed in
a note, never silently dropped. The gateway (app.py) and `generate --imagen-payload` share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.domain.catalog import MODELS
from playground.domain.labels import platform_label
from playground.domain.types import ImageRequest
from playground.gateway.errors import GatewayError

SUNSET = "Tue, 30 Jun 2026 00:00:00 GMT"  # Vertex's discontinuation date, as RFC 8594 wants it
MAX_SAMPLES = 4  # Imagen's sampleCount range is 1–4 (docs/wire-notes.md "Imagen")
PERSON = {"dont_allow": "ALLOW_NONE", "allow_adult": "ALLOW_ADULT", "allow_all": "ALLOW_ALL"}
_NO_EQUIVALENT = {
    "negativePrompt": "Gemini takes no negative prompt: say what to avoid in the prompt",
    "addWatermark": "Gemini marks every image with SynthID and cannot be told otherwise",
    "safetySetting": "Gemini's image filters are not set per request",
    "enhancePrompt": "Gemini has no prompt rewriting switch",
    "includeRaiReason": "a filtered image always comes back as raiFilteredReason here",
    "includeSafetyAttributes": "Gemini returns no safety scores for images",
    "language": "Gemini reads the prompt's language itself",
    "guidanceScale": "Gemini has no guidance scale",
    "storageUri": "images come back inline, not in Cloud Storage",
}


@dataclass
class ImagenTranslation:
    instances: list[ImageRequest]  # one per instance of the payload
    notes: list[str]
    notice: str
    source_model: str
    target_model: str
    sample_counts: list[int] = field(default_factory=list)  # variants of each instance

    @property
    def requests(self) -> list[ImageRequest]:
        """Every call the payload makes: each instance, sampleCount times."""
        return [r for r, n in zip(self.instances, self.sample_counts, strict=True)
                for _ in range(n)]


def notice(source: str, target: str, platform: str) -> str:
    info = MODELS.get(target)
    name = f"{target} ({info.nickname})" if info else target
    return (f"{source} is retired: Vertex AI discontinued Imagen on 2026-06-30 and the Gemini "
            f"API shut it down on 2026-08-17. This :predict payload was translated to {name} "
            f":generateContent on {platform_label(platform)}; call that model directly "
            "(gemini-2.5-flash-image is Google's named Imagen replacement on Vertex; "
            "gemini-nano-banana-2.1 serves both platforms).")


def _bad(message: str, param: str) -> GatewayError:
    return GatewayError(400, message, param=param, code="invalid_imagen_payload")


def translate(payload: Any, source: str, target: str,
              platform: str = "vertex") -> ImagenTranslation:
    if not isinstance(payload, dict) or not isinstance(payload.get("instances"), list) \
            or not payload["instances"]:
        raise _bad('An Imagen payload is {"instances": [{"prompt": …}], "parameters": {…}}.',
                   "instances")
    params = payload.get("parameters") or {}
    if not isinstance(params, dict):
        raise _bad("parameters must be an object.", "parameters")
    notes: list[str] = []
    count = params.get("sampleCount")
    if count is None:
        count = 1
        notes.append("sampleCount was not set: Imagen's default (4 on the Gemini API) would be 4 "
                     "billed Gemini calls, so the translation made 1; set sampleCount for more.")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_SAMPLES:
        raise _bad(f"sampleCount must be 1–{MAX_SAMPLES}; got {count!r}.", "parameters.sampleCount")
    info = MODELS.get(target)
    fields: dict[str, Any] = {"model": target, "aspect_ratio": params.get("aspectRatio")}
    size = params.get("sampleImageSize")
    if size is not None:
        if info is not None and len(info.sizes) > 1 and str(size).upper() in info.sizes:
            fields["image_size"] = str(size).upper()
        else:
            notes.append(f"sampleImageSize {size} was not sent: {target} makes "
                         f"{', '.join(info.sizes) if info else 'its default size'} only.")
    output = params.get("outputOptions") or {}
    if not isinstance(output, dict):
        raise _bad("outputOptions must be an object.", "parameters.outputOptions")
    fields["output_mime_type"] = output.get("mimeType")
    fields["compression_quality"] = output.get("compressionQuality")
    if output.get("compressionQuality") is not None and output.get("mimeType") != "image/jpeg":
        notes.append("outputOptions.compressionQuality applies to JPEG only and was not sent.")
        fields["compression_quality"] = None
    if params.get("personGeneration") is not None:
        wanted = str(params["personGeneration"]).lower()
        if wanted not in PERSON:
            raise _bad(f"personGeneration must be one of {', '.join(PERSON)}.",
                       "parameters.personGeneration")
        fields["person_generation"] = PERSON[wanted]
    seed = params.get("seed")
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= 2**31 - 1:
            raise _bad(f"seed must be a whole number from 0 to 2147483647; got {seed!r}.",
                       "parameters.seed")
        fields["seed"] = seed
    quality = output.get("compressionQuality")
    if quality is not None and (isinstance(quality, bool) or not isinstance(quality, int)
                                or not 0 <= quality <= 100):
        raise _bad(f"outputOptions.compressionQuality must be 0–100; got {quality!r}.",
                   "parameters.outputOptions.compressionQuality")
    known = {"sampleCount", "aspectRatio", "sampleImageSize", "outputOptions",
             "personGeneration", "seed"}
    for name, value in params.items():
        if name in _NO_EQUIVALENT:
            notes.append(f"parameters.{name}={value!r} was not sent: {_NO_EQUIVALENT[name]}.")
        elif name not in known:
            notes.append(f"parameters.{name} has no Gemini equivalent and was not sent.")
    for name in sorted(set(payload) - {"instances", "parameters"}):
        notes.append(f"{name} (top level) has no Gemini equivalent and was not sent.")
    requests = []
    for i, instance in enumerate(payload["instances"]):
        prompt = instance.get("prompt") if isinstance(instance, dict) else None
        if not isinstance(prompt, str) or not prompt.strip():
            raise _bad(f"instances[{i}] needs a prompt; only text-to-image payloads are "
                       "translated (editing and upscaling are not).", f"instances[{i}].prompt")
        requests.append(ImageRequest(prompt=prompt, **fields))
    return ImagenTranslation(requests, notes, notice(source, target, platform), source, target,
                             [count] * len(payload["instances"]))
