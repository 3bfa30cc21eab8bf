"""Wire JSON shared by both platforms: generationConfig building and response parsing.

Only backends/ and emulator/ speak camelCase. Response shapes: reference §3.3 and §3.4.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from playground.catalog import MODELS, Usage
from playground.errors import ResponseShapeError
from playground.models import ImageRequest

BLOCKING_FINISH_REASONS = frozenset({
    "SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY",
    "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "MODEL_ARMOR",
})


@dataclass(frozen=True)
class WireRequest:
    """One HTTP request, ready to send. Headers here never hold secrets (auth adds them)."""

    method: str
    url: str
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def content(self) -> bytes:
        return json.dumps(self.body, separators=(",", ":")).encode() if self.body is not None else b""


def user_contents(prompt: str) -> list[dict[str, Any]]:
    return [{"role": "user", "parts": [{"text": prompt}]}]


def generation_config(req: ImageRequest, *, vertex: bool) -> dict[str, Any]:
    """generationConfig with only what the target platform accepts (§3.2)."""
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


def generate_body(req: ImageRequest, *, vertex: bool) -> dict[str, Any]:
    return {"contents": user_contents(req.prompt),
            "generationConfig": generation_config(req, vertex=vertex)}


# --- parsing ---------------------------------------------------------------------------------


@dataclass
class ParsedImage:
    data: bytes
    declared_mime: str
    is_draft: bool


@dataclass
class ParsedResponse:
    images: list[ParsedImage] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    thought_texts: list[str] = field(default_factory=list)
    thought_signatures: int = 0
    finish_reason: str | None = None
    finish_message: str | None = None
    block_reason: str | None = None
    block_message: str | None = None
    usage: Usage | None = None
    model_version: str | None = None
    response_id: str | None = None
    has_candidates: bool = False
    blobs: list[memoryview] = field(default_factory=list, repr=False)


def _get(d: dict[str, Any], camel: str, snake: str) -> Any:
    return d[camel] if camel in d else d.get(snake)


try:  # SIMD base64: 27 MB of a 4K PNG decodes in ~5 ms instead of ~135 ms (README)
    import pybase64

    def _b64decode_strict(data: str | bytes | memoryview) -> bytes:
        return pybase64.b64decode(data, validate=True)
except ImportError:  # pragma: no cover - pinned in requirements.txt; the stdlib still works
    def _b64decode_strict(data: str | bytes | memoryview) -> bytes:
        return binascii.a2b_base64(data, strict_mode=True)


def decode_base64(data: str | bytes | memoryview) -> bytes:
    """Standard base64, or URL-safe (what the SDK sends); anything else is a shape error."""
    try:
        return _b64decode_strict(data)
    except (binascii.Error, ValueError):
        pass
    try:
        text = bytes(data) if not isinstance(data, str) else data.encode("ascii", "replace")
        return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ResponseShapeError(
            f"An image part holds data that is not valid base64 ({exc}).",
            hint="The response was corrupted on the way; retry the request.",
        ) from None


def parse_usage(meta: dict[str, Any] | None) -> Usage | None:
    if not meta:
        return None

    def num(camel: str, snake: str) -> int:
        return int(_get(meta, camel, snake) or 0)

    image_out = 0
    for detail in _get(meta, "candidatesTokensDetails", "candidates_tokens_details") or []:
        if str(detail.get("modality", "")).upper() == "IMAGE":
            image_out += int(_get(detail, "tokenCount", "token_count") or 0)
    return Usage(
        prompt_tokens=num("promptTokenCount", "prompt_token_count"),
        candidates_tokens=num("candidatesTokenCount", "candidates_token_count"),
        thoughts_tokens=num("thoughtsTokenCount", "thoughts_token_count"),
        total_tokens=num("totalTokenCount", "total_token_count"),
        image_output_tokens=image_out,
        traffic_type=_get(meta, "trafficType", "traffic_type"),
    )


BLOB_MARK = "@banana-blob:"


def split_blobs(body: bytes) -> tuple[bytes, list[memoryview]] | None:
    """Cut base64 image payloads out of a JSON body, leaving placeholders.

    A 4K PNG arrives as ~27 MB of JSON that is 99.99% one string; json.loads would copy and
    scan it all. Here the payload stays a zero-copy memoryview and json.loads sees ~1 KB.
    Only `"data": "…"` values that follow `{` or `,` (a key position) are cut, and only when
    they hold no escape; anything unusual returns None and the caller parses normally.
    """
    view = memoryview(body)
    pieces: list[bytes] = []
    blobs: list[memoryview] = []
    pos = 0
    while (key := body.find(b'"data"', pos)) >= 0:
        before = body[max(0, key - 64):key].rstrip()
        colon = _skip_ws(body, key + 6)
        if not before.endswith((b"{", b",")) or body[colon:colon + 1] != b":":
            pos = key + 6
            continue
        quote = _skip_ws(body, colon + 1)
        if body[quote:quote + 1] != b'"':
            pos = key + 6
            continue
        end = body.find(b'"', quote + 1)
        if end < 0 or body.find(b"\\", quote + 1, end) >= 0:
            return None
        pieces += [view[pos:quote + 1].tobytes(), f"{BLOB_MARK}{len(blobs)}".encode()]
        blobs.append(view[quote + 1:end])
        pos = end
    if not blobs:
        return None
    pieces.append(view[pos:].tobytes())
    return b"".join(pieces), blobs


def _skip_ws(body: bytes, pos: int) -> int:
    while body[pos:pos + 1] in (b" ", b"\n", b"\r", b"\t"):
        pos += 1
    return pos


def parse_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        looks_html = body.lstrip()[:15].lower().startswith((b"<!doctype", b"<html"))
        what = "an HTML page" if looks_html else f"JSON that ends early or is malformed ({exc})"
        raise ResponseShapeError(
            f"The server answered 200 with {what} ({len(body):,} bytes).",
            hint="The response was cut off or came from a proxy; retry, and check any proxy or "
                 "base URL between you and Google.",
            http_status=200, raw=body[:2000].decode("utf-8", "replace"),
        ) from None


def parse_response(body: bytes) -> ParsedResponse:
    split = split_blobs(body)
    if split is not None:
        try:
            return parse_generate(json.loads(split[0]), blobs=split[1])
        except ValueError:
            pass  # not what it looked like: parse the whole body the ordinary way
    return parse_generate(parse_body(body))


def parse_generate(payload: Any, blobs: list[memoryview] | None = None) -> ParsedResponse:
    """A GenerateContentResponse, or a list of stream chunks merged in order."""
    chunks = payload if isinstance(payload, list) else [payload]
    out = ParsedResponse(blobs=blobs or [])
    for chunk in chunks:
        if not isinstance(chunk, dict):
            raise ResponseShapeError("The response is not a JSON object.",
                                     hint="Check the base URL: this is not Google's API.")
        _merge_chunk(out, chunk)
    return out


def _merge_chunk(out: ParsedResponse, chunk: dict[str, Any]) -> None:
    feedback = _get(chunk, "promptFeedback", "prompt_feedback") or {}
    if feedback.get("blockReason") or feedback.get("block_reason"):
        out.block_reason = _get(feedback, "blockReason", "block_reason")
        out.block_message = _get(feedback, "blockReasonMessage", "block_reason_message")
    usage = parse_usage(_get(chunk, "usageMetadata", "usage_metadata"))
    if usage is not None:
        out.usage = usage
    out.model_version = _get(chunk, "modelVersion", "model_version") or out.model_version
    out.response_id = _get(chunk, "responseId", "response_id") or out.response_id
    for cand in chunk.get("candidates") or []:
        out.has_candidates = True
        reason = _get(cand, "finishReason", "finish_reason")
        out.finish_reason = reason or out.finish_reason
        out.finish_message = _get(cand, "finishMessage", "finish_message") or out.finish_message
        for part in (cand.get("content") or {}).get("parts") or []:
            _merge_part(out, part)


def _merge_part(out: ParsedResponse, part: dict[str, Any]) -> None:
    is_thought = bool(part.get("thought"))
    if _get(part, "thoughtSignature", "thought_signature"):
        out.thought_signatures += 1
    inline = _get(part, "inlineData", "inline_data")
    if inline:
        raw = str(inline.get("data", ""))
        if raw.startswith(BLOB_MARK) and out.blobs:
            data = decode_base64(out.blobs[int(raw[len(BLOB_MARK):])])
        else:
            data = decode_base64(raw)
        mime = _get(inline, "mimeType", "mime_type") or "application/octet-stream"
        out.images.append(ParsedImage(data, mime, is_thought))
    text = part.get("text")
    if text:
        (out.thought_texts if is_thought else out.texts).append(text)


def status_of(parsed: ParsedResponse) -> tuple[str, str | None]:
    """(status, plain explanation) for a 2xx answer; blocked and image-less are not errors."""
    if parsed.block_reason:
        why = f": {parsed.block_message}" if parsed.block_message else "."
        return "blocked", (f"The prompt was blocked before generation (blockReason "
                           f"{parsed.block_reason}){why} Rephrase the prompt; nothing was billed "
                           "for images.")
    finals = [i for i in parsed.images if not i.is_draft]
    reason = parsed.finish_reason
    if not finals and reason in BLOCKING_FINISH_REASONS:
        msg = f" Google said: {parsed.finish_message}" if parsed.finish_message else ""
        return "blocked", (f"The image was withheld by a safety filter (finishReason {reason})."
                           f"{msg} Rephrase the prompt; blocked images are not charged.")
    if not finals:
        said = f" The model replied with text: {parsed.texts[0][:200]!r}." if parsed.texts else ""
        if reason == "NO_IMAGE":
            return "no_image", (f"The model answered without an image (finishReason NO_IMAGE).{said} "
                                "Ask explicitly for an image, or retry.")
        why = f"finishReason {reason}" if reason else "no candidates"
        return "no_image", f"The response held no final image ({why}).{said} Retry or rephrase."
    return "ok", None
