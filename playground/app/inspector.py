"""The request inspector and the "send raw" tool."""

from __future__ import annotations

import json

import streamlit as st

from playground.app.controls import FormState
from playground.app.runtime import Runtime
from playground.clients.http import RetryPolicy
from playground.clients.snippets import curl_command, genai_python, pretty, request_diff
from playground.clients.wire import generate_body
from playground.domain.labels import platform_label
from playground.domain.types import GenerationResult, ImageRequest
from playground.generation.run import RunOptions, generate


def auth_kind(runtime: Runtime, platform: str) -> str:
    if platform == "aistudio":
        return "aistudio"
    return "vertex-express" if runtime.settings.vertex.is_express else "vertex"


def request_inspector(runtime: Runtime, results: list[GenerationResult]) -> None:
    sent = [r for r in results if r.request_json is not None]
    if not sent:
        return
    with st.expander("Request inspector: the exact JSON sent (secrets redacted)"):
        labels = [platform_label(r.backend) for r in sent]
        extra = ["Diff"] if len(sent) == 2 else []
        tabs = st.tabs([*labels, *extra, "curl", "google-genai (Python)"])
        for tab, r in zip(tabs, sent, strict=False):
            with tab:
                st.caption(f"POST {r.request_url}")
                st.code(pretty(r.request_json), language="json")
        if extra:
            with tabs[len(sent)]:
                st.code(request_diff(sent[0].request_json, sent[1].request_json), language="diff")
        with tabs[-2]:
            for r in sent:
                st.caption(platform_label(r.backend))
                st.code(curl_command(auth_kind(runtime, r.backend), r.request_url or "",
                                     r.request_json), language="bash")
        with tabs[-1]:
            v = runtime.settings.vertex
            for r in sent:
                st.caption(platform_label(r.backend))
                base = None
                if r.backend in runtime.demo_platforms:  # the emulator, not Google's host
                    base = runtime.platforms[r.backend].base_url
                st.code(genai_python(auth_kind(runtime, r.backend), r.request, project=v.project,
                                     location=v.location, base_url=base), language="python")


def role_less_body(req: ImageRequest) -> str:
    """The Vertex body with `role` removed: what many clients send, and Vertex rejects."""
    body = generate_body(req, vertex=True)
    for content in body["contents"]:
        content.pop("role", None)
    return pretty(body)


def raw_body_editor(req: ImageRequest) -> tuple[str, dict | None, str | None]:
    """(platform, parsed body or None, parse error) from the raw-send editor."""
    platform = st.radio("Send to", ["vertex", "aistudio"], format_func=platform_label,
                        horizontal=True, key="raw_platform")
    default = role_less_body(req)
    untouched = st.session_state.get("raw_body") in (None, st.session_state.get("raw_body_auto"))
    if untouched or st.button("Reset to the role-less Vertex body", key="raw_reset"):
        st.session_state["raw_body"] = default  # follows the form until the user edits it
    st.session_state["raw_body_auto"] = default
    text = st.text_area("Body (sent exactly as written)", key="raw_body", height=220)
    try:
        body = json.loads(text)
    except ValueError as exc:
        return platform, None, f"The body is not valid JSON: {exc}"
    if not isinstance(body, dict):
        return platform, None, "The body must be a JSON object."
    return platform, body, None


def body_prompt(body: dict, fallback: str) -> str:
    """The text the raw body really sends (its first user text part), for the history row."""
    for content in body.get("contents") or []:
        for part in (content.get("parts") or []) if isinstance(content, dict) else []:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                return str(part["text"])
    return fallback


def send_raw(runtime: Runtime, form: FormState, platform: str, body: dict,
             request: ImageRequest | None = None) -> dict[str, int]:
    """Send the body as written; the row records the prompt the body holds, not the form's.
    The labels of `request`'s images in the body are sent as their bytes."""
    base = request or form.request
    request = base.with_(prompt=body_prompt(body, base.prompt))
    options = RunOptions(policy=RetryPolicy.from_settings(runtime.settings, 0),
                         timeout_s=form.timeout_s, raw_body=body)
    result = generate(request, runtime.platforms[platform], client=runtime.client,
                      options=options)
    return {platform: runtime.store.save(result)}
