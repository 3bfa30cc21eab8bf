"""Encoders with fixed, written-down settings, and the like-for-like re-encode of two images.

Like-for-like answers "how much of the size gap is the file format?": both images are decoded to
8-bit RGB (alpha on white) and written the same way, with no metadata:
- PNG: Pillow, zlib compress_level 6 (the zlib/Pillow default). optimize=True was 4–5 % smaller
  but 20–40 % slower (5504×3072 scene: 20.8 MB in 18.1 s against 21.8 MB in 13.1 s; noisier
  4096²: 28.8 MB in 5.8 s against 30.0 MB in 4.8 s, measured); a ratio between two images
  hardly moves, so the faster one wins.
- JPEG: quality 90, 4:2:0 chroma subsampling, baseline, no EXIF/ICC.
- matched JPEG, when at least one image is a JPEG: both encoded with that JPEG's own
  quantisation tables and chroma subsampling (the smaller file's, if both are JPEG). This asks
  "how big would A be had it come out of B's encoder?". It matters because re-compressing a
  decoded JPEG at a *different* quality is not neutral: the first encode's quantisation noise
  costs bits again (a 1376×768 q95 JPEG re-encoded at q90 came out 34 % larger than its PNG
  original re-encoded at q90, measured), while re-using the same tables is almost idempotent
  (+0.3 %).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image
from PIL.JpegImagePlugin import get_sampling

from playground.analysis.decoding import decode_image
from playground.domain import imaging

LIKE_JPEG_QUALITY = 90
PNG_COMPRESS_LEVEL = 6
WEBP_METHOD = 4  # libwebp's default speed/size trade-off (0 fastest … 6 smallest)
LIKE_FOR_LIKE_SETTINGS = (f"PNG (Pillow, zlib level {PNG_COMPRESS_LEVEL}) and JPEG quality "
                          f"{LIKE_JPEG_QUALITY} (4:2:0), both from 8-bit RGB with no metadata")


def encode_jpeg(img: Image.Image, quality: int, *, subsampling: str = "4:2:0") -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, subsampling=subsampling)
    return out.getvalue()


def encode_webp(img: Image.Image, quality: int, *, method: int = WEBP_METHOD) -> bytes:
    """Lossy WebP (quality 100 is still lossy; lossless WebP is a different mode)."""
    out = io.BytesIO()
    img.save(out, "WEBP", quality=quality, method=method)
    return out.getvalue()


def encode_png(img: Image.Image, *, optimize: bool = False) -> bytes:
    out = io.BytesIO()
    if optimize:
        img.save(out, "PNG", optimize=True)
    else:
        img.save(out, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue()


def encode(img: Image.Image, fmt: str, quality: int | None = None) -> bytes:
    """One entry point for the sweep: fmt is "JPEG", "WebP" or "PNG" (PNG ignores quality)."""
    name = fmt.upper()
    if name == "PNG":
        return encode_png(img, optimize=True)
    if quality is None:
        raise ValueError(f"{fmt} needs a quality")
    if name == "JPEG":
        return encode_jpeg(img, quality)
    if name == "WEBP":
        return encode_webp(img, quality)
    raise ValueError(f"unknown format {fmt!r}: use JPEG, WebP or PNG")


@dataclass(frozen=True)
class JpegSettings:
    """What a JPEG file was encoded with, enough to encode another image the same way."""

    qtables: dict[int, list[int]]
    subsampling: int  # Pillow's code: 0 = 4:4:4, 1 = 4:2:2, 2 = 4:2:0, -1 unknown


def jpeg_settings(data: bytes) -> JpegSettings | None:
    """Quantisation tables and subsampling from a JPEG header (None for other formats)."""
    if imaging.sniff_format(data) != "image/jpeg":
        return None
    try:
        with Image.open(io.BytesIO(data)) as img:
            tables = getattr(img, "quantization", None)
            return JpegSettings(dict(tables), get_sampling(img)) if tables else None
    except Exception:  # noqa: BLE001 - a header we cannot read simply gives no matched encode
        return None


def encode_jpeg_like(img: Image.Image, settings: JpegSettings) -> bytes:
    out = io.BytesIO()
    params: dict[str, object] = {"qtables": settings.qtables}
    if settings.subsampling >= 0:
        params["subsampling"] = settings.subsampling
    img.save(out, "JPEG", **params)
    return out.getvalue()


@dataclass(frozen=True)
class LikeForLike:
    """Both images re-encoded identically; sizes in bytes."""

    png_a: int
    png_b: int
    jpeg_a: int
    jpeg_b: int
    matched_a: int | None = None  # both encoded with the JPEG settings of `matched_to`
    matched_b: int | None = None
    matched_to: str | None = None  # "A" or "B"
    settings: str = LIKE_FOR_LIKE_SETTINGS

    @property
    def matched_ratio(self) -> float | None:
        if self.matched_a is None or not self.matched_b:
            return None
        return self.matched_a / self.matched_b

    @property
    def png_ratio(self) -> float:
        return self.png_a / self.png_b

    @property
    def jpeg_ratio(self) -> float:
        return self.jpeg_a / self.jpeg_b

    def sentence(self) -> str:
        text = (f"Re-encoded identically, A is {self.jpeg_ratio:.2f}× B as JPEG q"
                f"{LIKE_JPEG_QUALITY} and {self.png_ratio:.2f}× B as PNG.")
        if self.matched_ratio is not None:
            text += (f" Encoded with {self.matched_to}'s own JPEG tables and subsampling, A is "
                     f"{self.matched_ratio:.2f}× B.")
        return text


def like_for_like(data_a: bytes, data_b: bytes) -> LikeForLike:
    """Decode both and encode each as PNG, JPEG q90 and (if either is a JPEG) matched JPEG.

    Encodes run on two threads. Pillow's Image.save keeps its options on the Image object
    (`encoderinfo`), so two threads saving one Image race: every task gets its own copy.
    """
    img_a, img_b = decode_image(data_a, "Image A"), decode_image(data_b, "Image B")
    matched_to, settings = _matched_settings(data_a, data_b)
    tasks: list[tuple[Callable[..., bytes], Image.Image, tuple[object, ...]]] = [
        (encode_png, img_a, ()), (encode_png, img_b, ()),
        (encode_jpeg, img_a, (LIKE_JPEG_QUALITY,)), (encode_jpeg, img_b, (LIKE_JPEG_QUALITY,))]
    if settings is not None:
        tasks += [(encode_jpeg_like, img_a, (settings,)), (encode_jpeg_like, img_b, (settings,))]
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(fn, img.copy(), *args) for fn, img, args in tasks]
        sizes = [len(f.result()) for f in futures]
    has_matched = settings is not None
    return LikeForLike(png_a=sizes[0], png_b=sizes[1], jpeg_a=sizes[2], jpeg_b=sizes[3],
                       matched_a=sizes[4] if has_matched else None,
                       matched_b=sizes[5] if has_matched else None, matched_to=matched_to)


def _matched_settings(data_a: bytes, data_b: bytes) -> tuple[str | None, JpegSettings | None]:
    """Whose JPEG settings to copy: the only JPEG, or the smaller file when both are JPEGs."""
    a, b = jpeg_settings(data_a), jpeg_settings(data_b)
    if a and b:
        return ("A", a) if len(data_a) < len(data_b) else ("B", b)
    if a or b:
        return ("A", a) if a else ("B", b)
    return None, None
