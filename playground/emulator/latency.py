"""When the headers go out and how long the body takes (docs/wire-notes.md "Latency").

An explicit delay (`POST /_emulator/latency`) is exact and wins over the profile. Profiles:

* instant  — no delay.
* measured — lumenfall.ai p50/p95 per platform and model (midpoint of each published range),
  time to headers drawn from a lognormal through p50 and p95; 2.5 Flash has no Vertex numbers,
  so Vertex reuses AI Studio's.
* article  — the article's claims, uniform in range: AI Studio 1K 2–4 s, 4K 8–15 s; Vertex 1K
  5–10 s, 4K 20–40 s; 2K halfway; 512 at three quarters of 1K. Vertex times out (504) with
  probability `article_vertex_timeout_rate`.

Profile delays are multiplied by `time_scale`; the body takes bytes / `bandwidth_bytes_per_s`.
Non-generation replies (auth errors, countTokens, GET) get a short fixed delay in the profiles.
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass

from playground.domain.catalog import MODELS
from playground.emulator.config import LATENCY_PROFILES, EmulatorConfig
from playground.emulator.routing import ApiTarget

_Z95 = 1.6448536269514722
_QUICK_S = 0.15  # auth errors, countTokens, GET in the profiles

#: (platform, model family) → (p50 s, p95 s): midpoints of the docs/wire-notes.md "Latency" ranges.
MEASURED: dict[tuple[str, str], tuple[float, float]] = {
    ("aistudio", "flash25"): ((7.9 + 8.8) / 2, (10.9 + 14.1) / 2),
    ("vertex", "flash25"): ((7.9 + 8.8) / 2, (10.9 + 14.1) / 2),  # no Vertex data: AI Studio's
    ("aistudio", "lite"): (5.5, 6.9),
    ("vertex", "lite"): (8.1, 9.7),
    ("aistudio", "flash"): ((13.3 + 25.8) / 2, (24.7 + 42.6) / 2),
    ("vertex", "flash"): ((29.9 + 45.1) / 2, (59.4 + 105.3) / 2),
    ("aistudio", "pro"): ((19.6 + 21.9) / 2, (33.0 + 35.6) / 2),
    ("vertex", "pro"): ((26.0 + 40.7) / 2, (69.5 + 102.9) / 2),
}
#: platform → {size: (low s, high s)} for the article profile.
ARTICLE: dict[str, dict[str, tuple[float, float]]] = {
    "aistudio": {"1K": (2.0, 4.0), "4K": (8.0, 15.0)},
    "vertex": {"1K": (5.0, 10.0), "4K": (20.0, 40.0)},
}
for _ranges in ARTICLE.values():
    (_lo1, _hi1), (_lo4, _hi4) = _ranges["1K"], _ranges["4K"]
    _ranges["2K"] = ((_lo1 + _lo4) / 2, (_hi1 + _hi4) / 2)
    _ranges["512"] = (_lo1 * 0.75, _hi1 * 0.75)


#: Models without a measured row (Imagen when served, ids the catalog does not know) use this.
FALLBACK_FAMILY = "flash25"


def model_family(model_id: str) -> str:
    """The catalog's `latency_family` of the model; a measured row exists for each family."""
    info = MODELS.get(model_id)
    family = info.latency_family if info is not None else ""
    return family if ("aistudio", family) in MEASURED else FALLBACK_FAMILY


@dataclass(frozen=True)
class Timing:
    ttfb_s: float
    body_s: float


class LatencyModel:
    """Profile state, explicit overrides and the seeded RNG. Thread-safe."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.profile = config.latency_profile
        self._explicit: dict[str, tuple[float, float]] = {}
        self._rng = random.Random(config.seed)
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self.profile = self.config.latency_profile
            self._explicit.clear()
            self._rng.seed(self.config.seed)

    def set_profile(self, name: str) -> None:
        if name not in LATENCY_PROFILES:
            raise ValueError(f"Unknown latency profile {name!r}. Known: {', '.join(LATENCY_PROFILES)}.")
        with self._lock:
            self.profile = name

    def set_explicit(self, ttfb_s: float, body_s: float, platform: str = "*") -> None:
        if ttfb_s < 0 or body_s < 0 or not math.isfinite(ttfb_s + body_s):
            raise ValueError("ttfb_s and body_s must be finite and ≥ 0.")
        if platform not in ("aistudio", "vertex", "*"):
            raise ValueError(f"platform must be aistudio, vertex or *; got {platform!r}.")
        with self._lock:
            if platform == "*":
                self._explicit.clear()
            self._explicit[platform] = (float(ttfb_s), float(body_s))

    def clear_explicit(self) -> None:
        with self._lock:
            self._explicit.clear()

    def explicit(self) -> dict[str, dict[str, float]]:
        with self._lock:
            return {p: {"ttfb_s": t, "body_s": b} for p, (t, b) in self._explicit.items()}

    def times_out(self, target: ApiTarget) -> bool:
        """The article profile's Vertex timeouts (3–8 % in the article; 5.5 % by default)."""
        if self.profile != "article" or target.platform != "vertex" or not target.is_generation:
            return False
        with self._lock:
            return self._rng.random() < self.config.article_vertex_timeout_rate

    def timing(self, target: ApiTarget, image_size: str | None, body_bytes: int, *,
               generated: bool) -> Timing:
        """Delays for one reply; `generated` is False for errors raised before generation."""
        with self._lock:
            explicit = self._explicit.get(target.platform) or self._explicit.get("*")
            if explicit is not None:
                return Timing(*explicit)
            profile = self.profile
            ttfb = 0.0
            if profile != "instant":
                ttfb = self._sample(profile, target, image_size) if generated else _QUICK_S
        if profile == "instant":
            return Timing(0.0, 0.0)
        scale = self.config.time_scale
        return Timing(ttfb * scale, body_bytes / self.config.bandwidth_bytes_per_s * scale)

    def _sample(self, profile: str, target: ApiTarget, image_size: str | None) -> float:
        if profile == "measured":
            p50, p95 = MEASURED[(target.platform, model_family(target.model))]
            sigma = math.log(p95 / p50) / _Z95
            return self._rng.lognormvariate(math.log(p50), sigma)
        low, high = ARTICLE[target.platform].get(image_size or "1K", ARTICLE[target.platform]["1K"])
        return self._rng.uniform(low, high)
