"""Cached analysis for the review pages: decoded originals, aligned pairs, metrics, heatmaps.

Keys are the images' SHA-256, so a pair is decoded and measured once per server, whoever asks.
Decoded 4K frames are ~50 MB each, so only a few are kept.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import streamlit as st
from PIL import Image

from playground.analysis import alignment, decoding, heatmap, metrics, reencode
from playground.analysis.breakdown import ByteBreakdown, byte_breakdown
from playground.tasks import Progress, Task, TaskRunner


def read_original(path: str | None, label: str) -> bytes:
    if not path or not Path(path).is_file():
        raise decoding.AnalysisInputError(
            f"{label}'s original file is missing from the history folder.",
            hint="It was deleted on disk; pick another image or re-run the generation.")
    return Path(path).read_bytes()


@st.cache_resource(max_entries=2, show_spinner=False)
def decoded(sha256: str, path: str) -> Image.Image:
    return decoding.decode_image(read_original(path, "The image"), "The image")


@st.cache_resource(max_entries=2, show_spinner="Decoding and aligning the originals…")
def aligned(sha_a: str, path_a: str, sha_b: str, path_b: str) -> alignment.AlignedPair:
    """Both originals decoded once, in parallel (Pillow releases the GIL), and shared with the
    pixel-peeper through `decoded`; the larger is resized to the smaller."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        img_a = pool.submit(decoded, sha_a, path_a)
        img_b = pool.submit(decoded, sha_b, path_b)
        return alignment.align_images(img_a.result(), img_b.result())


@st.cache_data(max_entries=32, show_spinner="Measuring PSNR, SSIM and differences…")
def pair_metrics(sha_a: str, path_a: str, sha_b: str, path_b: str) -> metrics.PairMetrics:
    return metrics.compare_aligned(aligned(sha_a, path_a, sha_b, path_b))


@st.cache_data(max_entries=16, show_spinner="Drawing the difference heatmap…")
def pair_heatmap(sha_a: str, path_a: str, sha_b: str, path_b: str,
                 amplification: float | None) -> heatmap.Heatmap:
    pair = aligned(sha_a, path_a, sha_b, path_b)
    return heatmap.difference_heatmap(pair.a, pair.b, amplification=amplification)


@st.cache_data(max_entries=64, show_spinner=False)
def breakdown(sha256: str, path: str) -> ByteBreakdown:
    return byte_breakdown(read_original(path, "The image"))


@st.cache_resource
def task_runner() -> TaskRunner:
    return TaskRunner(workers=2)


def like_for_like_task(sha_a: str, path_a: str, sha_b: str, path_b: str) -> Task:
    """Both images re-encoded the same way (~12 s at 4K), in the background, shared by key."""

    def work(progress: Progress, cancel: threading.Event) -> reencode.LikeForLike:
        progress(0, 1)
        result = reencode.like_for_like(read_original(path_a, "Image A"),
                                        read_original(path_b, "Image B"))
        progress(1, 1)
        return result

    return task_runner().submit(("like-for-like", sha_a, sha_b), work)
