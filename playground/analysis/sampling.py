"""Fast quality scores for the compression sweep: SSIM and PSNR on full-resolution tiles.

A sweep decodes and scores ~25 encodes of one image. Scoring the whole of a 4K image costs ~1 s
per point; downscaling first would be cheaper but averages away the very artefacts (blocking,
ringing, chroma bleed) the sweep is about. So large images are scored on a fixed, evenly spread
sample of full-resolution tiles: 16 tiles of 384×384 on a 4×4 grid (2.4 Mpx; 14 % of a 4096²
image). Images of up to 2.4 Mpx are scored whole. The error against whole-image SSIM is measured
in benchmarks/compression_sweep.py and written down in docs/analysis.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from playground.analysis.metrics import psnr_from_mse, ssim_luma, ssim_window

TILE_SIDE = 384
TILE_GRID = 4


@dataclass(frozen=True)
class Sampler:
    """Where to score: boxes (x0, y0, x1, y1) in full-resolution pixel coordinates."""

    width: int
    height: int
    boxes: tuple[tuple[int, int, int, int], ...]

    @property
    def is_whole_image(self) -> bool:
        return self.boxes == ((0, 0, self.width, self.height),)

    @property
    def sampled_pixels(self) -> int:
        return sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in self.boxes)

    def describe(self) -> str:
        if self.is_whole_image:
            where = "over the whole image"
        else:
            share = self.sampled_pixels / (self.width * self.height)
            where = (f"over {len(self.boxes)} full-resolution tiles of {TILE_SIDE}×{TILE_SIDE} "
                     f"spread on a {TILE_GRID}×{TILE_GRID} grid ({share:.0%} of the pixels; "
                     "mean of the per-tile SSIMs)")
        return (f"SSIM on luma (skimage, 7×7 uniform window, data_range 255) and RGB PSNR, "
                f"{where}.")

    def tiles(self, rgb: np.ndarray) -> list[np.ndarray]:
        return [rgb[y0:y1, x0:x1] for x0, y0, x1, y1 in self.boxes]


def make_sampler(width: int, height: int, *, tile: int = TILE_SIDE,
                 grid: int = TILE_GRID) -> Sampler:
    if width * height <= grid * grid * tile * tile or width < grid * tile or \
            height < grid * tile:
        return Sampler(width, height, ((0, 0, width, height),))
    boxes = []
    for row in range(grid):
        for col in range(grid):
            cx = int((col + 0.5) * width / grid)
            cy = int((row + 0.5) * height / grid)
            x0, y0 = cx - tile // 2, cy - tile // 2
            boxes.append((x0, y0, x0 + tile, y0 + tile))
    return Sampler(width, height, tuple(boxes))


def sampled_scores(reference_tiles: list[np.ndarray], test: np.ndarray,
                   sampler: Sampler) -> tuple[float | None, float]:
    """(SSIM, PSNR dB) of `test` (full (H, W, 3) uint8) against the reference tiles."""
    ssims: list[float] = []
    squared, count = 0.0, 0
    for ref, got in zip(reference_tiles, sampler.tiles(test), strict=True):
        d = ref.astype(np.int32) - got.astype(np.int32)
        tile_squared = float(np.sum(d * d, dtype=np.int64))
        squared += tile_squared
        count += d.size
        win = ssim_window(ref.shape[1], ref.shape[0])
        if win is not None:
            ssims.append(1.0 if tile_squared == 0 else ssim_luma(ref, got, win=win, workers=1))
    ssim = float(np.mean(ssims)) if ssims else None
    return ssim, psnr_from_mse(squared / count) if count else math.inf
