"""Review: blind pairwise studies: vote on pairs without knowing what made them, see rankings
with confidence intervals (docs/decisions.md "Blind review")."""

import streamlit as st

from playground.app import study_create_view as create_view
from playground.app.chrome import error_boundary
from playground.app.frame import require_app_frame
from playground.app.identity import current_reviewer, require
from playground.app.runtime import get_runtime
from playground.app.study_results_view import results_screen
from playground.app.text import plain
from playground.app.vote_view import vote_screen
from playground.history.studies import require_study, votes_of

require_app_frame()
user = require("vote")  # team mode: viewers vote; members also make studies
runtime = get_runtime()
st.title("Review")

with error_boundary(runtime):
    study_id = st.query_params.get("study")
    if not study_id:
        st.caption("Blind pairwise review: reviewers judge two images at a time without knowing "
                   "which platform, model or setting made them; the results rank the settings "
                   "with 95 % intervals. Share a study's link to let others vote.")
        st.subheader("Studies", anchor=False)
        create_view.studies_list(runtime)
        if user.may("review"):
            st.subheader("New study", anchor=False)
            create_view.create_form(runtime)
        st.stop()
    study = require_study(runtime.store, study_id)
    viewer = current_reviewer()
    if study.is_revealed_to(viewer):
        st.caption(f"Study “{plain(study.name)}” · {study.status} · link: /review?study={study.id}")
        shown = st.radio("Show", ["Vote", "Results"], horizontal=True, key=f"show_{study.id}")
        if shown == "Results":
            results_screen(runtime, study, votes_of(runtime.store, study.id), viewer)
            st.stop()
    vote_screen(runtime, study)
    if study.is_open and not study.is_revealed_to(viewer):
        st.caption("Results are shown to the study's owner until the study is closed.")
