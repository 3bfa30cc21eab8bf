"""The knee finder on synthetic curves whose knee is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.analysis.knee import find_knee


def test_piecewise_linear_corner() -> None:
    xs = list(range(11))
    ys = [min(x, 3) + 0.05 * max(0, x - 3) for x in xs]
    assert find_knee(xs, ys) == 3


def test_saturating_exponential_matches_the_analytic_knee() -> None:
    # y = 1 − e^(−x) on [0, 10]: the normalised distance to the chord peaks where
    # y'(x) = (y(10) − y(0)) / 10, i.e. x = ln(10 / (1 − e^−10)) ≈ 2.3026.
    xs = np.round(np.arange(0, 10.0001, 0.1), 10)
    ys = 1 - np.exp(-xs)
    knee = find_knee(xs.tolist(), ys.tolist())
    expected = math.log(10 / (1 - math.exp(-10)))
    assert xs[knee] == pytest.approx(expected, abs=0.05)


def test_falling_curve_has_the_same_knee() -> None:
    xs = np.round(np.arange(0, 10.0001, 0.1), 10)
    assert xs[find_knee(xs.tolist(), np.exp(-xs).tolist())] == pytest.approx(2.3, abs=0.05)


def test_bytes_against_ssim_curve() -> None:
    sizes = [100, 150, 220, 300, 420, 700, 1200, 2500]  # kB, q50 … q100
    ssims = [0.80, 0.88, 0.94, 0.970, 0.978, 0.983, 0.986, 0.988]
    assert find_knee(sizes, ssims) == 3


def test_input_order_does_not_matter() -> None:
    xs, ys = [5, 0, 3, 1, 10, 2], [3.1, 0, 3, 1, 3.35, 2]
    assert xs[find_knee(xs, ys)] == 3


@pytest.mark.parametrize(("xs", "ys"), [
    ([0, 1, 2, 3], [0, 1, 2, 3]),  # straight line: no bend
    ([0, 1], [0, 1]),  # too few points
    ([1, 1, 1], [0, 1, 2]),  # no spread in x
    ([0, 1, 2], [5, 5, 5]),  # flat
    ([0, 1, float("nan"), 3], [0, 1, 2, float("inf")]),  # only 2 finite points
    ([], []),
])
def test_no_knee(xs: list[float], ys: list[float]) -> None:
    assert find_knee(xs, ys) is None


def test_length_mismatch() -> None:
    with pytest.raises(ValueError):
        find_knee([1, 2, 3], [1, 2])
