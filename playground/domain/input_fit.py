"""Make an input image fit what the models take, only with the user's consent.

Never silent: the new image carries a note saying what was done and why, and the result shows
it. A type the models do not take (GIF, AVIF, …) becomes PNG; an image over the inline limit
becomes JPEG quality 90 (alpha composited on white, said in the note), then, if that is still
too large, is downscaled in steps of 15 % (Lanczos) until it fits.
"""

from __future__ import annotations

import io

from PIL import Image

from playground.domain.errors import ImageDataError
from playground.domain.imaging import format_name, open_image, to_rgb
from playground.domain.input_checks import INLINE_LIMIT_BYTES
from playground.domain.labels import human_bytes
from playground.domain.turns import INPUT_MIME_TYPES, InputImage, describe_input

FIT_JPEG_QUALITY = 90
STEP = 0.85


def needs_fit(img: InputImage, limit_bytes: int = INLINE_LIMIT_BYTES) -> bool:
    return img.mime not in INPUT_MIME_TYPES or img.size_bytes > limit_bytes


def fit_input(img: InputImage, limit_bytes: int = INLINE_LIMIT_BYTES) -> InputImage:
    """The image as it will be sent: unchanged when it already fits, else re-encoded."""
    if not needs_fit(img, limit_bytes):
        return img
    if img.data is None:
        raise ImageDataError("The image's bytes are not loaded; add it again.")
    if img.mime == "image/heif":
        raise ImageDataError(f"{img.name or 'The HEIC image'} is {human_bytes(img.size_bytes)}, "
                             "over the inline limit, and HEIC cannot be re-encoded here: export "
                             "it as JPEG and add that instead.")
    source = open_image(img.data)
    was = f"{human_bytes(img.size_bytes)} {format_name(img.mime)} ({source.width}×{source.height})"
    if img.mime not in INPUT_MIME_TYPES:
        data = _png(source)
        if len(data) <= limit_bytes:
            return _fitted(img, data, f"Re-encoded from {was} to PNG ({human_bytes(len(data))}): "
                                      f"the models do not take {format_name(img.mime)}.")
    rgb = to_rgb(source)
    alpha = " (transparency composited on white)" if rgb is not source and "A" in source.mode else ""
    frame, data = rgb, _jpeg(rgb)
    while len(data) > limit_bytes:
        frame = rgb.resize((max(1, int(frame.width * STEP)), max(1, int(frame.height * STEP))),
                           Image.Resampling.LANCZOS)
        data = _jpeg(frame)
    resized = f", downscaled to {frame.width}×{frame.height}" if frame.size != rgb.size else ""
    return _fitted(img, data, (
        f"Re-encoded from {was} to JPEG quality {FIT_JPEG_QUALITY}{resized}{alpha} "
        f"({human_bytes(len(data))}) to fit the {human_bytes(limit_bytes)} inline limit, as you "
        "allowed."))


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=FIT_JPEG_QUALITY)
    return out.getvalue()


def _fitted(img: InputImage, data: bytes, note: str) -> InputImage:
    return describe_input(data, name=img.name, source=img.source, source_ref=img.source_ref,
                          note=note)
