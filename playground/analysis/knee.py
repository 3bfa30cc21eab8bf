"""The knee of a curve: where spending more bytes stops buying much quality.

Max-distance-to-chord (the idea behind Kneedle, Satopää et al. 2011): sort the points by x,
normalise both axes to [0, 1], draw the chord from the first to the last point and pick the point
farthest from it. That works for a rising-then-flat curve (SSIM against bytes) and for a
falling-then-flat one alike. A curve that never bends (all points within `min_distance` of the
chord) has no knee.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MIN_DISTANCE = 0.05  # in normalised units; below this the curve is "straight enough"


def find_knee(xs: Sequence[float], ys: Sequence[float], *,
              min_distance: float = MIN_DISTANCE) -> int | None:
    """Index (into the caller's order) of the knee point, or None.

    None for fewer than 3 distinct points, a flat axis, or a curve with no clear bend.
    """
    if len(xs) != len(ys):
        raise ValueError("xs and ys must have the same length")
    x = np.asarray(xs, dtype=np.float64)
    y = np.asarray(ys, dtype=np.float64)
    finite = np.isfinite(x) & np.isfinite(y)
    order = [int(i) for i in np.argsort(x, kind="stable") if finite[i]]
    if len(order) < 3:
        return None
    xn, yn = _normalise(x[order]), _normalise(y[order])
    if xn is None or yn is None:
        return None
    distances = _distance_to_chord(xn, yn)
    best = int(np.argmax(distances))
    return order[best] if distances[best] >= min_distance else None


def _normalise(v: np.ndarray) -> np.ndarray | None:
    span = float(v.max() - v.min())
    return None if span <= 0 else (v - v.min()) / span


def _distance_to_chord(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Perpendicular distance of each point from the line through the first and last points."""
    dx, dy = x[-1] - x[0], y[-1] - y[0]
    length = float(np.hypot(dx, dy))
    return np.abs(dy * (x - x[0]) - dx * (y - y[0])) / length
