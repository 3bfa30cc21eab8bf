"""The answer read into a result: Google's GenerateContentResponse (one body, a JSON-array
stream or SSE events), straight into the `GenerationResult`.

Images arrive with their bytes and the facts read from them; no image is an image unless its
bytes decode (header, pixel size, complete file). Base64 is decoded strictly. Usage counters the
server did not send stay unknown. Shapes: docs/wire-notes.md "Responses", "Streaming".
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from playground.clients.google_errors import api_error
from playground.domain import catalog
from playground.domain.errors import PlaygroundError, ResponseShapeError
from playground.domain.imaging import describe_image, image_problem
from playground.domain.outcome import fact_notes, status_of
from playground.domain.turns import TurnPart
from playground.domain.types import GenerationResult, Usage


def _get(d: dict[str, Any], camel: str, snake: str) -> Any:
    return d[camel] if camel in d else d.get(snake)


try:  # SIMD base64: 27 MB of a 4K PNG decodes in ~5 ms instead of ~135 ms (README)
    import pybase64

    def _b64decode_strict(data: bytes) -> bytes:
        return pybase64.b64decode(data, validate=True)
except ImportError:  # pragma: no cover - pinned in requirements.txt; the stdlib still works
    def _b64decode_strict(data: bytes) -> bytes:
        return binascii.a2b_base64(data, strict_mode=True)

_URLSAFE = bytes.maketrans(b"-_", b"+/")
#: A broken 200 is not retried automatically (docs/decisions.md): the hint says so, and why.
CUT_OFF = ("Banana Split does not resend it by itself, because Google may already have made "
           "(and billed) this answer: generate again if you want another try, and if it keeps "
           "happening check any proxy or base URL between you and Google.")


def decode_base64(data: str | bytes | memoryview) -> bytes:
    """Standard or URL-safe base64 (the SDK sends URL-safe), padding optional; any other
    character, whitespace included, is a shape error, never silently dropped."""
    raw = data.encode("ascii", "replace") if isinstance(data, str) else bytes(data)
    if b"-" in raw or b"_" in raw:
        raw = raw.translate(_URLSAFE)
    raw += b"=" * (-len(raw) % 4)
    try:
        return _b64decode_strict(raw)
    except (binascii.Error, ValueError):
        bad = next((chr(c) for c in raw if chr(c) not in _ALPHABET), None)
        what = f"the character {bad!r}" if bad else "bad padding"
        shown = raw[:40].decode("ascii", "replace")
        raise ResponseShapeError(
            f'"inlineData" held {len(data):,} characters that are not base64 ({what}; it '
            f"begins {shown!r}).",
            hint="The answer was corrupted or redacted on the way (a proxy or logging layer?). "
                 + CUT_OFF,
            http_status=200,
        ) from None


_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def _tokens(detail_list: Any, modality: str) -> int | None:
    total = None
    for detail in detail_list or []:
        if isinstance(detail, dict) and str(detail.get("modality", "")).upper() == modality:
            total = (total or 0) + int(_get(detail, "tokenCount", "token_count") or 0)
    return total


def parse_usage(meta: dict[str, Any] | None) -> Usage | None:
    """usageMetadata as sent: a counter that is absent stays None (unknown), never 0."""
    if not isinstance(meta, dict) or not meta:
        return None

    def num(camel: str, snake: str) -> int | None:
        value = _get(meta, camel, snake)
        return None if value is None else int(value)

    return Usage(
        prompt_tokens=num("promptTokenCount", "prompt_token_count"),
        candidates_tokens=num("candidatesTokenCount", "candidates_token_count"),
        thoughts_tokens=num("thoughtsTokenCount", "thoughts_token_count"),
        total_tokens=num("totalTokenCount", "total_token_count"),
        image_output_tokens=_tokens(
            _get(meta, "candidatesTokensDetails", "candidates_tokens_details"), "IMAGE"),
        traffic_type=_get(meta, "trafficType", "traffic_type"),
        service_tier=_get(meta, "serviceTier", "service_tier"),
        prompt_image_tokens=_tokens(
            _get(meta, "promptTokensDetails", "prompt_tokens_details"), "IMAGE"),
    )


BLOB_MARK = "@banana-blob:"


_BLOB_KEYS = frozenset({b"data", b"thoughtSignature", b"thought_signature"})


def _string_end(body: bytes, quote: int) -> int:
    """Index of the quote closing the JSON string opened at `quote` (escaped quotes skipped)."""
    end = body.find(b'"', quote + 1)
    while end > 0:
        slashes = 0
        while body[end - 1 - slashes] == 0x5C:  # backslash
            slashes += 1
        if slashes % 2 == 0:
            return end
        end = body.find(b'"', end + 1)
    return -1


def split_blobs(body: bytes) -> tuple[bytes, list[memoryview]] | None:
    """Cut base64 image payloads and thought signatures out of a JSON body, leaving
    placeholders.

    A 4K PNG arrives as ~27 MB of JSON that is 99.99% one string, and a Gemini 3 signature is
    0.6–1.5 M characters; json.loads would copy and scan them all (holding the GIL while other
    requests' timers wait). Here they stay zero-copy memoryviews and json.loads sees ~1 KB. The
    body is walked string by string (one memchr per string, so a 27 MB value costs one jump);
    the values of `data` / `thoughtSignature` keys are cut when they hold no escape; anything
    unusual returns None and the caller parses normally.
    """
    view = memoryview(body)
    pieces: list[bytes] = []
    blobs: list[memoryview] = []
    pos = 0
    at = body.find(b'"')
    while at >= 0:
        end = _string_end(body, at)
        if end < 0:
            return None
        nxt = end + 1
        if end - at <= 20 and body[at + 1:end] in _BLOB_KEYS:
            colon = _skip_ws(body, end + 1)
            quote = _skip_ws(body, colon + 1)
            if body[colon:colon + 1] == b":" and body[quote:quote + 1] == b'"':
                close = body.find(b'"', quote + 1)
                if close < 0 or body.find(b"\\", quote + 1, close) >= 0:
                    return None
                pieces += [view[pos:quote + 1].tobytes(), f"{BLOB_MARK}{len(blobs)}".encode()]
                blobs.append(view[quote + 1:close])
                pos, nxt = close, close + 1
        at = body.find(b'"', nxt)
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
            hint="The answer was cut off on the way or came from a proxy. " + CUT_OFF,
            http_status=200, raw=body[:2000].decode("utf-8", "replace"),
        ) from None


def _fast_or_plain(body: bytes) -> tuple[Any, list[memoryview]]:
    split = split_blobs(body)
    if split is not None:
        try:
            return json.loads(split[0]), split[1]
        except ValueError:  # not what it looked like: parse the whole body the ordinary way
            pass
    return parse_body(body), []


def sse_events(body: bytes) -> list[bytes]:
    """The JSON of each `data:` event of an SSE body; events end with CRLF CRLF (live) or LF LF
    (normalised fixtures). A raw JSON object between events (an error after the stream opened)
    is kept as it is."""
    events = []
    for block in body.replace(b"\r\n", b"\n").split(b"\n\n"):
        lines = [line for line in block.split(b"\n") if line.strip()]
        data = [line[5:].lstrip() for line in lines if line.startswith(b"data:")]
        if data:
            events.append(b"\n".join(data))
        elif lines:
            events.append(b"\n".join(lines))
    return events


def parse_into(result: GenerationResult, body: bytes) -> None:
    """Read a 2xx body (one response, a JSON-array stream or SSE events) into `result`.

    Raises ResponseShapeError for bodies that are not a GenerateContentResponse or whose image
    parts are not complete images, and ApiError for an error sent after the stream opened.
    """
    blobs: list[memoryview]
    if body.lstrip()[:5] == b"data:":
        payload: Any = []
        blobs = []
        for event in sse_events(body):
            chunk, chunk_blobs = _fast_or_plain(event)
            payload.append(_renumber(chunk, len(blobs)) if chunk_blobs else chunk)
            blobs += chunk_blobs
    else:
        payload, blobs = _fast_or_plain(body)
    read_payload(result, payload, blobs)


def _renumber(chunk: Any, offset: int) -> Any:
    """Blob placeholders of one event, shifted to their place in the whole stream's list."""
    if not offset:
        return chunk
    text = json.dumps(chunk)
    for n in range(text.count(BLOB_MARK) - 1, -1, -1):
        text = text.replace(f'"{BLOB_MARK}{n}"', f'"{BLOB_MARK}{n + offset}"')
    return json.loads(text)


#: What an answer sets on a result; cleared before each read so a retried attempt, or one that
#: failed half-way through its body, leaves nothing of itself behind.
ANSWER_FIELDS: dict[str, Callable[[], Any]] = {
    "images": list, "texts": list, "thought_texts": list, "thought_signatures": int, "answer": list,
    "finish_reason": lambda: None, "finish_message": lambda: None, "block_reason": lambda: None,
    "block_message": lambda: None, "usage": lambda: None, "model_version": lambda: None,
    "response_id": lambda: None, "cost_usd": lambda: None,
}


def clear_answer(result: GenerationResult) -> None:
    for name, empty in ANSWER_FIELDS.items():
        setattr(result, name, empty())


def read_payload(result: GenerationResult, payload: Any,
                 blobs: list[memoryview] | None = None) -> None:
    """A decoded GenerateContentResponse (or a list of stream chunks, merged in order)."""
    chunks = payload if isinstance(payload, list) else [payload]
    req = result.request
    # An edit without an aspect ratio keeps its input's shape: no size was asked for then.
    requested = None if (req.inputs or req.history) and not req.aspect_ratio else \
        catalog.dimensions_for(req.model, req.aspect_ratio, req.image_size)
    clear_answer(result)
    images: list[tuple[bytes, str, bool]] = []
    try:
        for chunk in chunks:
            if not isinstance(chunk, dict):
                raise ResponseShapeError("The response is not a JSON object.",
                                         hint="Check the base URL: this is not Google's API.")
            if isinstance(chunk.get("error"), dict):  # an error after the stream opened
                raise api_error(200, chunk["error"], raw=json.dumps(chunk)[:4000])
            images += _merge_chunk(result, chunk, blobs or [])
        _check_images(images)
    except PlaygroundError:
        clear_answer(result)
        raise
    result.images = [describe_image(data, declared_mime=mime, is_draft=draft, requested=requested)
                     for data, mime, draft in images]
    result.status, result.explanation = status_of(result)  # type: ignore[assignment]
    cost = catalog.estimate_cost(result.request.model, result.usage,
                                 requested_tier=result.request.service_tier)
    result.cost_usd = cost.usd
    result.error = None
    result.notes.extend(fact_notes(result))
    if cost.usd is None:
        result.notes.append(f"Cost unknown: {cost.why_unknown}. No cost is invented from "
                            "counters the server did not send.")
    elif cost.note:
        result.notes.append(cost.note)


def _check_images(images: list[tuple[bytes, str, bool]]) -> None:
    """No image is an image unless it decodes; otherwise the whole answer is a shape error."""
    for data, mime, is_draft in images:
        problem = image_problem(data)
        if problem:
            which = "draft image" if is_draft else "image"
            raise ResponseShapeError(
                f'"inlineData" held {problem} (the {which} part declared {mime}).',
                hint="The image was cut off or replaced on the way. " + CUT_OFF,
                http_status=200)


def _merge_chunk(out: GenerationResult, chunk: dict[str, Any],
                 blobs: list[memoryview]) -> list[tuple[bytes, str, bool]]:
    feedback = _get(chunk, "promptFeedback", "prompt_feedback") or {}
    if feedback.get("blockReason") or feedback.get("block_reason"):
        out.block_reason = _get(feedback, "blockReason", "block_reason")
        out.block_message = _get(feedback, "blockReasonMessage", "block_reason_message")
    usage = parse_usage(_get(chunk, "usageMetadata", "usage_metadata"))
    if usage is not None:  # streams repeat usage; the last event's counts win
        out.usage = _merge_usage(out.usage, usage)
    out.model_version = _get(chunk, "modelVersion", "model_version") or out.model_version
    out.response_id = _get(chunk, "responseId", "response_id") or out.response_id
    images: list[tuple[bytes, str, bool]] = []
    for cand in chunk.get("candidates") or []:
        reason = _get(cand, "finishReason", "finish_reason")
        out.finish_reason = reason or out.finish_reason
        out.finish_message = _get(cand, "finishMessage", "finish_message") or out.finish_message
        for part in (cand.get("content") or {}).get("parts") or []:
            image = _merge_part(out, part, blobs)
            if image is not None:
                images.append(image)
    return images


def _merge_usage(before: Usage | None, new: Usage) -> Usage:
    """A later event's counters replace earlier ones; Vertex's thought chunks carry only
    trafficType, which must not erase counters an earlier chunk sent."""
    if before is None:
        return new
    fields = {k: v for k, v in vars(new).items() if v is not None}
    return replace(before, **fields)


def _blob_text(raw: Any, blobs: list[memoryview]) -> str | memoryview:
    if isinstance(raw, str) and raw.startswith(BLOB_MARK) and blobs:
        return blobs[int(raw[len(BLOB_MARK):])]
    return str(raw)


def _merge_part(out: GenerationResult, part: dict[str, Any],
                blobs: list[memoryview]) -> tuple[bytes, str, bool] | None:
    """One part: its text or image into the result, and the part itself, signature byte for
    byte, into `out.answer` (what a continuation replays)."""
    is_thought = bool(part.get("thought"))
    signature = _get(part, "thoughtSignature", "thought_signature")
    kept = None
    if signature:
        out.thought_signatures += 1
        sig = _blob_text(signature, blobs)
        kept = sig if isinstance(sig, str) else bytes(sig).decode("ascii", "replace")
    text = part.get("text")
    if text:
        (out.thought_texts if is_thought else out.texts).append(text)
    inline = _get(part, "inlineData", "inline_data")
    if not inline:
        if text is not None or kept is not None:
            out.answer.append(TurnPart(text=text or "", is_thought=is_thought, signature=kept))
        return None
    data = decode_base64(_blob_text(inline.get("data", ""), blobs))
    mime = _get(inline, "mimeType", "mime_type") or "application/octet-stream"
    index = sum(1 for p in out.answer if p.image_index is not None)
    out.answer.append(TurnPart(image_index=index, is_thought=is_thought, signature=kept))
    return data, mime, is_thought
