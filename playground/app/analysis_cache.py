"""Cached analysis for the review pages: decoded originals, aligned pairs, metrics, heatmaps.

Keys are the images' SHA-256, so a pair is decoded and measured once per server, whoever asks;
the bytes come from the store (`store.original`), which alone knows where files live. Decoded
4K frames are ~50 MB each, so only a few are kept.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import streamlit as st
from PIL import Image

from playground.analysis import alignment, decoding, heatmap, metrics, reencode
from playground.analysis.breakdown import ByteBreakdown, byte_breakdown
from playground.domain.types import ImageFacts
from playground.history.store import HistoryStore
from playground.review.background import Progress, Task, TaskRunner


@st.cache_resource(max_entries=2, show_spinner=False)
def decoded(sha256: str, _store: HistoryStore, _image: ImageFacts) -> Image.Image:
    return decoding.decode_image(_store.original(_image), "The image")


@st.cache_resource(max_entries=2, show_spinner="Decoding and aligning the originals…")
def aligned(sha_a: str, sha_b: str, _store: HistoryStore, _a: ImageFacts,
            _b: ImageFacts) -> alignment.AlignedPair:
    """Both originals decoded once, in parallel (Pillow releases the GIL), and shared with the
    pixel-peeper through `decoded`; the larger is resized to the smaller."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        img_a = pool.submit(decoded, sha_a, _store, _a)
        img_b = pool.submit(decoded, sha_b, _store, _b)
        return alignment.align_images(img_a.result(), img_b.result())


@st.cache_data(max_entries=32, show_spinner="Measuring PSNR, SSIM and differences…")
def pair_metrics(sha_a: str, sha_b: str, _store: HistoryStore, _a: ImageFacts,
                 _b: ImageFacts) -> metrics.PairMetrics:
    return metrics.compare_aligned(aligned(sha_a, sha_b, _store, _a, _b))


@st.cache_data(max_entries=16, show_spinner="Drawing the difference heatmap…")
def pair_heatmap(sha_a: str, sha_b: str, amplification: float | None, _store: HistoryStore,
                 _a: ImageFacts, _b: ImageFacts) -> heatmap.Heatmap:
    pair = aligned(sha_a, sha_b, _store, _a, _b)
    return heatmap.difference_heatmap(pair.a, pair.b, amplification=amplification)


@st.cache_data(max_entries=64, show_spinner=False)
def breakdown(sha256: str, _store: HistoryStore, _image: ImageFacts) -> ByteBreakdown:
    return byte_breakdown(_store.original(_image))


@st.cache_resource
def task_runner() -> TaskRunner:
    return TaskRunner(workers=2)


def like_for_like_task(store: HistoryStore, a: ImageFacts, b: ImageFacts) -> Task:
    """Both images re-encoded the same way (~12 s at 4K), in the background, shared by key."""

    def work(progress: Progress, cancel: threading.Event) -> reencode.LikeForLike:
        progress(0, 1)
        result = reencode.like_for_like(store.original(a), store.original(b))
        progress(1, 1)
        return result

    return task_runner().submit(("like-for-like", a.sha256, b.sha256), work)
