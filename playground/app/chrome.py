"""What every page shares: the demo-mode banner and the error boundary at the page edge."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from playground.app.identity import User
from playground.app.runtime import Runtime
from playground.app.text import plain
from playground.domain.errors import PlaygroundError, describe
from playground.domain.labels import platform_label
from playground.domain.redaction import redact_text

log = logging.getLogger("banana_split")

CONNECT_HELP = (
    "To connect real accounts, set `GOOGLE_API_KEY` for AI Studio, and "
    "`GOOGLE_APPLICATION_CREDENTIALS` + `GOOGLE_CLOUD_PROJECT` (or `gcloud auth "
    "application-default login`, or `PLAYGROUND_VERTEX_API_KEY`) for Vertex AI, then restart. "
    "See **Settings**."
)


#: Placeholders must not look like typed text: lighter and italic (Streamlit's own grey is close
#: to its text colour in the light theme).
PAGE_CSS = ("<style>textarea::placeholder,input::placeholder{color:#9aa0a6!important;"
            "opacity:1!important;font-style:italic}</style>")


def page_style() -> None:
    st.html(PAGE_CSS)


def signed_in_as(user: User) -> None:
    """Team mode: who this session is, in the sidebar (text, never markup)."""
    if user.mode == "none":
        return
    st.sidebar.text(f"Signed in as {user.email} · {user.role}")  # text: never Markdown
    if user.mode == "oidc":
        st.sidebar.button("Sign out", key="sign-out", on_click=st.logout)


def demo_banner(runtime: Runtime, *, blind: bool = False) -> None:
    """`blind`: the Review page, where no platform may be named (docs/decisions.md "Blind
    review"), says only that the images are emulated."""
    if runtime.config_error and not blind:
        st.error(f"Configuration problem: {plain(runtime.config_error)}", icon=":material/settings:")
    if not runtime.is_demo:
        return
    if blind:
        st.warning("**Demo mode** — images come from Banana Split's built-in emulator, not "
                   "Google.", icon=":material/science:")
        return
    demo = [p for p in ("aistudio", "vertex") if p in runtime.demo_platforms]
    profile = runtime.demo_profile or "instant"
    if len(demo) == 2:
        who = "AI Studio and Vertex AI are answered"
        real = ""
    else:
        other = "vertex" if demo == ["aistudio"] else "aistudio"
        who = f"{platform_label(demo[0])} is answered"
        real = f" {platform_label(other)} is real and uses your credentials."
    st.warning(
        f"**Demo mode** — {who} by Banana Split's built-in emulator (latency profile: "
        f"`{profile}`); its figures are emulated and nothing leaves this machine.{real} "
        f"{CONNECT_HELP}",
        icon=":material/science:",
    )


@contextmanager
def error_boundary(runtime: Runtime | None = None) -> Iterator[None]:
    """Show what went wrong and what to do — never a traceback."""
    try:
        yield
    except PlaygroundError as exc:
        text, hint = describe(exc)
        st.error(f"**{plain(text)}**" + (f"\n\n{hint}" if hint else ""), icon=":material/error:")
    except Exception as exc:
        secrets = runtime.settings.secrets() if runtime else []
        log.exception("page error: %s", redact_text(str(exc), secrets))
        st.error(f"Something went wrong: {plain(redact_text(str(exc), secrets)[:300])}. The details are "
                 "in the server log; your history is safe. Reload the page to continue.", icon=":material/error:")
