"""Generate: a prompt (with images, or the next turn of a conversation) on AI Studio, Vertex
AI or both; results side by side, or as a grid of variants."""

import streamlit as st

from playground.app.chrome import error_boundary
from playground.app.controls import generation_form
from playground.app.conversation_view import conversation_banner
from playground.app.edit_actions import GO_KEY, REGEN_KEY
from playground.app.edit_state import (
    edit_state,
    form_requests,
    raw_inputs,
    regenerate_requests,
)
from playground.app.frame import require_app_frame
from playground.app.generate_run import (
    current_job,
    is_running,
    live_panel,
    result_ids,
    start_run,
)
from playground.app.inputs_view import inputs_panel
from playground.app.inspector import raw_body_editor, request_inspector, send_raw
from playground.app.results import load_results, result_column
from playground.app.run_results import run_results
from playground.app.runtime import get_runtime
from playground.app.text import plain
from playground.app.urlstate import show_notices

require_app_frame()
runtime = get_runtime()
st.title("Generate")
st.caption("Send the same request to AI Studio and Vertex AI and see what really comes back: "
           "the sniffed format, exact bytes, pixels, latency and cost. Add images to edit "
           "them, and continue any result as a conversation.")

with error_boundary(runtime):
    st.session_state.pop(GO_KEY, None)  # already here
    state = edit_state()
    conversation_banner(runtime, state)
    form = generation_form(default_retries=runtime.settings.retries,
                           default_timeout_s=runtime.settings.timeout_s, listed=runtime.listed())
    show_notices()
    inputs_panel(runtime, state, form.request.model)
    variants = st.segmented_control(
        "Variants per backend", [1, 2, 3, 4], default=1, key="variants", required=True,
        help="The platforms reject candidateCount > 1, so N variants are N requests sent at "
             "once; they share a group and compare side by side.")
    requests, problems = form_requests(runtime, form, state)
    running = is_running()
    if st.button("Generate", type="primary", key="generate", disabled=running):
        for message in problems:
            st.error(plain(message), icon=":material/front_hand:")
        if not problems and start_run(runtime, form, requests, int(variants or 1)) is not None:
            st.rerun()  # draw the page again with the button disabled and the live panel
    regen = st.session_state.pop(REGEN_KEY, None)
    if regen is not None and not running:
        checks, problems = regenerate_requests(runtime, *regen)
        for message in problems:
            st.error(plain(message), icon=":material/front_hand:")
        if checks and start_run(runtime, form, checks) is not None:
            st.rerun()
    job = current_job()
    if running:
        live_panel(runtime)
    elif job is not None:
        if job.error is not None:
            raise job.error
        if job.cancelled:
            st.warning("Cancelled. Requests already sent may still be billed; an answer that "
                       "arrives later is saved to History.", icon=":material/cancel:")
        for problem in job.storage_errors:
            st.error(plain(problem), icon=":material/database:")
        run_results(runtime, load_results(runtime.store, result_ids(job)))

    with st.expander("Send a raw request — reproduce Vertex's “valid role” 400"):
        st.caption("The body goes out exactly as written, with the prompt above. Vertex rejects "
                   "a content without `role`; AI Studio accepts it. Try both. Images and "
                   "signatures appear as labels and are sent as their bytes.")
        raw_request = form.request.with_(inputs=raw_inputs(state))
        platform, body, problem = raw_body_editor(raw_request)
        if problem:
            st.error(plain(problem))
        elif st.button("Send raw", key="raw_send", disabled=running):
            st.session_state["gen_raw"] = send_raw(runtime, form, platform, body, raw_request)
        raw = load_results(runtime.store, st.session_state.get("gen_raw") or {})
        for result in raw:
            result_column(runtime, result, key=f"raw-{result.id}")
            request_inspector(runtime, [result])
