"""Who is using the app: the one seam every page, action and record asks (docs/decisions.md,
"Team mode").

`current_user()` is the signed-in person with their email and role, or, in the single-user
default (PLAYGROUND_AUTH=none), the one local user, who may do everything. `proxy` reads the
header a trusted proxy set on the session's first request (st.context.headers; IAP's
`accounts.google.com:` prefix removed) and, when PLAYGROUND_IAP_AUDIENCE is set, accepts it
only with IAP's signed JWT naming the same email. `oidc` is Streamlit's st.login (st.user).
Anyone signed in but not in PLAYGROUND_USERS is refused. `current_reviewer()` is the name
review notes and blind-review votes carry: the signed-in email in team mode, else the name
typed in Settings or on the Review page (docs/decisions.md "Blind review").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from playground.app.text import plain
from playground.config import Settings
from playground.domain.team import (
    IAP_JWT_HEADER,
    AuthMode,
    Role,
    TeamSettings,
    email_from_header,
    may,
)

REVIEWER_KEY = "reviewer"
_CACHE_KEY = "_banana_identity"
_SIGNED_IN_KEY = "_banana_signed_in_logged"


@dataclass(frozen=True)
class User:
    email: str  # "" for the single local user
    role: Role | None  # None: signed in but not on the team's list
    mode: AuthMode = "none"
    problem: str = ""  # why nobody is signed in

    @property
    def is_signed_in(self) -> bool:
        return self.mode == "none" or bool(self.email)

    @property
    def label(self) -> str:
        """The name shown and recorded: the email, or "" for the local user."""
        return self.email

    def may(self, action: str) -> bool:
        return may(self.role, action)


LOCAL_USER = User("", "operator", "none")


def _settings() -> Settings:
    from playground.app.runtime import get_runtime

    return get_runtime().settings


def current_user(settings: Settings | None = None) -> User:
    """The person this browser session belongs to (cached for the session: its headers and
    its login cookie do not change while it lives)."""
    team = (settings or _settings()).team
    if not team.is_team:
        return LOCAL_USER
    if team.auth == "oidc":
        return _oidc_user(team)  # st.user changes on login/logout: never cached
    raw = st.context.headers.get(team.auth_header)
    jwt = st.context.headers.get(IAP_JWT_HEADER) if team.iap_audience else None
    cached = st.session_state.get(_CACHE_KEY)
    if isinstance(cached, tuple) and cached[0] == (raw, jwt):
        return cached[1]
    user = _proxy_user(team, raw, jwt)
    st.session_state[_CACHE_KEY] = ((raw, jwt), user)
    return user


def _proxy_user(team: TeamSettings, raw: str | None, jwt: str | None) -> User:
    email = email_from_header(raw)
    if email is None:
        why = (f"the request carries no {team.auth_header} header" if raw is None
               else f"the {team.auth_header} header does not hold one email")
        return User("", None, "proxy", why)
    if team.iap_audience:
        from playground.clients.iap import IapError, verify_iap_jwt

        try:
            signed = verify_iap_jwt(jwt, team.iap_audience, team.iap_certs_url)
        except IapError as exc:
            return User("", None, "proxy", str(exc))
        if signed != email:
            return User("", None, "proxy", "the signed IAP assertion names someone else")
    return User(email, team.role_of(email), "proxy")


def _oidc_user(team: TeamSettings) -> User:
    try:
        logged_in = bool(st.user.is_logged_in)
    except Exception:  # noqa: BLE001 - no [auth] section in secrets.toml: nobody can sign in
        return User("", None, "oidc", "sign-in is not configured ([auth] in secrets.toml)")
    if not logged_in:
        return User("", None, "oidc", "you have not signed in yet")
    email = email_from_header(str(st.user.get("email") or ""))
    if email is None or st.user.get("email_verified") is False:
        return User("", None, "oidc", "your sign-in gave no verified email")
    return User(email, team.role_of(email), "oidc")


def sign_in_gate(settings: Settings) -> User:
    """The signed-in, listed user; otherwise the "not signed in" (or "not on the list") page,
    and nothing else of the app runs for this request."""
    user = current_user(settings)
    if user.mode == "none":
        return user
    if not user.is_signed_in:
        _only_page(lambda: _not_signed_in(user))
    if user.role is None:
        _audit_once(settings, user, "denied", "signed in but not on the team's list")
        _only_page(lambda: _not_listed(user))
    _audit_once(settings, user, "sign-in", f"role {user.role}")
    return user


def _only_page(render: Callable[[], None]) -> None:
    """Show `render` as the app's one page, with no menu (before st.navigation runs, Streamlit
    would list the pages/ folder), and stop."""
    st.navigation([st.Page(render, title="Sign in", url_path="sign-in")], position="hidden").run()
    st.stop()


def _not_listed(user: User) -> None:
    st.title("Not on this team's list")
    st.error("This Banana Split only lets in the people its operator listed, and you are not "
             "one of them.", icon=":material/block:")
    st.text(f"Signed in as {user.email}")  # text, never Markdown
    st.caption("Ask the operator to add you (PLAYGROUND_USERS) with a role: operator, member "
               "or viewer.")
    if user.mode == "oidc":
        st.button("Sign out", on_click=st.logout)


def _not_signed_in(user: User) -> None:
    st.title("Not signed in")
    st.info("This Banana Split is shared by a team: sign in to see it.", icon=":material/lock:")
    if user.mode == "oidc":
        st.button("Sign in", type="primary", key="sign-in", on_click=st.login)
    else:
        st.caption(f"Open it through your organisation's sign-in (the proxy in front of it); "
                   f"{plain(user.problem)}.")


def _audit_once(settings: Settings, user: User, action: str, detail: str) -> None:
    """Record a session's sign-in (or denial) once, not on every rerun."""
    logged = st.session_state.setdefault(_SIGNED_IN_KEY, set())
    if (user.email, action, detail) in logged:
        return
    logged.add((user.email, action, detail))
    from playground.app.runtime import get_runtime
    from playground.history.team import record_audit

    record_audit(get_runtime().store, user.email, action, detail)


def require(action: str) -> User:
    """The current user, if their role may do `action`; otherwise a refusal (audited) and
    nothing more of this page runs. Every page calls it first, every guarded action too."""
    user = current_user()
    if user.mode != "none" and not user.is_signed_in:
        _not_signed_in(user)
        st.stop()
    if not user.may(action):
        _audit_once(_settings(), user, "denied", action)
        st.error(f"Your role ({user.role or 'none'}) may not {action.replace('_', ' ')} here.",
                 icon=":material/block:")
        st.caption("Ask an operator of this Banana Split for another role.")
        st.stop()
    return user


def audit(action: str, detail: str = "", *, once: bool = True) -> None:
    """Team mode: one line of the audit log for this user (once per session by default)."""
    settings = _settings()
    if not settings.team.is_team:
        return
    user = current_user(settings)
    if once:
        _audit_once(settings, user, action, detail)
        return
    from playground.app.runtime import get_runtime
    from playground.history.team import record_audit

    record_audit(get_runtime().store, user.email, action, detail)


def current_reviewer() -> str:
    """The current reviewer's name, trimmed; "" when none is set. In team mode the signed-in
    email of a role that may vote (a stranger has none)."""
    settings = _settings()
    if settings.team.is_team:
        user = current_user(settings)
        return user.email if user.may("vote") else ""
    return str(st.session_state.get(REVIEWER_KEY) or "").strip()
