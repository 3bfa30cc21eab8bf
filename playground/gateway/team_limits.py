"""The gateway's limits in team mode: a gateway key's name is a team member's email, and its
calls spend that member's and the team's budgets in the shared history, as the app's do.

A key named `ana@example.com` (PLAYGROUND_GATEWAY_KEYS="ana@example.com:KEY") acts as Ana:
her role comes from PLAYGROUND_USERS (viewers and unlisted names are refused with a 403), every
call is reserved with history/team.py's `reserve` before it is sent (her daily budget, the
team's, and her per-minute cap: exact across replicas and shared with her app sessions), its
rows are hers, and refusals go to the audit log. The key's own in-memory limits
(PLAYGROUND_GATEWAY_RPM, PLAYGROUND_GATEWAY_DAILY_BUDGET_USD) still apply on top, per key.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from playground.config import Settings
from playground.domain.errors import BudgetError, MinuteCapError
from playground.domain.team import TeamSettings, may
from playground.gateway.errors import GatewayError
from playground.gateway.limits import Admission, KeyLimits, Limiter
from playground.history.store import HistoryStore
from playground.history.team import Charge, record_audit, release, reserve, settle

MINUTE_S = 60


class TeamLimits:
    def __init__(self, team: TeamSettings, store: HistoryStore, keys: KeyLimits, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.team = team
        self.store = store
        self.keys = keys
        self._clock = clock

    def member(self, key: str) -> str:
        """The email a key's name stands for, if that person may generate; a 403 otherwise
        (audited)."""
        email = key.strip().lower()
        role = self.team.role_of(email)
        if role is None:
            self._refuse(email or key, "denied", "gateway: not on the team's list")
            raise GatewayError(
                403, f"Gateway key {key!r} is not a member of this team: in team mode a key's "
                     "name is the email of someone listed in PLAYGROUND_USERS.",
                code="not_a_team_member")
        if not may(role, "generate"):
            self._refuse(email, "denied", f"gateway: role {role} may not generate")
            raise GatewayError(
                403, f"Gateway key {key!r} belongs to a {role}: viewers browse and vote but do "
                     "not generate. Ask an operator for the member role in PLAYGROUND_USERS.",
                code="role_not_permitted")
        return email

    def admit(self, key: str, calls: int, estimate_usd: float, *, platform: str = "",
              model: str = "") -> Admission:
        email = self.member(key)
        each = estimate_usd / max(1, calls)
        charges = [Charge(email, platform, model, each) for _ in range(calls)]
        try:
            ids = reserve(self.store, charges, self.team.budgets, now=self._clock())
        except MinuteCapError as exc:
            self._refuse(email, "budget refused", f"gateway: {exc}")
            raise GatewayError(429, f"{exc} {exc.hint}".strip(), code="rate_limit_exceeded",
                               headers={"retry-after-ms": str(MINUTE_S * 1000),
                                        "retry-after": str(MINUTE_S)}) from None
        except BudgetError as exc:
            self._refuse(email, "budget refused", f"gateway: {exc}")
            raise GatewayError(429, f"{exc} {exc.hint}".strip(), code="budget_exceeded",
                               type_="insufficient_quota", retry=False) from None
        try:
            self.keys.admit(key, calls, estimate_usd)
        except GatewayError:
            release(self.store, ids)  # never sent
            raise
        return Admission(key, calls, estimate_usd, user_email=email, spend_ids=tuple(ids))

    def settle(self, admission: Admission, cost_usd: float) -> None:
        """What the calls cost, spread evenly over their reservations."""
        self.keys.settle(admission, cost_usd)
        each = cost_usd / max(1, len(admission.spend_ids))
        for spend_id in admission.spend_ids:
            settle(self.store, spend_id, generation_id=None, cost_usd=each)

    def _refuse(self, email: str, action: str, detail: str) -> None:
        record_audit(self.store, email, action, detail)


def limiter_for(settings: Settings, store: HistoryStore) -> Limiter:
    """Team mode's shared limits when PLAYGROUND_AUTH is on; per-key limits in memory else."""
    keys = KeyLimits(settings.gateway)
    return TeamLimits(settings.team, store, keys) if settings.team.is_team else keys
