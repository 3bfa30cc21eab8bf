"""Bring two images to one pixel grid so they can be compared pixel by pixel.

Rule: if the sizes differ, the image with more pixels is resized (Lanczos) to the other's exact
W×H; on a tie B is resized to A. Downscaling the larger one never invents detail, and the note
says which side was touched. Different aspect ratios are still forced onto one grid, and the note
says that the metrics then compare distorted geometry.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from math import gcd

import numpy as np
from PIL import Image

from playground.analysis.decoding import decode_image, image_to_array

ASPECT_TOLERANCE = 0.005  # 0.5 %: 2752×1536 and 1376×768 count as the same shape


@dataclass(frozen=True)
class AlignedPair:
    """Two uint8 (H, W, 3) arrays on the same grid, plus what was done to get there."""

    a: np.ndarray
    b: np.ndarray
    size_a: tuple[int, int]  # original (width, height)
    size_b: tuple[int, int]
    resized: str | None  # "A", "B" or None
    is_aspect_different: bool
    note: str | None

    @property
    def size(self) -> tuple[int, int]:
        return int(self.a.shape[1]), int(self.a.shape[0])


def align_pair(data_a: bytes, data_b: bytes) -> AlignedPair:
    """Decode both images (in parallel: Pillow releases the GIL while decoding) and align."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        future_a = pool.submit(decode_image, data_a, "Image A")
        future_b = pool.submit(decode_image, data_b, "Image B")
        img_a, img_b = future_a.result(), future_b.result()
    return align_images(img_a, img_b)


def align_images(img_a: Image.Image, img_b: Image.Image) -> AlignedPair:
    size_a, size_b = img_a.size, img_b.size
    is_aspect_different = aspect_differs(size_a, size_b)
    resized: str | None = None
    if size_a != size_b:
        resized = "A" if size_a[0] * size_a[1] > size_b[0] * size_b[1] else "B"
        if resized == "A":
            img_a = img_a.resize(size_b, Image.Resampling.LANCZOS)
        else:
            img_b = img_b.resize(size_a, Image.Resampling.LANCZOS)
    note = alignment_note(size_a, size_b, resized, is_aspect_different)
    return AlignedPair(image_to_array(img_a), image_to_array(img_b), size_a, size_b, resized,
                       is_aspect_different, note)


def aspect_differs(size_a: tuple[int, int], size_b: tuple[int, int]) -> bool:
    ratio_a, ratio_b = size_a[0] / size_a[1], size_b[0] / size_b[1]
    return abs(ratio_a / ratio_b - 1.0) > ASPECT_TOLERANCE


def alignment_note(size_a: tuple[int, int], size_b: tuple[int, int], resized: str | None,
                   is_aspect_different: bool) -> str | None:
    """The sentence a UI prints above the metrics, or None when nothing was resized."""
    if resized is None:
        return None
    src, dst = (size_a, size_b) if resized == "A" else (size_b, size_a)
    other = "B" if resized == "A" else "A"
    note = (f"Image {resized} ({dims_text(src)}) was resized to {dims_text(dst)} to match "
            f"{other} for the comparison.")
    if is_aspect_different:
        note += (f" Their aspect ratios differ ({ratio_text(size_a)} for A, {ratio_text(size_b)} "
                 f"for B), so {resized} was stretched and the metrics compare distorted geometry.")
    return note


def dims_text(size: tuple[int, int]) -> str:
    return f"{size[0]}×{size[1]}"


def ratio_text(size: tuple[int, int]) -> str:
    """'16:9' when the reduced ratio is small, else '1.79:1'."""
    w, h = size
    g = gcd(w, h)
    if w // g <= 32 and h // g <= 32:
        return f"{w // g}:{h // g}"
    return f"{w / h:.2f}:1"
