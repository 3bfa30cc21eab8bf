"""Where a difference sits: grid cells and quarters described in words a person can find."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_ROW_WORDS = ("top", "middle", "bottom")
_COL_WORDS = ("left", "centre", "right")
CONCENTRATED_SHARE = 0.40  # a quarter holding ≥ 40 % of the difference "concentrates" it


@dataclass(frozen=True)
class Hotspot:
    row: int  # 0-based grid row
    col: int  # 0-based grid column
    mad: float  # mean |A−B| in this cell, 0–255
    share: float  # this cell's part of the whole image's difference, 0–1
    description: str  # "row 2 of 8, column 7 of 8 (top-right)"


def position_words(row: int, col: int, rows: int, cols: int) -> str:
    """'top-left', 'top', 'centre', 'bottom-right', … from a cell's centre."""
    v = _ROW_WORDS[min(2, int(3 * (row + 0.5) / rows))]
    h = _COL_WORDS[min(2, int(3 * (col + 0.5) / cols))]
    if v == "middle":
        return "centre" if h == "centre" else h
    return v if h == "centre" else f"{v}-{h}"


def describe_cell(row: int, col: int, rows: int, cols: int) -> str:
    return (f"row {row + 1} of {rows}, column {col + 1} of {cols} "
            f"({position_words(row, col, rows, cols)})")


def top_hotspots(grid: Sequence[Sequence[float]], count: int = 3) -> list[Hotspot]:
    """The `count` cells with the largest mean difference; empty when the images are equal."""
    rows, cols = len(grid), len(grid[0]) if grid else 0
    total = sum(sum(r) for r in grid)
    if total <= 0:
        return []
    cells = sorted(((v, r, c) for r, row in enumerate(grid) for c, v in enumerate(row)),
                   key=lambda t: (-t[0], t[1], t[2]))
    return [Hotspot(r, c, v, v / total, describe_cell(r, c, rows, cols))
            for v, r, c in cells[:count] if v > 0]


def quarter_shares(grid: Sequence[Sequence[float]]) -> dict[str, float]:
    """Share of the total difference in each quarter; a middle row/column is split half-half."""
    rows, cols = len(grid), len(grid[0])
    sums = {"top-left": 0.0, "top-right": 0.0, "bottom-left": 0.0, "bottom-right": 0.0}
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            for v_name, v_w in _halves(r, rows, ("top", "bottom")):
                for h_name, h_w in _halves(c, cols, ("left", "right")):
                    sums[f"{v_name}-{h_name}"] += value * v_w * h_w
    total = sum(sums.values())
    return {k: (v / total if total else 0.0) for k, v in sums.items()}


def _halves(index: int, n: int, names: tuple[str, str]) -> list[tuple[str, float]]:
    centre = (index + 0.5) / n
    if abs(centre - 0.5) < 1e-9:
        return [(names[0], 0.5), (names[1], 0.5)]
    return [(names[0] if centre < 0.5 else names[1], 1.0)]


def concentration_sentence(grid: Sequence[Sequence[float]]) -> str:
    if not grid or sum(sum(r) for r in grid) <= 0:
        return "The images are identical: there is no difference to locate."
    shares = quarter_shares(grid)
    name, share = max(shares.items(), key=lambda kv: kv[1])
    best = top_hotspots(grid, 1)[0]
    cell = (f"The largest cell difference is at {best.description}: {best.mad:.1f} levels "
            "on average.")
    if share >= CONCENTRATED_SHARE:
        return f"The difference concentrates in the {name} quarter ({share:.0%} of it). {cell}"
    return (f"The difference is spread out: no quarter holds more than {share:.0%} of it. "
            f"{cell}")
