"""An amplified, colour-mapped |A−B| picture at preview size, with the scale to print beside it.

Each heatmap pixel is the mean |A−B| (averaged over R, G and B) of the source pixels it covers:
downscaling averages (box filter) rather than taking maxima, so a heatmap pixel is a local mean
absolute difference and its colour can be read against the printed scale.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from playground.domain.imaging import PREVIEW_MAX_SIDE

DEFAULT_AMPLIFICATION = 8.0
MAX_AUTO_AMPLIFICATION = 64.0
AUTO_PERCENTILE = 99.0
# black → indigo → red → orange → white; perceptually ordered, readable on a dark or light page
_ANCHORS = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
_COLOURS = np.array([(0, 0, 0), (58, 12, 120), (190, 36, 72), (250, 150, 24), (255, 255, 255)],
                    dtype=np.float64)


@dataclass(frozen=True)
class Heatmap:
    image: bytes  # encoded heatmap
    mime: str  # "image/png" or "image/jpeg"
    width: int
    height: int
    amplification: float  # colour position = |A−B| × amplification / 255
    full_scale_levels: float  # a difference of this many levels (or more) shows white
    scale_text: str  # the legend, e.g. "white = ≥ 32 levels of difference (×8 amplification)"


def colormap_lut() -> np.ndarray:
    """(256, 3) uint8 lookup table from the anchor colours (no matplotlib)."""
    x = np.linspace(0.0, 1.0, 256)
    return np.stack([np.interp(x, _ANCHORS, _COLOURS[:, c]) for c in range(3)], axis=1).round(
    ).astype(np.uint8)


def difference_heatmap(a: np.ndarray, b: np.ndarray, *, amplification: float | None =
                       DEFAULT_AMPLIFICATION, max_side: int = PREVIEW_MAX_SIDE,
                       fmt: str = "JPEG") -> Heatmap:
    """Heatmap of two aligned uint8 RGB arrays. amplification=None scales so that the 99th
    percentile of the (downscaled) difference maps to white, capped at ×64."""
    diff = mean_abs_difference(a, b)
    small = _downscale_mean(diff, max_side)
    gain = amplification if amplification is not None else auto_amplification(small)
    levels = np.clip(small * gain, 0, 255).round().astype(np.uint8)
    rgb = colormap_lut()[levels]
    data, mime = _encode(rgb, fmt)
    full = 255.0 / gain
    return Heatmap(data, mime, rgb.shape[1], rgb.shape[0], gain, full,
                   scale_text(gain, full, is_auto=amplification is None))


def mean_abs_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(H, W) float32: |A−B| averaged over the channels, 0–255."""
    if a.shape != b.shape:
        raise ValueError(f"arrays differ in shape: {a.shape} vs {b.shape}; align them first")
    d = np.abs(a.astype(np.int16) - b.astype(np.int16)).sum(axis=2, dtype=np.int16)
    return d.astype(np.float32) / np.float32(a.shape[2] if a.ndim == 3 else 1)


def auto_amplification(diff: np.ndarray) -> float:
    p = float(np.percentile(diff, AUTO_PERCENTILE)) if diff.size else 0.0
    if p <= 0:
        return 1.0
    return float(min(MAX_AUTO_AMPLIFICATION, max(1.0, 255.0 / p)))


def scale_text(gain: float, full_scale_levels: float, *, is_auto: bool) -> str:
    how = f"auto-scaled so the {AUTO_PERCENTILE:.0f}th percentile is white" if is_auto else ""
    amp = f"×{gain:.3g} amplification" + (f", {how}" if how else "")
    return (f"black = identical, white = ≥ {full_scale_levels:.3g} levels of difference "
            f"({amp}); each pixel is the mean |A−B| over R, G, B of the area it covers.")


def _downscale_mean(diff: np.ndarray, max_side: int) -> np.ndarray:
    height, width = diff.shape
    scale = max_side / max(height, width)
    if scale >= 1:
        return diff
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(Image.fromarray(diff).resize(size, Image.Resampling.BOX))


def _encode(rgb: np.ndarray, fmt: str) -> tuple[bytes, str]:
    out = io.BytesIO()
    img = Image.fromarray(rgb)
    if fmt.upper() == "JPEG":
        img.save(out, "JPEG", quality=90)
        return out.getvalue(), "image/jpeg"
    img.save(out, "PNG", compress_level=6)
    return out.getvalue(), "image/png"
