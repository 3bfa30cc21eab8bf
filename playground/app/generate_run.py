"""Generate's run as a first-class object of the browser session, not of one page render.

The job lives in `st.session_state`, so leaving the page and coming back finds it still running
(or finished); the Generate button is disabled while it runs; Cancel stops waiting; each
backend's card appears the moment its answer is saved; and a new run clears the old results
before it starts, so an error is never shown above results of an earlier run.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from playground.app.controls import FormState
from playground.app.results import result_column, variant_card, warm_previews
from playground.app.runtime import Runtime
from playground.clients.http import RetryPolicy
from playground.domain.options import RequestCheck
from playground.generation.job import GenerationJob, describe_progress
from playground.generation.run import RunOptions

JOB_KEY = "gen_job"


def current_job() -> GenerationJob | None:
    job = st.session_state.get(JOB_KEY)
    return job if isinstance(job, GenerationJob) else None


def is_running() -> bool:
    job = current_job()
    return job is not None and not job.is_over


def start_run(runtime: Runtime, form: FormState, requests: Mapping[str, RequestCheck],
              variants: int = 1) -> GenerationJob | None:
    """Start each platform's request (`variants` times) unless a run is already in flight (a
    second click is ignored). Every row is written before anything is sent: a history that
    cannot be written raises StorageError here, and nothing is billed."""
    if is_running():
        return None
    options = RunOptions(policy=RetryPolicy.from_settings(runtime.settings, form.retries),
                         timeout_s=form.timeout_s)
    job = GenerationJob(requests, runtime.targets(list(requests)), client=runtime.client,
                        store=runtime.store, options=options, variants=variants,
                        on_saved=warm_previews(runtime.store)).start()
    st.session_state[JOB_KEY] = job
    return job


def result_ids(job: GenerationJob | None) -> dict[str, int]:
    """The saved results of the session's run so far, by slot ("aistudio", "vertex#2")."""
    if job is None:
        return {}
    return {key: p.result_id for key, p in zip(job.keys, job.snapshot(), strict=True)
            if p.result_id is not None}


@st.fragment(run_every=0.5)
def live_panel(runtime: Runtime) -> None:
    """Per-backend progress, each finished backend's card as it lands, and Cancel."""
    job = current_job()
    if job is None or job.is_over:
        st.rerun(scope="app")
        return
    progress = job.snapshot()
    for column, platform in zip(st.columns(len(job.platforms)), job.platforms, strict=True):
        with column:
            for prog in (p for p in progress if p.platform == platform):
                result = runtime.store.get(prog.result_id) if prog.result_id is not None else None
                if result is None:
                    st.info(describe_progress(prog), icon=":material/hourglass_top:")
                elif prog.variant is None:
                    result_column(runtime, result, key=f"live-{result.id}")
                else:
                    variant_card(runtime, result, key=f"live-{result.id}")
    if st.button("Cancel", key="gen-cancel", icon=":material/cancel:",
                 help="Stop waiting. A request already sent cannot be recalled and may be "
                      "billed; if its answer comes, it is saved to History."):
        job.cancel()
        st.rerun(scope="app")
