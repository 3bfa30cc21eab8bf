"""Who may call the gateway, and how much: gateway keys, requests per minute, daily budget.

Keys come from PLAYGROUND_GATEWAY_KEYS (config.py) and arrive as `Authorization: Bearer`; a
key is compared in constant time and only its name travels further (rows, logs, headers).
The limiter sits behind `Limiter`: in team mode, gateway/team_limits.py puts the team's shared
per-user budgets in front of `KeyLimits` without touching the routes. `KeyLimits` keeps its counts in memory: a restart
starts the day's spend at zero (said in README).
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from playground.config import GatewaySettings, Secret
from playground.gateway.errors import GatewayError


def authenticate(header: str | None, keys: Sequence[tuple[str, Secret]]) -> str:
    """The name of the key in `Authorization: Bearer <key>`; a 401 otherwise."""
    scheme, _, token = (header or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise GatewayError(401, "Missing gateway key: send Authorization: Bearer <key> (a key "
                                "from PLAYGROUND_GATEWAY_KEYS).", code="missing_api_key",
                           type_="invalid_request_error")
    found = None
    for name, key in keys:  # every key is compared, so timing says nothing about which matched
        if hmac.compare_digest(token.encode(), key.reveal().encode()):
            found = name
    if found is None:
        raise GatewayError(401, "Incorrect gateway key provided: it is not one of "
                                "PLAYGROUND_GATEWAY_KEYS.", code="invalid_api_key",
                           type_="invalid_request_error")
    return found


@dataclass(frozen=True)
class Admission:
    """A reservation made before the calls; settled with what they cost."""

    key: str
    calls: int
    reserved_usd: float
    user_email: str | None = None  # team mode: whose calls (gateway/team_limits.py)
    spend_ids: tuple[int, ...] = ()  # team mode: the reservations in the shared history


class Limiter(Protocol):
    def admit(self, key: str, calls: int, estimate_usd: float, *, platform: str = "",
              model: str = "") -> Admission: ...

    def settle(self, admission: Admission, cost_usd: float) -> None: ...


class KeyLimits:
    """Upstream calls per key per rolling minute, and estimated spend per key per UTC day."""

    def __init__(self, settings: GatewaySettings, clock: Callable[[], float] = time.time) -> None:
        self.rpm = settings.rpm
        self.budget = settings.daily_budget_usd
        self._clock = clock
        self._lock = threading.Lock()
        self._calls: dict[str, deque[float]] = defaultdict(deque)
        self._spent: dict[tuple[str, str], float] = defaultdict(float)

    def _now(self) -> float:
        return self._clock()

    def spent_today(self, key: str) -> float:
        return self._spent[(key, self._day(self._now()))]

    @staticmethod
    def _day(now: float) -> str:
        return datetime.fromtimestamp(now, UTC).date().isoformat()

    def admit(self, key: str, calls: int, estimate_usd: float, *, platform: str = "",
              model: str = "") -> Admission:
        now = self._now()
        with self._lock:
            window = self._calls[key]
            while window and window[0] <= now - 60:
                window.popleft()
            if self.rpm is not None and len(window) + calls > self.rpm:
                wait = 60 - (now - window[0]) if window else 60.0
                raise GatewayError(
                    429, f"Rate limit for gateway key {key!r}: {self.rpm} upstream calls per "
                         f"minute (PLAYGROUND_GATEWAY_RPM); {len(window)} in the last minute and "
                         f"this request needs {calls}. Retry in {wait:.1f} s.",
                    code="rate_limit_exceeded",
                    headers={"retry-after-ms": str(math.ceil(wait * 1000)),
                             "retry-after": str(math.ceil(wait))})
            day = (key, self._day(now))
            if self.budget is not None and self._spent[day] + estimate_usd > self.budget:
                midnight = datetime.fromtimestamp(now, UTC).replace(
                    hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
                raise GatewayError(
                    429, f"Daily budget for gateway key {key!r} reached: ${self._spent[day]:.4f} "
                         f"spent today (UTC) of ${self.budget:.2f} "
                         f"(PLAYGROUND_GATEWAY_DAILY_BUDGET_USD); this request is estimated at "
                         f"${estimate_usd:.4f}. It resets at {midnight:%Y-%m-%d %H:%M} UTC.",
                    code="budget_exceeded", type_="insufficient_quota", retry=False)
            window.extend([now] * calls)
            self._spent[day] += estimate_usd
        return Admission(key, calls, estimate_usd)

    def settle(self, admission: Admission, cost_usd: float) -> None:
        """Replace the reservation with the estimated cost of what came back."""
        with self._lock:
            day = (admission.key, self._day(self._now()))
            self._spent[day] = max(0.0, self._spent[day] - admission.reserved_usd + cost_usd)
