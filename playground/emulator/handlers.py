"""One function per API method: request bytes in, `Reply` out. Runs in a worker thread.

Raises `WireError` for anything Google would refuse; the app turns it into the reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.emulator import imagen
from playground.emulator.delivery import JSON_TYPE, Reply
from playground.emulator.encoding import encode_json, encode_json_array, encode_sse
from playground.emulator.envelopes import WireError
from playground.emulator.fault_errors import internal_error, overloaded_error
from playground.emulator.faults import RESULT_FAULTS, Fault
from playground.emulator.generation import produce
from playground.emulator.model_list import list_models, model_resource
from playground.emulator.responses import (
    Shaper,
    count_tokens_response,
    generate_response,
    new_ids,
    stream_chunks,
)
from playground.emulator.routing import ApiTarget
from playground.emulator.state import EmulatorState
from playground.emulator.validation import (
    check_generate_schema,
    parse_json,
    resolve_model,
    validate_count,
    validate_generate,
)

SSE_TYPE = "text/event-stream"


@dataclass
class Handled:
    reply: Reply
    image_size: str | None = None


def handle(state: EmulatorState, target: ApiTarget, query: dict[str, str], body: bytes,
           fault: Fault | None, seen: list[dict[str, Any]] | None = None) -> Handled:
    """`seen` collects a request-log entry per image part (with the SHA-256 of its decoded
    bytes), also when the request is then refused."""
    config = state.config
    if target.method == "list":
        return Handled(json_reply(list_models(state.lineup, target.platform, query),
                                  config.pretty_json))
    if target.method == "get":
        offer = resolve_model(target, config, state.lineup)
        return Handled(json_reply(model_resource(offer, target.platform), config.pretty_json))
    raw = parse_json(body)
    if target.method == "countTokens":
        info = resolve_model(target, config, state.lineup).info
        convo = validate_count(target, raw, info, config, seen)
        return Handled(json_reply(count_tokens_response(convo, target.platform, info),
                                  config.pretty_json))
    if target.method == "predict":
        info = resolve_model(target, config, state.lineup).info
        payload, size = imagen.predict(raw, info, target.platform, config, state.cache)
        return Handled(json_reply(payload, config.pretty_json), size)
    return _generate(state, target, query, raw, fault, seen)


def _generate(state: EmulatorState, target: ApiTarget, query: dict[str, str],
              raw: dict[str, Any], fault: Fault | None,
              seen: list[dict[str, Any]] | None) -> Handled:
    config = state.config
    body = check_generate_schema(target, raw, config)
    info = resolve_model(target, config, state.lineup).info
    spec = validate_generate(target, body, info, config, state.signer.recognises, seen)
    result_fault = fault.kind if fault and fault.kind in RESULT_FAULTS else None
    gen = produce(spec, config, state.cache, result_fault, fault.params if fault else None)
    ids = new_ids(info.id, turn_token=config.aistudio_turn_token)
    shaper = Shaper(gen, target.platform, ids, state.signer)
    if target.method == "generateContent":
        if fault and fault.kind == "stream_error":  # no stream to break: a plain 5xx
            raise _stream_error(target, fault)
        reply = json_reply(generate_response(shaper), config.pretty_json)
    else:
        chunks = stream_chunks(shaper)
        error = None
        if fault and fault.kind == "stream_error":
            chunks, error = chunks[:_break_at(chunks, fault)], _stream_error(target, fault)
        reply = _stream_reply(chunks, target.platform, query.get("alt") == "sse",
                              config.sse_line_end, error)
    if fault and fault.kind == "truncated":
        reply.truncate(max(1, reply.size // 2))
    elif fault and fault.kind == "drop":
        reply.drop_at = max(1, int(reply.size * float(fault.params.get("fraction", 0.5))))
    return Handled(reply, spec.image_size)


def json_reply(payload: dict[str, Any], pretty: bool) -> Reply:
    return Reply(200, encode_json(payload, pretty=pretty))


def _stream_reply(chunks: list[dict[str, Any]], platform: str, is_sse: bool, line_end: str,
                  error: WireError | None) -> Reply:
    """SSE events or one JSON array (docs/wire-notes.md "Streaming"). An error after the stream opened arrives as a raw
    JSON object on SSE (not `data:`-prefixed) and as an array element otherwise."""
    if is_sse:
        pieces = encode_sse(chunks, line_end)
        if error is not None:
            pieces.append(b"".join(encode_json(error.envelope(), pretty=True)) + b"\n")
        return Reply(200, pieces, SSE_TYPE, streamed=True)
    elements = chunks + ([error.envelope()] if error is not None else [])
    return Reply(200, encode_json_array(elements, platform), JSON_TYPE, streamed=True)


def _break_at(chunks: list[dict[str, Any]], fault: Fault) -> int:
    """How many events go out before a mid-stream error: `after` if given, else every event
    before the final image (the thoughts and drafts arrive, the image does not)."""
    if "after" in fault.params:
        return min(int(fault.params["after"]), len(chunks))
    for index, chunk in enumerate(chunks):
        parts = chunk.get("candidates", [{}])[0].get("content", {}).get("parts", [])
        if any("inlineData" in p and not p.get("thought") for p in parts):
            return index
    return max(0, len(chunks) - 1)


def _stream_error(target: ApiTarget, fault: Fault) -> WireError:
    code = int(fault.params.get("code", 503))
    if code == 503:
        return overloaded_error(str(fault.params.get("wording", "high_demand")))
    return internal_error(target.platform)


def error_reply(error: WireError, target: ApiTarget | None, query: dict[str, str]) -> Reply:
    """The error body; for the non-SSE stream, wrapped in a one-element array (docs/wire-notes.md "Errors")."""
    if error.html is not None:
        return Reply(error.http_status, [error.html.encode()], "text/html; charset=UTF-8")
    pieces = encode_json(error.envelope(), pretty=True)
    if (target is not None and target.method == "streamGenerateContent"
            and query.get("alt") != "sse"):
        pieces = [b"[", *pieces, b"]"]
    return Reply(error.http_status, pieces)

