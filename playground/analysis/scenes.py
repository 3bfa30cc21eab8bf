"""Synthetic photo-like scenes for tests, benchmarks and demos (no binaries in the repo).

A scene mixes what makes real generated images hard to compress: smooth gradients (cheap),
hard-edged discs and stripes (ringing and blocking for JPEG) and per-pixel noise (what makes a
lossless PNG large). `noise` is the standard deviation in 8-bit levels.
"""

from __future__ import annotations

import numpy as np


def photo_like_scene(width: int, height: int, *, noise: float = 4.0, seed: int = 0) -> np.ndarray:
    """An (height, width, 3) uint8 RGB array, deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    img = _gradients(width, height)
    _add_discs(img, rng, count=40)
    _add_stripes(img)
    if noise > 0:
        img += rng.standard_normal((height, width, 1), dtype=np.float32) * noise
        img += rng.standard_normal((height, width, 3), dtype=np.float32) * (noise / 2)
    return np.clip(img, 0, 255).astype(np.uint8)


def _gradients(width: int, height: int) -> np.ndarray:
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    img = np.empty((height, width, 3), np.float32)
    img[..., 0] = 120 + 80 * np.sin(x * 6.0) * np.cos(y * 4.0)
    img[..., 1] = 100 + 60 * np.cos((x + y) * 4.5)
    img[..., 2] = 140 + 70 * np.sin(y * 5.0 + x * 2.0)
    return img


def _add_discs(img: np.ndarray, rng: np.random.Generator, count: int) -> None:
    height, width = img.shape[:2]
    for _ in range(count):
        r = int(rng.integers(max(1, width // 50), max(2, width // 8)))
        cx, cy = int(rng.integers(0, width)), int(rng.integers(0, height))
        x0, x1 = max(0, cx - r), min(width, cx + r + 1)
        y0, y1 = max(0, cy - r), min(height, cy + r + 1)
        if x0 >= x1 or y0 >= y1:
            continue
        yy, xx = np.ogrid[y0:y1, x0:x1]
        mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
        colour = rng.uniform(0, 255, 3).astype(np.float32)
        patch = img[y0:y1, x0:x1]
        patch[mask] = 0.5 * patch[mask] + 0.5 * colour


def _add_stripes(img: np.ndarray) -> None:
    """A band of fine black/white stripes, like text or fabric: the worst case for JPEG."""
    height, width = img.shape[:2]
    y0, y1 = height // 3, height // 3 + max(1, height // 12)
    x0, x1 = width // 10, width // 2
    period = max(2, width // 512)
    stripes = (np.arange(x1 - x0) // period) % 2 * 200.0 + 25.0
    img[y0:y1, x0:x1] = stripes[None, :, None]


def uniform_scene(width: int, height: int, value: int = 100) -> np.ndarray:
    """A flat grey image; known answers for MAD and PSNR are easy to compute on it."""
    return np.full((height, width, 3), value, dtype=np.uint8)
