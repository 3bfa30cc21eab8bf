"""Response bodies as Google sends them (docs/wire-notes.md "Responses", "Streaming"): camelCase, standard base64.

Images travel as `Blob` objects inside the response dicts and are spliced into the encoded JSON
as base64 bytes, so a 20 MB image is never escaped or copied through `json.dumps`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from playground.domain.catalog import ModelInfo
from playground.emulator.contents import Conversation
from playground.emulator.generation import Generation, input_image_tokens, text_tokens

_BLOB_MARK = "@@banana-split-blob@@"


@dataclass(frozen=True)
class Blob:
    data: bytes


@dataclass(frozen=True)
class ReplyIds:
    response_id: str
    create_time: str
    model_version: str


def new_ids(model_id: str) -> ReplyIds:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # RFC 3339, µs (docs/wire-notes.md "Responses")
    return ReplyIds(secrets.token_urlsafe(17)[:23], now, model_id)


# --- generateContent ----------------------------------------------------------------------------


def generate_response(gen: Generation, platform: str, ids: ReplyIds) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if gen.block_reason is not None:
        feedback = {"blockReason": gen.block_reason}
        if gen.block_message:
            feedback["blockReasonMessage"] = gen.block_message
        body["promptFeedback"] = feedback
    else:
        body["candidates"] = [_candidate(gen, platform, model_parts(gen, ids), final=True)]
    body["usageMetadata"] = usage_metadata(gen, platform, final=True)
    return _envelope(body, platform, ids)


def stream_chunks(gen: Generation, platform: str, ids: ReplyIds) -> list[dict[str, Any]]:
    """One event per part (images whole), the last with finishReason and full usage (docs/wire-notes.md "Streaming")."""
    if gen.block_reason is not None:
        return [generate_response(gen, platform, ids)]
    parts = model_parts(gen, ids)
    chunks = []
    for part in parts[:-1]:
        body = {"candidates": [_candidate(gen, platform, [part], final=False)],
                "usageMetadata": usage_metadata(gen, platform, final=False)}
        chunks.append(_envelope(body, platform, ids))
    last = {"candidates": [_candidate(gen, platform, parts[-1:], final=True)],
            "usageMetadata": usage_metadata(gen, platform, final=True)}
    chunks.append(_envelope(last, platform, ids))
    return chunks


def model_parts(gen: Generation, ids: ReplyIds) -> list[dict[str, Any]]:
    """Thought texts, draft images, narration, final image — in that order (docs/wire-notes.md "Responses")."""
    mime = gen.spec.output_mime
    parts: list[dict[str, Any]] = [{"text": text, "thought": True} for text in gen.thoughts]
    parts += [{"inlineData": {"mimeType": mime, "data": Blob(d)}, "thought": True}
              for d in gen.drafts]
    answer: list[dict[str, Any]] = []
    if gen.narration:
        answer.append({"text": gen.narration})
    if gen.image is not None:
        answer.append({"inlineData": {"mimeType": gen.image_mime, "data": Blob(gen.image)}})
    if gen.spec.model.signs_parts:  # docs/emulator.md "Thought signatures": first answer part + every image
        for index, part in enumerate(answer):
            if index == 0 or "inlineData" in part:
                part["thoughtSignature"] = _signature(ids, index)
    return parts + answer


def _candidate(gen: Generation, platform: str, parts: list[dict[str, Any]], *,
               final: bool) -> dict[str, Any]:
    content: dict[str, Any] = {"parts": parts, "role": "model"} if parts else {"role": "model"}
    candidate: dict[str, Any] = {"content": content}
    if final:
        candidate["finishReason"] = gen.finish_reason
        if gen.finish_message:
            candidate["finishMessage"] = gen.finish_message
    if platform == "aistudio":
        candidate["index"] = 0
    return candidate


def _signature(ids: ReplyIds, index: int) -> str:
    seed = f"{ids.response_id}:{index}".encode()
    raw = hashlib.sha256(seed).digest() + hashlib.sha256(seed + b"+").digest()
    return base64.b64encode(b"\x12\x40" + raw).decode()


def usage_metadata(gen: Generation, platform: str, *, final: bool) -> dict[str, Any]:
    """docs/wire-notes.md "Responses": total = prompt + candidates + thoughts; Vertex adds trafficType.

    Like the observed responses, candidatesTokensDetails lists only the IMAGE tokens even when
    a narration adds text tokens to candidatesTokenCount.
    """
    prompt = gen.prompt_text_tokens + gen.prompt_image_tokens
    usage: dict[str, Any] = {"promptTokenCount": prompt}
    if not final:
        usage["totalTokenCount"] = prompt
    else:
        candidates = gen.image_tokens + gen.text_tokens
        if candidates or platform == "aistudio":
            usage["candidatesTokenCount"] = candidates
        usage["totalTokenCount"] = prompt + candidates + gen.thoughts_tokens
        if gen.thoughts_tokens:
            usage["thoughtsTokenCount"] = gen.thoughts_tokens
        usage["promptTokensDetails"] = _prompt_details(gen.prompt_text_tokens,
                                                       gen.prompt_image_tokens)
        if gen.image_tokens:
            usage["candidatesTokensDetails"] = [{"modality": "IMAGE",
                                                 "tokenCount": gen.image_tokens}]
    if platform == "vertex":
        usage["trafficType"] = "ON_DEMAND"
    return usage


def _prompt_details(text: int, image: int) -> list[dict[str, Any]]:
    details = [{"modality": "TEXT", "tokenCount": text}]
    if image:
        details.append({"modality": "IMAGE", "tokenCount": image})
    return details


def _envelope(body: dict[str, Any], platform: str, ids: ReplyIds) -> dict[str, Any]:
    body["modelVersion"] = ids.model_version
    body["responseId"] = ids.response_id
    if platform == "vertex":  # observed Vertex bodies list top-level keys alphabetically
        body["createTime"] = ids.create_time
        return dict(sorted(body.items()))
    return body


# --- countTokens and GET ------------------------------------------------------------------------


def count_tokens_response(convo: Conversation, platform: str, info: ModelInfo) -> dict[str, Any]:
    text = text_tokens(convo.text_chars)
    image = convo.image_parts * input_image_tokens(info)
    body: dict[str, Any] = {"totalTokens": text + image}
    if platform == "vertex":
        body["totalBillableCharacters"] = convo.text_chars
    body["promptTokensDetails"] = _prompt_details(text, image)
    return body


def model_resource(info: ModelInfo, platform: str) -> dict[str, Any]:
    """A plausible Model (AI Studio) or PublisherModel (Vertex) resource; numbers approximate."""
    if platform == "vertex":
        return {
            "name": f"publishers/google/models/{info.id}", "versionId": "default",
            "openSourceCategory": "PROPRIETARY",
            "launchStage": "GA" if info.status == "ga" else "PUBLIC_PREVIEW",
            "versionState": "VERSION_STATE_STABLE" if info.status == "ga"
            else "VERSION_STATE_UNSTABLE",
        }
    return {
        "name": f"models/{info.id}", "version": info.id.split("-")[1],
        "displayName": info.nickname, "description": f"{info.nickname} ({info.id})",
        "inputTokenLimit": 65536 if info.family == "gemini" else 480, "outputTokenLimit": 32768,
        "supportedGenerationMethods": ["generateContent", "countTokens"]
        if info.family == "gemini" else ["predict"],
        "temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2,
        "thinking": info.thinking != "none",
    }


# --- encoding -------------------------------------------------------------------------------------


def encode_json(obj: Any, *, pretty: bool) -> list[bytes]:
    """JSON bytes as pieces, with every Blob spliced in as standard base64."""
    blobs: list[bytes] = []

    def placeholder(value: Any) -> str:
        if isinstance(value, Blob):
            blobs.append(value.data)
            return f"{_BLOB_MARK}{len(blobs) - 1}{_BLOB_MARK}"
        raise TypeError(f"cannot encode {type(value).__name__}")

    if pretty:
        text = json.dumps(obj, indent=2, ensure_ascii=False, default=placeholder)
    else:  # Google's one-line form: no space after commas, one after colons
        text = json.dumps(obj, separators=(",", ": "), ensure_ascii=False, default=placeholder)
    pieces = text.split(_BLOB_MARK)
    return [base64.b64encode(blobs[int(piece)]) if k % 2 else piece.encode()
            for k, piece in enumerate(pieces)]


def encode_sse(chunks: list[dict[str, Any]], line_end: str = "\n") -> list[bytes]:
    """`data: {json}` events (docs/wire-notes.md "Streaming"); each event is one piece so images stay whole."""
    end = (line_end * 2).encode()
    return [b"".join([b"data: ", *encode_json(chunk, pretty=False), end]) for chunk in chunks]


def encode_json_array(chunks: list[dict[str, Any]]) -> list[bytes]:
    """The non-SSE stream: one JSON array, one element per piece (`[{…}\\n,\\r\\n{…}]`)."""
    pieces = []
    for index, chunk in enumerate(chunks):
        lead = b"[" if index == 0 else b",\r\n"
        pieces.append(b"".join([lead, *encode_json(chunk, pretty=True)]))
    pieces.append(b"]")
    return pieces
