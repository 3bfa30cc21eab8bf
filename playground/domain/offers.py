"""The model list a user sees: the dated catalog merged with what each platform lists now.

A catalog model the platform does not list is "not listed" there (not sent by default); a model
the platform lists but the catalog does not know appears with generic options and a note. A
platform whose list was not fetched is "not checked", and the catalog's dated lifecycle is all
there is to go on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from playground.domain.catalog import MODELS, PLATFORMS, ModelInfo, today
from playground.domain.pricing import list_price_per_image

UNKNOWN_NOTE = "capabilities unknown to Banana Split: sent with generic options, nothing checked"


@dataclass(frozen=True)
class PlatformOffer:
    listed: str  # "listed" | "not listed" | "not checked"
    lifecycle: str  # the catalog's state that day, or "unknown" for a model it does not know
    dates: str = ""

    @property
    def is_offered(self) -> bool:
        """Sent by default: listed, or not checked and not gone according to the catalog."""
        if self.listed != "not checked":
            return self.listed == "listed"
        return self.lifecycle not in ("shut down", "not yet", "not offered")


@dataclass(frozen=True)
class MergedModel:
    id: str
    nickname: str
    known: bool
    offers: dict[str, PlatformOffer]
    status: str = "unknown"
    sizes: tuple[str, ...] = ()
    ratios: tuple[str, ...] = ()
    price_per_image: dict[str, float] = field(default_factory=dict)
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "nickname": self.nickname, "known": self.known, "status": self.status,
            "backends": {p: {"listed": o.listed, "lifecycle": o.lifecycle, "dates": o.dates,
                             "offered": o.is_offered} for p, o in self.offers.items()},
            "sizes": list(self.sizes), "ratios": list(self.ratios),
            "price_per_image_usd": self.price_per_image, "note": self.note,
        }


def _known(info: ModelInfo, listed: Mapping[str, frozenset[str] | None], day: str) -> MergedModel:
    offers: dict[str, PlatformOffer] = {}
    for p in PLATFORMS:
        ids = listed.get(p)
        where = "not checked" if ids is None else ("listed" if info.id in ids else "not listed")
        offers[p] = PlatformOffer(where, info.state_on(p, day), info.offer(p).describe())
    prices = {size: list_price_per_image(info, size) for size in info.sizes}
    return MergedModel(info.id, info.nickname, True, offers, info.status, info.sizes, info.ratios,
                       prices, info.lifecycle_note)


def merge_models(listed: Mapping[str, frozenset[str] | None], *,
                 day: str | None = None, include_retired: bool = False) -> list[MergedModel]:
    """Catalog models first (as the catalog orders them), then listed models it does not know.

    `listed` maps a platform to the ids its live list holds, or None when it was not fetched.
    """
    day = day or today()
    rows = [_known(m, listed, day) for m in MODELS.values()
            if m.family == "gemini" or include_retired]
    extra = sorted({i for ids in listed.values() if ids for i in ids} - set(MODELS))
    for model_id in extra:
        offers: dict[str, PlatformOffer] = {p: PlatformOffer("not checked" if listed.get(p) is None else
                                   ("listed" if model_id in (listed.get(p) or ()) else "not listed"),
                                   "unknown") for p in PLATFORMS}
        rows.append(MergedModel(model_id, "", False, offers, note=UNKNOWN_NOTE))
    return rows


def checked_lists(listed: Mapping[str, frozenset[str] | None]) -> dict[str, frozenset[str]]:
    """Only the platforms whose list was fetched: what check_request may trust."""
    return {p: ids for p, ids in listed.items() if ids is not None}
