"""Generate's finished run: one card per platform, or a grid of variants with their total
cost; the comparison slider for a Both pair; the regenerate-at-size comparison."""

from __future__ import annotations

import streamlit as st

from playground.app.inspector import request_inspector
from playground.app.pair import pair_view
from playground.app.regen_view import regen_panel
from playground.app.results import result_column, variant_card
from playground.app.runtime import Runtime
from playground.domain.labels import image_ref, platform_label
from playground.domain.types import GenerationResult


def run_results(runtime: Runtime, results: list[GenerationResult]) -> None:
    if not results:
        return
    if any(r.variant is not None for r in results):
        variants_grid(runtime, results)
    else:
        for column, result in zip(st.columns(len(results)), results, strict=True):
            with column:
                result_column(runtime, result, key=f"res-{result.id}")
        pair_view(runtime, results)
    for result in results:
        if result.request.derived_from and result.ok:
            regen_panel(runtime, result)
    request_inspector(runtime, _one_per_platform(results))


def _one_per_platform(results: list[GenerationResult]) -> list[GenerationResult]:
    seen: dict[str, GenerationResult] = {}
    for r in results:
        seen.setdefault(r.backend, r)
    return list(seen.values())


def variants_grid(runtime: Runtime, results: list[GenerationResult]) -> None:
    platforms = list(dict.fromkeys(r.backend for r in results))
    total = _total(results)
    st.markdown(f"**{len(results)} variants** ({len(results) // max(1, len(platforms))} per "
                f"platform, sent at once) · total cost {total}")
    for column, platform in zip(st.columns(len(platforms)), platforms, strict=True):
        mine = [r for r in results if r.backend == platform]
        with column:
            st.subheader(platform_label(platform), anchor=False)
            st.caption(f"{len(mine)} variants · {_total(mine)}")
            pairs = st.columns(2)
            for n, result in enumerate(mine):
                with pairs[n % 2]:
                    variant_card(runtime, result, key=f"var-{result.id}")
    _compare_link(results)


def _total(results: list[GenerationResult]) -> str:
    costs = [r.cost_usd for r in results]
    known = [c for c in costs if c is not None]
    if not known:
        return "cost unknown"
    missing = len(costs) - len(known)
    return f"${sum(known):.4f}" + (f" (+{missing} unknown)" if missing else "")


def _compare_link(results: list[GenerationResult]) -> None:
    refs = [image_ref(r.id, r.image) for r in results if r.image is not None]
    if len(refs) < 2:
        return
    left, right = st.columns(2)
    a = left.selectbox("Compare variant", refs, key="var_cmp_a", format_func=lambda v: f"#{v}")
    b = right.selectbox("with", refs, index=1, key="var_cmp_b", format_func=lambda v: f"#{v}")
    st.page_link("pages/compare.py", label="Open these two in Compare", icon=":material/compare:",
                 query_params={"a": a, "b": b})
