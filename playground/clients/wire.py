"""The request body both platforms share: contents and generationConfig, in wire camelCase.

Only clients/ and emulator/ speak camelCase (docs/wire-notes.md "Request body"); reading the
answer is clients/parse.py. Large values (input images as base64, replayed thought signatures)
never pass through json.dumps: the body holds a placeholder for each, and the bytes are
spliced in when it is sent (`Blobs`, docs/wire-notes.md "Conversations").
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from typing import Any

from playground.domain.catalog import MODELS
from playground.domain.errors import ImageMissingError
from playground.domain.turns import BYPASS_SIGNATURE, InputImage, TurnPart, replayed, user_turn
from playground.domain.types import ImageRequest

try:  # SIMD base64: 70 MB of reference images encode in ~20 ms instead of ~90 ms (README)
    import pybase64 as _base64
except ImportError:  # pragma: no cover - pinned in requirements.txt
    import base64 as _base64  # type: ignore[no-redef]


def b64encode(data: bytes) -> bytes:
    return _base64.b64encode(data)


class Blobs:
    """The large values of one body, each behind a placeholder string that cannot collide with
    user text (a random mark per body), with a label saying what it is for people."""

    def __init__(self) -> None:
        self.mark = f"@blob-{secrets.token_hex(8)}:"
        self.values: list[bytes] = []
        self.labels: list[str] = []

    def add(self, value: bytes, label: str) -> str:
        self.values.append(value)
        self.labels.append(label)
        return f"{self.mark}{len(self.values) - 1}"

    def __len__(self) -> int:
        return len(self.values)

    def chunks(self, text: bytes) -> Iterator[bytes]:
        """The JSON text with each placeholder replaced by its value, piece by piece (no copy
        of the values: a 93 MB body is sent from the pieces)."""
        pos = 0
        for n, value in enumerate(self.values):
            mark = f'"{self.mark}{n}"'.encode()
            at = text.find(mark, pos)
            if at < 0:  # the body no longer holds it (a raw body that dropped the image)
                continue
            yield text[pos:at + 1]
            yield value
            pos = at + len(mark) - 1
        yield text[pos:]

    def summarized(self, body: Any) -> Any:
        """The body with each placeholder replaced by its label: what people see."""
        if isinstance(body, dict):
            return {k: self.summarized(v) for k, v in body.items()}
        if isinstance(body, list):
            return [self.summarized(v) for v in body]
        if isinstance(body, str) and body.startswith(self.mark):
            return self.labels[int(body[len(self.mark):])]
        return body

    def relinked(self, body: Any) -> Any:
        """A raw body written from the summary, with each label turned back into its
        placeholder (so an edited body still sends the images and signatures it shows)."""
        if not self.labels:
            return body
        index = {label: f"{self.mark}{n}" for n, label in enumerate(self.labels)}
        return _replace_strings(body, index)


def _replace_strings(body: Any, index: dict[str, str]) -> Any:
    if isinstance(body, dict):
        return {k: _replace_strings(v, index) for k, v in body.items()}
    if isinstance(body, list):
        return [_replace_strings(v, index) for v in body]
    return index.get(body, body) if isinstance(body, str) else body


def body_chunks(body: dict[str, Any], blobs: Blobs | None) -> list[bytes]:
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return list(blobs.chunks(text)) if blobs else [text]


def image_label(img: InputImage, b64_chars: int) -> str:
    return (f"<{img.mime} image, {img.size_bytes:,} bytes, sha256 {img.sha256[:12]}…: sent as "
            f"{b64_chars:,} base64 characters>")


def signature_label(signature: str) -> str:
    digest = hashlib.sha256(signature.encode("ascii", "replace")).hexdigest()[:12]
    return f"<thoughtSignature, {len(signature):,} characters, sha256 {digest}…>"


def _image_part(img: InputImage, blobs: Blobs) -> dict[str, Any]:
    if img.data is None:
        raise ImageMissingError(f"The image {img.name or img.sha256[:12]} was not loaded, so it "
                                "cannot be sent.", hint="Add it again, or pick it from History.")
    encoded = b64encode(img.data)
    return {"inlineData": {"mimeType": img.mime,
                           "data": blobs.add(encoded, image_label(img, len(encoded)))}}


def _part(part: TurnPart, signature: str | None, blobs: Blobs) -> dict[str, Any]:
    out = _image_part(part.image, blobs) if part.image is not None else {"text": part.text or ""}
    if signature is not None:
        out["thoughtSignature"] = blobs.add(signature.encode("ascii", "replace"),
                                            signature_label(signature))
    return out


def _model_signature(part: TurnPart, first: bool, mode: str) -> str | None:
    """The signature a replayed model part carries: as returned, none, or the documented
    bypass value where one is missing on a part that needs one (the first, and images)."""
    if mode == "strip":
        return None
    if mode == "bypass" and part.signature is None and (first or part.is_image):
        return BYPASS_SIGNATURE
    return part.signature


def contents(req: ImageRequest, blobs: Blobs) -> list[dict[str, Any]]:
    """Earlier turns as they were (model parts with their signatures), then this prompt and its
    images. Every content carries its role (Vertex answers 400 without it)."""
    out: list[dict[str, Any]] = []
    for turn in req.history:
        if turn.role == "user":
            parts = [_part(p, None, blobs) for p in turn.parts]
        else:
            kept = replayed(turn.parts)
            parts = [_part(p, _model_signature(p, n == 0, req.signatures), blobs)
                     for n, p in enumerate(kept)]
        out.append({"role": turn.role, "parts": parts})
    now = user_turn(req.prompt, req.inputs)
    out.append({"role": "user", "parts": [_part(p, None, blobs) for p in now.parts]})
    return out


def user_contents(prompt: str) -> list[dict[str, Any]]:
    return [{"role": "user", "parts": [{"text": prompt}]}]


def generation_config(req: ImageRequest, *, vertex: bool) -> dict[str, Any]:
    """generationConfig with only what the target platform accepts (docs/wire-notes.md "Request body")."""
    info = MODELS.get(req.model)
    image_config: dict[str, Any] = {}
    if req.aspect_ratio:
        image_config["aspectRatio"] = req.aspect_ratio
    if req.image_size:
        image_config["imageSize"] = req.image_size
    if vertex:
        if req.person_generation:
            image_config["personGeneration"] = req.person_generation
        output: dict[str, Any] = {}
        if req.output_mime_type:
            output["mimeType"] = req.output_mime_type
            if req.output_mime_type == "image/jpeg" and req.compression_quality is not None:
                output["compressionQuality"] = int(req.compression_quality)
        if output:
            image_config["imageOutputOptions"] = output
    config: dict[str, Any] = {"responseModalities": ["TEXT", "IMAGE"]}
    if image_config:
        config["imageConfig"] = image_config
    thinking: dict[str, Any] = {}
    thinks = info is not None and info.thinking != "none"
    if req.include_thoughts and thinks:
        thinking["includeThoughts"] = True
    if req.thinking_level and info is not None and info.thinking == "levels":
        thinking["thinkingLevel"] = req.thinking_level
    if thinking:
        config["thinkingConfig"] = thinking
    if req.seed is not None:
        config["seed"] = int(req.seed)
    return config


def generate_body(req: ImageRequest, *, vertex: bool,
                  blobs: Blobs | None = None) -> dict[str, Any]:
    """The body; with images or a conversation its large values sit in `blobs` (without
    `blobs`, a summary body for people: labels instead of bytes)."""
    keep = blobs if blobs is not None else Blobs()
    body = {"contents": contents(req, keep),
            "generationConfig": generation_config(req, vertex=vertex)}
    return body if blobs is not None else keep.summarized(body)


def conversation_notes(req: ImageRequest) -> tuple[str, ...]:
    """What a continuation replayed, and how its signatures went, in words for the result."""
    if not req.history:
        return ()
    model_parts = [p for t in req.history if t.role == "model" for p in replayed(t.parts)]
    signed = [p for p in model_parts if p.signature]
    images = sum(1 for t in req.history for p in t.parts if p.is_image and not p.is_thought)
    chars = sum(len(p.signature or "") for p in signed)
    turns = req.turn_index
    notes = [f"Replayed {turns} earlier turn{'s' if turns != 1 else ''} ({images} image"
             f"{'s' if images != 1 else ''}, {len(signed)} thought signature"
             f"{'s' if len(signed) != 1 else ''} totalling {chars:,} characters)."]
    unsigned = sum(1 for p in model_parts if p.is_image and not p.signature)
    if req.signatures == "strip":
        notes.append("Sent without thought signatures, as asked: AI Studio refuses a replayed "
                     "model image without its signature; Vertex accepts it.")
    elif req.signatures == "bypass":
        notes.append(f"Model parts without a signature carried {BYPASS_SIGNATURE!r}, the value "
                     "Google documents for conversations recorded without signatures.")
    elif unsigned:
        notes.append(f"{unsigned} replayed model image{'s have' if unsigned > 1 else ' has'} no "
                     "thought signature (none was returned or kept): AI Studio refuses that; "
                     "send with the bypass value instead (--signatures bypass).")
    return tuple(notes)
