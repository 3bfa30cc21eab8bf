"""The Review page without a study: the studies so far, and a form that makes a new one from
History, from a benchmark run, or by running the "Is Vertex's quality better?" preset now."""

from __future__ import annotations

import re
from datetime import datetime

import streamlit as st

from playground.app.runtime import Runtime
from playground.app.text import plain
from playground.app.vote_view import ask_reviewer_name
from playground.bench.prompts import parse_text_prompts
from playground.bench.store import BenchStore
from playground.domain.errors import StudyError
from playground.generation.prompt_set import run_arms
from playground.history.studies import StudyDraft, create_study, list_studies
from playground.review.study_plan import DEFAULT_QUESTION, QUESTIONS, study_from_generations
from playground.review.verdict import (
    PRESET_PROMPTS,
    VERTEX_PRESET,
    VERTEX_PRESET_NAME,
    vertex_quality_arms,
)

SOURCES = {"preset": "Run the preset “Is Vertex's quality better?” now",
           "last": "The latest generations in History", "ids": "Generation ids from History",
           "bench": "A benchmark run"}


def studies_list(runtime: Runtime) -> None:
    studies = list_studies(runtime.store)
    if not studies:
        st.info("No studies yet: make one below.")
    for s in studies:
        when = datetime.fromtimestamp(s.created_at).strftime("%Y-%m-%d %H:%M")
        st.page_link("pages/review.py", query_params={"study": s.id},
                     label=f"{plain(s.name)} · {s.status} · {s.pairs} pairs · {s.votes} votes · "
                           f"{s.reviewers} reviewer(s) · {when}", icon=":material/how_to_vote:")


def create_form(runtime: Runtime) -> None:
    owner = ask_reviewer_name("Your reviewer name (you own the studies you make and see "
                              "their results before they are closed)")
    if not owner:
        return
    given = _ids_from_url()
    if given and "study_src" not in st.session_state:  # History's "Make a blind study of these"
        st.session_state["study_src"] = "ids"
    source = st.radio("Images from", list(SOURCES), format_func=SOURCES.get, key="study_src")
    with st.form("new_study"):
        name = st.text_input("Name", value=VERTEX_PRESET_NAME if source == "preset" else "",
                             max_chars=200)
        kind = st.radio("Question", [*QUESTIONS, "custom"], horizontal=True,
                        index=list(QUESTIONS).index(DEFAULT_QUESTION),
                        format_func=lambda k: QUESTIONS.get(k, "Your own question"))
        custom = st.text_input("Your own question", max_chars=300)
        cols = st.columns(2)
        per_pair = cols[0].number_input("Votes per pair", 1, 100, 3)
        min_votes = cols[1].number_input("Votes before a ranking is shown", 1, 100_000, 20)
        picked = _source_inputs(runtime, source)
        go = st.form_submit_button("Create study", type="primary")
    if not go:
        return
    question = custom if kind == "custom" else kind
    common = {"name": name, "question": question, "owner": owner,
              "votes_per_pair": int(per_pair), "min_votes": int(min_votes)}
    draft = _draft(runtime, source, picked, common)
    study = create_study(runtime.store, draft)
    st.query_params["study"] = study.id
    st.rerun()


def _source_inputs(runtime: Runtime, source: str) -> object:
    if source == "preset":
        return st.text_area("Prompts (one per line)", value="\n".join(PRESET_PROMPTS), height=140)
    if source == "last":
        return st.number_input("How many of the latest generations", 2, 400, 10)
    if source == "ids":
        return st.text_input("Generation ids", value=_ids_from_url(),
                             placeholder="e.g. 12, 13, 14, 15")
    runs = BenchStore(runtime.store).list_runs(limit=50)
    return st.selectbox("Benchmark run", [r.id for r in runs],
                        format_func=lambda rid: next(f"{r.name or r.id} ({r.id})" for r in runs
                                                     if r.id == rid))


def _ids_from_url() -> str:
    """`?ids=12,13,…` from History, when it is a plain list of numbers (else ignored)."""
    text = st.query_params.get("ids", "")
    return text if re.fullmatch(r"\d{1,18}(,\d{1,18}){1,399}", text) else ""


def _draft(runtime: Runtime, source: str, picked: object, common: dict[str, object]
           ) -> StudyDraft:
    store = runtime.store
    if source == "preset":
        prompts = parse_text_prompts(str(picked or ""))
        if not prompts:
            raise StudyError("Write at least one prompt.")
        arms = vertex_quality_arms()
        with st.spinner(f"Generating {len(prompts) * len(arms)} images…"):
            run = run_arms(store, arms, prompts, platforms=runtime.platforms,
                           client=runtime.client)
        for problem in run.problems:
            st.warning(plain(problem))
        demo = bool(runtime.demo_platforms)
        return study_from_generations(store, run.generation_ids, source="prompt set",
                                      preset=VERTEX_PRESET, environment={"demo": demo},
                                      **common)  # type: ignore[arg-type]
    if source == "bench":
        if not picked:
            raise StudyError("There is no benchmark run yet.", hint="Run one on Benchmark.")
        bench = BenchStore(store)
        run_record = bench.get_run(str(picked))
        ids = [t.generation_id for t in bench.task_records(str(picked)) if t.generation_id]
        env = {"demo": bool(run_record and run_record.is_demo)}
        return study_from_generations(store, ids, source="bench", source_ref=str(picked),
                                      environment=env, **common)  # type: ignore[arg-type]
    if source == "last":
        ids = [r.id for r in store.list(limit=int(picked), exclude_bench=True)  # type: ignore[call-overload]
               if r.id is not None]
    else:
        ids = _ids(str(picked or ""))
    return study_from_generations(store, ids, **common)  # type: ignore[arg-type]


def _ids(text: str) -> list[int]:
    try:
        ids = [int(p) for p in text.replace(" ", "").split(",") if p]
    except ValueError:
        raise StudyError(f"{text[:80]!r} is not a list of ids.",
                         hint="Write them like 12, 13, 14 (History shows each one's id).") from None
    if not ids:
        raise StudyError("Give at least two generation ids.")
    return ids
