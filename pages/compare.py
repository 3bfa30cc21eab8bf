"""Compare: any two images from history, five views, metrics and why one is bigger."""

import streamlit as st

from playground.app import compare_view as view
from playground.app.chrome import error_boundary
from playground.app.frame import require_app_frame
from playground.app.runtime import get_runtime
from playground.app.urlstate import show_notices
from playground.review.choices import default_pair, image_choices

require_app_frame()
runtime = get_runtime()
store = runtime.store
st.title("Compare")
st.caption("Where do two images really differ, and what does each byte buy? The link in the "
           "address bar reopens exactly this comparison.")

with error_boundary(runtime):
    choices = image_choices(store)
    if len(choices) < 2:
        st.info("Compare needs two images in history. Run a prompt on **Both** in Generate.")
        st.page_link("pages/generate.py", label="Go to Generate", icon=":material/auto_awesome:")
        st.stop()
    a, b = view.pick_pair(choices, default_pair(store))
    show_notices()
    chosen = view.pick_view()
    view.show_view(chosen, store, a, b)
    st.subheader("Metrics", anchor=False)
    view.show_metrics(store, a, b)
    st.subheader("Why is one bigger?", anchor=False)
    view.why_bigger(store, a, b)
    with st.expander("Byte breakdown: pixel data, metadata, container"):
        view.show_breakdowns(store, a, b)
    st.subheader("Made from", anchor=False)
    view.show_origins(store, a, b)
    st.subheader("Review notes", anchor=False)
    view.review_notes(store, a, b)
    view.export_pair(runtime, a, b)
