"""Dated facts about Google's image models: sizes, options, prices, and where each is offered.

Everything here comes from docs/wire-notes.md ("Models and lifecycle", "Dimensions", "Prices",
"Formats and metadata"), which cites the public sources; values marked UNCONFIRMED there are
named in `unconfirmed` here. The catalog is what Banana Split knows; what a platform offers
*now* comes from its live model list (clients/models.py), merged with this.

Nothing selects models by their id's spelling (Nano Banana 2.1's id has no "image" in it): each
behaviour is a field of `ModelInfo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Literal

from playground.domain.dimensions import (
    EXTREME_RATIOS,
    FLASH25_TABLE,
    IMAGEN_TABLE,
    SIZE_COLUMNS,
    STANDARD_RATIOS,
    table,
)
from playground.domain.errors import UnknownModelError
from playground.domain.pricing import PRICES_AS_OF, CostEstimate, Prices
from playground.domain.pricing import estimate_cost as _estimate
from playground.domain.pricing import list_price_per_image as _list_price

if TYPE_CHECKING:
    from playground.domain.types import Usage

__all__ = ["EXTREME_RATIOS", "PRICES_AS_OF", "STANDARD_RATIOS", "Prices"]

PlatformName = Literal["aistudio", "vertex"]
PLATFORMS: tuple[PlatformName, ...] = ("aistudio", "vertex")
Status = Literal["ga", "preview", "retired"]


@dataclass(frozen=True)
class Availability:
    """One platform's offer of a model over time; dates are ISO days, None = not known."""

    since: str | None = None
    deprecated: str | None = None  # announced, still served
    restricted: str | None = None  # served only to projects that used it before
    shutdown: str | None = None
    shutdown_confirmed: bool = True  # False: reported by third parties, not announced by Google
    source: str = ""

    def state_on(self, day: str) -> str:
        """"not yet" | "available" | "deprecated" | "restricted" | "shut down" on that day."""
        if self.since and day < self.since:
            return "not yet"
        if self.shutdown and day >= self.shutdown and self.shutdown_confirmed:
            return "shut down"
        if self.restricted and day >= self.restricted:
            return "restricted"
        if self.deprecated and day >= self.deprecated:
            return "deprecated"
        return "available"

    def describe(self) -> str:
        parts = [f"since {self.since}" if self.since else ""]
        parts += [f"deprecated {self.deprecated}" if self.deprecated else ""]
        parts += [f"restricted to earlier users {self.restricted}" if self.restricted else ""]
        if self.shutdown:
            parts.append(f"shutdown {self.shutdown}"
                         + ("" if self.shutdown_confirmed else " (reported, not announced)"))
        return ", ".join(p for p in parts if p) or "no dates known"


ALWAYS = Availability()


@dataclass(frozen=True)
class ModelInfo:
    id: str
    nickname: str
    family: Literal["gemini", "imagen"]
    status: Status
    sizes: tuple[str, ...]
    ratios: tuple[str, ...]
    dimensions: dict[tuple[str, str], tuple[int, int]]
    image_tokens: dict[str, int]
    default_mime: dict[str, str]  # platform -> MIME returned without imageOutputOptions
    prices: Prices
    platforms: tuple[PlatformName, ...] = PLATFORMS
    default_size: str = "1K"
    default_ratio: str = "1:1"
    thinking: Literal["always", "levels", "none"] = "none"
    thinking_levels: tuple[str, ...] = ()
    default_thinking_level: str | None = None
    signs_parts: bool = False  # Gemini 3 generation: thoughtSignature on answer parts
    input_image_tokens: int | None = None  # per input image (UNCONFIRMED where absent)
    max_input_images: int = 14
    service_tiers: tuple[str, ...] = ("standard", "flex", "priority")
    latency_family: str = ""  # which observed-latency row applies (emulator profile)
    vertex_locations: tuple[str, ...] = ("global",)
    availability: dict[str, Availability] = field(default_factory=dict)
    lifecycle_note: str = ""
    unconfirmed: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def is_retired(self) -> bool:
        return self.status == "retired"

    def offer(self, platform: str) -> Availability:
        return self.availability.get(platform, ALWAYS)

    def state_on(self, platform: str, day: str | None = None) -> str:
        if platform not in self.platforms:
            return "not offered"
        return self.offer(platform).state_on(day or today())

    def label(self) -> str:
        mark = {"ga": "", "preview": " (preview)", "retired": " (retired)"}[self.status]
        return f"{self.id} — {self.nickname}{mark}"


def today() -> str:
    return date.today().isoformat()


_PRO_PRICES = Prices(120.0, 2.0, 12.0, source="Gemini API + Vertex pricing, 2026-04/05")
_FLASH31_PRICES = Prices(60.0, 0.25, 1.50, source="lumenfall.ai, as of 2026-02-26")
_NB21_PRICES = Prices(30.0, 1.50, 7.50, source="BerriAI/litellm discussion #44983 (2026-10)")
_LITE_PRICES = Prices(30.0, 0.25, 1.50, source="lumenfall.ai, June 2026",
                      unconfirmed=("text_in_per_m", "text_out_per_m"))
_FLASH25_PRICES = Prices(30.0, 0.30, 2.50, source="lumenfall.ai, effective 2025-10-02",
                         unconfirmed=("text_out_per_m",))
_GEMINI_DEFAULT_MIME = {"aistudio": "image/jpeg", "vertex": "image/png"}
_ALL_RATIOS = STANDARD_RATIOS + EXTREME_RATIOS
_IMAGEN_NOTE = ("Imagen is retired: Vertex discontinued it on 2026-06-30 and the Gemini API shut it "
                "down on 2026-08-17. Use gemini-nano-banana-2.1 (or gemini-2.5-flash-image on "
                "Vertex, Google's named replacement) instead.")
_FLASH31_OFFER = {
    "aistudio": Availability(since="2026-02-26", deprecated="2026-10-06", shutdown="2026-10-29",
                             shutdown_confirmed=False,
                             source="Gemini API changelog 2026-10-06; shutdown date reported by "
                                    "litellm discussion #44983"),
    "vertex": Availability(since="2026-02-26", source="no Vertex deprecation found"),
}


def _pro(model_id: str, status: Status, note: str, locations: tuple[str, ...],
         offer: dict[str, Availability]) -> ModelInfo:
    return ModelInfo(
        id=model_id, nickname="Nano Banana Pro", family="gemini", status=status,
        sizes=("1K", "2K", "4K"), ratios=STANDARD_RATIOS,
        dimensions=table(STANDARD_RATIOS, ("1K", "2K", "4K")),
        image_tokens={"1K": 1120, "2K": 1120, "4K": 2000}, default_mime=_GEMINI_DEFAULT_MIME,
        prices=_PRO_PRICES, thinking="always", signs_parts=True, input_image_tokens=560,
        max_input_images=14, latency_family="pro", vertex_locations=locations,
        availability=offer, lifecycle_note=note,
    )


def _flash31(model_id: str, status: Status, note: str) -> ModelInfo:
    return ModelInfo(
        id=model_id, nickname="Nano Banana 2", family="gemini", status=status,
        sizes=SIZE_COLUMNS, ratios=_ALL_RATIOS, dimensions=table(_ALL_RATIOS, SIZE_COLUMNS),
        image_tokens={"512": 747, "1K": 1120, "2K": 1680, "4K": 2520},
        default_mime=_GEMINI_DEFAULT_MIME, prices=_FLASH31_PRICES, thinking="levels",
        thinking_levels=("minimal", "high"), default_thinking_level="minimal", signs_parts=True,
        input_image_tokens=1120, max_input_images=14, latency_family="flash",
        vertex_locations=("global", "us-central1", "us", "eu"), availability=_FLASH31_OFFER,
        lifecycle_note=note,
    )


#: The "generate at 1K, then upscale" path of the article: Vertex's Imagen upscaler went with
#: every Imagen model (Vertex: discontinued, migrate before 2026-06-30; docs/wire-notes.md
#: "Conversations"). "Regenerate at 2K/4K from this" is the honest path today.
IMAGEN_UPSCALER = "imagen-4.0-upscale-preview"
IMAGEN_UPSCALER_RETIRED = "2026-06-30"


def _imagen(model_id: str, nickname: str, price: float, sizes: tuple[str, ...]) -> ModelInfo:
    return ModelInfo(
        id=model_id, nickname=nickname, family="imagen", status="retired",
        sizes=sizes, ratios=("1:1", "3:4", "4:3", "9:16", "16:9"),
        dimensions={k: v for k, v in IMAGEN_TABLE.items() if k[1] in sizes},
        image_tokens={}, default_mime={"aistudio": "image/png", "vertex": "image/png"},
        prices=Prices(0.0, 0.0, 0.0, flat_per_image=price, source="Gemini API pricing, 2025"),
        lifecycle_note=_IMAGEN_NOTE, vertex_locations=("us-central1",), service_tiers=(),
        max_input_images=0,
        availability={"aistudio": Availability(shutdown="2026-08-17"),
                      "vertex": Availability(shutdown="2026-06-30")},
    )


NB21 = ModelInfo(
    id="gemini-nano-banana-2.1", nickname="Nano Banana 2.1", family="gemini", status="ga",
    sizes=("1K", "2K", "4K"), ratios=_ALL_RATIOS, dimensions=table(_ALL_RATIOS, ("1K", "2K", "4K")),
    image_tokens={"1K": 1120, "2K": 1680, "4K": 3780}, default_mime=_GEMINI_DEFAULT_MIME,
    prices=_NB21_PRICES, thinking="levels", thinking_levels=("minimal", "medium", "high"),
    default_thinking_level="medium", signs_parts=True, input_image_tokens=1120,
    max_input_images=14, latency_family="flash",
    availability={"aistudio": Availability(since="2026-10-06", source="Gemini API changelog"),
                  "vertex": Availability(since="2026-10-06",
                                         source="third parties only (Comfy Router, inference.sh)")},
    lifecycle_note=("GA 2026-10-06 as the updated Nano Banana 2; 1K/2K/4K (512 is refused). "
                    "Pixel table, 2K token count, default format and Vertex regions UNCONFIRMED."),
    unconfirmed=("dimensions", "image_tokens.2K", "image_tokens.4K", "default_mime",
                 "input_image_tokens", "service_tiers", "vertex_locations"),
)

MODELS: dict[str, ModelInfo] = {
    m.id: m
    for m in (
        NB21,
        _pro("gemini-3-pro-image-preview", "preview",
             "Preview since Nov 2025; on Vertex served from the global location only.",
             ("global",), {"aistudio": Availability(since="2025-11-20"),
                           "vertex": Availability(since="2025-11-20")}),
        _pro("gemini-3-pro-image", "ga",
             "Vertex GA 2026-05-28 (4K still preview); global and US regions.",
             ("global", "us-central1", "us"), {"vertex": Availability(since="2026-05-28")}),
        _flash31("gemini-3.1-flash-image", "ga",
                 "Deprecated on the Gemini API 2026-10-06 (shutdown reported for 2026-10-29); "
                 "replaced by gemini-nano-banana-2.1. Vertex status unknown."),
        _flash31("gemini-3.1-flash-image-preview", "preview",
                 "Preview from 2026-02-26; assumed to follow the GA id's deprecation."),
        ModelInfo(
            id="gemini-3.1-flash-lite-image", nickname="Nano Banana 2 Lite", family="gemini",
            status="ga", sizes=("1K",), ratios=_ALL_RATIOS, dimensions=table(_ALL_RATIOS, ("1K",)),
            image_tokens={"1K": 1120}, default_mime=_GEMINI_DEFAULT_MIME, prices=_LITE_PRICES,
            thinking="levels", thinking_levels=("minimal", "high"),
            default_thinking_level="minimal", signs_parts=True, input_image_tokens=1120,
            max_input_images=14, service_tiers=("standard",), latency_family="lite",
            availability={"vertex": Availability(since="2026-06-30")},
            lifecycle_note=("Vertex GA 2026-06-30, 1K only. Vertex lists 14 aspect ratios, AI "
                            "Studio 10 (UNCONFIRMED which is current). No Flex or Priority."),
            unconfirmed=("ratios", "input_image_tokens"),
        ),
        ModelInfo(
            id="gemini-2.5-flash-image", nickname="Nano Banana", family="gemini", status="ga",
            sizes=("1K",), ratios=STANDARD_RATIOS, dimensions=FLASH25_TABLE,
            image_tokens={"1K": 1290}, default_mime={"aistudio": "image/png", "vertex": "image/png"},
            prices=_FLASH25_PRICES, max_input_images=3, latency_family="flash25",
            input_image_tokens=1290, vertex_locations=("global", "us-central1"),
            availability={
                "aistudio": Availability(restricted="2026-09-18", shutdown="2026-10-02",
                                         source="ai.google.dev/gemini-api/docs/deprecations"),
                "vertex": Availability(source="no discontinuation date announced; Google names "
                                              "it the Imagen replacement on Vertex"),
            },
            lifecycle_note=("GA Oct 2025. AI Studio: restricted to earlier users since "
                            "2026-09-18, shut down 2026-10-02. Vertex: still served."),
            unconfirmed=("input_image_tokens",),
        ),
        _imagen("imagen-4.0-generate-001", "Imagen 4", 0.04, ("1K", "2K")),
        _imagen("imagen-4.0-fast-generate-001", "Imagen 4 Fast", 0.02, ("1K",)),
        _imagen("imagen-4.0-ultra-generate-001", "Imagen 4 Ultra", 0.06, ("1K", "2K")),
    )
}

DEFAULT_MODEL = "gemini-3-pro-image-preview"

#: Options only Vertex accepts. Key = neutral request field, value = wire name.
VERTEX_ONLY_OPTIONS: dict[str, str] = {
    "output_mime_type": "imageOutputOptions.mimeType",
    "compression_quality": "imageOutputOptions.compressionQuality",
    "person_generation": "personGeneration",
}
OUTPUT_MIME_TYPES = ("image/png", "image/jpeg")
PERSON_GENERATION = ("ALLOW_ALL", "ALLOW_ADULT", "ALLOW_NONE")
#: Every thinking level any model takes (the CLI's choices); each model lists its own.
THINKING_LEVELS = ("minimal", "medium", "high")


def get_model(model_id: str) -> ModelInfo:
    try:
        return MODELS[model_id]
    except KeyError:
        raise UnknownModelError(model_id) from None


def generic_model(model_id: str) -> ModelInfo:
    """Options for a model a platform lists but the catalog does not know: the standard
    ratios and sizes, nothing checked, no prices (its cost stays unknown)."""
    return ModelInfo(
        id=model_id, nickname="capabilities unknown to Banana Split", family="gemini",
        status="ga", sizes=("1K", "2K", "4K"), ratios=STANDARD_RATIOS, dimensions={},
        image_tokens={}, default_mime={}, prices=Prices(0.0, 0.0, 0.0, source="none"),
        lifecycle_note="Listed by the platform but not in Banana Split's catalog: sent with "
                       "generic options; sizes, formats and costs are not known.",
        unconfirmed=("everything",))


def gemini_models(include_retired: bool = True) -> list[ModelInfo]:
    return [m for m in MODELS.values()
            if m.family == "gemini" and (include_retired or not m.is_retired)]


def with_image_tokens(model_id: str, tokens: dict[str, int]) -> ModelInfo:
    """Replace a model's UNCONFIRMED image-token counts (PLAYGROUND_IMAGE_TOKENS, config.py)."""
    info = replace(get_model(model_id), image_tokens={**get_model(model_id).image_tokens, **tokens})
    MODELS[model_id] = info
    return info


def dimensions_for(model_id: str, aspect_ratio: str | None,
                   image_size: str | None) -> tuple[int, int] | None:
    """Pixel size Google documents for this combination, or None if unsupported."""
    info = MODELS.get(model_id)
    if info is None:
        return None
    return info.dimensions.get((aspect_ratio or info.default_ratio, image_size or info.default_size))


def image_tokens_for(model_id: str, image_size: str | None) -> int:
    info = get_model(model_id)
    return info.image_tokens.get(image_size or info.default_size, 0)


def estimate_cost(model_id: str, usage: Usage | None, *, images: int = 1,
                  requested_tier: str | None = None) -> CostEstimate:
    return _estimate(MODELS.get(model_id), usage, images=images, requested_tier=requested_tier)


def list_price_per_image(model_id: str, image_size: str | None) -> float:
    return _list_price(get_model(model_id), image_size)
