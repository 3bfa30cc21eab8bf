"""`POST /v1/chat/completions` with image output, in the shape OpenRouter and CLIProxyAPI
clients read: `modalities: ["image", "text"]`, `image_config {aspect_ratio, image_size}`,
answers with `choices[].message.images[] = {type: "image_url", image_url: {url: data URL}}`
and the text in `message.content` (openrouter.ai/docs/guides/overview/multimodal/image-generation).

Only the last user message is sent, with its images inline; system text becomes
systemInstruction; earlier turns are dropped and a note says so (replaying the model's images
would need Google's thought signatures, which OpenAI messages cannot carry). Streams are
server-sent events of `chat.completion.chunk`, ending with `data: [DONE]`.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from playground.domain.turns import InputImage
from playground.domain.types import GenerationResult
from playground.gateway.answers import Blob, banana_extra, data_url, encode, failure, pieces
from playground.gateway.edits import read_input
from playground.gateway.errors import GatewayError, bad_param, unknown_param
from playground.gateway.params import ImageParams, read_params
from playground.gateway.service import Outcome

CHAT_FIELDS = {"model", "messages", "modalities", "stream", "stream_options", "image_config",
               "n", "user", "seed"}
_REFUSED = {
    "temperature": "Banana Split's image requests do not set a temperature.",
    "top_p": "Banana Split's image requests do not set top_p.",
    "max_tokens": "image answers are not capped by tokens here.",
    "max_completion_tokens": "image answers are not capped by tokens here.",
    "tools": "the gateway serves image generation, not tool calls.",
    "response_format": "chat answers carry images in message.images.",
}
_DATA_URL = re.compile(r"data:([\w/+.-]+)?(?:;[\w=-]+)*;base64,(.*)", re.DOTALL)


@dataclass
class ChatRequest:
    params: ImageParams
    tier: tuple[str, str] | None
    inputs: list[InputImage]
    system: str | None
    stream: bool
    include_usage: bool
    notes: list[str] = field(default_factory=list)


def read_chat(body: dict[str, Any]) -> ChatRequest:
    for name in body:
        if name not in CHAT_FIELDS:
            raise unknown_param(name, _REFUSED.get(name, "The gateway refuses parameters it "
                                                         "cannot pass on."))
    modalities = body.get("modalities", ["image", "text"])
    if not isinstance(modalities, list) or "image" not in modalities:
        raise bad_param("modalities", "This gateway serves image models: send modalities "
                                      '["image", "text"] (or ["image"]).')
    config = body.get("image_config") or {}
    if not isinstance(config, dict) or set(config) - {"aspect_ratio", "image_size"}:
        raise bad_param("image_config", "image_config takes aspect_ratio and image_size.")
    prompt, inputs, system, notes = _messages(body.get("messages"))
    fields: dict[str, Any] = {"prompt": prompt, "model": body.get("model"),
                              "n": body.get("n"), "user": body.get("user"),
                              "seed": body.get("seed"), "size": config.get("aspect_ratio")}
    params = read_params({k: v for k, v in fields.items() if v is not None})
    params.notes += notes
    tier = config.get("image_size")
    options = body.get("stream_options") or {}
    return ChatRequest(params, ("image_config.image_size", str(tier)) if tier else None,
                       inputs, system, bool(body.get("stream")),
                       bool(isinstance(options, dict) and options.get("include_usage")), notes)


def _text_and_images(content: Any, where: str) -> tuple[list[str], list[InputImage]]:
    if isinstance(content, str):
        return [content], []
    if not isinstance(content, list):
        raise bad_param(where, f"{where} must be a string or a list of parts.")
    texts, images = [], []
    for j, part in enumerate(content):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            texts.append(str(part.get("text", "")))
        elif kind == "image_url":
            url = part.get("image_url")
            url = url.get("url") if isinstance(url, dict) else url
            images.append(_image(str(url or ""), f"{where}[{j}].image_url"))
        else:
            raise bad_param(f"{where}[{j}]", f"{where}[{j}] is a {kind!r} part; the gateway "
                                             "takes text and image_url parts.")
    return texts, images


def _image(url: str, where: str) -> InputImage:
    match = _DATA_URL.fullmatch(url.strip())
    if not match:
        raise bad_param(where, f"{where} must be a data: URL with base64 image bytes; the "
                               "gateway does not fetch URLs.")
    try:
        data = base64.b64decode(match.group(2), validate=True)
    except (binascii.Error, ValueError):
        raise bad_param(where, f"{where} holds base64 that does not decode.") from None
    return read_input(data, "", where)


def _messages(messages: Any) -> tuple[str, list[InputImage], str | None, list[str]]:
    if not isinstance(messages, list) or not messages:
        raise bad_param("messages", "messages must be a non-empty list.")
    *earlier, last = messages
    if not isinstance(last, dict) or last.get("role") != "user":
        raise bad_param("messages", "The last message must be the user's: it is what the image "
                                    "model is asked.")
    texts, images = _text_and_images(last.get("content"), f"messages[{len(earlier)}].content")
    system_texts, dropped = [], 0
    for i, message in enumerate(earlier):
        role = message.get("role") if isinstance(message, dict) else None
        if role in ("system", "developer"):
            system_texts += _text_and_images(message.get("content"), f"messages[{i}].content")[0]
        else:
            dropped += 1
    notes = [f"Only the last user message was sent: {dropped} earlier message(s) were not "
             "(replaying the model's images needs Google's thought signatures, which OpenAI "
             "messages do not carry)."] if dropped else []
    return "\n".join(texts), images, "\n".join(system_texts) or None, notes


# --- answers -----------------------------------------------------------------------------------


def _usage(results: list[GenerationResult]) -> dict[str, Any]:
    def total(name: str) -> int | None:
        known = [v for r in results if r.usage and (v := getattr(r.usage, name)) is not None]
        return sum(known) if known else None

    prompt, whole = total("prompt_tokens"), total("total_tokens")
    return {"prompt_tokens": prompt,
            "completion_tokens": None if prompt is None or whole is None else whole - prompt,
            "total_tokens": whole,
            "prompt_tokens_details": {"image_tokens": total("prompt_image_tokens")},
            "completion_tokens_details": {"image_tokens": total("image_output_tokens"),
                                          "reasoning_tokens": total("thoughts_tokens")}}


def _message(r: GenerationResult) -> dict[str, Any]:
    img = r.image
    assert img is not None and img.data is not None
    return {"role": "assistant", "content": "\n".join(r.texts),
            "images": [{"type": "image_url", "index": 0,
                        "image_url": {"url": Blob(data_url(img, img.data))}}]}


def completion_body(outcome: Outcome, completion_id: str, created: int) -> list[bytes]:
    if not outcome.succeeded:
        raise failure(outcome)
    choices = [{"index": i, "message": _message(r), "finish_reason": "stop",
                "native_finish_reason": r.finish_reason, "logprobs": None}
               for i, r in enumerate(outcome.succeeded)]
    return pieces({"id": completion_id, "object": "chat.completion", "created": created,
                   "model": outcome.job.target.name, "choices": choices,
                   "usage": _usage(outcome.succeeded), "banana": banana_extra(outcome)})


def new_id() -> tuple[str, int]:
    return f"chatcmpl-{secrets.token_hex(12)}", int(time.time())


def sse(obj: Any) -> bytes:
    return b"data: " + encode(obj) + b"\n\n"


DONE = b"data: [DONE]\n\n"


def role_chunk(completion_id: str, created: int, model: str, index: int = 0) -> bytes:
    return sse(_chunk(completion_id, created, model,
                      [{"index": index, "delta": {"role": "assistant", "content": ""},
                        "finish_reason": None}]))


def _chunk(completion_id: str, created: int, model: str, choices: list[Any]) -> dict[str, Any]:
    return {"id": completion_id, "object": "chat.completion.chunk", "created": created,
            "model": model, "choices": choices}


def stream_events(outcome: Outcome, completion_id: str, created: int, *, include_usage: bool,
                  role_sent: bool) -> list[bytes]:
    """The rest of the stream once the calls are done: text, one chunk per image, the finish,
    optionally usage, then [DONE]. A failure is an `error` event (the SDK raises APIError)."""
    model = outcome.job.target.name
    if not outcome.succeeded:
        return [sse(failure(outcome).body()), DONE]
    events = []
    for i, r in enumerate(outcome.succeeded):
        if not role_sent or i > 0:
            events.append(role_chunk(completion_id, created, model, i))
        message = _message(r)
        if message["content"]:
            events.append(sse(_chunk(completion_id, created, model, [
                {"index": i, "delta": {"content": message["content"]}, "finish_reason": None}])))
        events.append(sse(_chunk(completion_id, created, model, [
            {"index": i, "delta": {"images": message["images"]}, "finish_reason": None}])))
        events.append(sse(_chunk(completion_id, created, model, [
            {"index": i, "delta": {}, "finish_reason": "stop",
             "native_finish_reason": r.finish_reason}])))
    last = _chunk(completion_id, created, model, [])
    last["banana"] = banana_extra(outcome)
    if include_usage:
        last["usage"] = _usage(outcome.succeeded)
    events += [sse(last), DONE]
    return events


def stream_error(error: GatewayError) -> list[bytes]:
    return [sse(error.body()), DONE]
