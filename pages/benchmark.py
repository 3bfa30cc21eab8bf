"""Benchmark: prompt sets on both platforms at scale; speed, size, failures and cost as
distributions with confidence intervals."""

import streamlit as st

from playground.app import bench_view as view
from playground.app.budget import attribute_run, charge_run
from playground.app.chrome import error_boundary
from playground.app.frame import require_app_frame
from playground.app.identity import require
from playground.app.runtime import get_runtime
from playground.app.text import plain
from playground.bench.launch import launch_run
from playground.bench.store import BenchStore

require_app_frame()
user = require("benchmark")
runtime = get_runtime()
store = runtime.store
bench = BenchStore(store)
st.title("Benchmark")
st.caption("Your prompts, your settings, honest statistics: medians and percentiles with 95% "
           "confidence intervals, failures by class, bytes by real format, cost.")


@st.fragment(run_every=2.0)
def elsewhere(run_id: str) -> None:
    with error_boundary(runtime):  # a fragment's rerun runs outside the page's boundary
        record = bench.get_run(run_id)
        if record is None or record.activity() != "elsewhere":
            st.rerun(scope="app")
        view.elsewhere_notice(record)


@st.fragment(run_every=1.0)
def live(run_id: str) -> None:
    with error_boundary(runtime):
        launched = view.active_runs()[run_id]
        if launched.phase == "over":
            st.rerun(scope="app")
        view.progress_panel(launched)
        if st.button("Cancel the run", key="bench-cancel"):
            launched.run.cancel()


with error_boundary(runtime):
    run_id = st.query_params.get("run")
    record = bench.get_run(run_id) if run_id else None
    if run_id and record is None:
        st.warning(f"There is no benchmark run {run_id!r} in this history.")
    if record is not None:
        if st.button("← All runs", key="bench-back"):
            del st.query_params["run"]
            st.rerun()
        demo = " · emulated" if record.is_demo else ""
        st.subheader(f"{plain(record.name) or 'Run'} · {record.id}{demo}", anchor=False)
        launched = view.active_runs().get(record.id)
        if launched is not None and launched.phase != "over":
            live(record.id)
            st.stop()
        activity = record.activity()  # one look at its process (/proc), not one per line
        if launched is None and activity == "elsewhere":
            elsewhere(record.id)
            st.stop()
        if launched is not None and launched.error:
            st.error(f"The run stopped: {plain(launched.error)}. Finished results are saved; resume it.")
        st.caption(plain(record.environment.describe().capitalize() + "."))
        st.caption(f"{record.finished} of {record.planned} tasks · {view.ACTIVITY[activity]} · "
                   f"cost ${record.cost_usd:.4f} (estimate ${record.estimate_usd or 0:.4f})")
        if record.missing and st.button(f"Resume: run the {record.missing} missing tasks",
                                        key="bench-resume"):
            view.active_runs()[record.id] = launch_run(
                bench.plan_of(record), runtime.settings, store, environment=record.environment,
                resume_id=record.id)
            st.rerun()
        summary = view.cached_summary(store, record.id, record.finished)
        claims = view.claims_table(store, record.id) if record.preset == "article" else None
        for verdict in summary.verdicts:
            st.markdown(f"- **{verdict.scope}:** {verdict.text}")
        view.charts(summary)
        view.stats_tables(summary)
        view.downloads(summary, claims)
        st.stop()

    new_tab, runs_tab = st.tabs(["New run", "Past runs"])
    with new_tab:
        spec, options, problems = view.spec_form(runtime.is_demo)
        for problem in problems:
            st.error(plain(problem), icon=":material/front_hand:")
        if spec is not None and not problems:
            plan, question = view.plan_preview(spec, runtime.is_demo)
            accepted = st.checkbox(question, key="bench-accept") if question else True
            if plan is not None and st.button("Start the run", type="primary",
                                              disabled=not accepted, key="bench-start"):
                charge_run(runtime, user, plan)  # team mode: BudgetError, nothing starts
                launched = launch_run(plan, runtime.settings, store,
                                      environment=view.run_environment(runtime, options))
                attribute_run(runtime, user, launched.run_id)
                view.active_runs()[launched.run_id] = launched
                st.query_params["run"] = launched.run_id
                st.rerun()
    with runs_tab:
        view.runs_list(bench)
