"""Team mode as data: who may do what (docs/decisions.md, "Team mode").

`PLAYGROUND_AUTH` picks how people are identified: `none` (the single-user default: one person,
who may do everything), `proxy` (a trusted header set by IAP, oauth2-proxy or similar) or
`oidc` (Streamlit's st.login). `PLAYGROUND_USERS` names a TOML file whose `[users]` table maps an
email, or `"@domain"` for a whole domain, to a role; anyone signed in but not listed is refused.
Everything here is pure: config.py reads the environment and the file.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from playground.domain.errors import ConfigError

AuthMode = Literal["none", "proxy", "oidc"]
Role = Literal["operator", "member", "viewer"]
ROLES: tuple[Role, ...] = ("operator", "member", "viewer")
AUTH_MODES: tuple[AuthMode, ...] = ("none", "proxy", "oidc")
DEFAULT_AUTH_HEADER = "X-Goog-Authenticated-User-Email"
IAP_PREFIX = "accounts.google.com:"
IAP_JWT_HEADER = "X-Goog-IAP-JWT-Assertion"
IAP_CERTS_URL = "https://www.gstatic.com/iap/verify/public_key"  # {kid: PEM}, as Google's sample
MAX_EMAIL_CHARS = 254  # RFC 5321's path limit

#: What each role may do; every page and action asks `may(role, action)` on the server.
ACTIONS: dict[str, frozenset[Role]] = {
    "browse": frozenset(ROLES),  # History, Compare, Compression Lab
    "vote": frozenset(ROLES),  # blind reviews
    "generate": frozenset({"operator", "member"}),
    "benchmark": frozenset({"operator", "member"}),
    "review": frozenset({"operator", "member"}),  # review notes
    "delete": frozenset({"operator", "member"}),
    "usage": frozenset({"operator", "member"}),  # members see their own
    "usage_all": frozenset({"operator"}),
    "settings": frozenset({"operator"}),
    "audit": frozenset({"operator"}),
}


def may(role: Role | None, action: str) -> bool:
    return role is not None and role in ACTIONS[action]


@dataclass(frozen=True)
class Budgets:
    """Spend caps in USD per UTC day and requests per minute; None: no cap."""

    user_daily_usd: float | None = None
    team_daily_usd: float | None = None
    user_per_minute: int | None = None

    @property
    def is_capped(self) -> bool:
        return any(v is not None for v in (self.user_daily_usd, self.team_daily_usd,
                                            self.user_per_minute))


@dataclass(frozen=True)
class TeamSettings:
    auth: AuthMode = "none"
    auth_header: str = DEFAULT_AUTH_HEADER
    iap_audience: str | None = None
    iap_certs_url: str = IAP_CERTS_URL
    users_file: str | None = None
    #: email or "@domain" (lower case) → role
    users: Mapping[str, Role] = field(default_factory=dict)
    budgets: Budgets = field(default_factory=Budgets)
    #: PLAYGROUND_DATABASE_URL, postgresql://… for a shared history; None: the SQLite file
    database_url: str | None = None

    def secrets(self) -> list[str]:
        """The database password, for redaction."""
        password = urlsplit(self.database_url).password if self.database_url else None
        return [password] if password else []

    @property
    def is_team(self) -> bool:
        return self.auth != "none"

    def role_of(self, email: str) -> Role | None:
        """The role of a signed-in email: its own entry, else its domain's; None: refused."""
        email = email.strip().lower()
        if not email or "@" not in email:
            return None
        if email in self.users:
            return self.users[email]
        return self.users.get("@" + email.rsplit("@", 1)[1])


def email_from_header(value: str | None) -> str | None:
    """The email a proxy header names (IAP's `accounts.google.com:` prefix removed); None when
    the header is missing or is not one plausible email."""
    if value is None:
        return None
    text = value.strip()
    if text.startswith(IAP_PREFIX):
        text = text[len(IAP_PREFIX):]
    local, at, domain = text.partition("@")
    if (not at or not local or "." not in domain or len(text) > MAX_EMAIL_CHARS
            or any(c.isspace() or c in ",;<>\"'" or ord(c) < 32 for c in text)):
        return None
    return text.lower()


def parse_users(text: str, path: str) -> dict[str, Role]:
    """The `[users]` table of a PLAYGROUND_USERS file; ConfigError saying what to fix."""
    hint = ('Write e.g.\n[users]\n"ana@example.com" = "operator"\n"@example.com" = "member"')
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"PLAYGROUND_USERS file {path} is not valid TOML ({exc}).",
                          hint=hint) from None
    table = data.get("users")
    if not isinstance(table, dict) or not table:
        raise ConfigError(f"PLAYGROUND_USERS file {path} has no [users] table.", hint=hint)
    users: dict[str, Role] = {}
    for who, role in table.items():
        key = str(who).strip().lower()
        if role not in ROLES:
            raise ConfigError(f"PLAYGROUND_USERS file {path}: {who!r} has role {role!r}; a role "
                              f"is one of {', '.join(ROLES)}.", hint=hint)
        if not (key.startswith("@") and "." in key) and email_from_header(key) is None:
            raise ConfigError(f"PLAYGROUND_USERS file {path}: {who!r} is neither an email nor "
                              "an \"@domain\".", hint=hint)
        users[key] = role
    return users


def parse_budget(name: str, value: str | None, *, whole: bool = False) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0 or (whole and not number.is_integer()):
        kind = "a whole number ≥ 0" if whole else "a number of US dollars ≥ 0"
        raise ConfigError(f"{name}={value!r} is not {kind}.",
                          hint=f"Set {name} to e.g. {'30' if whole else '5.00'}, or unset it "
                               "for no cap.")
    return number


def check_auth_mode(value: str | None) -> AuthMode:
    mode = (value or "none").strip().lower()
    if mode not in AUTH_MODES:
        raise ConfigError(f"PLAYGROUND_AUTH={value!r} is not one of {', '.join(AUTH_MODES)}.",
                          hint="Set PLAYGROUND_AUTH to proxy (behind IAP or oauth2-proxy), oidc "
                               "(st.login) or none (one person, on this machine).")
    return mode


def load_team(get: Callable[[str], str | None]) -> TeamSettings:
    """PLAYGROUND_AUTH, its header, IAP audience, the users file and the budgets, from
    `get(name)` (config.py: the environment, then secrets)."""
    auth = check_auth_mode(get("PLAYGROUND_AUTH"))
    users_file = get("PLAYGROUND_USERS")
    users = {}
    if users_file:
        try:
            users = parse_users(Path(users_file).expanduser().read_text("utf-8"), users_file)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"PLAYGROUND_USERS file {users_file} cannot be read ({exc}).",
                              hint="Point PLAYGROUND_USERS at a TOML file with a [users] "
                                   "table.") from None
    elif auth != "none":
        raise ConfigError(f"PLAYGROUND_AUTH={auth} needs PLAYGROUND_USERS: who may sign in, "
                          "with which role.", hint='Point PLAYGROUND_USERS at a TOML file: '
                          '[users] "ana@example.com" = "operator", "@example.com" = "member".')
    rpm = parse_budget("PLAYGROUND_BUDGET_USER_PER_MINUTE", get("PLAYGROUND_BUDGET_USER_PER_MINUTE"),
                       whole=True)
    return TeamSettings(
        auth=auth, auth_header=get("PLAYGROUND_AUTH_HEADER") or DEFAULT_AUTH_HEADER,
        iap_audience=get("PLAYGROUND_IAP_AUDIENCE"),
        iap_certs_url=get("PLAYGROUND_IAP_CERTS_URL") or IAP_CERTS_URL,
        users_file=users_file, users=users, database_url=get("PLAYGROUND_DATABASE_URL"),
        budgets=Budgets(
            user_daily_usd=parse_budget("PLAYGROUND_BUDGET_USER_DAILY_USD",
                                        get("PLAYGROUND_BUDGET_USER_DAILY_USD")),
            team_daily_usd=parse_budget("PLAYGROUND_BUDGET_TEAM_DAILY_USD",
                                        get("PLAYGROUND_BUDGET_TEAM_DAILY_USD")),
            user_per_minute=int(rpm) if rpm is not None else None))
