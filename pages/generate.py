"""Generate: one prompt on AI Studio, Vertex AI or both; results side by side."""

import streamlit as st

from playground.app.chrome import error_boundary
from playground.app.controls import generation_form
from playground.app.frame import require_app_frame
from playground.app.inspector import raw_body_editor, request_inspector
from playground.app.pair import pair_view
from playground.app.results import load_results, result_column, show_live_progress, warm_previews
from playground.app.runtime import get_runtime
from playground.clients.http import RetryPolicy
from playground.generation.job import GenerationJob
from playground.generation.run import RunOptions, generate

require_app_frame()
runtime = get_runtime()
st.title("Generate")
st.caption("Send the same request to AI Studio and Vertex AI and see what really comes back: "
           "the sniffed format, exact bytes, pixels, latency and cost.")

with error_boundary(runtime):
    form = generation_form(default_retries=runtime.settings.retries,
                           default_timeout_s=runtime.settings.timeout_s, listed=runtime.listed())
    if st.button("Generate", type="primary", key="generate"):
        for message in form.problems:
            st.error(message, icon=":material/front_hand:")
        if not form.problems:
            options = RunOptions(policy=RetryPolicy.from_settings(runtime.settings, form.retries), timeout_s=form.timeout_s)
            job = GenerationJob(form.check, runtime.targets(form.platforms), client=runtime.client,
                                store=runtime.store, options=options,
                                on_saved=warm_previews(runtime.store)).start()
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
            options = RunOptions(policy=RetryPolicy.from_settings(runtime.settings, 0), timeout_s=form.timeout_s,
                                 raw_body=body)
            result = generate(form.request, runtime.platforms[platform], client=runtime.client,
                              options=options)
            st.session_state["gen_last"] = {platform: runtime.store.save(result)}

    ids = st.session_state.get("gen_last")
    if ids:
        results = load_results(runtime.store, ids)
        for column, result in zip(st.columns(len(results)), results, strict=True):
            with column:
                result_column(runtime, result, key=f"res-{result.id}")
        pair_view(runtime, results)
        request_inspector(runtime, results)
