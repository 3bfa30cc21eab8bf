"""The Generate form: widgets bound to the URL, offering only what the chosen model supports."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from playground.app.text import plain
from playground.app.urlstate import check_param
from playground.domain import catalog
from playground.domain.imaging import format_name
from playground.domain.options import Listed, RequestCheck, check_request
from playground.domain.types import ImageRequest

BACKEND_OPTIONS = {"AI Studio": ["aistudio"], "Vertex AI": ["vertex"], "Both": ["aistudio", "vertex"]}
DEFAULT_MIME = "model default"
AUTO_RATIO = "auto"
AUTO_LABEL = "auto (input's shape)"


@dataclass(frozen=True)
class FormState:
    check: RequestCheck  # the form's request, checked once for the chosen platforms
    platforms: list[str]
    timeout_s: float
    retries: int

    @property
    def request(self) -> ImageRequest:
        return self.check.request

    @property
    def problems(self) -> list[str]:
        """Inline messages shown before any request is sent."""
        return self.check.problems


def _keep_valid(key: str, options: list[str], default: str) -> None:
    """Changing the model must not leave an unsupported ratio or size selected."""
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default


def model_label(model_id: str) -> str:
    info = catalog.MODELS.get(model_id)
    if info is None:
        return f"{model_id} (unknown to Banana Split)"
    return {"ga": model_id, "preview": f"{model_id} (preview)",
            "retired": f"{model_id} (retired)"}[info.status]


def model_ids(listed: Listed | None) -> list[str]:
    """The catalog's models, then any a live list offers that the catalog does not know."""
    extra = sorted({i for ids in (listed or {}).values() for i in ids} - set(catalog.MODELS))
    return [*catalog.MODELS, *extra]


def generation_form(*, default_retries: int, default_timeout_s: float,
                    listed: Listed | None = None) -> FormState:
    st.text_area("Prompt", key="prompt", height=100, bind="query-params",
                 placeholder="e.g. A photorealistic red fox in fresh snow at dawn")
    left, right = st.columns(2)
    with left:
        backend = st.segmented_control("Backend", list(BACKEND_OPTIONS), default="Both",
                                       key="backend", required=True, bind="query-params")
        ids = model_ids(listed)
        check_param("backend", list(BACKEND_OPTIONS))
        check_param("model", [model_label(i) for i in ids])
        model_id = st.selectbox("Model", ids, index=ids.index(catalog.DEFAULT_MODEL),
                                format_func=model_label, key="model", bind="query-params")
        info = catalog.MODELS.get(model_id) or catalog.generic_model(model_id)
        st.caption(plain(f"{info.nickname} · {info.lifecycle_note}"))
    platforms = BACKEND_OPTIONS[backend or "Both"]
    with right:
        ratio_col, size_col = st.columns(2)
        ratios = [*info.ratios, AUTO_RATIO]  # the first (1:1) stays the default
        check_param("ratio", ratios)
        check_param("size", list(info.sizes))
        _keep_valid("ratio", ratios, info.default_ratio)
        _keep_valid("size", list(info.sizes), info.default_size)
        ratio = ratio_col.selectbox("Aspect ratio", ratios, key="ratio", bind="query-params",
                                    format_func=lambda r: AUTO_LABEL if r == AUTO_RATIO else r,
                                    help="auto sends no aspect ratio: the model's default, or "
                                         "the shape of the image being edited.")
        size = size_col.selectbox("Image size", list(info.sizes), key="size", bind="query-params")
        mime, quality = _output_controls(info, platforms)
    person, thoughts, level, seed, timeout_s, retries = _advanced(info, platforms, default_retries,
                                                                  default_timeout_s)
    allow = st.session_state.get("allow_unlisted", False)
    req = ImageRequest(
        prompt=st.session_state.get("prompt") or "", model=model_id,
        aspect_ratio=None if ratio == AUTO_RATIO else ratio,
        image_size=size, output_mime_type=mime, compression_quality=quality,
        person_generation=person, include_thoughts=thoughts, thinking_level=level, seed=seed,
        service_tier=None if st.session_state.get("tier") in (None, "standard")
        else st.session_state["tier"],
    )
    check = check_request(req, platforms, listed=listed, allow_unlisted=bool(allow))
    return FormState(check, platforms, timeout_s, retries)


def _output_controls(info: catalog.ModelInfo, platforms: list[str]) -> tuple[str | None, int | None]:
    vertex_off = "vertex" not in platforms
    default_fmt = format_name(info.default_mime.get("aistudio"))
    mime = st.selectbox("Output MIME type", [DEFAULT_MIME, *catalog.OUTPUT_MIME_TYPES], key="mime",
                        disabled=vertex_off, bind="query-params")
    is_jpeg = mime == "image/jpeg"
    quality = st.slider("Compression quality (JPEG)", 1, 100, 85, key="quality",
                        disabled=vertex_off or not is_jpeg, bind="query-params")
    if vertex_off:
        st.caption(f":material/lock: Output format and quality are Vertex-only options. AI Studio does not "
                   f"accept them and returns {default_fmt} for {info.id}.")
    elif "aistudio" in platforms:
        st.caption(f"Applies to Vertex AI only; AI Studio returns {default_fmt} for {info.id}.")
    if vertex_off:
        return None, None
    return (None if mime == DEFAULT_MIME else mime), (int(quality) if is_jpeg else None)


def _advanced(info: catalog.ModelInfo, platforms: list[str], default_retries: int,
              default_timeout_s: float) -> tuple[str | None, bool, str | None, int | None, float, int]:
    with st.expander("Advanced"):
        a, b, c = st.columns(3)
        person = a.selectbox("Person generation (Vertex)", ["default", *catalog.PERSON_GENERATION],
                             key="person", disabled="vertex" not in platforms, bind="query-params")
        thoughts = b.toggle("Include thoughts", key="thoughts", bind="query-params",
                            disabled=info.thinking == "none",
                            help="Return thought text and draft images (kept apart from the final image).")
        level = None
        if info.thinking == "levels":
            _keep_valid("level", ["default", *info.thinking_levels], "default")
            level = c.selectbox("Thinking level", ["default", *info.thinking_levels], key="level",
                                bind="query-params")
        d, e, f = st.columns(3)
        seed = d.number_input("Seed (best effort)", min_value=0, max_value=2**31 - 1, value=None,
                              step=1, key="seed", bind="query-params")
        timeout_s = e.number_input("Timeout per attempt (s)", 5, 1800, int(default_timeout_s),
                                   step=5, key="timeout", bind="query-params")
        retries = f.number_input("Retries", 0, 10, default_retries, key="retries",
                                 bind="query-params")
        tiers = ["standard", *[t for t in info.service_tiers if t != "standard"]]
        _keep_valid("tier", tiers, "standard")
        st.segmented_control("Service tier", tiers, default="standard", key="tier",
                             required=True, bind="query-params",
                             help="Flex costs −50 % (may be slower or shed), Priority +75–100 %. "
                                  "How each platform takes the request is UNCONFIRMED: see "
                                  "README (PLAYGROUND_*_SERVICE_TIER_FIELD).")
        st.toggle("Send models a platform does not list now", key="allow_unlisted",
                  help="Normally a model missing from the platform's live list (or shut down "
                       "according to the catalog) is not sent.")
    return (None if person == "default" else person, bool(thoughts) and info.thinking != "none",
            None if level in (None, "default") else level, None if seed is None else int(seed),
            float(timeout_s), int(retries))


def request_query_params(req: ImageRequest, platforms: list[str]) -> dict[str, str]:
    """URL parameters that reopen Generate with these settings (History → "Open in Generate")."""
    backend = next(k for k, v in BACKEND_OPTIONS.items() if v == platforms)
    params = {"prompt": req.prompt, "backend": backend, "model": model_label(req.model)}
    info = catalog.MODELS.get(req.model)
    if info is not None:
        params["ratio"] = req.aspect_ratio or AUTO_RATIO
        params["size"] = req.image_size or info.default_size
    if req.output_mime_type:
        params["mime"] = req.output_mime_type
        if req.compression_quality is not None:
            params["quality"] = str(req.compression_quality)
    if req.person_generation:
        params["person"] = req.person_generation
    if req.include_thoughts:
        params["thoughts"] = "true"
    if req.thinking_level:
        params["level"] = req.thinking_level
    if req.seed is not None:
        params["seed"] = str(req.seed)
    if req.service_tier:
        params["tier"] = req.service_tier
    return params
