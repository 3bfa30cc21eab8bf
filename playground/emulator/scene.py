"""Synthesis of a plausible "rendered" landscape as a numpy RGB array.

The scene (sky gradient, sun, clouds, three hill layers, houses and trees, film grain) is a pure
function of a 64-bit scene seed, so one request gives the same pixels on both platforms and only
the encoding differs. Layout is in fractions of the frame, so 1K and 4K of one request show the
same picture.

Speed (a cold 4K frame must leave room for encoding within the 2 s budget): sky, hills and the
flat shapes are drawn as one-byte palette indices; Pillow expands them to RGB in C; the grain is
added while copying out of Pillow's buffer, from a precomputed tile (never 17 M fresh random
numbers); the soft sun and clouds only touch their bounding boxes. The grain is constant over
vertical pairs of rows, so every other PNG "Up"-filtered row is nearly all zeros — invisible at
these resolutions, and it lets deflate's run-length mode skip half the frame. See
benchmarks/emulator_render.py for the timings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

#: Grain amplitude: every pixel gets +0…GRAIN; scene colours stay ≤ 255 - GRAIN so the add never
#: overflows (no clip pass). It sets photo-like entropy: a 4K PNG lands in the 10–25 MB range,
#: a 4K JPEG at q95 at a few MB.
GRAIN = 10
_CEILING = 255 - GRAIN
#: The grain tile is wider than any catalogue frame (12288 px), so no row repeats itself within
#: deflate's 32 KB window (a narrow tile would let PNG compress the grain away).
_TILE_ROWS, _TILE_COLS = 258, 12301
_BANDS = 62  # vertical colour bands per layer: 4 layers × 62 = 248 palette entries…
_WALLS, _ROOFS, _TRUNK, _CROWN = 248, 250, 252, 253  # …then the flat shape colours

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    sky_top: RGB
    horizon: RGB
    sun: RGB
    hills: tuple[RGB, RGB, RGB]
    accents: tuple[RGB, RGB]


_PALETTES = (
    Palette((38, 84, 160), (236, 196, 150), (250, 236, 190),
            ((92, 120, 88), (64, 98, 66), (40, 72, 46)), ((178, 64, 52), (226, 180, 70))),
    Palette((20, 32, 86), (232, 120, 96), (250, 210, 140),
            ((96, 74, 110), (70, 54, 92), (44, 36, 66)), ((230, 200, 120), (120, 180, 200))),
    Palette((110, 170, 220), (220, 232, 240), (250, 250, 232),
            ((120, 150, 80), (90, 128, 60), (60, 96, 44)), ((200, 80, 60), (70, 90, 160))),
    Palette((60, 40, 100), (240, 170, 110), (250, 226, 170),
            ((150, 96, 70), (118, 72, 56), (80, 50, 44)), ((70, 140, 120), (230, 220, 200))),
)


def render_scene(width: int, height: int, scene_seed: int, *, variant: int = 0) -> np.ndarray:
    """The RGB uint8 frame (height, width, 3) for one scene.

    `variant` > 0 gives a rougher draft of the same scene (fewer clouds and shapes, other grain).
    """
    rnd = random.Random(scene_seed)
    palette = _PALETTES[rnd.randrange(len(_PALETTES))]
    index = _sky_and_hills(width, height, rnd)
    _paint_shapes(index, rnd, count=2 if variant else 5)
    img = _expand_with_grain(index, _lookup_table(palette), random.Random(scene_seed + variant))
    _paint_sun(img, palette, rnd)
    _paint_clouds(img, rnd, count=2 if variant else 4)
    return img


def _sky_and_hills(width: int, height: int, rnd: random.Random) -> np.ndarray:
    """Palette indices: (hill layers above the pixel) × _BANDS + (its vertical band)."""
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)
    rows = np.arange(height, dtype=np.float32)[:, None]
    layer = np.zeros((height, width), dtype=np.uint8)
    for depth in range(3):
        ridge = np.full(width, 0.55 + 0.12 * depth, dtype=np.float32)
        for octave in (1, 2, 5):
            phase, amp = rnd.uniform(0, 6.283), rnd.uniform(0.02, 0.06) / octave
            ridge += amp * np.sin(6.283 * octave * (x + 0.3 * depth) + phase)
        layer += rows >= (ridge * height)[None, :]
    band = (np.arange(height, dtype=np.int64) * _BANDS // height).astype(np.uint8)[:, None]
    layer *= np.uint8(_BANDS)
    layer += band
    return layer


def _lookup_table(palette: Palette) -> np.ndarray:
    t = ((np.arange(_BANDS, dtype=np.float32) + 0.5) / _BANDS)[:, None]
    sky = _clamp(palette.sky_top) * (1 - t**1.4) + _clamp(palette.horizon) * t**1.4
    hills = [_clamp(color) * (1.0 - 0.3 * t) for color in palette.hills]
    walls = [_clamp(color) for color in palette.accents]
    roofs = [_clamp(color) * 0.55 for color in palette.accents]
    shapes = [*walls, *roofs, _clamp((70, 48, 32)), _clamp((46, 110, 52)), *[_clamp((0, 0, 0))] * 2]
    return np.concatenate([sky, *hills, np.stack(shapes)]).astype(np.uint8)


def _clamp(color: RGB) -> np.ndarray:
    return np.minimum(np.asarray(color, dtype=np.float32), _CEILING)


def _expand_with_grain(index: np.ndarray, lut: np.ndarray, rnd: random.Random) -> np.ndarray:
    """Palette → RGB in Pillow, then one pass that copies out and adds the grain tile."""
    indexed = Image.fromarray(index, "P")
    indexed.putpalette(lut.tobytes())
    height, width = index.shape
    flat = np.frombuffer(indexed.convert("RGB").tobytes(), dtype=np.uint8).reshape(height, width, 3)
    tile = np.roll(_grain_tile(), (2 * rnd.randrange(_TILE_ROWS // 2), rnd.randrange(_TILE_COLS)),
                   (0, 1))
    img = np.empty_like(flat)
    for y in range(0, height, _TILE_ROWS):
        for x in range(0, width, _TILE_COLS):
            block = (slice(y, y + _TILE_ROWS), slice(x, x + _TILE_COLS))
            h, w = flat[block].shape[:2]
            np.add(flat[block], tile[:h, :w], out=img[block])
    return img


@lru_cache(maxsize=1)
def _grain_tile() -> np.ndarray:
    """Mostly-luma grain in 0…GRAIN (triangular distribution), equal on row pairs."""
    rng = np.random.default_rng(20260226)
    shape = (_TILE_ROWS // 2, _TILE_COLS, 1)
    luma = rng.integers(0, GRAIN // 2, size=shape, dtype=np.uint8, endpoint=True)
    luma += rng.integers(0, GRAIN // 2 - 1, size=shape, dtype=np.uint8, endpoint=True)
    chroma = rng.integers(0, 1, size=(_TILE_ROWS // 2, _TILE_COLS, 3), dtype=np.uint8,
                          endpoint=True)
    return np.repeat(luma + chroma, 2, axis=0)


# --- shapes: flat palette colours in the index image -----------------------------------------


def _box(shape: tuple[int, ...], cx: float, cy: float, rx: float,
         ry: float) -> tuple[slice, slice, np.ndarray, np.ndarray]:
    """Slices of the bounding box around (cx, cy) and coordinates in radii inside it."""
    height, width = shape[:2]
    y0, y1 = max(int(cy - ry), 0), min(int(cy + ry) + 1, height)
    x0, x1 = max(int(cx - rx), 0), min(int(cx + rx) + 1, width)
    ys = (np.arange(y0, y1, dtype=np.float32) - cy) / max(ry, 1.0)
    xs = (np.arange(x0, x1, dtype=np.float32) - cx) / max(rx, 1.0)
    return slice(y0, y1), slice(x0, x1), ys[:, None], xs[None, :]


def _paint_shapes(index: np.ndarray, rnd: random.Random, count: int) -> None:
    height, width = index.shape
    unit = min(width, height)
    for _ in range(count):
        cx, cy = width * rnd.uniform(0.05, 0.95), height * rnd.uniform(0.74, 0.9)
        accent = rnd.randrange(2)
        if rnd.random() < 0.5:
            _house(index, cx, cy, unit * rnd.uniform(0.03, 0.06), accent)
        else:
            _tree(index, cx, cy, unit * rnd.uniform(0.02, 0.045))


def _house(index: np.ndarray, cx: float, cy: float, half: float, accent: int) -> None:
    rows, cols, _, _ = _box(index.shape, cx, cy, half, half * 0.7)
    index[rows, cols] = _WALLS + accent
    rows, cols, ys, xs = _box(index.shape, cx, cy - half * 1.1, half * 1.2, half * 0.45)
    roof = (np.abs(xs) <= (ys + 1) / 2) & (ys <= 1)
    index[rows, cols][roof] = _ROOFS + accent


def _tree(index: np.ndarray, cx: float, cy: float, radius: float) -> None:
    rows, cols, _, _ = _box(index.shape, cx, cy + radius, radius * 0.18, radius * 1.2)
    index[rows, cols] = _TRUNK
    rows, cols, ys, xs = _box(index.shape, cx, cy - radius * 0.4, radius, radius)
    index[rows, cols][(ys * ys + xs * xs) <= 1] = _CROWN


# --- soft light: blended in RGB, box by box --------------------------------------------------


def _blend(region: np.ndarray, color: np.ndarray, alpha: np.ndarray) -> None:
    alpha3 = alpha[..., None]
    region[:] = (region * (1 - alpha3) + color * alpha3).astype(np.uint8)


def _paint_sun(img: np.ndarray, palette: Palette, rnd: random.Random) -> None:
    height, width = img.shape[:2]
    radius = min(width, height) * rnd.uniform(0.04, 0.07)
    cx, cy = width * rnd.uniform(0.15, 0.85), height * rnd.uniform(0.12, 0.35)
    rows, cols, ys, xs = _box(img.shape, cx, cy, radius * 2, radius * 2)
    dist = np.sqrt(ys * ys + xs * xs) * 2  # in sun radii
    alpha = np.clip(1.2 - dist, 0, 1) + 0.4 * np.clip(1 - dist / 2, 0, 1) ** 2
    _blend(img[rows, cols], _clamp(palette.sun), np.clip(alpha, 0, 1))


def _paint_clouds(img: np.ndarray, rnd: random.Random, count: int) -> None:
    height, width = img.shape[:2]
    for _ in range(count):
        rx, ry = width * rnd.uniform(0.06, 0.14), height * rnd.uniform(0.025, 0.05)
        cx, cy = width * rnd.uniform(0, 1), height * rnd.uniform(0.08, 0.4)
        rows, cols, ys, xs = _box(img.shape, cx, cy, rx, ry)
        alpha = np.clip(1 - (ys * ys + xs * xs), 0, 1) * rnd.uniform(0.35, 0.6)
        _blend(img[rows, cols], _clamp((244, 244, 248)), alpha)


# --- the "EMULATED" mark ---------------------------------------------------------------------


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def stamp_mark(img: np.ndarray, text: str) -> None:
    """Draw `text` on a darkened box in the bottom-right corner, in place (touches only the box)."""
    stamp_label(img, text, corner="bottom-right")


def stamp_label(img: np.ndarray, text: str, *, corner: str) -> None:
    """Draw `text` on a darkened box in a corner ("bottom-right" or "top-left"), in place."""
    height, width = img.shape[:2]
    size = max(9, min(width, height) // 40)
    font = _font(size)
    left, top, right, bottom = font.getbbox(text)
    pad = max(2, size // 3)
    box_w = min(int(right - left) + 2 * pad, width)
    box_h = min(int(bottom - top) + 2 * pad, height)
    if corner == "top-left":
        y0, x0 = max(0, min(pad, height - box_h)), max(0, min(pad, width - box_w))
    else:
        y0, x0 = max(height - box_h - pad, 0), max(width - box_w - pad, 0)
    region = img[y0:y0 + box_h, x0:x0 + box_w]
    patch = Image.fromarray(region // 3)
    ImageDraw.Draw(patch).text((pad - left, pad - top), text, font=font, fill=(255, 255, 255))
    region[:] = np.asarray(patch)
