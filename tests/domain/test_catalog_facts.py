"""Catalog facts checked against literal values copied from Google's published tables
(docs/wire-notes.md "Dimensions", "Prices"), never against the tables the code uses: a 4:5 @ 1K
height changed from 1152 to 1168, or Pro 4K billed as 1120 tokens, must fail here."""

from __future__ import annotations

import pytest

from playground.domain import catalog

# ratio: 512, 1K, 2K, 4K — Gemini 3.1 Flash Image, as published (21:9 @ 512 is 792×168 there).
FLASH31 = """
1:1  512x512  1024x1024 2048x2048 4096x4096
2:3  424x632  848x1264  1696x2528 3392x5056
3:2  632x424  1264x848  2528x1696 5056x3392
3:4  448x600  896x1200  1792x2400 3584x4800
4:3  600x448  1200x896  2400x1792 4800x3584
4:5  464x576  928x1152  1856x2304 3712x4608
5:4  576x464  1152x928  2304x1856 4608x3712
9:16 384x688  768x1376  1536x2752 3072x5504
16:9 688x384  1376x768  2752x1536 5504x3072
21:9 792x168  1584x672  3168x1344 6336x2688
1:4  256x1024 512x2048  1024x4096 2048x8192
4:1  1024x256 2048x512  4096x1024 8192x2048
1:8  192x1536 384x3072  768x6144  1536x12288
8:1  1536x192 3072x384  6144x768  12288x1536
"""
SIZES = ("512", "1K", "2K", "4K")
FLASH25 = {"1:1": (1024, 1024), "2:3": (832, 1248), "3:2": (1248, 832), "3:4": (864, 1184),
           "4:3": (1184, 864), "4:5": (896, 1152), "5:4": (1152, 896), "9:16": (768, 1344),
           "16:9": (1344, 768), "21:9": (1536, 672)}
IMAGEN = {("1:1", "1K"): (1024, 1024), ("3:4", "1K"): (896, 1280), ("4:3", "1K"): (1280, 896),
          ("9:16", "1K"): (768, 1408), ("16:9", "1K"): (1408, 768), ("1:1", "2K"): (2048, 2048),
          ("3:4", "2K"): (1792, 2560), ("4:3", "2K"): (2560, 1792), ("9:16", "2K"): (1536, 2816),
          ("16:9", "2K"): (2816, 1536)}
STANDARD = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")


def published_flash31() -> dict[tuple[str, str], tuple[int, int]]:
    cells = {}
    for line in FLASH31.strip().splitlines():
        ratio, *dims = line.split()
        for size, wh in zip(SIZES, dims, strict=True):
            w, h = wh.split("x")
            cells[(ratio, size)] = (int(w), int(h))
    return cells


def cases() -> list[tuple[str, str, str, tuple[int, int]]]:
    flash = published_flash31()
    out = [(m, r, s, d) for (r, s), d in flash.items()
           for m in ("gemini-3.1-flash-image", "gemini-3.1-flash-image-preview")]
    out += [(m, r, s, flash[(r, s)]) for r in STANDARD for s in ("1K", "2K", "4K")
            for m in ("gemini-3-pro-image", "gemini-3-pro-image-preview")]
    out += [("gemini-3.1-flash-lite-image", r, "1K", flash[(r, "1K")])
            for r in sorted({ratio for ratio, _ in flash})]
    out += [("gemini-2.5-flash-image", r, "1K", d) for r, d in FLASH25.items()]
    out += [("imagen-4.0-generate-001", r, s, d) for (r, s), d in IMAGEN.items()]
    # Nano Banana 2.1: no published table; assumed equal to 3.1 Flash at 1K/2K/4K (UNCONFIRMED).
    out += [("gemini-nano-banana-2.1", r, s, flash[(r, s)]) for (r, s) in flash if s != "512"]
    return out


@pytest.mark.parametrize(("model", "ratio", "size", "dims"), cases())
def test_every_dimension_cell(model: str, ratio: str, size: str, dims: tuple[int, int]) -> None:
    assert catalog.dimensions_for(model, ratio, size) == dims


def test_no_cell_beyond_the_published_ones() -> None:
    counts = {m: len(catalog.MODELS[m].dimensions) for m in catalog.MODELS}
    assert counts["gemini-3.1-flash-image"] == 14 * 4
    assert counts["gemini-3-pro-image"] == 10 * 3
    assert counts["gemini-2.5-flash-image"] == 10
    assert counts["gemini-nano-banana-2.1"] == 14 * 3
    assert counts["gemini-3.1-flash-lite-image"] == 14


@pytest.mark.parametrize(("model", "size", "tokens"), [
    ("gemini-3-pro-image", "1K", 1120), ("gemini-3-pro-image", "2K", 1120),
    ("gemini-3-pro-image", "4K", 2000), ("gemini-3-pro-image-preview", "4K", 2000),
    ("gemini-3.1-flash-image", "512", 747), ("gemini-3.1-flash-image", "1K", 1120),
    ("gemini-3.1-flash-image", "2K", 1680), ("gemini-3.1-flash-image", "4K", 2520),
    ("gemini-3.1-flash-lite-image", "1K", 1120), ("gemini-2.5-flash-image", "1K", 1290),
    ("gemini-nano-banana-2.1", "1K", 1120), ("gemini-nano-banana-2.1", "4K", 3780),
])
def test_image_tokens_per_size(model: str, size: str, tokens: int) -> None:
    assert catalog.image_tokens_for(model, size) == tokens


@pytest.mark.parametrize(("model", "size", "usd"), [
    ("gemini-3-pro-image", "1K", 0.1344), ("gemini-3-pro-image", "4K", 0.24),
    ("gemini-3.1-flash-image", "512", 0.04482), ("gemini-3.1-flash-image", "1K", 0.0672),
    ("gemini-3.1-flash-image", "2K", 0.1008), ("gemini-3.1-flash-image", "4K", 0.1512),
    ("gemini-3.1-flash-lite-image", "1K", 0.0336), ("gemini-2.5-flash-image", "1K", 0.0387),
    ("gemini-nano-banana-2.1", "1K", 0.0336), ("gemini-nano-banana-2.1", "4K", 0.1134),
    ("imagen-4.0-fast-generate-001", "1K", 0.02), ("imagen-4.0-ultra-generate-001", "1K", 0.06),
])
def test_price_per_image(model: str, size: str, usd: float) -> None:
    assert catalog.list_price_per_image(model, size) == pytest.approx(usd, abs=1e-6)


def test_nano_banana_21_facts() -> None:
    info = catalog.MODELS["gemini-nano-banana-2.1"]
    assert "image" not in info.id  # nothing may select image models by name
    assert info.sizes == ("1K", "2K", "4K") and len(info.ratios) == 14
    assert info.thinking_levels == ("minimal", "medium", "high")
    assert info.default_thinking_level == "medium"
    assert info.offer("aistudio").since == "2026-10-06"


@pytest.mark.parametrize(("model", "platform", "day", "state"), [
    ("gemini-3.1-flash-image", "aistudio", "2026-10-05", "available"),
    ("gemini-3.1-flash-image", "aistudio", "2026-12-01", "deprecated"),  # shutdown only reported
    ("gemini-2.5-flash-image", "aistudio", "2026-09-20", "restricted"),
    ("gemini-2.5-flash-image", "aistudio", "2026-10-02", "shut down"),
    ("gemini-2.5-flash-image", "vertex", "2026-12-01", "available"),
    ("gemini-nano-banana-2.1", "aistudio", "2026-10-05", "not yet"),
    ("imagen-4.0-generate-001", "aistudio", "2026-08-17", "shut down"),
    ("imagen-4.0-generate-001", "vertex", "2026-06-29", "available"),
])
def test_lifecycle_on_a_day(model: str, platform: str, day: str, state: str) -> None:
    assert catalog.MODELS[model].state_on(platform, day) == state
