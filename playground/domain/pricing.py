"""List prices, service tiers and the cost estimate of one call.

A cost comes only from counters the server sent: a counter it did not report is unknown, not
zero, and the estimate says why it cannot be made (docs/wire-notes.md "Prices", "Responses").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playground.domain.catalog import ModelInfo
    from playground.domain.types import Usage

#: When the prices below were last checked against their sources (docs/wire-notes.md "Prices").
PRICES_AS_OF = "2026-10-07"


@dataclass(frozen=True)
class Prices:
    """USD per million tokens, standard paid tier."""

    image_out_per_m: float
    text_in_per_m: float
    text_out_per_m: float  # text and thinking output
    flat_per_image: float | None = None  # Imagen: flat price instead of tokens
    source: str = ""
    unconfirmed: tuple[str, ...] = ()


#: Service tiers and their price factor against standard (ai.google.dev/gemini-api/docs/
#: optimization): Flex −50 %, Priority +75–100 % (the lower bound is used, and said), Batch −50 %.
TIER_FACTORS = {"standard": 1.0, "flex": 0.5, "priority": 1.75, "batch": 0.5}
TIERS = ("standard", "flex", "priority")  # what a single request may ask for
#: Vertex reports its tier as usageMetadata.trafficType.
TRAFFIC_TIERS = {"ON_DEMAND": "standard", "ON_DEMAND_FLEX": "flex",
                 "ON_DEMAND_PRIORITY": "priority"}


@dataclass(frozen=True)
class CostEstimate:
    usd: float | None
    tier: str = "standard"
    why_unknown: str | None = None  # set when usd is None
    note: str | None = None  # e.g. the tier was assumed, or Priority's range


def reported_tier(usage: Usage | None) -> str | None:
    """The tier the server says it used (AI Studio serviceTier, Vertex trafficType), or None."""
    if usage is None:
        return None
    if usage.service_tier:
        return usage.service_tier.lower()
    if usage.traffic_type:
        return TRAFFIC_TIERS.get(usage.traffic_type, usage.traffic_type.lower())
    return None


def _output_tokens(usage: Usage) -> tuple[int | None, str | None]:
    """(all output tokens, why unknown): total − prompt when the total is known (thinking tokens
    sit inside candidatesTokenCount on some models), else the counters that were sent."""
    if usage.total_tokens is not None and usage.prompt_tokens is not None:
        return max(usage.total_tokens - usage.prompt_tokens, 0), None
    parts = [n for n in (usage.candidates_tokens, usage.thoughts_tokens) if n is not None]
    if parts:
        return sum(parts), None
    return None, "the server reported neither totalTokenCount nor candidatesTokenCount"


def estimate_cost(info: ModelInfo | None, usage: Usage | None, *, images: int = 1,
                  requested_tier: str | None = None) -> CostEstimate:
    """USD for one call: image tokens at the image rate, the other output tokens (text and
    thinking) at the text-output rate, prompt tokens at the input rate, times the tier factor.
    Blocked images are free ("You will not be charged for blocked images"), which the counters
    already show."""
    if info is None:
        return CostEstimate(None, why_unknown="the catalog has no prices for this model")
    prices = info.prices
    if prices.flat_per_image is not None:
        return CostEstimate(round(prices.flat_per_image * images, 6))
    if usage is None:
        return CostEstimate(None, why_unknown="the server reported no usageMetadata")
    if usage.prompt_tokens is None:
        return CostEstimate(None, why_unknown="the server reported no promptTokenCount")
    out, why = _output_tokens(usage)
    if out is None:
        return CostEstimate(None, why_unknown=why)
    if out and usage.image_output_tokens is None and usage.candidates_tokens:
        return CostEstimate(None, why_unknown="candidatesTokensDetails did not say how many "
                                              "output tokens were image tokens")
    image = usage.image_output_tokens or 0
    base = (image * prices.image_out_per_m + max(out - image, 0) * prices.text_out_per_m
            + usage.prompt_tokens * prices.text_in_per_m) / 1_000_000
    return _with_tier(base, reported_tier(usage), requested_tier)


def _with_tier(base: float, reported: str | None, requested: str | None) -> CostEstimate:
    tier, note = reported or requested or "standard", None
    if reported is None and requested and requested != "standard":
        note = f"Priced at the {requested} tier as requested; the server did not report a tier."
    if tier not in TIER_FACTORS:
        return CostEstimate(None, tier=tier, why_unknown=f"the {tier} tier has no per-request price "
                                                         "(provisioned throughput is billed apart)")
    if tier == "priority":
        note = ((note + " ") if note else "") + "Priority costs +75–100 %; +75 % is used."
    return CostEstimate(round(base * TIER_FACTORS[tier], 9), tier=tier, note=note)


def list_price_per_image(info: ModelInfo, image_size: str | None) -> float:
    """The headline price of one output image (image tokens only), for estimates before a run."""
    if info.prices.flat_per_image is not None:
        return info.prices.flat_per_image
    tokens = info.image_tokens.get(image_size or info.default_size, 0)
    return round(tokens * info.prices.image_out_per_m / 1e6, 6)
