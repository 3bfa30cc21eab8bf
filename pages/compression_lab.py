"""Compression Lab: one image re-encoded as JPEG/WebP at 50–100 and PNG; bytes against SSIM."""

import streamlit as st

from playground.app import analysis_cache as cache
from playground.app import lab_view
from playground.app.chrome import error_boundary
from playground.app.frame import require_app_frame
from playground.app.runtime import get_runtime
from playground.app.tasks_view import wait_for_task
from playground.app.urlstate import seed_from_url, to_url, write_to_url
from playground.review.choices import default_image, image_choices
from playground.review.lab import server_side_candidates, sweep_job, with_threshold

require_app_frame()
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
    by_id = {c.image_id: c for c in choices}
    seed_from_url("lab_img", "img", list(by_id), default_image(store) or choices[0].image_id, int)
    st.selectbox("Image", list(by_id), key="lab_img", format_func=lambda i: by_id[i].label,
                 on_change=to_url("lab_img", "img"))
    write_to_url("lab_img", "img")
    chosen = by_id[st.session_state["lab_img"]]
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
        st.error(f"The sweep failed: {task.error}")
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
    st.altair_chart(lab_view.sweep_chart(result, metric or "ssim"), width="stretch")
    st.caption(result.ssim_method)
    labels = [p.label for name in result.series_names() for p in result.series(name)]
    chosen_label = st.selectbox("Preview a point against the original", labels,
                                index=labels.index(best.label) if best else 0, key="lab_point")
    lab_view.point_preview(store, chosen.facts, result, chosen_label)
