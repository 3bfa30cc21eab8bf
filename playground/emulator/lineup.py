"""Which models each platform offers on a given day (docs/emulator.md "Models and lifecycle").

The catalog's dated availability decides: a model that is shut down (confirmed) or not yet
available on a platform that day is neither listed nor served there (Google's 404);
deprecated and restricted ones are listed and served. On top of the catalog:

* a few text models, listed and served text-only, because real model lists hold them and a
  client must not take every listed model for an image model;
* `extra_models`: ids the catalog does not know, listed and answered with a generic 1K image;
* `hidden_models`: catalog ids left out of a platform's list (still served), so a client's
  merge of list and catalog can be tested.

Entries of the two tuples are `"id"` (both platforms) or `"aistudio:id"` / `"vertex:id"`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

from playground.domain.catalog import (
    EXTREME_RATIOS,
    MODELS,
    STANDARD_RATIOS,
    ModelInfo,
    Prices,
)
from playground.domain.dimensions import SIZE_COLUMNS, table

PLATFORMS = ("aistudio", "vertex")
GONE = ("shut down", "not yet", "not offered")
_ALL_RATIOS = STANDARD_RATIOS + EXTREME_RATIOS
_NO_PRICES = Prices(0.0, 0.0, 0.0, source="emulator: not a catalog model")


def _generic(model_id: str, nickname: str, *, text_only: bool = False) -> ModelInfo:
    """A model outside the catalog: every ratio and size accepted, always a 1K image of the
    requested ratio (or text only)."""
    one_k = table(_ALL_RATIOS, ("1K",))
    return ModelInfo(
        id=model_id, nickname=nickname, family="gemini", status="ga",
        sizes=SIZE_COLUMNS, ratios=_ALL_RATIOS,
        dimensions={(r, s): one_k[(r, "1K")] for r in _ALL_RATIOS for s in SIZE_COLUMNS},
        image_tokens={} if text_only else dict.fromkeys(SIZE_COLUMNS, 1120),
        default_mime={"aistudio": "image/jpeg", "vertex": "image/png"}, prices=_NO_PRICES,
        latency_family="flash", vertex_locations=(), service_tiers=("standard", "flex", "priority"),
    )


#: Text models real lists carry (gemini-3-flash is named by a captured 429's quota).
TEXT_MODELS: dict[str, ModelInfo] = {
    info.id: info for info in (
        _generic("gemini-3-flash", "Gemini 3 Flash", text_only=True),
        _generic("gemini-2.5-flash", "Gemini 2.5 Flash", text_only=True),
    )
}


def is_text_model(info: ModelInfo) -> bool:
    return info.id in TEXT_MODELS


def parse_entries(entries: Any, name: str) -> tuple[str, ...]:
    """Validated `"id"` / `"platform:id"` entries; ValueError with a sentence otherwise."""
    if isinstance(entries, str) or not isinstance(entries, list | tuple):
        raise ValueError(f"{name} must be a list of model ids; got {entries!r}.")
    for entry in entries:
        if not isinstance(entry, str) or not entry.split(":")[-1]:
            raise ValueError(f"{name} entries must be model ids; got {entry!r}.")
        if ":" in entry and entry.split(":", 1)[0] not in PLATFORMS:
            raise ValueError(f"{name} entry {entry!r}: the prefix must be aistudio: or vertex:.")
    return tuple(entries)


def parse_day(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise ValueError(f"today must be an ISO date like 2026-12-01 or null; got {value!r}.") \
            from None


def _ids_for(entries: tuple[str, ...], platform: str) -> list[str]:
    out = []
    for entry in entries:
        where, _, model = entry.rpartition(":")
        if where in ("", platform):
            out.append(model)
    return out


@dataclass(frozen=True)
class Offer:
    """One model as a platform offers it on the day."""

    info: ModelInfo
    state: str  # "available" | "deprecated" | "restricted" (catalog) or "available"
    listed: bool


class Lineup:
    """The day and the extra/hidden ids; changeable at run time (control API), thread-safe."""

    def __init__(self, today: str | None, extra: tuple[str, ...], hidden: tuple[str, ...],
                 imagen: str) -> None:
        self._defaults = (today, extra, hidden)
        self.imagen = imagen
        self._lock = threading.Lock()
        self.today, self.extra, self.hidden = today, extra, hidden

    def reset(self) -> None:
        self.set(*self._defaults)

    def set(self, today: str | None, extra: tuple[str, ...], hidden: tuple[str, ...]) -> None:
        with self._lock:
            self.today, self.extra, self.hidden = today, extra, hidden

    def day(self) -> str:
        return self.today or date.today().isoformat()

    def snapshot(self) -> dict[str, Any]:
        return {"today": self.day(), "today_configured": self.today,
                "extra_models": list(self.extra), "hidden_models": list(self.hidden)}

    def offer(self, model_id: str, platform: str) -> Offer | None:
        """The model as offered there today, or None (Google answers 404)."""
        with self._lock:
            extra, hidden = _ids_for(self.extra, platform), _ids_for(self.hidden, platform)
        info = MODELS.get(model_id)
        if info is None:
            if model_id in TEXT_MODELS:
                return Offer(TEXT_MODELS[model_id], "available", model_id not in hidden)
            if model_id in extra:
                return Offer(_generic(model_id, model_id), "available", True)
            return None
        if info.family == "imagen":
            served = self.imagen == "serve" and platform in info.platforms
            return Offer(info, "available", model_id not in hidden) if served else None
        state = info.state_on(platform, self.day())
        if state in GONE:
            return None
        return Offer(info, state, model_id not in hidden)

    def listing(self, platform: str) -> list[Offer]:
        """Everything listed on the platform today, catalog order, then text and extra ids."""
        with self._lock:
            extra = _ids_for(self.extra, platform)
        ids = [*MODELS, *TEXT_MODELS, *(m for m in extra if m not in MODELS)]
        offers = [self.offer(model_id, platform) for model_id in dict.fromkeys(ids)]
        return [o for o in offers if o is not None and o.listed]

