"""History: every generation, newest first, including errors; search, filter, reopen, delete."""

import streamlit as st

from playground.app.chrome import error_boundary
from playground.app.controls import request_query_params
from playground.app.edit_actions import follow_to_generate
from playground.app.export_button import review_pack_button
from playground.app.frame import require_app_frame
from playground.app.history_view import PAGE_SIZE, grid, list_caption, list_filters
from playground.app.identity import require
from playground.app.inspector import request_inspector
from playground.app.results import result_column
from playground.app.runtime import get_runtime
from playground.app.text import plain
from playground.app.thread_view import delete_controls, thread_strip
from playground.domain import catalog

require_app_frame()
require("browse")
runtime = get_runtime()
store = runtime.store
st.title("History")

with error_boundary(runtime):
    detail_id = st.query_params.get("id")
    valid = bool(detail_id) and detail_id.isdigit() and len(detail_id) <= 18
    result = store.get(int(detail_id)) if valid else None
    if detail_id and result is None:
        st.warning(f"Generation #{plain(detail_id[:40])} is not in the history"
                   + (" (deleted?)." if valid else ": a generation number is a whole number."))
    if result is not None:
        if st.button("← Back to the list", key="hist-back"):
            del st.query_params["id"]
            st.rerun()
        st.caption("Prompt, exactly as sent:")
        st.text(result.request.prompt)
        left, right = st.columns([3, 2])
        with left:
            result_column(runtime, result, key=f"hist-{result.id}")
            follow_to_generate()  # Continue editing, Use as input, Regenerate: on Generate
        with right:
            group = store.list(group_id=result.group_id) if result.group_id else [result]
            platforms = sorted({r.backend for r in group})
            if st.button("Open these settings in Generate", key="hist-reopen", type="primary"):
                st.switch_page("pages/generate.py",
                               query_params=request_query_params(result.request, platforms))
            ids = [r.id for r in group if r.id is not None]
            review_pack_button(runtime, f"Export review pack ({len(ids)} generation"
                                        f"{'s' if len(ids) > 1 else ''})",
                               generation_ids=ids, key="hist-export-one")
            if len(ids) > 1:
                st.page_link("pages/review.py", label="Make a blind study of these",
                             query_params={"ids": ",".join(map(str, ids))},
                             icon=":material/how_to_vote:")
            delete_controls(runtime, result)
        thread_strip(runtime, result)
        request_inspector(runtime, [result])
    else:
        store.recover_pending()  # rows left "pending" by a process that has since died
        models = sorted(set(store.models_used()) | set(catalog.MODELS))
        filters, hide_bench = list_filters(runtime, models)
        total = store.count(**filters, exclude_bench=hide_bench)
        pages = max(1, -(-total // PAGE_SIZE))
        page = st.number_input("Page", 1, pages, 1, key="hist_page") if pages > 1 else 1
        st.caption(list_caption(runtime, filters, hide_bench, total, int(page), PAGE_SIZE))
        rows = store.list(**filters, limit=PAGE_SIZE, offset=(int(page) - 1) * PAGE_SIZE,
                          exclude_bench=hide_bench)
        if not rows:
            st.info("Nothing here yet. Generate an image and it will appear here, success or failure.")
        if rows:
            page_ids = [r.id for r in rows if r.id is not None]
            review_pack_button(runtime, f"Export review pack of the {len(page_ids)} generations "
                                        "shown", generation_ids=page_ids, key="hist-export-page")
            st.page_link("pages/review.py", label="Make a blind study of the generations shown",
                         query_params={"ids": ",".join(map(str, page_ids))},
                         icon=":material/how_to_vote:")
        clicked = grid(runtime, rows)
        if clicked is not None:
            st.query_params["id"] = str(clicked)
            st.rerun()
