"""Rows for the Settings page: credential sources and masked tails, never secret values."""

from __future__ import annotations

from playground.app.runtime import Runtime

PROFILES = {
    "instant": "no delay (tests, quick demos)",
    "measured": "public p50/p95 per platform and model",
    "article": "the article's claims (AI Studio 2–4 s at 1K; Vertex 5–10 s, 3–8% timeouts)",
}


def profile_choices() -> dict[str, str]:
    return dict(PROFILES)


def credential_rows(runtime: Runtime, platform: str) -> list[tuple[str, str]]:
    s = runtime.settings
    demo = platform in runtime.demo_platforms
    if platform == "aistudio":
        a = s.aistudio
        key = a.api_key.masked if a.api_key else "not set"
        return [("Credential source", a.key_source or "none"), ("API key", f"`{key}`"),
                ("Endpoint", f"`{runtime.platforms[platform].endpoint}`"),
                ("Mode", "demo (emulator)" if demo else "real")]
    v = s.vertex
    if v.is_express:
        source = f"express-mode API key ({v.express_key_source}), `{v.express_api_key.masked}`"  # type: ignore[union-attr]
    else:
        source = v.credentials_source or ("ADC (metadata server)" if v.use_metadata_server else "none")
    return [("Credential source", source), ("Project", f"`{v.project or 'not set'}`"),
            ("Location", f"`{v.location}`"), ("Endpoint", f"`{runtime.platforms[platform].endpoint}`"),
            ("Mode", "demo (emulator)" if demo else "real")]


def model_rows(runtime: Runtime) -> list[dict[str, str]]:
    """The merged model list as table rows: what each platform offers now, and the catalog's
    dated lifecycle beside it."""
    from playground.domain.labels import platform_label
    from playground.domain.offers import merge_models

    lists = runtime.model_lists()
    listed = {p: (m.ids if m.checked else None) for p, m in lists.items()}
    rows = []
    for r in merge_models(listed):
        row = {"model": r.id, "nickname": r.nickname or "—"}
        for p, o in r.offers.items():
            row[platform_label(p)] = f"{o.listed} · {o.lifecycle}"
        row["sizes"] = ", ".join(r.sizes) or "?"
        rows.append(row)
    return rows


def list_status(runtime: Runtime) -> list[str]:
    import time

    from playground.domain.labels import platform_label

    out = []
    for p, m in runtime.model_lists().items():
        when = time.strftime("%H:%M:%S", time.localtime(m.fetched_at))
        out.append(f"{platform_label(p)}: {len(m.ids)} models listed (fetched {when})"
                   if m.checked else f"{platform_label(p)}: not checked — {m.error}")
    return out
