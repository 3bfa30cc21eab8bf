"""The blind voting screen: one pair at a time, nothing that identifies an arm.

What reaches the browser is the question, the prompt, two server-made previews of one format,
pixel size and compression (analysis/blind.py) named "A" and "B", the buttons and the
reviewer's progress: never an original, a platform, a model, a format, a size or a timing
(docs/decisions.md "Blind review"). The shown pair is kept in the session, so a rerun (zoom,
typing a comment) never reshuffles the sides; sides are drawn at random for each new pair.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from playground.analysis.blind import REGIONS, blind_crops, blind_previews
from playground.app.identity import REVIEWER_KEY, current_reviewer
from playground.app.runtime import Runtime
from playground.app.text import plain
from playground.domain.errors import StudyError
from playground.history.store import HistoryStore
from playground.history.studies import STUDY_TAGS, Choice, Study, Vote, record_vote, votes_of
from playground.review import schedule

BUTTONS: tuple[tuple[Choice, str, str], ...] = (
    ("left", "A is better", "Left"), ("right", "B is better", "Right"),
    ("tie", "Tie", "Down"), ("both_bad", "Both bad", "Up"))
REGION_NAMES = {"centre": "Centre", "top-left": "Top left", "top-right": "Top right",
                "bottom-left": "Bottom left", "bottom-right": "Bottom right"}


def _original(store: HistoryStore, image_id: int | None) -> bytes:
    found = store.find_image(image_id) if image_id is not None else None
    if found is None:
        raise StudyError("An image of this pair was deleted from history; it is skipped.",
                         hint="Reload the page for the next pair.")
    return store.original(found[1])


@st.cache_data(max_entries=48, show_spinner=False)
def _shown(_store: HistoryStore, image_a: int, image_b: int, left: str,
           mode: Literal["preview", "zoom"], region: str) -> tuple[bytes, bytes]:
    """(left, right) bytes as the browser gets them; cached per pair and view."""
    data_a, data_b = _original(_store, image_a), _original(_store, image_b)
    made = blind_previews(data_a, data_b) if mode == "preview" else blind_crops(
        data_a, data_b, region)
    return made if left == "a" else (made[1], made[0])


def _task(study: Study, votes: list[Vote], reviewer: str) -> schedule.Task | None:
    """The pair on screen: the session's, while it is still to be voted, else the next."""
    key = f"_study_task_{study.id}"
    kept = st.session_state.get(key)
    if kept and kept[0] == reviewer:
        task: schedule.Task = kept[1]
        cast = any(v.reviewer == reviewer and v.pair_index == task.pair_index
                   and v.is_repeat == task.is_repeat for v in votes)
        if not cast and study.is_open:
            return task
    task_or_none = schedule.next_task(study, votes, reviewer)
    st.session_state[key] = (reviewer, task_or_none) if task_or_none else None
    return task_or_none


def ask_reviewer_name(label: str = "Your reviewer name (each reviewer votes once per pair)"
                      ) -> str:
    """The current reviewer, after asking for a name when there is none."""
    reviewer = current_reviewer()
    if not reviewer:
        st.text_input(label, key=REVIEWER_KEY, placeholder="e.g. Ana", persist_state="session")
        st.info("Type your name to go on; Settings and this browser remember it.")
    return current_reviewer()


def vote_screen(runtime: Runtime, study: Study) -> None:
    reviewer = ask_reviewer_name()
    if not reviewer:
        return
    store = runtime.store
    votes = votes_of(store, study.id)
    task = _task(study, votes, reviewer)
    progress = schedule.progress(study, votes, reviewer)
    st.progress(progress.share, text=f"{plain(reviewer)}: {progress.done} of {progress.total} "
                                     "judged")
    if task is None:
        _done(study, progress)
        return
    pair = study.pairs[task.pair_index]
    st.markdown(f"**{plain(study.question)}**")
    st.markdown(f"Prompt: {plain(pair.prompt)}")
    view = st.radio("View", ["Whole image", "100 % zoom"], horizontal=True,
                    key=f"zoom_{study.id}", help="100 %: the same part of both images at full "
                    "resolution, cropped on the server")
    zoom = view == "100 % zoom"
    region = "centre"
    if zoom:
        region = st.radio("Part", REGIONS, format_func=lambda r: REGION_NAMES[r],
                          horizontal=True, key=f"region_{study.id}") or "centre"
    assert pair.image_a is not None and pair.image_b is not None
    left, right = _shown(store, pair.image_a, pair.image_b, task.left,
                         "zoom" if zoom else "preview", region)
    fmt: Literal["PNG", "JPEG"] = "PNG" if zoom else "JPEG"  # else Streamlit makes PNGs JPEG
    cols = st.columns(2)
    cols[0].image(left, caption="A", alt="Image A", width="stretch", output_format=fmt)
    cols[1].image(right, caption="B", alt="Image B", width="stretch", output_format=fmt)
    _ballot(store, study, task, reviewer)


def _ballot(store: HistoryStore, study: Study, task: schedule.Task, reviewer: str) -> None:
    chosen: Choice | None = None
    with st.form(f"ballot_{study.id}", clear_on_submit=True, border=False):
        comment = st.text_input("Comment (optional)", max_chars=2000)
        tags = st.pills("Tags (optional)", STUDY_TAGS, selection_mode="multi")
        cols = st.columns(len(BUTTONS))
        for col, (choice, label, key) in zip(cols, BUTTONS, strict=True):
            if col.form_submit_button(label, shortcut=key, width="stretch",
                                      type="primary" if choice in ("left", "right") else
                                      "secondary"):
                chosen = choice
    st.caption("Keys: ← A is better · → B is better · ↓ Tie · ↑ Both bad")
    if chosen is None:
        return
    saved = record_vote(store, study, Vote(task.pair_index, reviewer, task.left, chosen,
                                           task.is_repeat, comment or "", tuple(tags or ())))
    st.session_state.pop(f"_study_task_{study.id}", None)
    st.toast("Vote saved" if saved else "You had already voted on this pair; the first vote "
             "stands.")
    st.rerun()


def _done(study: Study, progress: schedule.ReviewerProgress) -> None:
    if not study.is_open:
        st.info("This study is closed: it takes no more votes.")
    elif progress.done:
        st.success(f"Done — you judged every pair open to you ({progress.done} votes). Thank "
                   "you!", icon=":material/check_circle:")
    else:
        st.info("Every pair of this study already has the votes it needs.")
