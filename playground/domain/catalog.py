"""Dated facts about Google's image models: sizes, dimension tables, options, prices, lifecycle.

Everything here comes from docs/wire-notes.md ("Models and lifecycle", "Dimensions", "Prices",
"Formats and metadata"), which cites the public sources. Values marked UNCONFIRMED there are
flagged `unconfirmed` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from playground.domain.errors import UnknownModelError

if TYPE_CHECKING:
    from playground.domain.types import Usage

PlatformName = Literal["aistudio", "vertex"]
PLATFORMS: tuple[PlatformName, ...] = ("aistudio", "vertex")

#: When the prices below were last checked against the sources in the reference (docs/wire-notes.md "Prices").
PRICES_AS_OF = "2026-06-30"

# --- dimension tables (docs/wire-notes.md "Dimensions") -------------------------------------------------------------------

STANDARD_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
EXTREME_RATIOS = ("1:4", "4:1", "1:8", "8:1")

_FLASH31_TABLE: dict[str, tuple[tuple[int, int], ...]] = {
    # ratio: (512, 1K, 2K, 4K)  — docs/wire-notes.md "Dimensions"; 21:9@512 = 792×168 is as published (UNCONFIRMED typo)
    "1:1": ((512, 512), (1024, 1024), (2048, 2048), (4096, 4096)),
    "2:3": ((424, 632), (848, 1264), (1696, 2528), (3392, 5056)),
    "3:2": ((632, 424), (1264, 848), (2528, 1696), (5056, 3392)),
    "3:4": ((448, 600), (896, 1200), (1792, 2400), (3584, 4800)),
    "4:3": ((600, 448), (1200, 896), (2400, 1792), (4800, 3584)),
    "4:5": ((464, 576), (928, 1152), (1856, 2304), (3712, 4608)),
    "5:4": ((576, 464), (1152, 928), (2304, 1856), (4608, 3712)),
    "9:16": ((384, 688), (768, 1376), (1536, 2752), (3072, 5504)),
    "16:9": ((688, 384), (1376, 768), (2752, 1536), (5504, 3072)),
    "21:9": ((792, 168), (1584, 672), (3168, 1344), (6336, 2688)),
    "1:4": ((256, 1024), (512, 2048), (1024, 4096), (2048, 8192)),
    "4:1": ((1024, 256), (2048, 512), (4096, 1024), (8192, 2048)),
    "1:8": ((192, 1536), (384, 3072), (768, 6144), (1536, 12288)),
    "8:1": ((1536, 192), (3072, 384), (6144, 768), (12288, 1536)),
}
_SIZE_COLUMNS = ("512", "1K", "2K", "4K")


def _table(ratios: tuple[str, ...], sizes: tuple[str, ...]) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (ratio, size): _FLASH31_TABLE[ratio][_SIZE_COLUMNS.index(size)]
        for ratio in ratios
        for size in sizes
    }


_FLASH25_TABLE: dict[tuple[str, str], tuple[int, int]] = {
    (ratio, "1K"): dims
    for ratio, dims in zip(
        STANDARD_RATIOS,
        (
            (1024, 1024), (832, 1248), (1248, 832), (864, 1184), (1184, 864),
            (896, 1152), (1152, 896), (768, 1344), (1344, 768), (1536, 672),
        ),
        strict=True,
    )
}

_IMAGEN_TABLE: dict[tuple[str, str], tuple[int, int]] = {
    ("1:1", "1K"): (1024, 1024), ("3:4", "1K"): (896, 1280), ("4:3", "1K"): (1280, 896),
    ("9:16", "1K"): (768, 1408), ("16:9", "1K"): (1408, 768),
    ("1:1", "2K"): (2048, 2048), ("3:4", "2K"): (1792, 2560), ("4:3", "2K"): (2560, 1792),
    ("9:16", "2K"): (1536, 2816), ("16:9", "2K"): (2816, 1536),
}


# --- prices (docs/wire-notes.md "Prices") ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Prices:
    """USD per million tokens, standard paid tier. Batch is half (docs/wire-notes.md "Prices")."""

    image_out_per_m: float
    text_in_per_m: float
    text_out_per_m: float  # text and thinking output
    flat_per_image: float | None = None  # Imagen: flat price instead of tokens
    source: str = ""
    unconfirmed: tuple[str, ...] = ()


# --- models (docs/wire-notes.md "Models and lifecycle") -----------------------------------------------------------------------------

Status = Literal["ga", "preview", "retired"]


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
    default_mime: dict[str, str]  # platform -> MIME returned without imageOutputOptions (docs/wire-notes.md "Formats and metadata")
    prices: Prices
    platforms: tuple[PlatformName, ...] = PLATFORMS
    default_size: str = "1K"
    default_ratio: str = "1:1"
    thinking: Literal["always", "levels", "none"] = "none"
    vertex_locations: tuple[str, ...] = ("global",)
    lifecycle_note: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def is_retired(self) -> bool:
        return self.status == "retired"

    def label(self) -> str:
        mark = {"ga": "", "preview": " (preview)", "retired": " (retired)"}[self.status]
        return f"{self.id} — {self.nickname}{mark}"


_PRO_PRICES = Prices(
    120.0, 2.0, 12.0, source="Gemini API + Vertex pricing, 2026-04/05 [F-pricing-rows, P-lumenfall]"
)
_FLASH31_PRICES = Prices(60.0, 0.25, 1.50, source="as of 2026-02-26 [P-lumenfall]")
_LITE_PRICES = Prices(
    30.0, 0.25, 1.50, source="June 2026 [P-lumenfall]",
    unconfirmed=("text_in_per_m", "text_out_per_m"),
)
_FLASH25_PRICES = Prices(
    30.0, 0.30, 2.50, source="effective 2025-10-02 [P-lumenfall]", unconfirmed=("text_out_per_m",)
)
_GEMINI_DEFAULT_MIME = {"aistudio": "image/jpeg", "vertex": "image/png"}
_PRO_TABLE = _table(STANDARD_RATIOS, ("1K", "2K", "4K"))
_FLASH31_FULL = _table(STANDARD_RATIOS + EXTREME_RATIOS, _SIZE_COLUMNS)
_LITE_TABLE = _table(STANDARD_RATIOS + EXTREME_RATIOS, ("1K",))


def _pro(model_id: str, status: Status, note: str, locations: tuple[str, ...]) -> ModelInfo:
    return ModelInfo(
        id=model_id, nickname="Nano Banana Pro", family="gemini", status=status,
        sizes=("1K", "2K", "4K"), ratios=STANDARD_RATIOS, dimensions=_PRO_TABLE,
        image_tokens={"1K": 1120, "2K": 1120, "4K": 2000}, default_mime=_GEMINI_DEFAULT_MIME,
        prices=_PRO_PRICES, thinking="always", vertex_locations=locations, lifecycle_note=note,
    )


def _flash31(model_id: str, status: Status, note: str) -> ModelInfo:
    return ModelInfo(
        id=model_id, nickname="Nano Banana 2", family="gemini", status=status,
        sizes=_SIZE_COLUMNS, ratios=STANDARD_RATIOS + EXTREME_RATIOS, dimensions=_FLASH31_FULL,
        image_tokens={"512": 747, "1K": 1120, "2K": 1680, "4K": 2520},
        default_mime=_GEMINI_DEFAULT_MIME, prices=_FLASH31_PRICES, thinking="levels",
        vertex_locations=("global", "us-central1", "us", "eu"), lifecycle_note=note,
    )


def _imagen(model_id: str, nickname: str, price: float, sizes: tuple[str, ...]) -> ModelInfo:
    return ModelInfo(
        id=model_id, nickname=nickname, family="imagen", status="retired",
        sizes=sizes, ratios=("1:1", "3:4", "4:3", "9:16", "16:9"),
        dimensions={k: v for k, v in _IMAGEN_TABLE.items() if k[1] in sizes},
        image_tokens={}, default_mime={"aistudio": "image/png", "vertex": "image/png"},
        prices=Prices(0.0, 0.0, 0.0, flat_per_image=price, source="2025 [P-discuss-pricing]"),
        lifecycle_note=(
            "Imagen is retired: Vertex discontinued it on 2026-06-30 and the Gemini API shut it "
            "down on 2026-08-17. Use gemini-3.1-flash-image with thinking level minimal instead."
        ),
        vertex_locations=("us-central1",),
    )


MODELS: dict[str, ModelInfo] = {
    m.id: m
    for m in (
        _pro("gemini-3-pro-image-preview", "preview",
             "Preview since Nov 2025; on Vertex served from the global location only.",
             ("global",)),
        _pro("gemini-3-pro-image", "ga",
             "Vertex GA 2026-05-28 (4K still preview); global and US regions.",
             ("global", "us-central1", "us")),
        _flash31("gemini-3.1-flash-image", "ga", "GA id used in late-2026 docs; 4K preview on Vertex."),
        _flash31("gemini-3.1-flash-image-preview", "preview", "Preview from 2026-02-26."),
        ModelInfo(
            id="gemini-3.1-flash-lite-image", nickname="Nano Banana 2 Lite", family="gemini",
            status="ga", sizes=("1K",), ratios=STANDARD_RATIOS + EXTREME_RATIOS,
            dimensions=_LITE_TABLE, image_tokens={"1K": 1120}, default_mime=_GEMINI_DEFAULT_MIME,
            prices=_LITE_PRICES, thinking="levels",
            lifecycle_note=(
                "Vertex GA 2026-06-30, 1K only. Vertex lists 14 aspect ratios, AI Studio 10 "
                "(UNCONFIRMED which is current)."
            ),
        ),
        ModelInfo(
            id="gemini-2.5-flash-image", nickname="Nano Banana", family="gemini", status="ga",
            sizes=("1K",), ratios=STANDARD_RATIOS, dimensions=_FLASH25_TABLE,
            image_tokens={"1K": 1290}, default_mime={"aistudio": "image/png", "vertex": "image/png"},
            prices=_FLASH25_PRICES, vertex_locations=("global", "us-central1"),
            lifecycle_note="GA Oct 2025; the -preview alias is retired.",
        ),
        _imagen("imagen-4.0-generate-001", "Imagen 4", 0.04, ("1K", "2K")),
        _imagen("imagen-4.0-fast-generate-001", "Imagen 4 Fast", 0.02, ("1K",)),
        _imagen("imagen-4.0-ultra-generate-001", "Imagen 4 Ultra", 0.06, ("1K", "2K")),
    )
}

DEFAULT_MODEL = "gemini-3-pro-image-preview"

#: Options only Vertex accepts (docs/wire-notes.md "Request body"). Key = neutral request field, value = wire name.
VERTEX_ONLY_OPTIONS: dict[str, str] = {
    "output_mime_type": "imageOutputOptions.mimeType",
    "compression_quality": "imageOutputOptions.compressionQuality",
    "person_generation": "personGeneration",
}
OUTPUT_MIME_TYPES = ("image/png", "image/jpeg")
PERSON_GENERATION = ("ALLOW_ALL", "ALLOW_ADULT", "ALLOW_NONE")
THINKING_LEVELS = ("minimal", "high")


def get_model(model_id: str) -> ModelInfo:
    try:
        return MODELS[model_id]
    except KeyError:
        raise UnknownModelError(model_id) from None


def gemini_models(include_retired: bool = True) -> list[ModelInfo]:
    return [m for m in MODELS.values()
            if m.family == "gemini" and (include_retired or not m.is_retired)]


def dimensions_for(model_id: str, aspect_ratio: str | None, image_size: str | None) -> tuple[int, int] | None:
    """Pixel size Google documents for this combination, or None if unsupported."""
    info = MODELS.get(model_id)
    if info is None:
        return None
    key = (aspect_ratio or info.default_ratio, image_size or info.default_size)
    return info.dimensions.get(key)


def image_tokens_for(model_id: str, image_size: str | None) -> int:
    info = get_model(model_id)
    return info.image_tokens.get(image_size or info.default_size, 0)


def estimate_cost(model_id: str, usage: Usage | None, images: int = 1) -> float | None:
    """USD for one call, from usage tokens and list prices (docs/wire-notes.md "Prices"). None if the model is unknown.

    Image tokens are billed at the image rate; the remaining candidate tokens and all thinking
    tokens at the text-output rate; prompt tokens at the input rate. Blocked images are free
    ("You will not be charged for blocked images"), which the token counts already reflect.
    """
    info = MODELS.get(model_id)
    if info is None:
        return None
    prices = info.prices
    if prices.flat_per_image is not None:
        return round(prices.flat_per_image * images, 6)
    if usage is None:
        return None
    image_tokens = usage.image_output_tokens
    text_out = max(usage.candidates_tokens - image_tokens, 0) + usage.thoughts_tokens
    cost = (
        image_tokens * prices.image_out_per_m
        + text_out * prices.text_out_per_m
        + usage.prompt_tokens * prices.text_in_per_m
    ) / 1_000_000
    return round(cost, 6)


def list_price_per_image(model_id: str, image_size: str | None) -> float:
    """The headline price of one output image (image tokens only), for estimates before a run."""
    info = get_model(model_id)
    if info.prices.flat_per_image is not None:
        return info.prices.flat_per_image
    return round(image_tokens_for(model_id, image_size) * info.prices.image_out_per_m / 1e6, 6)
