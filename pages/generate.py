"""Generate: one prompt on AI Studio, Vertex AI or both; results side by side."""

import streamlit as st

from playground.jobs import GenerationJob
from playground.service import RetryPolicy, generate
from playground.ui.chrome import error_boundary
from playground.ui.controls import form_problems, generation_form
from playground.ui.frame import require_app_frame
from playground.ui.inspector import raw_body_editor, request_inspector
from playground.ui.pair import pair_view
from playground.ui.results import load_results, result_column, show_live_progress, warm_previews
from playground.ui.runtime import get_runtime

require_app_frame()
runtime = get_runtime()
st.title("Generate")
st.caption("Send the same request to AI Studio and Vertex AI and see what really comes back: "
           "the sniffed format, exact bytes, pixels, latency and cost.")

with error_boundary(runtime):
    form = generation_form(default_retries=runtime.settings.retries,
                           default_timeout_s=runtime.settings.timeout_s)
    if st.button("Generate", type="primary", key="generate"):
        problems = form_problems(form)
        for message in problems:
            st.error(message, icon=":material/front_hand:")
        if not problems:
            job = GenerationJob(form.request, form.platforms, runtime.settings,
                                client=runtime.client, store=runtime.store,
                                policy=RetryPolicy(retries=form.retries), timeout_s=form.timeout_s,
                                on_result=warm_previews(runtime.store)).start()
            show_live_progress(job)
            st.session_state["gen_last"] = {p: r.id for p, r in job.results.items()}
            if job.error is not None:
                raise job.error

    with st.expander("Send a raw request — reproduce Vertex's “valid role” 400"):
        st.caption("The body goes out exactly as written. Vertex rejects a content without "
                   "`role`; AI Studio accepts it. Try both.")
        platform, body, problem = raw_body_editor(form.request)
        if problem:
            st.error(problem)
        elif st.button("Send raw", key="raw_send"):
            result = generate(form.request, platform, runtime.settings, client=runtime.client,
                              store=runtime.store, raw_body=body, policy=RetryPolicy(retries=0),
                              timeout_s=form.timeout_s)
            st.session_state["gen_last"] = {platform: result.id}

    ids = st.session_state.get("gen_last")
    if ids:
        results = load_results(runtime.store, ids)
        for column, result in zip(st.columns(len(results)), results, strict=True):
            with column:
                result_column(runtime, result, key=f"res-{result.id}")
        pair_view(runtime, results)
        request_inspector(runtime, results)
