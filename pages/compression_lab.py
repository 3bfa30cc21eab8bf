"""Compression Lab: one image re-encoded as JPEG/WebP at 50–100 and PNG; bytes against SSIM."""

import streamlit as st

from playground.app import analysis_cache as cache
from playground.app import lab_view
from playground.app.chrome import error_boundary
from playground.app.compare_view import legacy_redirect
from playground.app.frame import require_app_frame
from playground.app.identity import require
from playground.app.runtime import get_runtime
from playground.app.tasks_view import wait_for_task
from playground.app.text import plain
from playground.app.urlstate import seed_from_url, show_notices, to_url, write_to_url
from playground.review.choices import default_image, image_choices
from playground.review.lab import server_side_candidates, sweep_job, with_threshold

require_app_frame()
require("browse")
runtime = get_runtime()
store = runtime.store
st.title("Compression Lab")
st.caption("What does each byte buy? Re-encode one image at every quality and find the smallest "
           "file that still looks the same (SSIM ≥ your threshold).")

with error_boundary(runtime):
    choices = [c for c in image_choices(store) if not c.facts.is_draft]
    if not choices:
        st.info("The Lab needs an image in history. Generate one first.")
        st.page_link("pages/generate.py", label="Go to Generate", icon=":material/auto_awesome:")
        st.stop()
    by_ref = {c.ref: c for c in choices}
    default = next((c.ref for c in choices if c.image_id == default_image(store)), choices[0].ref)
    legacy_redirect(choices, "img")
    seed_from_url("lab_img", "img", list(by_ref), default)
    st.selectbox("Image", list(by_ref), key="lab_img", format_func=lambda r: by_ref[r].label,
                 on_change=to_url("lab_img", "img"))
    write_to_url("lab_img", "img")
    show_notices()
    chosen = by_ref[st.session_state["lab_img"]]
    sha = chosen.facts.sha256
    threshold = st.slider("SSIM threshold", 0.90, 0.999, 0.98, 0.001, format="%.3f", key="lab_ssim")
    candidates = server_side_candidates(store, chosen.result, chosen.facts)
    if candidates:
        st.caption(f"Also plotting {len(candidates)} Vertex server-side JPEG(s) of the same prompt "
                   f"(compressionQuality {', '.join(str(q) for q, _ in candidates)}).")
    task = cache.task_runner().submit(("sweep", sha, tuple(q for q, _ in candidates)),
                                      sweep_job(store, chosen.facts, candidates))
    if not task.is_done:
        wait_for_task(task, "Re-encoding and scoring", "points", cancellable=True)
        st.stop()
    if task.error is not None:
        st.error(f"The sweep failed: {plain(str(task.error))}")
        st.stop()
    result = with_threshold(task.result(), threshold)
    if result.is_cancelled:
        st.warning("Cancelled: the chart shows the points finished so far.")
    best = result.suggested("JPEG")
    if best is not None:
        st.success(f"Suggested JPEG quality: **{best.quality}** — {best.size_bytes / 1e6:.2f} MB, "
                   f"SSIM {best.ssim:.4f} (threshold {threshold:g}).", icon=":material/recommend:")
    for sentence in result.summary():
        st.markdown(f"- {sentence}")
    metric = st.segmented_control("Chart", ["ssim", "psnr_db"], default="ssim", required=True,
                                  format_func={"ssim": "SSIM", "psnr_db": "PSNR"}.get,
                                  key="lab_metric")
    # Selection, previews, crops and download are keyed to (image, point): a new image starts
    # from its own suggestion, and a click on the chart picks the point under the pointer.
    point_key = f"lab_point-{sha}"
    labels = [p.label for name in result.series_names() for p in result.series(name)]
    event = st.altair_chart(lab_view.sweep_chart(result, metric or "ssim"), width="stretch",
                            on_select="rerun", selection_mode="pick", key=f"lab_chart-{sha}")
    clicked = lab_view.clicked_label(event)
    if clicked in labels:
        st.session_state[point_key] = clicked
    st.caption(result.ssim_method + " Click a point on the chart to preview it.")
    chosen_label = st.selectbox("Preview a point against the original", labels,
                                index=labels.index(best.label) if best else 0, key=point_key)
    lab_view.point_preview(store, chosen.facts, result, chosen_label)
