"""Pixel-peeper crops: a region of the ORIGINAL image, enlarged without resampling blur.

Crops are encoded losslessly (PNG by default, lossless WebP on request) so that JPEG artefacts are
shown exactly as they are in the file. DEFAULT_CROP_SIDE keeps a 100 % view of two images under
PEEPER_BUDGET_BYTES on noisy photo-like content (measured in benchmarks/analysis_metrics.py and
docs/analysis.md); pure random noise, which no generator produces, would need 1.5 MB.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from playground.analysis.decoding import decode_image
from playground.analysis.hotspots import top_hotspots

DEFAULT_CROP_SIDE = 512
PEEPER_BUDGET_BYTES = 1_000_000
ZOOMS = (1, 2)


@dataclass(frozen=True)
class Region:
    """A rectangle in pixel coordinates of one image: left, top, width, height."""

    x: int
    y: int
    w: int
    h: int

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.x, self.y, self.x + self.w, self.y + self.h


def clamp_region(region: Region, width: int, height: int) -> Region:
    """Shrink to the image if larger, then slide inside it; never empty."""
    w = max(1, min(region.w, width))
    h = max(1, min(region.h, height))
    x = min(max(0, region.x), width - w)
    y = min(max(0, region.y), height - h)
    return Region(x, y, w, h)


def map_region(region: Region, from_size: tuple[int, int], to_size: tuple[int, int]) -> Region:
    """The same part of the scene in an image of another size (coordinates scaled per axis)."""
    sx, sy = to_size[0] / from_size[0], to_size[1] / from_size[1]
    x0, y0 = round(region.x * sx), round(region.y * sy)
    x1, y1 = round((region.x + region.w) * sx), round((region.y + region.h) * sy)
    return clamp_region(Region(x0, y0, max(1, x1 - x0), max(1, y1 - y0)), *to_size)


def crop_image(img: Image.Image, region: Region, zoom: int = 1, fmt: str = "PNG") -> bytes:
    """Crop a decoded image (RGB) and enlarge it `zoom`× with NEAREST: each pixel a block."""
    if zoom not in ZOOMS:
        raise ValueError(f"zoom must be one of {ZOOMS}, not {zoom}")
    region = clamp_region(region, *img.size)
    crop = img.crop(region.box)
    if zoom != 1:
        crop = crop.resize((region.w * zoom, region.h * zoom), Image.Resampling.NEAREST)
    return encode_lossless(crop, fmt)


def crop_region(data: bytes, x: int, y: int, w: int, h: int, zoom: int = 1,
                fmt: str = "PNG") -> bytes:
    """Crop from the original bytes (decoded with alpha on white, as everywhere in the app)."""
    return crop_image(decode_image(data), Region(x, y, w, h), zoom, fmt)


def encode_lossless(img: Image.Image, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    if fmt.upper() == "WEBP":
        img.save(out, "WEBP", lossless=True, quality=50, method=4)
    else:
        img.save(out, "PNG", compress_level=6)
    return out.getvalue()


def view_region(width: int, height: int, cx: int, cy: int, zoom: int = 1,
                side: int = DEFAULT_CROP_SIDE) -> Region:
    """The source region around (cx, cy) that fills a side×side view at `zoom`."""
    src = max(1, side // zoom)
    return clamp_region(Region(cx - src // 2, cy - src // 2, src, src), width, height)


def region_presets(width: int, height: int, *, side: int = DEFAULT_CROP_SIDE,
                   zoom: int = 1, grid: Sequence[Sequence[float]] | None = None
                   ) -> dict[str, Region]:
    """Named regions: centre, the four corners and, given a difference grid, 'busiest'."""
    src = max(1, side // zoom)
    presets = {
        "centre": view_region(width, height, width // 2, height // 2, zoom, side),
        "top-left": clamp_region(Region(0, 0, src, src), width, height),
        "top-right": clamp_region(Region(width - src, 0, src, src), width, height),
        "bottom-left": clamp_region(Region(0, height - src, src, src), width, height),
        "bottom-right": clamp_region(Region(width - src, height - src, src, src), width,
                                     height),
    }
    hot = top_hotspots(grid, 1) if grid else []
    if hot:
        rows, cols = len(grid or []), len(grid[0]) if grid else 1
        cx = int((hot[0].col + 0.5) * width / cols)
        cy = int((hot[0].row + 0.5) * height / rows)
        presets["busiest"] = view_region(width, height, cx, cy, zoom, side)
    return presets


@dataclass(frozen=True)
class PeeperView:
    """The same scene region from two images, ready to show side by side."""

    a: bytes
    b: bytes
    region_a: Region
    region_b: Region
    zoom: int
    mime: str

    @property
    def total_bytes(self) -> int:
        return len(self.a) + len(self.b)

    @property
    def is_within_budget(self) -> bool:
        return self.total_bytes <= PEEPER_BUDGET_BYTES


def peeper_view(img_a: Image.Image, img_b: Image.Image, region_a: Region, zoom: int = 1,
                fmt: str = "PNG") -> PeeperView:
    """Crop `region_a` from A and the matching region (scaled coordinates) from B.

    Takes decoded images so a caller can cache the decode (0.4 s for a 4K PNG) across moves.
    """
    region_a = clamp_region(region_a, *img_a.size)
    region_b = map_region(region_a, img_a.size, img_b.size)
    mime = "image/webp" if fmt.upper() == "WEBP" else "image/png"
    return PeeperView(crop_image(img_a, region_a, zoom, fmt), crop_image(img_b, region_b, zoom, fmt),
                      region_a, region_b, zoom, mime)
