"""Show a background task's progress without blocking, then rerun the page once it is done."""

from __future__ import annotations

import streamlit as st

from playground.review.background import Task


@st.fragment(run_every=0.5)
def wait_for_task(task: Task, what: str, unit: str, cancellable: bool = False) -> None:
    if task.is_done:
        st.rerun(scope="app")
    done, total = task.done_steps, task.total_steps
    st.progress(task.fraction, text=f"{what}: {done} of {total or '…'} {unit}")
    if cancellable and st.button("Cancel", key=f"cancel-{hash(task.key)}"):
        task.cancel()
