"""An "edit" that visibly derives from the request's input image (docs/emulator.md "Edits").

The emulator has no model, so an edit is a deterministic transformation of the source — the
last image of the request (a user's input, or the model's own image replayed in a conversation):
the source cropped to the output's ratio and scaled to the requested size (no resampling when
the sizes already match), moved by up to 2 % of the frame in a direction taken from a hash of
the newest instruction (and the seed; the uncovered strip repeats the edge), given a colour cast
whose hue is a hash of the instruction, and labelled with the instruction's first words in the
top-left corner. render.py then stamps the EMULATED mark in the bottom-right corner as on every
image. A thread in demo mode therefore shows each turn building on the previous one: the frame
drifts, the casts mix, the label says which instruction made the turn.

The cast is `v + k·(tint − luma(tint))` per channel, k = a/(1−a) with a = TINT_ALPHA: the
result of blending the tint in at `a` and stretching the luminance back to full range, so a long
thread keeps its contrast; it is one lookup table in Pillow.

Sources the emulator cannot decode — a `fileData` URI (there is nothing to fetch offline), HEIC
or HEIF bytes (Pillow has no decoder), a truncated file — stand for "an image of unknown
content": a landscape drawn from a hash of the URI or of the bytes, then edited the same way.

Cost (benchmarks/emulator_render.py, docs/emulator.md "Edits"): one decode (JPEG with
libjpeg's DCT scaling when the source is larger than the output), a resize only when the sizes
differ, one lookup table, one copy into numpy. The render cache keys an edit by the source's
SHA-256, never by its bytes.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import warnings
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image, ImageOps

from playground.emulator.scene import render_scene, stamp_label

#: How strongly the instruction's colour is cast over the frame (drafts get half).
TINT_ALPHA = 0.22
#: The largest move, as a fraction of the frame's width and height.
MAX_SHIFT = 0.02
LABEL_WORDS = 6
LABEL_CHARS = 48


@dataclass(frozen=True)
class EditSource:
    """The image an edit starts from. Equality and hashing use `digest` (the SHA-256 of the
    decoded bytes, or of the `fileData` URI), the instruction and the seed, never the bytes."""

    digest: str
    instruction: str = ""  # text of the newest user turn
    seed: int | None = None  # generationConfig.seed: moves the framing, not the tint
    uri: str = ""  # a fileData source: nothing to decode
    data: bytes = field(default=b"", compare=False, hash=False, repr=False)

    def without_data(self) -> EditSource:
        """The same key without the bytes (what the render cache keeps)."""
        return replace(self, data=b"")


def label_for(instruction: str) -> str:
    """The instruction's first words, as drawn in the corner ("…" when cut)."""
    words = instruction.split()
    text, cut = " ".join(words[:LABEL_WORDS]), len(words) > LABEL_WORDS
    if len(text) > LABEL_CHARS:
        text, cut = text[:LABEL_CHARS - 1].rstrip(), True
    return text + "…" if cut else text


def tint_for(instruction: str) -> tuple[int, int, int]:
    """A saturated colour whose hue is a hash of the instruction."""
    hue = hashlib.sha256(instruction.strip().encode()).digest()[0] / 256
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.75, 1.0)
    return round(red * 255), round(green * 255), round(blue * 255)


def render_edit(width: int, height: int, source: EditSource, *, variant: int = 0) -> np.ndarray:
    """The edited RGB frame (height, width, 3). `variant` > 0 is a draft: half the cast, no label."""
    pan_x, pan_y, move_x, move_y = _moves(source)
    image = _open(source, width, height)
    box = _cover_box(image.size, width / height, (pan_x, pan_y))
    if image.size != (width, height) or box != (0, 0, width, height):
        image = image.resize((width, height), Image.Resampling.BILINEAR, box=box,
                             reducing_gap=2.0 if image.width > 2 * width else None)
    image = image.point(_cast_table(source.instruction, TINT_ALPHA / (2 if variant else 1)))
    pixels = _shifted(np.asarray(image), round(move_x * MAX_SHIFT * width),
                      round(move_y * MAX_SHIFT * height))
    label = label_for(source.instruction)
    if label and not variant:
        stamp_label(pixels, label, corner="top-left")
    return pixels


def _open(source: EditSource, width: int, height: int) -> Image.Image:
    """The decoded source in RGB, or a landscape that stands for an unknown image."""
    if source.data and not source.uri:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                opened = Image.open(io.BytesIO(source.data))
                if opened.format == "JPEG":
                    opened.draft("RGB", (width, height))  # DCT scaling: decode at ≥ output size
                return ImageOps.exif_transpose(opened).convert("RGB")
        except Exception:  # noqa: BLE001 - undecodable (HEIC, truncated): an unknown image
            pass
    scene_seed = int.from_bytes(bytes.fromhex(source.digest[:16]), "big") if source.digest else 0
    return Image.fromarray(render_scene(width, height, scene_seed))


def _moves(source: EditSource) -> tuple[float, float, float, float]:
    """Where a crop sits in its slack (0…1 each) and the move (−1…1 each, of MAX_SHIFT)."""
    digest = hashlib.sha256(f"{source.instruction.strip()}\x1f{source.seed}".encode()).digest()
    return (digest[1] / 255, digest[2] / 255, digest[3] / 127.5 - 1, digest[4] / 127.5 - 1)


def _cover_box(size: tuple[int, int], ratio: float,
               pan: tuple[float, float]) -> tuple[float, float, float, float]:
    """The largest window of `ratio` inside the source, placed by `pan` within the slack."""
    src_w, src_h = size
    box_w, box_h = (src_h * ratio, float(src_h)) if src_w / src_h > ratio \
        else (float(src_w), src_w / ratio)
    box_w, box_h = min(box_w, src_w), min(box_h, src_h)
    left, top = (src_w - box_w) * pan[0], (src_h - box_h) * pan[1]
    return left, top, left + box_w, top + box_h


def _cast_table(instruction: str, alpha: float) -> list[int]:
    """Per-channel lookup table: v + k·(tint − luma(tint)), clipped (see the module doc)."""
    tint = tint_for(instruction)
    luma = 0.299 * tint[0] + 0.587 * tint[1] + 0.114 * tint[2]
    k = alpha / (1 - alpha)
    table: list[int] = []
    for channel in tint:
        offset = k * (channel - luma)
        table += [min(255, max(0, round(v + offset))) for v in range(256)]
    return table


def _shifted(pixels: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """A writable copy moved by (dx, dy); the uncovered strips repeat the nearest edge."""
    height, width = pixels.shape[:2]
    dx, dy = max(-width + 1, min(dx, width - 1)), max(-height + 1, min(dy, height - 1))
    out = np.empty_like(pixels)
    src_y, dst_y = (slice(0, height - dy), slice(dy, height)) if dy >= 0 \
        else (slice(-dy, height), slice(0, height + dy))
    src_x, dst_x = (slice(0, width - dx), slice(dx, width)) if dx >= 0 \
        else (slice(-dx, width), slice(0, width + dx))
    out[dst_y, dst_x] = pixels[src_y, src_x]
    if dy > 0:
        out[:dy, dst_x] = out[dy:dy + 1, dst_x]
    elif dy < 0:
        out[height + dy:, dst_x] = out[height + dy - 1:height + dy, dst_x]
    if dx > 0:
        out[:, :dx] = out[:, dx:dx + 1]
    elif dx < 0:
        out[:, width + dx:] = out[:, width + dx - 1:width + dx]
    return out
