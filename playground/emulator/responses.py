"""Response bodies and stream events as Google sends them (docs/emulator.md "Responses",
"Streaming"): camelCase, standard base64, keys in the captured order.

* AI Studio: `candidates, usageMetadata, modelVersion, responseId[, turnToken]`; content
  `{"parts", "role"}`, or `{}` on an image-less finish (vercel/ai google-image-no-image-live.json);
  every candidate has `index: 0`.
* Vertex: `candidates, usageMetadata, modelVersion, createTime, responseId`; content `{"role",
  "parts"}`, or `{"role": "model"}`; no `index` (the infinigence/octollm Vertex stream test;
  https://github.com/BerriAI/litellm/issues/20357).
* Streams: thoughts, drafts and any narration one event each, then the image in an event
  without finishReason, then `{"text": ""}` with `finishReason: "STOP"` (vercel/ai
  issue-10660-image-thought-signature.chunks.txt).
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from playground.domain.catalog import ModelInfo
from playground.emulator.contents import Conversation
from playground.emulator.encoding import Blob, Encoded
from playground.emulator.generation import Generation, input_image_tokens, text_tokens
from playground.emulator.signatures import Signer
from playground.emulator.usage import interim_usage, usage_metadata

#: Vertex's prompt-block text (https://github.com/BerriAI/litellm/pull/20105); AI Studio sends none.
VERTEX_BLOCK_MESSAGES = {"PROHIBITED_CONTENT": "The prompt is blocked due to prohibited contents"}


@dataclass(frozen=True)
class ReplyIds:
    response_id: str
    create_time: str
    model_version: str
    turn_token: str | None = None


def new_ids(model_id: str, *, turn_token: bool = False) -> ReplyIds:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # RFC 3339, µs
    response_id = secrets.token_urlsafe(17)[:23]
    return ReplyIds(response_id, now, model_id, _turn_token(response_id) if turn_token else None)


def _turn_token(response_id: str) -> str:
    """`v1_` + base64 of a protobuf holding the response id twice, 67 characters in all."""
    rid = response_id.encode()
    raw = b"\x0a" + bytes([len(rid)]) + rid + b"\x12\x15" + rid[:21]
    return "v1_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass(frozen=True)
class Shaper:
    """What every body of one reply shares."""

    gen: Generation
    platform: str
    ids: ReplyIds
    signer: Signer

    @property
    def is_vertex(self) -> bool:
        return self.platform == "vertex"


# --- generateContent ----------------------------------------------------------------------------


def generate_response(shaper: Shaper) -> dict[str, Any]:
    gen = shaper.gen
    body: dict[str, Any] = {}
    if gen.block_reason is not None:
        body["promptFeedback"] = _feedback(shaper)
    else:
        body["candidates"] = [_candidate(shaper, model_parts(shaper), final=True)]
    body["usageMetadata"] = usage_metadata(gen, shaper.platform)
    return _envelope(shaper, body, first=True)


def _feedback(shaper: Shaper) -> dict[str, Any]:
    gen = shaper.gen
    feedback: dict[str, Any] = {"blockReason": gen.block_reason}
    message = gen.block_message or (
        VERTEX_BLOCK_MESSAGES.get(str(gen.block_reason)) if shaper.is_vertex else None)
    if message:
        feedback["blockReasonMessage"] = message
    return feedback


def stream_chunks(shaper: Shaper) -> list[dict[str, Any]]:
    """One event per part (images whole), then the closing event with finishReason."""
    gen = shaper.gen
    if gen.block_reason is not None:
        return [generate_response(shaper)]
    chunks = []
    for index, part in enumerate(model_parts(shaper)):
        body = {"candidates": [_candidate(shaper, [part], final=False)],
                "usageMetadata": interim_usage(gen, shaper.platform)}
        chunks.append(_envelope(shaper, body, first=index == 0))
    closing = [{"text": ""}] if gen.has_answer else []
    last = {"candidates": [_candidate(shaper, closing, final=True, closing=True)],
            "usageMetadata": usage_metadata(gen, shaper.platform)}
    chunks.append(_envelope(shaper, last, first=not chunks))
    return chunks


def model_parts(shaper: Shaper) -> list[dict[str, Any]]:
    """Thought texts, draft images, narration, final image — in that order. Gemini 3-generation
    models sign the first answer part and every image: images with a signature of the
    configured size, text parts with a small one (docs/emulator.md "Thought signatures")."""
    gen = shaper.gen
    mime = gen.spec.output_mime
    parts: list[dict[str, Any]] = [{"text": text, "thought": True} for text in gen.thoughts]
    parts += [{"inlineData": {"mimeType": mime, "data": Blob(d)}, "thought": True}
              for d in gen.drafts]
    answer: list[dict[str, Any]] = []
    if gen.narration:
        answer.append({"text": gen.narration})
    if gen.image is not None:
        data: Any = gen.redacted_data if gen.redacted_data is not None else Blob(gen.image)
        answer.append({"inlineData": {"mimeType": gen.image_mime, "data": data}})
    if gen.spec.model.signs_parts:
        for index, part in enumerate(answer):
            if index == 0 or "inlineData" in part:
                part["thoughtSignature"] = _signature(shaper, index, "inlineData" in part)
    return parts + answer


def _signature(shaper: Shaper, index: int, is_image: bool) -> Encoded:
    seed = f"{shaper.ids.response_id}:{index}"
    if is_image:
        return shaper.signer.image_signature(seed, shaper.gen.spec.model.latency_family)
    return shaper.signer.text_signature(seed)


def _candidate(shaper: Shaper, parts: list[dict[str, Any]], *, final: bool,
               closing: bool = False) -> dict[str, Any]:
    gen = shaper.gen
    if shaper.is_vertex:
        content: dict[str, Any] = {"role": "model", "parts": parts} if parts else {"role": "model"}
    elif closing and parts:  # the closing {"text": ""} event comes without a role
        content = {"parts": parts}
    else:
        content = {"parts": parts, "role": "model"} if parts else {}
    candidate: dict[str, Any] = {"content": content}
    if final:
        candidate["finishReason"] = gen.finish_reason
        if gen.finish_message:
            candidate["finishMessage"] = gen.finish_message
    if not shaper.is_vertex:
        candidate["index"] = 0
    return candidate


def _envelope(shaper: Shaper, body: dict[str, Any], *, first: bool) -> dict[str, Any]:
    ids = shaper.ids
    body["modelVersion"] = ids.model_version
    if shaper.is_vertex:
        body["createTime"] = ids.create_time
    body["responseId"] = ids.response_id
    if first and ids.turn_token and not shaper.is_vertex:
        body["turnToken"] = ids.turn_token
    return body


# --- countTokens --------------------------------------------------------------------------------


def count_tokens_response(convo: Conversation, platform: str, info: ModelInfo) -> dict[str, Any]:
    text = text_tokens(convo.text_chars)
    image = convo.image_parts * input_image_tokens(info)
    body: dict[str, Any] = {"totalTokens": text + image}
    if platform == "vertex":
        body["totalBillableCharacters"] = convo.text_chars
    details = [{"modality": "TEXT", "tokenCount": text}]
    if image:
        details.append({"modality": "IMAGE", "tokenCount": image})
    body["promptTokensDetails"] = details
    return body
