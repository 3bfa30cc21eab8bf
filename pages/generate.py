"""Generate: one prompt on AI Studio, Vertex AI or both; results side by side."""

import streamlit as st

from playground.app.chrome import error_boundary
from playground.app.controls import generation_form
from playground.app.frame import require_app_frame
from playground.app.generate_run import (
    current_job,
    is_running,
    live_panel,
    result_ids,
    start_run,
)
from playground.app.identity import require
from playground.app.inspector import raw_body_editor, request_inspector, send_raw
from playground.app.pair import pair_view
from playground.app.results import load_results, result_column
from playground.app.runtime import get_runtime
from playground.app.text import plain
from playground.app.urlstate import show_notices

require_app_frame()
require("generate")
runtime = get_runtime()
st.title("Generate")
st.caption("Send the same request to AI Studio and Vertex AI and see what really comes back: "
           "the sniffed format, exact bytes, pixels, latency and cost.")

with error_boundary(runtime):
    form = generation_form(default_retries=runtime.settings.retries,
                           default_timeout_s=runtime.settings.timeout_s, listed=runtime.listed())
    show_notices()
    running = is_running()
    if st.button("Generate", type="primary", key="generate", disabled=running):
        for message in form.problems:
            st.error(plain(message), icon=":material/front_hand:")
        if not form.problems and start_run(runtime, form) is not None:
            st.rerun()  # draw the page again with the button disabled and the live panel
    job = current_job()
    if running:
        live_panel(runtime)
    elif job is not None:
        if job.error is not None:
            raise job.error
        if job.cancelled:
            st.warning("Cancelled. Requests already sent may still be billed; an answer that "
                       "arrives later is saved to History.", icon=":material/cancel:")
        results = load_results(runtime.store, result_ids(job))
        if results:
            for column, result in zip(st.columns(len(results)), results, strict=True):
                with column:
                    result_column(runtime, result, key=f"res-{result.id}")
            pair_view(runtime, results)
            request_inspector(runtime, results)

    with st.expander("Send a raw request — reproduce Vertex's “valid role” 400"):
        st.caption("The body goes out exactly as written, with the prompt above. Vertex rejects "
                   "a content without `role`; AI Studio accepts it. Try both.")
        platform, body, problem = raw_body_editor(form.request)
        if problem:
            st.error(plain(problem))
        elif st.button("Send raw", key="raw_send", disabled=running):
            st.session_state["gen_raw"] = send_raw(runtime, form, platform, body)
        raw = load_results(runtime.store, st.session_state.get("gen_raw") or {})
        for result in raw:
            result_column(runtime, result, key=f"raw-{result.id}")
            request_inspector(runtime, [result])
