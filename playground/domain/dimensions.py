"""Pixel dimension tables per model × aspect ratio × size, as Google documents them.

Source: docs/wire-notes.md "Dimensions". The 21:9 @ 512 cell (792×168) is as published and
probably a typo (UNCONFIRMED); Nano Banana 2.1 has no published table and is assumed to follow
3.1 Flash's 1K/2K/4K columns (UNCONFIRMED).
"""

from __future__ import annotations

STANDARD_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
EXTREME_RATIOS = ("1:4", "4:1", "1:8", "8:1")

FLASH31_TABLE: dict[str, tuple[tuple[int, int], ...]] = {
    # ratio: (512, 1K, 2K, 4K)
    "1:1": ((512, 512), (1024, 1024), (2048, 2048), (4096, 4096)),
    "2:3": ((424, 632), (848, 1264), (1696, 2528), (3392, 5056)),
    "3:2": ((632, 424), (1264, 848), (2528, 1696), (5056, 3392)),
    "3:4": ((448, 600), (896, 1200), (1792, 2400), (3584, 4800)),
    "4:3": ((600, 448), (1200, 896), (2400, 1792), (4800, 3584)),
    "4:5": ((464, 576), (928, 1152), (1856, 2304), (3712, 4608)),
    "5:4": ((576, 464), (1152, 928), (2304, 1856), (4608, 3712)),
    "9:16": ((384, 688), (768, 1376), (1536, 2752), (3072, 5504)),
    "16:9": ((688, 384), (1376, 768), (2752, 1536), (5504, 3072)),
    "21:9": ((792, 168), (1584, 672), (3168, 1344), (6336, 2688)),
    "1:4": ((256, 1024), (512, 2048), (1024, 4096), (2048, 8192)),
    "4:1": ((1024, 256), (2048, 512), (4096, 1024), (8192, 2048)),
    "1:8": ((192, 1536), (384, 3072), (768, 6144), (1536, 12288)),
    "8:1": ((1536, 192), (3072, 384), (6144, 768), (12288, 1536)),
}
SIZE_COLUMNS = ("512", "1K", "2K", "4K")


def table(ratios: tuple[str, ...], sizes: tuple[str, ...]) -> dict[tuple[str, str], tuple[int, int]]:
    """The cells of the 3.1 Flash table for these ratios and sizes (Pro and Lite share them)."""
    return {
        (ratio, size): FLASH31_TABLE[ratio][SIZE_COLUMNS.index(size)]
        for ratio in ratios
        for size in sizes
    }


FLASH25_TABLE: dict[tuple[str, str], tuple[int, int]] = {
    (ratio, "1K"): dims
    for ratio, dims in zip(
        STANDARD_RATIOS,
        (
            (1024, 1024), (832, 1248), (1248, 832), (864, 1184), (1184, 864),
            (896, 1152), (1152, 896), (768, 1344), (1344, 768), (1536, 672),
        ),
        strict=True,
    )
}

IMAGEN_TABLE: dict[tuple[str, str], tuple[int, int]] = {
    ("1:1", "1K"): (1024, 1024), ("3:4", "1K"): (896, 1280), ("4:3", "1K"): (1280, 896),
    ("9:16", "1K"): (768, 1408), ("16:9", "1K"): (1408, 768),
    ("1:1", "2K"): (2048, 2048), ("3:4", "2K"): (1792, 2560), ("4:3", "2K"): (2560, 1792),
    ("9:16", "2K"): (1536, 2816), ("16:9", "2K"): (2816, 1536),
}
