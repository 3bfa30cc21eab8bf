"""Compare page pieces: pair picker, the five views, metrics, byte breakdown, why-bigger, notes."""

from __future__ import annotations

import base64
import html
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from playground.analysis import crops
from playground.analysis.explain import explain_size_difference
from playground.app import analysis_cache as cache
from playground.app.export_button import review_pack_button
from playground.app.identity import current_reviewer, current_user, require
from playground.app.inputs_view import input_thumb
from playground.app.media import show_image
from playground.app.runtime import Runtime
from playground.app.slider import image_slider
from playground.app.tasks_view import wait_for_task
from playground.app.text import plain
from playground.app.urlstate import notice, seed_from_url, to_url, write_to_url
from playground.domain.imaging import format_name
from playground.domain.labels import human_bytes, platform_label
from playground.history.reviews import REVIEW_TAGS, Review, review_by, reviews_for, save_review
from playground.history.store import HistoryStore
from playground.review.choices import ImageChoice, resolve

#: Crop side in screen pixels: two crops side by side must fit the page at 1400 px wide, or the
#: browser would clip one under the other (shown at exactly 100 %, never scaled).
PEEPER_SIDE = 448
VIEWS = {"slider": "Slider", "side": "Side by side", "peeper": "Pixel peeper",
         "heatmap": "Difference heatmap", "blink": "Blink"}


def pick_pair(choices: list[ImageChoice], default: tuple[int, int] | None) -> tuple[ImageChoice, ImageChoice]:
    """Two pickers named by image refs ("64.2") in the URL; links made with the old image ids
    still open the same images, and the address bar is rewritten to refs."""
    by_ref = {c.ref: c for c in choices}
    refs = list(by_ref)
    by_id = {c.image_id: c.ref for c in choices}
    fallback = tuple(by_id.get(i) for i in default) if default else (refs[1], refs[0])
    left, right = st.columns(2)
    for col, key, param, value in ((left, "cmp_a", "a", fallback[0]), (right, "cmp_b", "b", fallback[1])):
        legacy_redirect(choices, param)
        seed_from_url(key, param, refs, value if value in by_ref else refs[0])
        col.selectbox(f"Image {param.upper()}", refs, key=key, format_func=lambda r: by_ref[r].label,
                      on_change=to_url(key, param))
        write_to_url(key, param)
    return by_ref[st.session_state["cmp_a"]], by_ref[st.session_state["cmp_b"]]


def legacy_redirect(choices: list[ImageChoice], param: str) -> None:
    """?a=<old image id> → ?a=<ref>, with a notice: old links keep working."""
    raw = st.query_params.get(param)
    found, legacy = resolve(choices, raw)
    if found is not None and legacy:
        st.query_params[param] = found.ref
        notice(f"This link named image {raw} by its old number; it is #{found.ref} now "
               "(generation.position), and the address bar shows the new form.")


def pick_view() -> str:
    seed_from_url("cmp_view", "view", list(VIEWS), "slider")
    st.segmented_control("View", list(VIEWS), format_func=VIEWS.__getitem__, key="cmp_view",
                         required=True, on_change=to_url("cmp_view", "view"))
    write_to_url("cmp_view", "view")
    return str(st.session_state["cmp_view"])


def short_label(c: ImageChoice, side: str) -> str:
    return (f"{side}: {platform_label(c.result.backend)} · {format_name(c.facts.sniffed_mime)} · "
            f"{human_bytes(c.facts.size_bytes)}")


def show_view(view: str, store: HistoryStore, a: ImageChoice, b: ImageChoice) -> None:
    fa, fb = a.facts, b.facts
    if (fa.width, fa.height) != (fb.width, fb.height):
        st.info(f"A is {fa.width}×{fa.height} and B is {fb.width}×{fb.height}: "
                "views and metrics resize the larger to the smaller.", icon=":material/aspect_ratio:")
    if view == "slider":
        image_slider(store.preview(fa), store.preview(fb), label_a=short_label(a, "A"),
                     label_b=short_label(b, "B"), key=(fa.sha256, fb.sha256))
    elif view == "side":
        for col, c, side in zip(st.columns(2), (a, b), "AB", strict=True):
            show_image(store.preview(c.facts), where=col, caption=short_label(c, side),
                       width="stretch")
    elif view == "peeper":
        pixel_peeper(store, a, b)
    elif view == "heatmap":
        amplify = st.select_slider("Amplification", ["auto", 4, 8, 16, 32], value=8, key="cmp_amp")
        hm = cache.pair_heatmap(fa.sha256, fb.sha256,
                                None if amplify == "auto" else float(str(amplify)), store, fa, fb)
        show_image(hm.image, width="stretch", caption=f"Difference heatmap. Scale: {hm.scale_text}")
    else:
        blink(store.preview(fa), store.preview(fb))


def pixel_peeper(store: HistoryStore, a: ImageChoice, b: ImageChoice) -> None:
    fa, fb = a.facts, b.facts
    img_a = cache.decoded(fa.sha256, store, fa)
    img_b = cache.decoded(fb.sha256, store, fb)
    zoom_col, region_col, x_col, y_col = st.columns([1, 1, 2, 2])
    seed_from_url("cmp_zoom", "zoom", [1, 2], 1, parse=int)
    zoom = zoom_col.radio("Zoom", [1, 2], key="cmp_zoom", format_func=lambda z: f"{z * 100}%",
                          horizontal=True, on_change=to_url("cmp_zoom", "zoom"))
    write_to_url("cmp_zoom", "zoom")
    metrics = cache.pair_metrics(fa.sha256, fb.sha256, store, fa, fb)
    presets = crops.region_presets(*img_a.size, side=PEEPER_SIDE, zoom=zoom, grid=metrics.grid)
    names = [*presets, "custom"]
    seed_from_url("cmp_region", "region", names, "busiest" if "busiest" in presets else "centre")
    region_name = region_col.selectbox("Region", names, key="cmp_region",
                                       on_change=to_url("cmp_region", "region"))
    write_to_url("cmp_region", "region")
    base = presets.get(region_name) or presets["centre"]
    side = base.w
    max_x, max_y = max(0, img_a.size[0] - side), max(0, img_a.size[1] - base.h)
    seed_from_url("cmp_x", "x", range(max_x + 1), base.x, parse=int)
    seed_from_url("cmp_y", "y", range(max_y + 1), base.y, parse=int)
    if region_name != "custom":
        st.session_state["cmp_x"], st.session_state["cmp_y"] = base.x, base.y
    x = x_col.slider("Left (px in A)", 0, max(max_x, 1), key="cmp_x",
                     disabled=region_name != "custom", on_change=to_url("cmp_x", "x"))
    y = y_col.slider("Top (px in A)", 0, max(max_y, 1), key="cmp_y",
                     disabled=region_name != "custom", on_change=to_url("cmp_y", "y"))
    write_to_url("cmp_x", "x")
    write_to_url("cmp_y", "y")
    view = crops.peeper_view(img_a, img_b, crops.Region(x, y, side, base.h), zoom=zoom)
    with crop_row("peeper", view.region_a.w * zoom):
        for col, data, region, c, name in zip(st.columns(2, gap="small"), (view.a, view.b),
                                              (view.region_a, view.region_b), (a, b), "AB",
                                              strict=True):
            with col:
                show_image(data, output_format="PNG", width=region.w * zoom,
                         caption=f"{name}: x {region.x}–{region.x + region.w}, y {region.y}–"
                                 f"{region.y + region.h} of {c.facts.width}×{c.facts.height}, "
                                 f"{zoom * 100}%, no resampling")
    st.caption(f"Cropped on the server from the originals: {human_bytes(view.total_bytes)} sent "
               "for both crops (lossless PNG, so JPEG artefacts show as they are).")


@contextmanager
def crop_row(name: str, crop_px: int) -> Iterator[None]:
    """Two 100 % crops side by side while they fit, one under the other when the page is
    narrower: the row wraps instead of squeezing or clipping a crop (crops are never scaled)."""
    with st.container(key=f"crops-{name}"):
        st.html(f"<style>.st-key-crops-{name} [data-testid='stHorizontalBlock']"
                "{flex-wrap:wrap}"
                f".st-key-crops-{name} [data-testid='stColumn']"
                f"{{flex:0 0 auto!important;width:auto!important;min-width:{crop_px}px}}</style>")
        yield


def blink(preview_a: bytes, preview_b: bytes) -> None:
    mode = st.segmented_control("Blink", ["Blink", "A", "B"], default="Blink", key="cmp_blink",
                                required=True)
    speed = st.slider("Blink period (s)", 0.4, 3.0, 1.2, 0.2, key="cmp_blink_s")
    src_a = "data:image/jpeg;base64," + base64.b64encode(preview_a).decode()
    src_b = "data:image/jpeg;base64," + base64.b64encode(preview_b).decode()
    animation = (f"animation: blinkb {speed}s steps(1, end) infinite;" if mode == "Blink"
                 else f"opacity: {1 if mode == 'B' else 0};")
    st.html(f"""
<style>
@keyframes blinkb {{ 0% {{ opacity: 0; }} 50% {{ opacity: 1; }} }}
.bs-blink {{ position: relative; width: 100%; }}
.bs-blink img {{ width: 100%; display: block; }}
.bs-blink .bs-b {{ position: absolute; top: 0; left: 0; {animation} }}
.bs-blink .bs-tag {{ position: absolute; top: 8px; left: 8px; background: #000a; color: #fff;
  padding: 2px 8px; font: 14px sans-serif; }}
</style>
<div class="bs-blink" data-testid="bs-blink">
  <img class="bs-a" src="{src_a}" alt="A"><div class="bs-tag">{html.escape(mode)}</div>
  <img class="bs-b" src="{src_b}" alt="B">
</div>""")
    st.caption("A and B alternate in place at the same size, so any shift or tone change jumps out.")


def show_metrics(store: HistoryStore, a: ImageChoice, b: ImageChoice) -> None:
    fa, fb = a.facts, b.facts
    m = cache.pair_metrics(fa.sha256, fb.sha256, store, fa, fb)
    cols = st.columns(4)
    cols[0].metric("PSNR", "∞ (identical)" if m.psnr_db == float("inf") else f"{m.psnr_db:.2f} dB")
    cols[1].metric("SSIM", "—" if m.ssim is None else f"{m.ssim:.4f}")
    cols[2].metric("Mean |A−B|", f"{m.mad:.2f} / 255")
    cols[3].metric("Max |A−B|", f"{m.max_diff}")
    st.markdown(f"Where the difference sits: {m.concentration.rstrip('.')}. Top cells: " + "; ".join(
        f"{h.description} ({h.share:.0%})" for h in m.hotspots) + ".")
    for note in m.notes:
        st.caption(f":material/info: {note}")
    st.caption(f"Computed on {m.width}×{m.height} aligned pixels. {m.ssim_method}")


def show_breakdowns(store: HistoryStore, a: ImageChoice, b: ImageChoice) -> None:
    for col, c, side in zip(st.columns(2), (a, b), "AB", strict=True):
        bd = cache.breakdown(c.facts.sha256, store, c.facts)
        rows = [("Real format", f"{format_name(c.facts.sniffed_mime)} (declared {format_name(c.facts.declared_mime)})"),
                ("Pixels", f"{c.facts.width}×{c.facts.height}"),
                ("File size", f"{human_bytes(bd.size_bytes)} ({bd.size_bytes:,} B)"),
                ("Bytes / pixel", "—" if bd.bytes_per_pixel is None else f"{bd.bytes_per_pixel:.3f}"),
                ("Pixel data", f"{human_bytes(bd.pixel_bytes)} ({bd.share(bd.pixel_bytes):.1%})"),
                ("Metadata", f"{human_bytes(bd.metadata_bytes)} ({bd.share(bd.metadata_bytes):.2%})"),
                ("Container", f"{human_bytes(bd.container_bytes)}")]
        rows += [(f"· {s.kind}", f"{s.label}: {s.size_bytes:,} B") for s in bd.segments]
        col.markdown(f"**{side}** — {platform_label(c.result.backend)}\n\n| | |\n|---|---|\n" +
                     "\n".join(f"| {k} | {v} |" for k, v in rows))


def why_bigger(store: HistoryStore, a: ImageChoice, b: ImageChoice) -> None:
    fa, fb = a.facts, b.facts
    task = cache.like_for_like_task(store, fa, fb)
    l4l = task.result() if task.is_done and task.error is None else None
    st.markdown(" ".join(explain_size_difference(fa, fb, l4l)))
    if l4l is not None:
        st.markdown(f"**Like for like:** {l4l.sentence()}")
        st.markdown("| re-encoded as | A | B | A / B |\n|---|---|---|---|\n"
                    f"| PNG (zlib 6) | {human_bytes(l4l.png_a)} | {human_bytes(l4l.png_b)} | {l4l.png_ratio:.2f}× |\n"
                    f"| JPEG q90 4:2:0 | {human_bytes(l4l.jpeg_a)} | {human_bytes(l4l.jpeg_b)} | {l4l.jpeg_ratio:.2f}× |"
                    + (f"\n| JPEG with {l4l.matched_to}'s own tables | {human_bytes(l4l.matched_a or 0)} | "
                       f"{human_bytes(l4l.matched_b or 0)} | {l4l.matched_ratio:.2f}× |"
                       if l4l.matched_ratio is not None else ""))
    elif task.error is not None:
        st.warning(f"Like-for-like re-encode failed: {plain(str(task.error))}")
    else:
        wait_for_task(task, "Re-encoding both images the same way (PNG, JPEG q90) for a "
                            "like-for-like size; ~15 s at 4K", "steps")
        return
    st.caption("Computed from the two files' own bytes; nothing here is a fixed template.")


def review_notes(store: HistoryStore, a: ImageChoice, b: ImageChoice) -> None:
    user = current_user()
    # Team mode: notes carry the signed-in email, and only members write them.
    reviewer = current_reviewer() if user.may("review") else ""
    if not reviewer and user.mode == "none":
        st.info("Set your reviewer name in **Settings** to rate these images.")
        st.page_link("pages/settings.py", label="Open Settings", icon=":material/settings:")
    notes = reviews_for(store, [a.image_id, b.image_id])
    for col, c, side in zip(st.columns(2), (a, b), "AB", strict=True):
        with col, st.container(border=True):
            st.markdown(f"**{side}** — #{c.ref}")
            mine = review_by(store, c.image_id, reviewer) if reviewer else None
            with st.form(f"review-{side}-{c.image_id}", border=False):
                rating = st.feedback("stars", key=f"rate-{c.image_id}")
                tags = st.multiselect("Tags", list(REVIEW_TAGS), default=mine.tags if mine else [],
                                      key=f"tags-{c.image_id}")
                comment = st.text_area("Comment", value=mine.comment if mine else "",
                                       key=f"comment-{c.image_id}", height=80)
                if st.form_submit_button("Save note", disabled=not reviewer):
                    require("review")
                    stars = (rating + 1) if rating is not None else (mine.rating if mine else None)
                    save_review(store, Review(c.image_id, reviewer, stars, list(tags), comment))
                    st.toast(f"Saved {plain(reviewer)}'s note on {side}")
            for note in notes[c.image_id]:
                shown = "★" * (note.rating or 0) + "☆" * (5 - (note.rating or 0))
                st.caption(f"{plain(note.reviewer) or 'anonymous'}: {shown} {plain(', '.join(note.tags))} "
                           f"— {note.comment}")


def export_pair(runtime: Runtime, a: ImageChoice, b: ImageChoice) -> None:
    task = cache.task_runner().get(("like-for-like", a.facts.sha256, b.facts.sha256))
    done = task is not None and task.is_done and task.error is None
    computed = {(a.facts.sha256, b.facts.sha256): task.result()} if done and task else None
    review_pack_button(runtime, "Export review pack (zip: originals, manifest, metrics, offline "
                                "index.html)", image_ids=[a.image_id, b.image_id], key="cmp-export",
                       computed=computed)


def show_origins(store: HistoryStore, a: ImageChoice, b: ImageChoice) -> None:
    """What each image was made from: its prompt, its place in a conversation, the images sent."""
    for col, (side, choice) in zip(st.columns(2), (("A", a), ("B", b)), strict=True):
        with col:
            r = choice.result
            turn = (r.request.turn_index or 0) + 1
            where = (f"turn {turn} of a conversation (continues #{r.parent_id})" if r.parent_id
                     else "a new prompt")
            st.caption(f"{side}: #{r.id} · {platform_label(r.backend)} · {where}")
            st.text(r.request.prompt)
            inputs = r.request.inputs
            if not inputs:
                st.caption("No input images were sent with it.")
                continue
            for start in range(0, len(inputs), 4):
                for cell, (n, img) in zip(st.columns(4), enumerate(inputs[start:start + 4], start),
                                          strict=False):
                    with cell:
                        thumb = input_thumb(img, store.input_bytes)
                        if thumb is None:
                            st.caption("(no preview: file missing or not decodable here)")
                        else:
                            show_image(thumb)
                        st.caption(plain(f"{n + 1}. {img.name or 'image'} · "
                                         f"{format_name(img.mime)} · {human_bytes(img.size_bytes)}"
                                         f" · {img.width}×{img.height}"))
