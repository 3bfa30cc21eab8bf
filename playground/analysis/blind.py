"""Blind previews: two images made indistinguishable in everything but their pixels.

A blind-review vote must not be given away by the file (docs/decisions.md "Blind review"):
the format (AI Studio answers JPEG, Vertex PNG), the compression, the pixel size, metadata or
the file name. So the browser never gets an original: both sides are decoded, brought to the
same pixel size (the smaller of the two, at most `BLIND_MAX_SIDE`), and encoded by the same
encoder with the same settings (JPEG q90 4:4:4, no metadata). A 100 % view crops the same
part of the scene from both originals, at the smaller image's resolution, and encodes it
losslessly (PNG), so the artefacts each file really has are what the reviewer compares.
"""

from __future__ import annotations

import io

from PIL import Image

from playground.analysis.crops import Region, clamp_region, map_region
from playground.analysis.decoding import decode_image

BLIND_MAX_SIDE = 1024  # px: enough to judge, small enough for two at once on a laptop
BLIND_QUALITY = 90
CROP_SIDE = 384  # px of the 100 % view, per side
REGIONS = ("centre", "top-left", "top-right", "bottom-left", "bottom-right")


def common_size(size_a: tuple[int, int], size_b: tuple[int, int],
                max_side: int = BLIND_MAX_SIDE) -> tuple[int, int]:
    """The smaller image's size, scaled down to `max_side` on its longer side."""
    w, h = min(size_a, size_b, key=lambda s: s[0] * s[1])
    scale = min(1.0, max_side / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=BLIND_QUALITY, subsampling=0, optimize=False)
    return out.getvalue()


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG", compress_level=6)
    return out.getvalue()


def blind_previews(data_a: bytes, data_b: bytes,
                   max_side: int = BLIND_MAX_SIDE) -> tuple[bytes, bytes]:
    """Both images as JPEGs of one pixel size and one encoder setting, no metadata."""
    img_a, img_b = decode_image(data_a), decode_image(data_b)
    size = common_size(img_a.size, img_b.size, max_side)
    resized = [img.resize(size, Image.Resampling.LANCZOS) for img in (img_a, img_b)]
    return _jpeg(resized[0]), _jpeg(resized[1])


def region_of(name: str, size: tuple[int, int], side: int = CROP_SIDE) -> Region:
    w, h = size
    s = min(side, w, h)
    x = {"centre": (w - s) // 2, "top-left": 0, "bottom-left": 0}.get(name, w - s)
    y = {"centre": (h - s) // 2, "top-left": 0, "top-right": 0}.get(name, h - s)
    return clamp_region(Region(x, y, s, s), w, h)


def blind_crops(data_a: bytes, data_b: bytes, region: str = "centre",
                side: int = CROP_SIDE) -> tuple[bytes, bytes]:
    """The same part of both scenes at 100 % of the smaller image, as PNGs of one size."""
    if region not in REGIONS:
        raise ValueError(f"region must be one of {REGIONS}")
    img_a, img_b = decode_image(data_a), decode_image(data_b)
    small = min(img_a.size, img_b.size, key=lambda s: s[0] * s[1])
    box = region_of(region, small, side)
    out = []
    for img in (img_a, img_b):
        r = box if img.size == small else map_region(box, small, img.size)
        crop = img.crop(r.box)
        if crop.size != (box.w, box.h):
            crop = crop.resize((box.w, box.h), Image.Resampling.LANCZOS)
        out.append(_png(crop))
    return out[0], out[1]
