"""Benchmark page pieces: the set-up form, live progress, result charts, runs list."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from playground.app.media import download_button
from playground.app.runtime import Runtime
from playground.app.text import plain
from playground.bench.article import ClaimResult, article_claims, article_spec
from playground.bench.launch import LaunchedRun
from playground.bench.matrix import BenchSpec, OutputOption, Plan, over_budget_message, plan_run
from playground.bench.prompts import parse_prompts
from playground.bench.report import LATENCY_HEADERS, OUTCOME_HEADERS, stats_rows
from playground.bench.stats import FAILURE_CLASSES, FAILURE_LABELS
from playground.bench.store import RunEnvironment
from playground.bench.summary import RunSummary, summarize_run
from playground.domain import catalog
from playground.domain.imaging import format_name
from playground.domain.labels import platform_label
from playground.history.store import HistoryStore

OUTPUTS = {"default": "default format", "png": "PNG (Vertex)", "jpeg-q85": "JPEG q85 (Vertex)",
           "jpeg-q60": "JPEG q60 (Vertex)"}
TIME_SCALES = {1.0: "real time", 0.1: "10× faster", 0.02: "50× faster"}


def run_environment(runtime: Runtime, options: dict[str, Any]) -> RunEnvironment:
    """A new run's environment: the demo platforms of this server, with the form's emulator
    profile and time scale (the emulator reports what it really used when the run starts)."""
    return RunEnvironment(demo=runtime.is_demo, latency_profile=options.get("latency_profile"),
                          time_scale=options.get("time_scale"),
                          demo_platforms=tuple(sorted(runtime.demo_platforms)))


@st.cache_resource
def active_runs() -> dict[str, LaunchedRun]:
    """Runs started from this server, shared by every session (a run outlives its tab)."""
    return {}


def spec_form(demo: bool) -> tuple[BenchSpec | None, dict[str, Any], list[str]]:
    """The set-up form; returns (spec or None, demo options, problems)."""
    preset = st.segmented_control("Preset", ["Custom", "Reproduce the article"], default="Custom",
                                  required=True, key="bench_preset")
    problems: list[str] = []
    uploaded = st.file_uploader("Prompts file (.txt one per line, or .csv with a prompt column)",
                                type=["txt", "csv"], key="bench_file")
    typed = st.text_area("…or type/paste prompts, one per line", key="bench_prompts", height=110,
                         placeholder="e.g.\nA red fox in fresh snow at dawn\nA lighthouse on a cliff")
    prompts: list[str] = []
    try:
        if uploaded is not None:
            prompts = parse_prompts(uploaded.getvalue().decode("utf-8", "replace"),
                                    filename=uploaded.name)
        elif typed.strip():
            prompts = parse_prompts(typed)
    except Exception as exc:  # noqa: BLE001 - BenchInputError and friends: say what to do
        problems.append(f"{exc} {getattr(exc, 'hint', '')}".strip())
    c1, c2, c3, c4 = st.columns(4)
    repeats = c1.number_input("Repeats", 1, 1000, 3 if preset != "Custom" else 1, key="bench_repeats")
    concurrency = c2.number_input("Concurrency", 1, 1000, 4, key="bench_conc",
                                  help="Requests in flight; capped at 64.")
    rpm = c3.number_input("Requests/min per backend (0 = no limit)", 0, 10_000, 0, key="bench_rpm")
    budget = c4.number_input("Budget (USD)", 0.0, 100_000.0, 5.0, step=1.0, key="bench_budget")
    options: dict[str, Any] = {"latency_profile": None, "time_scale": None}
    if demo:
        d1, d2 = st.columns(2)
        options["latency_profile"] = d1.selectbox(
            "Emulator latency profile", ["article", "measured", "instant"], key="bench_profile")
        options["time_scale"] = d2.selectbox("Emulator time scale", list(TIME_SCALES),
                                             format_func=TIME_SCALES.__getitem__, index=1,
                                             key="bench_scale")
    common: dict[str, Any] = {"repeats": int(repeats), "concurrency": int(concurrency),
                              "rpm": int(rpm) or None, "budget_usd": float(budget)}
    if preset == "Reproduce the article":
        st.caption("Both platforms × 1K and 4K at their default formats, then JPEG q85 on Vertex, "
                   "with the article's prompts unless you give your own.")
        return article_spec(prompts or None, **common), options, problems
    m1, m2 = st.columns(2)
    backends = m1.multiselect("Backends", ["aistudio", "vertex"], default=["aistudio", "vertex"],
                              format_func=platform_label, key="bench_backends")
    models = m2.multiselect("Models", [m.id for m in catalog.gemini_models(include_retired=False)],
                            default=[catalog.DEFAULT_MODEL], key="bench_models")
    s1, s2, s3 = st.columns(3)
    sizes = s1.multiselect("Image sizes", ["512", "1K", "2K", "4K"], default=["1K"], key="bench_sizes")
    ratios = s2.multiselect("Aspect ratios", list(catalog.STANDARD_RATIOS + catalog.EXTREME_RATIOS),
                            default=["1:1"], key="bench_ratios")
    outputs = s3.multiselect("Output options", list(OUTPUTS), default=["default"],
                             format_func=OUTPUTS.__getitem__, key="bench_outputs")
    if not prompts:
        problems.append("Add at least one prompt (type them, or upload a .txt/.csv file).")
    for label, chosen in (("backend", backends), ("model", models), ("image size", sizes),
                          ("aspect ratio", ratios), ("output option", outputs)):
        if not chosen:
            problems.append(f"Pick at least one {label}.")
    if problems:
        return None, options, problems
    spec = BenchSpec(prompts=tuple(prompts), backends=tuple(backends), models=tuple(models),
                     image_sizes=tuple(sizes), aspect_ratios=tuple(ratios),
                     outputs=tuple(OutputOption.parse(o) for o in outputs), **common)
    return spec, options, problems


def plan_preview(spec: BenchSpec, demo: bool = False) -> tuple[Plan | None, str | None]:
    try:
        plan = plan_run(spec)
    except Exception as exc:  # noqa: BLE001 - ConfigError/BenchInputError: shown inline
        st.error(plain(f"{exc} {getattr(exc, 'hint', '')}"))
        return None, None
    per_backend = ", ".join(f"{platform_label(b)} {n}" for b, n in plan.tasks_per_backend().items())
    cost = ("would cost" if demo else "estimated cost")
    st.info(f"**{len(plan.cells)} cells × prompts × repeats = {len(plan.tasks)} requests** "
            f"({per_backend}); {cost} **${plan.estimate_usd:.2f}** at list prices of "
            f"{catalog.PRICES_AS_OF}" + (" — demo mode spends nothing, so no budget applies."
                                         if demo else "."), icon=":material/calculate:")
    for note in plan.notes:
        st.caption(f":material/info: {plain(note)}")
    for skipped in plan.skipped:
        st.caption(f":material/block: skipped {plain(skipped.cell.label())}: {plain(skipped.reason)}")
    return plan, over_budget_message(plan, demo=demo)


def progress_panel(launched: LaunchedRun) -> None:
    prog = launched.run.progress()
    st.progress(prog.fraction, text=f"{prog.done} of {prog.planned} done · {prog.in_flight} in "
                                    f"flight · {prog.failed} failed · ${prog.cost_usd:.4f} so far "
                                    f"· {launched.phase}")
    points = launched.run.latencies()
    if points:
        df = pd.DataFrame([{"backend": platform_label(p.backend), "n": i, "total_s": p.total_s}
                           for i, p in enumerate(points) if p.total_s is not None])
        if not df.empty:
            df["rolling_s"] = df.groupby("backend")["total_s"].transform(
                lambda s: s.rolling(5, min_periods=1).median())
            chart = alt.Chart(df).encode(x=alt.X("n:Q", title="finished attempt"),
                                         color=alt.Color("backend:N", title=None))
            st.altair_chart(chart.mark_circle(opacity=0.35).encode(y=alt.Y("total_s:Q", title="total latency (s)"))
                            + chart.mark_line().encode(y="rolling_s:Q"), width="stretch")


@st.cache_data(max_entries=16, show_spinner="Computing statistics (bootstrap CIs)…")
def cached_summary(_store: HistoryStore, run_id: str, finished: int) -> RunSummary:
    del finished  # part of the cache key: a resumed run gets fresh statistics
    return summarize_run(_store, run_id)


def stats_tables(summary: RunSummary) -> None:
    for title, named in (
        ("Per backend", [(platform_label(b), s) for b, s in summary.per_backend.items()]),
        ("Per cell", [(c.cell.label(), c.stats) for c in summary.per_cell]),
    ):
        outcome, latency = stats_rows(named)
        st.markdown(f"**{title}**")
        st.dataframe(pd.DataFrame(outcome, columns=["group", *OUTCOME_HEADERS[1:]]),
                     hide_index=True, width="stretch")
        st.dataframe(pd.DataFrame(latency, columns=["group", "metric", *LATENCY_HEADERS[2:]]),
                     hide_index=True, width="stretch")


def records_frame(summary: RunSummary) -> pd.DataFrame:
    cells = {c.cell.id: c.cell.label() for c in summary.per_cell}
    rows = [{"backend": platform_label(r.backend), "cell": cells.get(r.cell_id, r.cell_id),
             "status": r.status, "failure": r.failure_class, "ttfb_s": r.ttfb_s,
             "total_s": r.total_s, "bytes": r.size_bytes,
             "format": format_name(r.sniffed_mime) if r.sniffed_mime else None,
             "cost_usd": r.cost_usd, "attempts": len(r.attempts), "task": r.task_index,
             "generation_id": r.generation_id} for r in summary.records]
    env = summary.run.environment
    frame = pd.DataFrame(rows)
    frame["emulated"], frame["time_scale"] = env.demo, env.time_scale
    return frame


def charts(summary: RunSummary) -> None:
    where = summary.run.environment.describe()
    st.caption(f":material/science: Every chart below: {plain(where)}.")
    df = records_frame(summary)
    ok = df[df["status"] == "ok"] if not df.empty else df
    if ok.empty:
        st.info("No successful request yet, so there is no latency or size to chart.")
    else:
        long = ok.melt(id_vars=["backend"], value_vars=["ttfb_s", "total_s"], var_name="metric",
                       value_name="seconds")
        c1, c2 = st.columns(2)
        c1.altair_chart(alt.Chart(long, title=alt.TitleParams("Latency distribution per backend", subtitle=where)).mark_boxplot(
            extent="min-max").encode(x=alt.X("backend:N", title=None), y="seconds:Q",
                                     color=alt.Color("backend:N", legend=None),
                                     column=alt.Column("metric:N", title=None)), width="content")
        c2.altair_chart(alt.Chart(ok, title=alt.TitleParams("TTFB vs total", subtitle=where)).mark_circle(opacity=0.6).encode(
            x=alt.X("ttfb_s:Q", title="time to headers (s)"),
            y=alt.Y("total_s:Q", title="total (s)"), color=alt.Color("backend:N", title=None),
            tooltip=["cell", "ttfb_s", "total_s", "format", "bytes"]), width="stretch")
        c3, c4 = st.columns(2)
        sizes = ok.groupby(["backend", "format"], as_index=False)["bytes"].agg(["mean", "min", "max"])
        sizes[["mean", "min", "max"]] = sizes[["mean", "min", "max"]] / 1e6
        bars = alt.Chart(sizes, title=alt.TitleParams("Bytes by real format (MB, mean with min–max)", subtitle=where)).encode(
            x=alt.X("backend:N", title=None), xOffset="format:N",
            color=alt.Color("format:N", title=None))
        c3.altair_chart(bars.mark_bar().encode(y=alt.Y("mean:Q", title="MB"))
                        + bars.mark_rule().encode(y="min:Q", y2="max:Q"), width="stretch")
        cost = df.groupby("backend", as_index=False)["cost_usd"].sum()
        c4.altair_chart(alt.Chart(cost, title=alt.TitleParams("Cost (USD)", subtitle=where)).mark_bar().encode(
            x=alt.X("backend:N", title=None), y=alt.Y("cost_usd:Q", title="USD"),
            color=alt.Color("backend:N", legend=None)), width="stretch")
    fails = pd.DataFrame([{"backend": platform_label(b), "class": FAILURE_LABELS[c],
                           "tasks": s.failures.get(c, 0)}
                          for b, s in summary.per_backend.items() for c in FAILURE_CLASSES])
    st.altair_chart(alt.Chart(fails, title=alt.TitleParams("Failures by class (tasks)", subtitle=where)).mark_bar().encode(
        x=alt.X("tasks:Q"), y=alt.Y("backend:N", title=None),
        color=alt.Color("class:N", title=None)), width="stretch")


def downloads(summary: RunSummary, claims: list[ClaimResult] | None) -> None:
    df = records_frame(summary)
    data = summary.to_dict(records=True)
    if claims:
        data["claims"] = [c.to_dict() for c in claims]
    c1, c2 = st.columns(2)
    with c1:
        download_button("Download the data (CSV, one row per task)", df.to_csv(index=False),
                       file_name=f"bench-{summary.run.id}.csv", mime="text/csv",
                       on_click="ignore", key="bench-csv")
    with c2:
        download_button("Download the statistics (JSON)", json.dumps(data, indent=2, default=str),
                       file_name=f"bench-{summary.run.id}.json", mime="application/json",
                       on_click="ignore", key="bench-json")
    st.caption("Each chart downloads as PNG from its toolbar (hover the chart).")


def claims_table(store: HistoryStore, run_id: str) -> list[ClaimResult]:
    claims = article_claims(store, run_id)
    st.dataframe(pd.DataFrame([{"the article says": c.text, "stated": c.stated,
                                "measured": c.measured, "n": c.n, "verdict": c.verdict,
                                "how we measure it": c.how} for c in claims]),
                 hide_index=True, width="stretch")
    if any(c.emulated for c in claims):
        st.caption("Emulated: measured against the built-in emulator, so these rows test the "
                   "emulator's latency profile, not Google.")
    return claims


ACTIVITY = {"here": "running", "elsewhere": "running in another process",
            "stopped": "stopped (tasks missing)", "cancelled": "cancelled",
            "finished": "finished", "crashed": "crashed"}


def elsewhere_notice(record: Any) -> None:
    """A run another process (another replica, or the CLI) is running: no Resume button, its
    saved tasks counted from the database."""
    who = (f"process {record.owner.pid} on {record.owner.host}" if record.owner
           else "another process")
    st.info(plain(f"This run is in progress in {who}, not in this server: its tasks are saved "
                  f"to the shared history as they finish ({record.finished} of "
                  f"{record.planned} so far). Cancel it where it runs."),  # host: from the rows
            icon=":material/dns:")
    st.progress(record.finished / record.planned if record.planned else 0.0)


def runs_list(bench: Any) -> None:
    runs = bench.list_runs(limit=100)
    if not runs:
        st.info("No benchmark runs yet.")
        return
    df = pd.DataFrame([{"run": r.id, "name": r.name, "status": ACTIVITY[r.activity()],
                        "tasks": f"{r.finished}/{r.planned}", "cost": f"${r.cost_usd:.4f}",
                        "emulated": r.is_demo} for r in runs])
    st.dataframe(df, hide_index=True, width="stretch")
    ids = [r.id for r in runs]
    pick = st.selectbox("Open a run", ids, key="bench-open-pick")
    if st.button("Open", key="bench-open"):
        st.query_params["run"] = pick
        st.rerun()
    chosen = st.multiselect("Compare runs (median and p95 total latency per backend)", ids,
                            max_selections=4, key="bench-compare")
    if len(chosen) >= 2:
        rows = []
        for run_id in chosen:
            record = bench.get_run(run_id)
            summary = cached_summary(bench.history, run_id, record.finished if record else 0)
            for backend, s in summary.per_backend.items():
                rows.append({"run": run_id, "backend": platform_label(backend),
                             "ok": f"{s.successes}/{s.count}",
                             "p50 total (s)": s.total.p50.value, "p95 total (s)": s.total.p95.value,
                             "cost/image": s.cost_per_image_usd})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
