"""OpenAI Images parameters read, checked and mapped to an ImageRequest without losing facts.

`size` (exact pixels from the model's dimension table, "W:H", "512"/"1K"/"2K"/"4K", OpenAI's
legacy sizes through a written alias list, `auto`), `quality` (→ a size tier, only when `size`
did not set one), `output_format`/`output_compression` (→ Vertex imageOutputOptions; refused on
AI Studio, which cannot be told). Anything the gateway cannot honour is refused naming the
parameter, never dropped. The tables are README "Use it from any OpenAI client".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from playground.domain.catalog import ModelInfo
from playground.domain.imaging import format_name
from playground.domain.turns import InputImage
from playground.domain.types import Finding, ImageRequest
from playground.gateway.errors import GatewayError, bad_param, unknown_param

MAX_N = 10
#: quality → size tier (used only when `size` sets no tier); "auto" leaves the model default.
QUALITY_TIERS: dict[str, str | None] = {"low": "1K", "standard": "1K", "medium": "2K",
                                        "hd": "2K", "high": "4K", "auto": None}
#: OpenAI sizes no Gemini model makes → the ratio they are drawn at, at 1K (a note says so).
LEGACY_SIZES: dict[str, str] = {"1792x1024": "16:9", "1024x1792": "9:16", "1536x1024": "3:2",
                                "1024x1536": "2:3", "256x256": "1:1", "512x512": "1:1"}
TIERS = ("512", "1K", "2K", "4K")
FORMATS = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg"}
#: Fields of OpenAI's image requests the gateway cannot honour, and why (said in the 400).
REFUSED: dict[str, str] = {
    "style": "Gemini has no style switch: describe the style in the prompt.",
    "input_fidelity": "Gemini has no input-fidelity setting.",
    "complexity": "Gemini has no complexity setting.",
    "frame_count": "Gemini image models make still images.",
    "frame_duration_ms": "Gemini image models make still images.",
    "svg": "Gemini image models return PNG or JPEG only.",
    "markup": "Gemini takes no markup image; send it as one of the images.",
}
_OK_VALUES: dict[str, tuple[object, ...]] = {
    "background": ("auto", "opaque", None), "moderation": ("auto", None),
    "stream": (False, None, "false"), "partial_images": (0, None, "0"),
}
_WHY_NOT: dict[str, str] = {
    "background": "Gemini images are always opaque: transparent backgrounds are not offered.",
    "moderation": "Google's safety filters cannot be lowered through this gateway.",
    "stream": "Images are not streamed (Gemini's draft images are not results); use "
              "POST /v1/chat/completions with stream=true for a streamed answer.",
    "partial_images": "Partial images would be Gemini's drafts, which are not results.",
}
BASE_FIELDS = {"prompt", "model", "n", "size", "quality", "response_format", "output_format",
               "output_compression", "user", "safety_identifier", "seed", "person_generation",
               "thinking_level", *_OK_VALUES}


@dataclass
class ImageParams:
    """The OpenAI parameters of one request, checked but not yet tied to a platform."""

    prompt: str
    model: str
    n: int = 1
    size: str | None = None
    quality: str | None = None
    response_format: str = "b64_json"
    output_format: str | None = None
    output_compression: int | None = None
    user: str | None = None
    seed: int | None = None
    person_generation: str | None = None
    thinking_level: str | None = None
    notes: list[str] = field(default_factory=list)


def _int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_param(name, f"{name} must be a whole number from {low} to {high}; got {value!r}.")
    return value


def _str(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_param(name, f"{name} must be a string; got {value!r}.")
    return value.strip()


def read_params(body: Mapping[str, Any], *, allowed: frozenset[str] | set[str] = BASE_FIELDS,
                ) -> ImageParams:
    """Check every field of an images request; the first refusal names its parameter."""
    for name in body:
        if name in REFUSED:
            raise unknown_param(name, REFUSED[name]) if name not in allowed else \
                bad_param(name, REFUSED[name], "unsupported_parameter")
        if name not in allowed:
            raise unknown_param(name, "The gateway refuses parameters it cannot pass on, "
                                      "rather than dropping them.")
    for name, ok in _OK_VALUES.items():
        if name in body and body[name] not in ok:
            raise bad_param(name, f"{name}={body[name]!r} is not offered: {_WHY_NOT[name]}",
                            "unsupported_value")
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise bad_param("prompt", "prompt is required: say what the image should show.",
                        "missing_prompt")
    quality = _str(body.get("quality"), "quality")
    if quality is not None and quality not in QUALITY_TIERS:
        raise bad_param("quality", f"quality must be one of {', '.join(QUALITY_TIERS)}; got "
                                   f"{quality!r}.")
    response_format = _str(body.get("response_format"), "response_format") or "b64_json"
    if response_format not in ("b64_json", "url"):
        raise bad_param("response_format", "response_format must be b64_json or url.")
    fmt = _str(body.get("output_format"), "output_format")
    if fmt is not None and fmt.lower() not in FORMATS:
        raise bad_param("output_format", f"output_format {fmt!r} is not offered: Gemini image "
                                         "models return PNG or JPEG (Vertex can be asked for "
                                         "either with output_format png or jpeg).",
                        "unsupported_value")
    compression = body.get("output_compression")
    seed = body.get("seed")
    return ImageParams(
        prompt=prompt, model=str(body.get("model") or ""),
        n=_int(body.get("n", 1) if body.get("n") is not None else 1, "n", 1, MAX_N),
        size=_str(body.get("size"), "size"), quality=quality, response_format=response_format,
        output_format=fmt.lower() if fmt else None,
        output_compression=None if compression is None else
        _int(compression, "output_compression", 0, 100),
        user=_str(body.get("user"), "user") or _str(body.get("safety_identifier"),
                                                      "safety_identifier"),
        seed=None if seed is None else _int(seed, "seed", -(2**31), 2**31 - 1),
        person_generation=_str(body.get("person_generation"), "person_generation"),
        thinking_level=_str(body.get("thinking_level"), "thinking_level"),
    )


# --- size and quality ------------------------------------------------------------------------


@dataclass
class SizeMapping:
    """Where `size` and `quality` put the request: what goes on the wire, and what it makes."""

    aspect_ratio: str | None  # None: the model's default (1:1; an edit's input ratio)
    image_size: str | None  # what goes on the wire; None for single-size models
    tier: str  # the tier that will be made
    source: str  # exact | legacy | ratio | tier | auto
    notes: list[str] = field(default_factory=list)

    def expected(self, info: ModelInfo) -> tuple[int, int] | None:
        return info.dimensions.get((self.aspect_ratio or info.default_ratio, self.tier))


def _valid_sizes(info: ModelInfo) -> str:
    order = {ratio: n for n, ratio in enumerate(info.ratios)}
    cells = sorted(info.dimensions.items(),
                   key=lambda kv: (TIERS.index(kv[0][1]), order.get(kv[0][0], 99)))
    pixels = ", ".join(f"{w}x{h} ({ratio} {tier})" for (ratio, tier), (w, h) in cells)
    return (f"{info.id} makes {pixels}; or send a ratio ({', '.join(info.ratios)}), a tier "
            f"({', '.join(info.sizes)}), one of OpenAI's {', '.join(LEGACY_SIZES)} (drawn at "
            "the nearest ratio at 1K) or auto")


def map_size(size: str | None, quality: str | None, info: ModelInfo, *,
             tier_param: tuple[str, str] | None = None) -> SizeMapping:
    """`size` first (it may set the ratio and the tier), then `quality` for the tier.
    `tier_param` is (parameter name, tier) of an explicit tier (chat's image_config)."""
    ratio, tier, source, notes = _from_size(size, info)
    if tier_param is not None:
        name, wanted_tier = tier_param[0], tier_param[1].strip().upper()
        if wanted_tier not in info.sizes:
            raise bad_param(name, f"{info.id} does not offer the {wanted_tier} tier: "
                                  f"{_valid_sizes(info)}.")
        if tier is not None and tier != wanted_tier:
            raise bad_param(name, f"{name}={wanted_tier} contradicts size {size} ({tier}).")
        tier, source = wanted_tier, source if source != "auto" else "tier"
    wanted = QUALITY_TIERS.get(quality or "auto")
    if tier is not None and wanted is not None and wanted != tier:
        notes.append(f"quality={quality} did not change the size tier: size {size} is "
                     f"{tier} on {info.id}.")
    if tier is None:
        tier = info.default_size
        if wanted is not None:
            tier = wanted if wanted in info.sizes else _nearest_tier(wanted, info)
            if tier != wanted:
                notes.append(f"quality={quality} asks for {wanted}, which {info.id} does not "
                             f"offer; it ran at {tier}.")
            elif quality:
                notes.append(f"quality={quality} → {tier} (the gateway's table: low/standard → "
                             "1K, medium/hd → 2K, high → 4K).")
    single = len(info.sizes) == 1
    return SizeMapping(ratio, None if single or (source == "auto" and tier == info.default_size
                                                  and not quality) else tier,
                       tier, source, notes)


def _nearest_tier(wanted: str, info: ModelInfo) -> str:
    below = [t for t in info.sizes if TIERS.index(t) <= TIERS.index(wanted)]
    return below[-1] if below else info.sizes[0]


def _from_size(size: str | None, info: ModelInfo) -> tuple[str | None, str | None, str, list[str]]:
    if size is None or size.lower() in ("", "auto"):
        return None, None, "auto", []
    text = size.strip()
    pixels = re.fullmatch(r"(\d+)\s*[xX×]\s*(\d+)", text)
    if pixels:
        wh = (int(pixels.group(1)), int(pixels.group(2)))
        for (ratio, tier), dims in info.dimensions.items():
            if dims == wh:
                return ratio, tier, "exact", []
        key = f"{wh[0]}x{wh[1]}"
        if key in LEGACY_SIZES and LEGACY_SIZES[key] in info.ratios and "1K" in info.sizes:
            ratio = LEGACY_SIZES[key]
            w, h = info.dimensions.get((ratio, "1K"), (0, 0))
            return ratio, "1K", "legacy", [
                f"size {key} is an OpenAI size that {info.id} does not make: it was drawn at "
                f"{ratio} at 1K, which is {w}x{h} (the answer's size field and headers give the "
                "real pixels)."]
        raise bad_param("size", f"size {text!r} is not a size of {info.id}: {_valid_sizes(info)}.")
    if re.fullmatch(r"\d+:\d+", text):
        if text not in info.ratios:
            raise bad_param("size", f"{info.id} does not draw the ratio {text}: "
                                    f"{_valid_sizes(info)}.")
        return text, None, "ratio", []
    upper = text.upper()
    if upper in TIERS:
        if upper not in info.sizes:
            raise bad_param("size", f"{info.id} does not offer the {upper} tier: "
                                    f"{_valid_sizes(info)}.")
        return None, upper, "tier", []
    raise bad_param("size", f"size {text!r} is not understood: {_valid_sizes(info)}.")


# --- output format -----------------------------------------------------------------------------


def map_output(params: ImageParams, platform: str, info: ModelInfo,
               alias: str) -> tuple[str | None, int | None, list[str]]:
    """(output_mime_type, compression_quality, notes) for `platform`, or a 400 on AI Studio."""
    mime = FORMATS[params.output_format] if params.output_format else None
    compression = params.output_compression
    if platform == "vertex":
        notes = []
        if compression is not None and mime != "image/jpeg":
            notes.append(f"output_compression={compression} was not sent: Vertex applies "
                         "compressionQuality to JPEG only (ask for output_format jpeg).")
            compression = None
        return mime, compression, notes
    default = info.default_mime.get("aistudio")
    where = alias + "-vertex" if not alias.startswith(("aistudio/", "auto")) else \
        f"vertex/{info.id}"
    if compression is not None:
        raise bad_param("output_compression",
                        "AI Studio cannot be told a compression quality (imageOutputOptions is a "
                        "Vertex-only field: AI Studio answers 400 Unknown name). Drop "
                        f"output_compression, or use {where}.", "unsupported_on_platform")
    if mime is not None and mime != default:
        raise bad_param("output_format",
                        f"AI Studio cannot be told the output format: it returns "
                        f"{format_name(default)} for {info.id}, and the gateway does not "
                        "re-encode and present that as the platform's output. Drop "
                        f"output_format, or use {where}.", "unsupported_on_platform")
    if mime is not None:
        return None, None, [f"output_format={params.output_format}: AI Studio returns "
                            f"{format_name(default)} for {info.id} anyway; nothing was sent."]
    return None, None, []


def image_request(params: ImageParams, model: str, size: SizeMapping, mime: str | None,
                  compression: int | None, inputs: tuple[InputImage, ...] = ()) -> ImageRequest:
    return ImageRequest(prompt=params.prompt, model=model, aspect_ratio=size.aspect_ratio,
                        image_size=size.image_size, output_mime_type=mime,
                        compression_quality=compression,
                        person_generation=params.person_generation,
                        thinking_level=params.thinking_level, seed=params.seed, inputs=inputs)


#: ImageRequest field (as check_request names it) → the OpenAI parameter that set it
PARAM_OF = {"image_size": "size", "aspect_ratio": "size", "output_mime_type": "output_format",
            "compression_quality": "output_compression", "model": "model", "prompt": "prompt",
            "thinking_level": "thinking_level", "person_generation": "person_generation"}


def refusal(findings: tuple[Finding, ...], image_param: str = "image") -> GatewayError | None:
    """The first error of check_request as a 400 naming the OpenAI parameter (`image_param`
    for the input images: `image` on edits, `messages` on chat)."""
    errors = [f for f in findings if f.severity == "error"]
    if not errors:
        return None
    first = errors[0]
    code = "model_not_available" if first.field == "model" else "invalid_value"
    param = image_param if first.field == "inputs" else PARAM_OF.get(first.field, first.field)
    return GatewayError(400, " ".join(f.message for f in errors), param=param, code=code)
