"""A conversation in History: a strip of its turns (image, prompt, stats) from the first turn to
the one opened, the branches that continue it, and "Branch from turn N" on every earlier turn.

Branching reopens Generate with that turn (and its Both sibling) as the conversation to
continue: the same replay as "Continue editing" on the turn itself, so a branch is a normal
continuation whose parent is an earlier turn.
"""

from __future__ import annotations

import streamlit as st

from playground.app.controls import request_query_params
from playground.app.edit_state import continue_from, edit_state
from playground.app.export_button import review_pack_button
from playground.app.history_view import STATUS_ICONS, thumbnail
from playground.app.runtime import Runtime
from playground.app.text import plain
from playground.domain.errors import PlaygroundError
from playground.domain.labels import cost_text, platform_label, seconds
from playground.domain.types import GenerationResult

PER_ROW = 4


def thread_strip(runtime: Runtime, result: GenerationResult) -> None:
    """Nothing for a single-turn generation that nobody continued."""
    assert result.id is not None
    store = runtime.store
    chain = store.thread(result.id)
    later = store.continuations(result.id)
    if len(chain) < 2 and not later:
        return
    st.subheader(f"Thread · {len(chain)} turn{'s' if len(chain) > 1 else ''}")
    st.caption(f"On {platform_label(result.backend)}: each turn replays the earlier ones with "
               "the model's answers and their thought signatures. Open a turn, or branch from "
               "an earlier one: the branch keeps this thread as it is.")
    ids = _thread_ids(runtime, chain)
    review_pack_button(runtime, f"Export the thread as a review pack ({len(ids)} generations, "
                                "with the input images)", generation_ids=ids, key="thread-export")
    for start in range(0, len(chain), PER_ROW):
        row = chain[start:start + PER_ROW]
        for col, (n, turn) in zip(st.columns(PER_ROW), enumerate(row, start + 1), strict=False):
            with col, st.container(border=True):
                _turn_card(runtime, turn, n, current=turn.id == result.id)
    if later:
        st.caption(f"{len(later)} continuation{'s' if len(later) > 1 else ''} of this turn:")
        for gen_id in later[:12]:
            child = store.get(gen_id)
            if child is not None and st.button(f"#{gen_id} · {child.request.prompt[:60]}",
                                               key=f"thread-child-{gen_id}"):
                st.query_params["id"] = str(gen_id)
                st.rerun()


def _thread_ids(runtime: Runtime, chain: list[GenerationResult]) -> list[int]:
    """The thread's turns and, on Both, the other platform's turns of the same runs."""
    ids: list[int] = []
    for turn in chain:
        group = runtime.store.list(group_id=turn.group_id) if turn.group_id else [turn]
        ids += [r.id for r in group if r.id is not None and r.id not in ids]
    return ids


def _turn_card(runtime: Runtime, turn: GenerationResult, n: int, *, current: bool) -> None:
    thumbnail(runtime, turn)
    total = seconds(turn.timing.total_s)
    st.caption(f"{STATUS_ICONS.get(turn.status, '')} **Turn {n}**"
               f"{' (this one)' if current else ''} · #{turn.id}  \n{total} · {cost_text(turn)}")
    st.text(turn.request.prompt[:120])
    branches = len(runtime.store.continuations(turn.id or 0))
    if branches > 1:
        st.caption(f"{branches} branches continue this turn")
    if current:
        return
    if st.button("Open", key=f"thread-open-{turn.id}", width="stretch"):
        st.query_params["id"] = str(turn.id)
        st.rerun()
    if st.button(f"Branch from turn {n}", key=f"thread-branch-{turn.id}", width="stretch",
                    help="Open Generate with this turn as the conversation to continue (on Both, "
                         "with its sibling on the other platform)."):
        _branch(runtime, turn)


def _branch(runtime: Runtime, turn: GenerationResult) -> None:
    try:
        continue_from(runtime, turn)
    except PlaygroundError as exc:
        st.error(plain(str(exc)), icon=":material/error:")
        return
    platforms = sorted(edit_state().threads) or [turn.backend]
    params = request_query_params(turn.request.with_(prompt=""), platforms)
    params.pop("prompt", None)
    st.session_state["prompt"] = ""  # the next instruction starts empty
    st.switch_page("pages/generate.py", query_params=params)


def delete_controls(runtime: Runtime, result: GenerationResult) -> None:
    """Delete, with a confirmation; a turn that later turns replay goes only with its branch,
    and the confirmation says how many generations that is."""
    assert result.id is not None
    store = runtime.store
    if st.button("Delete this generation", key="hist-delete"):
        st.session_state["hist_confirm"] = result.id
    if st.session_state.get("hist_confirm") != result.id:
        return
    branch = store.branch(result.id)
    if len(branch) > 1:
        st.warning(f"{len(branch) - 1} later turn{'s' if len(branch) > 2 else ''} continue this "
                   "one and replay it: deleting it deletes them too "
                   f"({', '.join(f'#{i}' for i in branch[1:13])}"
                   f"{'…' if len(branch) > 13 else ''}), with their files unless another entry "
                   "uses them.")
        label = f"Yes, delete these {len(branch)} generations"
    else:
        st.warning("Delete it for good, with its image files (unless another entry uses them)?")
        label = "Yes, delete"
    if st.button(label, key="hist-delete-yes"):
        store.delete(result.id, with_continuations=len(branch) > 1)
        st.session_state.pop("hist_confirm", None)
        del st.query_params["id"]
        st.rerun()
