"""From a raw request to a `GenerationSpec`, raising Google's 4xx where Google would.

Order follows the serving stack: JSON parse and unknown names (front-end) → model lookup (404)
→ roles, parts and option values (model server). Texts are docs/wire-notes.md "Errors"; the bad size/ratio text is
UNCONFIRMED (docs/wire-notes.md "Unconfirmed"), so `generic_invalid_argument` switches to Google's generic wording.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playground.domain.catalog import MODELS, STANDARD_RATIOS, ModelInfo
from playground.emulator import envelopes
from playground.emulator.config import EmulatorConfig
from playground.emulator.contents import Conversation, add_system_text, check_contents
from playground.emulator.edit import EditSource
from playground.emulator.inputs import ImageLimits
from playground.emulator.lineup import Lineup, Offer, is_text_model
from playground.emulator.routing import ApiTarget
from playground.emulator.schema import camel, normalize, snake

MODALITIES = ("TEXT", "IMAGE", "AUDIO")
THINKING_LEVELS = ("MINIMAL", "LOW", "MEDIUM", "HIGH")
PERSON_GENERATION = ("ALLOW_ALL", "ALLOW_ADULT", "ALLOW_NONE")
PROMINENT_PEOPLE = ("ALLOW_PROMINENT_PEOPLE", "BLOCK_PROMINENT_PEOPLE")
OUTPUT_TYPES = ("image/png", "image/jpeg", "image/webp")
SERVICE_TIERS = ("standard", "flex", "priority")


@dataclass(frozen=True)
class GenerationSpec:
    model: ModelInfo
    platform: str
    prompt_text: str
    text_chars: int
    input_digests: tuple[str, ...]
    input_image_parts: int
    aspect_ratio: str
    image_size: str
    width: int
    height: int
    output_mime: str
    quality: int | None
    want_text: bool
    want_image: bool
    include_thoughts: bool
    thinking_level: str | None
    seed: int | None
    service_tier: str = "standard"
    edit: EditSource | None = None  # the request carries an image: derive the answer from it


def parse_json(body: bytes) -> dict[str, Any]:
    """The request object. Google's JSON front end refuses bytes that are not UTF-8 and `\\u`
    escapes of unpaired surrogates, both as "Invalid JSON payload received. …" (the sentence
    after it is ours, UNCONFIRMED)."""
    if not body.strip():
        return {}
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise envelopes.invalid_json("Invalid UTF-8 in the request body.") from None
    except json.JSONDecodeError:
        raise envelopes.invalid_json("Unexpected token.") from None
    if not isinstance(data, dict):
        raise envelopes.invalid_json("Expected an object at the top level.")
    if _ESCAPED_SURROGATE.search(body) and _has_lone_surrogate(data):
        raise envelopes.invalid_json("Unpaired surrogate in a string.")
    return data


_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(node: Any) -> bool:
    """json.loads joins escaped pairs into one character; any surrogate left is unpaired."""
    if isinstance(node, str):
        return bool(_SURROGATE.search(node))
    if isinstance(node, list):
        return any(_has_lone_surrogate(item) for item in node)
    if isinstance(node, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in node.items())
    return False


def resolve_model(target: ApiTarget, config: EmulatorConfig, lineup: Lineup) -> Offer:
    """The model as the platform offers it today, or each platform's 404 (docs/emulator.md
    "Models and lifecycle"); Imagen per `config.imagen`."""
    offer = lineup.offer(target.model, target.platform)
    known = MODELS.get(target.model)
    if target.platform == "aistudio":
        if offer is None and known is not None and known.family == "imagen":
            raise envelopes.aistudio_model_retired(target.model)
        if offer is None or target.method not in _serves(offer.info):
            raise envelopes.aistudio_model_not_found(target.model, target.version, target.method)
        return offer
    location = target.location or "global"
    if offer is None or (offer.info.vertex_locations
                         and location not in offer.info.vertex_locations):
        raise envelopes.vertex_model_not_found(config.project_number, location, target.model)
    info = offer.info
    if info.family == "gemini" and target.method == "predict":
        raise envelopes.gemini_via_predict()
    if target.method not in _serves(info):
        raise envelopes.vertex_model_not_found(config.project_number, location, target.model)
    return offer


def _serves(info: ModelInfo) -> tuple[str, ...]:
    if info.family == "imagen":
        return ("predict", "get")
    return ("generateContent", "streamGenerateContent", "countTokens", "get", "predict")


def check_generate_schema(target: ApiTarget, raw: dict[str, Any],
                          config: EmulatorConfig) -> dict[str, Any]:
    tier = _vertex_tier_field(target, raw, config)
    body = normalize(raw, "GenerateContentRequest", target.platform)
    if tier is not None:
        body["serviceTier"] = tier
    gen = body.get("generationConfig") or {}
    if (target.platform == "aistudio" and target.version == "v1"
            and config.aistudio_v1_rejects_modalities):
        rejected = [("generation_config", n) for n in ("responseModalities", "imageConfig")
                    if n in gen]
        if rejected:
            raise envelopes.unknown_fields(rejected)
    return body


def _vertex_tier_field(target: ApiTarget, raw: dict[str, Any],
                       config: EmulatorConfig) -> Any:
    """Vertex's tier field, if one is configured (taken out before the unknown-name check)."""
    name = config.vertex_service_tier_field
    if target.platform != "vertex" or not name:
        return None
    for key in (camel(name), snake(name)):
        if key in raw:
            return raw.pop(key)
    return None


def _service_tier(value: Any, info: ModelInfo) -> str:
    """AI Studio's top-level `serviceTier` (google-genai sends it there): standard, flex or
    priority, case-insensitive; a tier the catalog does not list for the model → 400 (our
    wording, UNCONFIRMED)."""
    if value is None:
        return "standard"
    tier = str(value).lower() if isinstance(value, str) else None
    if tier == "unspecified":
        return "standard"
    if tier not in SERVICE_TIERS:
        raise envelopes.bad_value("service_tier", "TYPE_ENUM", value)
    if tier != "standard" and tier not in info.service_tiers:
        raise envelopes.invalid_argument(
            f"Service tier {tier} is not supported for models/{info.id}.")
    return tier


def validate_generate(target: ApiTarget, body: dict[str, Any], info: ModelInfo,
                      config: EmulatorConfig,
                      signature_ok: Callable[[str], bool] | None = None,
                      seen: list[dict[str, Any]] | None = None) -> GenerationSpec:
    convo = _conversation(target, body, info, config, signature_ok=signature_ok, seen=seen)
    gen = body.get("generationConfig") or {}
    modalities = _modalities(gen.get("responseModalities"))
    if is_text_model(info) and "IMAGE" in modalities:  # wording UNCONFIRMED
        raise envelopes.invalid_argument(
            "Model does not support the requested response modalities: image")
    thinking = gen.get("thinkingConfig") or {}
    level = _thinking_level(thinking.get("thinkingLevel"), info, target.platform)
    image = gen.get("imageConfig") or {}
    ratio, size = _ratio_and_size(image, info, convo, config)
    mime, quality = _output_format(target.platform, image, info, config)
    width, height = info.dimensions[(ratio, size)]
    seed = _int_or_none(gen.get("seed"))
    return GenerationSpec(
        model=info, platform=target.platform, prompt_text=convo.prompt_text,
        text_chars=convo.text_chars, input_digests=tuple(i.digest for i in convo.images),
        input_image_parts=convo.image_parts, aspect_ratio=ratio, image_size=size,
        width=width, height=height, output_mime=mime, quality=quality,
        want_text="TEXT" in modalities or is_text_model(info),
        want_image=not is_text_model(info) and (not modalities or "IMAGE" in modalities),
        include_thoughts=bool(thinking.get("includeThoughts")),
        thinking_level=level or info.default_thinking_level,
        seed=seed, service_tier=_service_tier(body.get("serviceTier"), info),
        edit=_edit_source(convo, seed),
    )


def _edit_source(convo: Conversation, seed: int | None) -> EditSource | None:
    source = convo.source
    if source is None:
        return None
    return EditSource(source.digest, convo.newest_user_text.strip(), seed, source.uri,
                      convo.source_data)


def validate_count(target: ApiTarget, raw: dict[str, Any], info: ModelInfo,
                   config: EmulatorConfig,
                   seen: list[dict[str, Any]] | None = None) -> Conversation:
    body = normalize(raw, "CountTokensRequest", target.platform)
    inner = body.get("generateContentRequest")
    if inner is not None:
        body = inner
    return _conversation(target, body, info, config, counting=True, seen=seen)


def _conversation(target: ApiTarget, body: dict[str, Any], info: ModelInfo,
                  config: EmulatorConfig, *, counting: bool = False,
                  signature_ok: Callable[[str], bool] | None = None,
                  seen: list[dict[str, Any]] | None = None) -> Conversation:
    """Roles and parts; countTokens checks neither signatures nor image limits (nothing is
    generated)."""
    checks = (target.platform == "aistudio" and info.signs_parts
              and config.aistudio_checks_thought_signatures and not counting)
    verify = signature_ok if checks and config.signature_check == "issued" else None
    limits = None if counting else ImageLimits(
        info.id, info.max_input_images, config.max_inline_image_bytes,
        config.too_many_images_message, config.inline_image_too_large_message)
    convo = check_contents(body.get("contents") or [], platform=target.platform,
                           needs_signatures=checks, checks_mime=config.aistudio_checks_input_mime,
                           signature_ok=verify, limits=limits, seen=seen)
    add_system_text(body.get("systemInstruction"), convo)
    return convo


def _modalities(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    out = []
    for i, item in enumerate(value):
        name = _enum(item, MODALITIES, f"generation_config.response_modalities[{i}]")
        if name == "AUDIO":
            raise envelopes.invalid_argument(
                "Model does not support the requested response modalities: audio")
        out.append(str(name))
    return tuple(out)


def _enum(value: Any, allowed: tuple[str, ...], path: str) -> str | None:
    """Enum names, case-insensitive (`"Text"`, `"IMAGE"` and `"image"` all work, docs/wire-notes.md "Request body")."""
    if value is None:
        return None
    if isinstance(value, str) and value.upper() in allowed:
        return value.upper()
    raise envelopes.bad_value(path, "TYPE_ENUM", value)


def _thinking_level(value: Any, info: ModelInfo, platform: str) -> str | None:
    """The requested level (lower case), checked against the model's own list.

    Texts: a level the model lacks → "Thinking level MINIMAL is not supported for this model…"
    (vercel/ai fixture issue-22372-live-errors.json, a text model); a level sent to a model that
    takes none → Vertex "Unable to submit request because thinking_level is not supported by
    this model." (https://github.com/BerriAI/litellm/issues/17074, Pro Image) and AI Studio
    "Thinking is not enabled for models/M" (https://github.com/CherryHQ/cherry-studio/issues/9738).
    """
    level = _enum(value, THINKING_LEVELS, "generation_config.thinking_config.thinking_level")
    if level is None:
        return None
    if info.thinking == "levels" and level.lower() in info.thinking_levels:
        return level.lower()
    if info.thinking == "levels":
        raise envelopes.invalid_argument(
            f"Thinking level {level} is not supported for this model. Please retry with other "
            "thinking level.")
    if platform == "vertex":
        raise envelopes.invalid_argument(
            "Unable to submit request because thinking_level is not supported by this model.")
    if info.thinking == "none":
        raise envelopes.invalid_argument(f"Thinking is not enabled for models/{info.id}")
    raise envelopes.invalid_argument(
        f"Thinking level {level} is not supported for this model. Please retry with other "
        "thinking level.")


def _ratio_and_size(image: dict[str, Any], info: ModelInfo, convo: Conversation,
                    config: EmulatorConfig) -> tuple[str, str]:
    ratios = info.ratios
    if "ratios" in info.unconfirmed and config.lite_ratios == 10:
        ratios = STANDARD_RATIOS  # the catalog doubts its ratio list (today: Lite's 14 vs 10)
    ratio = image.get("aspectRatio") or _default_ratio(convo, ratios, info.default_ratio)
    size = image.get("imageSize") or info.default_size
    if ratio not in ratios:
        raise _unsupported(config, "aspect ratio", ratio, info.id, ratios,
                           "generation_config.image_config.aspect_ratio")
    if size not in info.sizes:
        raise _unsupported(config, "image size", size, info.id, info.sizes,
                           "generation_config.image_config.image_size")
    return str(ratio), str(size)


def _default_ratio(convo: Conversation, ratios: tuple[str, ...], default: str) -> str:
    """With an input image, the ratio nearest to the shape of the edit's source (the last image),
    else of any image with known pixels; else 1:1 (docs/wire-notes.md "Dimensions")."""
    known = [img.dims for img in ([convo.source] if convo.source else []) + convo.images
             if img.dims]
    dims = known[0] if known else None
    if dims is None:
        return default

    def distance(ratio: str) -> float:
        w, h = (int(n) for n in ratio.split(":"))
        return abs(math.log(dims[0] / dims[1]) - math.log(w / h))

    return min(ratios, key=distance)


def _unsupported(config: EmulatorConfig, what: str, value: Any, model: str,
                 allowed: tuple[str, ...], path: str) -> envelopes.WireError:
    if config.generic_invalid_argument:
        return envelopes.WireError(400, "INVALID_ARGUMENT", envelopes.GENERIC_INVALID)
    text = (f"Unsupported {what} {json.dumps(value)} for models/{model}. "
            f"Supported values: {', '.join(allowed)}.")
    return envelopes.invalid_argument(text, [(path, text)])


def _output_format(platform: str, image: dict[str, Any], info: ModelInfo,
                   config: EmulatorConfig) -> tuple[str, int | None]:
    """docs/wire-notes.md "Formats and metadata": AI Studio answers in the model's default format; Vertex honours imageOutputOptions."""
    if platform == "aistudio":
        mime = info.default_mime["aistudio"]
        return mime, config.aistudio_jpeg_quality if mime == "image/jpeg" else None
    _enum(image.get("personGeneration"), PERSON_GENERATION,
          "generation_config.image_config.person_generation")
    _enum(image.get("prominentPeople"), PROMINENT_PEOPLE,
          "generation_config.image_config.prominent_people")
    options = image.get("imageOutputOptions") or {}
    mime = options.get("mimeType") or info.default_mime["vertex"]
    if mime not in OUTPUT_TYPES:
        raise envelopes.invalid_argument(
            f"Unsupported output image MIME type: {mime}. Supported: {', '.join(OUTPUT_TYPES)}.")
    quality = options.get("compressionQuality")
    if quality is not None and (isinstance(quality, bool) or not isinstance(quality, int)
                                or not 0 <= quality <= 100):
        raise envelopes.invalid_argument(
            f"compression_quality must be an integer between 0 and 100, got {quality!r}.",
            [("generation_config.image_config.image_output_options.compression_quality",
              "must be between 0 and 100")])
    if mime == "image/png":
        return mime, None
    return mime, config.default_jpeg_quality if quality is None else int(quality)


def _int_or_none(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        raise envelopes.bad_value("generation_config.seed", "TYPE_INT32", value) from None
