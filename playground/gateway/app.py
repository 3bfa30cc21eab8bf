"""The Starlette app: OpenAI's routes, the Imagen `:predict` paths, and expiring image links.

Per request: authenticate the gateway key (limits.py) → read and check the parameters →
plan (service.py) → run the calls in a worker thread → answer in OpenAI's shape with the
`x-banana-*` headers. Every refusal is OpenAI's error shape (Google's envelope on the
`:predict` paths, whose callers speak Vertex). One log line per request names the key, never
its value; every log line is redacted with every secret the gateway knows.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import traceback
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from playground.domain.errors import ImageMissingError, PlaygroundError
from playground.domain.redaction import redact_text
from playground.domain.types import ImageFacts
from playground.gateway import answers, chat, imagen
from playground.gateway.edits import MASK_REFUSAL, read_input
from playground.gateway.errors import GatewayError, bad_param
from playground.gateway.limits import authenticate
from playground.gateway.models import listing, resolve
from playground.gateway.params import BASE_FIELDS, read_params
from playground.gateway.service import Gateway, Outcome

log = logging.getLogger("banana_split.gateway")
T = TypeVar("T")
JSON = "application/json"
KEEP_ALIVE_S = 5.0
JOIN_BELOW = 4_000_000  # smaller bodies go out in one send: a copy is cheaper than three sends
DEPRECATION = "@1782777600"  # 2026-06-30, Imagen's end on Vertex (RFC 9745 form)
_GOOGLE_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                  404: "NOT_FOUND", 410: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED",
                  500: "INTERNAL", 502: "UNAVAILABLE", 503: "UNAVAILABLE",
                  504: "DEADLINE_EXCEEDED"}


def create_app(gateway: Gateway) -> Starlette:
    vertex = "/{version}/projects/{project}/locations/{location}/publishers/google/models/{model}"
    app = Starlette(routes=[
        Route("/v1/images/generations", _route(_generations), methods=["POST"]),
        Route("/v1/images/edits", _route(_edits), methods=["POST"]),
        Route("/v1/chat/completions", _route(_chat), methods=["POST"]),
        Route("/v1/models", _route(_models), methods=["GET"]),
        Route("/v1/models/{model:path}", _route(_model_or_predict), methods=["GET", "POST"]),
        Route("/v1/files/{token}", _route(_file, auth=False), methods=["GET"]),
        Route(vertex, _route(_predict, google=True), methods=["POST"]),
        Route("/{version}/publishers/google/models/{model}", _route(_predict, google=True),
              methods=["POST"]),
        Route("/{path:path}", _route(_not_found, auth=False),
              methods=["GET", "POST", "PUT", "DELETE"]),
    ])
    app.state.gateway = gateway
    return app


Handler = Callable[[Request, Gateway, str], Any]


def _route(handler: Handler, *, auth: bool = True, google: bool = False) -> Any:
    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        gw: Gateway = request.app.state.gateway
        key = "-"
        try:
            if auth:
                header = request.headers.get("authorization")
                if google and header is None and request.headers.get("x-goog-api-key"):
                    header = "Bearer " + request.headers["x-goog-api-key"]
                key = authenticate(header, gw.settings.gateway.keys)
            response: Response = await handler(request, gw, key)
        except GatewayError as err:
            response = _error_response(err, google)
        except PlaygroundError as exc:
            response = _error_response(GatewayError(500, f"{exc} {exc.hint}".strip(),
                                                    code="gateway_error"), google)
        except Exception:  # noqa: BLE001 - any bug becomes a 500, logged redacted
            _log(gw, logging.ERROR, "unexpected error:\n" + traceback.format_exc())
            response = _error_response(GatewayError(500, "The gateway hit an unexpected error; "
                                                         "see its log.", code="gateway_bug"),
                                       google)
        for name, value in (("x-banana-backend", "none"), ("x-banana-attempts", "0"),
                            ("x-banana-cost-usd", "0")):
            response.headers.setdefault(name, value)
        _log(gw, logging.INFO, f"{request.method} {request.url.path} {response.status_code} "
                               f"key={key} {1000 * (time.perf_counter() - started):.1f} ms")
        return response

    return endpoint


def _log(gw: Gateway, level: int, message: str) -> None:
    if log.isEnabledFor(level):
        log.log(level, redact_text(message, gw.secrets()))


def _error_response(err: GatewayError, google: bool) -> Response:
    if google:
        body = {"error": {"code": err.status, "message": err.message,
                          "status": _GOOGLE_STATUS.get(err.status, "UNKNOWN")}}
        if err.extra:
            body["banana"] = err.extra
        content = answers.encode(body)
    else:
        content = err.body_bytes()
    return Response(content, status_code=err.status, media_type=JSON,
                    headers=err.response_headers())


async def _run(gw: Gateway, fn: Callable[[], T]) -> T:
    return await asyncio.wrap_future(gw.pool.submit(fn))


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw)
    except ValueError:
        raise GatewayError(400, "We could not parse the JSON body of your request.",
                           code="invalid_json") from None
    if not isinstance(body, dict):
        raise GatewayError(400, "The request body must be a JSON object.", code="invalid_json")
    return body


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


class PiecesResponse(Response):
    """A body sent as its pieces (JSON text, then each image's base64 as it is): a 4K answer is
    never joined into one more 27 MB copy."""

    def __init__(self, body: list[bytes], status_code: int = 200,
                 headers: dict[str, str] | None = None, media_type: str = JSON) -> None:
        super().__init__(b"", status_code, headers, media_type)
        size = sum(len(p) for p in body)
        self.pieces = body if size > JOIN_BELOW else [b"".join(body)]
        self.headers["content-length"] = str(size)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": self.raw_headers})
        for n, piece in enumerate(self.pieces):
            await send({"type": "http.response.body", "body": piece,
                        "more_body": n < len(self.pieces) - 1})


def _answer(outcome: Outcome, build: Callable[[Outcome], list[bytes]]) -> Response:
    """The answer with the x-banana-* headers; a failure keeps them too (answers.failure)."""
    headers = answers.banana_headers(outcome)
    return PiecesResponse(build(outcome), headers=headers)


# --- images ------------------------------------------------------------------------------------


async def _generations(request: Request, gw: Gateway, key: str) -> Response:
    params = read_params(await _json(request))

    def work() -> Response:
        job = gw.plan(key, "images.generations", params)
        return _answer(gw.execute(job),
                       lambda o: answers.images_body(o, _base_url(request), gw.links, gw.store))

    return await _run(gw, work)


async def _edits(request: Request, gw: Gateway, key: str) -> Response:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise GatewayError(400, "/v1/images/edits takes multipart/form-data with image (or "
                                "image[]) files and a prompt.", code="invalid_content_type")
    form = await request.form(max_files=32, max_part_size=1_000_000)
    files: list[tuple[str, UploadFile]] = []
    fields: dict[str, Any] = {}
    for name, value in form.multi_items():
        if name == "mask":
            raise bad_param("mask", MASK_REFUSAL, "mask_not_supported")
        if name in ("image", "image[]") or name.startswith("image["):
            if not isinstance(value, UploadFile):
                raise bad_param(name, f"{name} must be a file.")
            files.append((name, value))
        else:
            fields[name] = value
    if not files:
        raise bad_param("image", "image is required: send one file as image, or several as "
                                 "image[].", "missing_image")
    params = read_params(fields, allowed=BASE_FIELDS)
    inputs = []
    for n, (name, upload) in enumerate(files):
        where = name if len(files) == 1 else f"image[{n}]"
        inputs.append(read_input(await upload.read(), upload.filename or "", where))

    def work() -> Response:
        job = gw.plan(key, "images.edits", params, inputs=tuple(inputs))
        return _answer(gw.execute(job),
                       lambda o: answers.images_body(o, _base_url(request), gw.links, gw.store))

    return await _run(gw, work)


async def _file(request: Request, gw: Gateway, key: str) -> Response:
    target = gw.links.check(request.path_params["token"])
    facts = ImageFacts(size_bytes=0, sha256=target.sha256, declared_mime=target.mime,
                       sniffed_mime=target.mime, width=None, height=None)
    try:
        data = await _run(gw, lambda: gw.store.original(facts))
    except ImageMissingError as exc:
        raise GatewayError(404, exc.message, code="image_missing") from None
    left = max(0, int(target.expires_at - time.time()))
    return Response(data, media_type=target.mime,
                    headers={"cache-control": f"private, max-age={left}"})


# --- models ------------------------------------------------------------------------------------


async def _models(request: Request, gw: Gateway, key: str) -> Response:
    return Response(answers.encode({"object": "list", "data": listing(int(time.time()))}),
                    media_type=JSON)


async def _model_or_predict(request: Request, gw: Gateway, key: str) -> Response:
    name = request.path_params["model"]
    if request.method == "POST":
        if not name.endswith(":predict"):
            raise GatewayError(404, f"POST /v1/models/{name} is not a route of this gateway.",
                               code="not_found")
        return await _predict(request, gw, key)
    target = resolve(name)
    rows = [r for r in listing(int(time.time())) if r["id"] == target.name]
    if not rows:
        raise GatewayError(404, f"The model {name!r} does not exist on this gateway.",
                           param="model", code="model_not_found")
    return Response(answers.encode(rows[0]), media_type=JSON)


# --- chat --------------------------------------------------------------------------------------


async def _chat(request: Request, gw: Gateway, key: str) -> Response:
    req = chat.read_chat(await _json(request))
    job = await _run(gw, lambda: gw.plan(key, "chat.completions", req.params,
                                         inputs=tuple(req.inputs),
                                         system=req.system, image_param="messages",
                                         tier=req.tier))
    completion_id, created = chat.new_id()
    if not req.stream:
        return await _run(gw, lambda: _answer(
            gw.execute(job), lambda o: chat.completion_body(o, completion_id, created)))
    future = asyncio.wrap_future(gw.pool.submit(gw.execute, job))
    done, _ = await asyncio.wait({future}, timeout=gw.settings.gateway.stream_hold_s)
    if done:
        outcome = future.result()
        if not outcome.succeeded:
            raise answers.failure(outcome)
        events = await _run(gw, lambda: chat.stream_events(
            outcome, completion_id, created, include_usage=req.include_usage, role_sent=False))
        return StreamingResponse(iter(events), media_type="text/event-stream",
                                 headers={**answers.banana_headers(outcome),
                                          "cache-control": "no-cache"})

    async def late() -> AsyncIterator[bytes]:
        yield chat.role_chunk(completion_id, created, job.target.name)
        while not future.done():
            await asyncio.wait({future}, timeout=KEEP_ALIVE_S)
            if not future.done():
                yield b": keep-alive\n\n"
        try:
            outcome = future.result()
            events = await _run(gw, lambda: chat.stream_events(
                outcome, completion_id, created, include_usage=req.include_usage,
                role_sent=True))
        except GatewayError as err:  # e.g. a limit refused it after the stream opened
            events = chat.stream_error(err)
        for event in events:
            yield event

    return StreamingResponse(late(), media_type="text/event-stream",
                             headers={"cache-control": "no-cache",
                                      "x-banana-requested-model": job.target.name,
                                      "x-banana-backend": job.platform,
                                      "x-banana-note": "late stream: per-call facts are in the "
                                                       "last chunk's banana field"})


# --- Imagen ------------------------------------------------------------------------------------


async def _predict(request: Request, gw: Gateway, key: str) -> Response:
    model, _, method = request.path_params["model"].partition(":")
    if method != "predict" or not model.startswith("imagen"):
        raise GatewayError(404, f"Only Imagen :predict payloads are translated here; {model}:"
                                f"{method or '?'} is not a route of this gateway (call Gemini "
                                "models through /v1/images/generations or /v1/chat/completions).",
                           code="not_found")
    payload = await _json(request)
    target = gw.settings.gateway.imagen_target

    def work() -> Response:
        translation = imagen.translate(payload, model, target, "vertex")
        outcome = gw.execute(gw.plan_imagen(key, translation, "vertex"))
        headers = {**answers.banana_headers(outcome), "sunset": imagen.SUNSET,
                   "deprecation": DEPRECATION,
                   "x-banana-notice": translation.notice.encode("ascii", "replace").decode()}
        if all(r.status == "error" for r in outcome.results):
            err = answers.failure(outcome)
            err.headers.update(headers)
            raise err
        return PiecesResponse(_predictions(outcome, translation.notice), headers=headers)

    return await _run(gw, work)


def _predictions(outcome: Outcome, notice: str) -> list[bytes]:
    """Imagen's answer: bytesBase64Encoded per image, raiFilteredReason for a withheld one."""
    predictions: list[dict[str, Any]] = []
    for r in outcome.results:
        img = r.image
        if r.ok and img is not None and img.data is not None:
            predictions.append({"bytesBase64Encoded": answers.Blob(answers.b64(img.data)),
                                "mimeType": img.sniffed_mime})
        elif r.status in ("blocked", "no_image"):
            predictions.append({"raiFilteredReason": r.finish_message or r.explanation or
                                r.finish_reason or "no image"})
    return answers.pieces({"predictions": predictions,
                           "banana": {"notice": notice, **answers.banana_extra(outcome)}})


async def _not_found(request: Request, gw: Gateway, key: str) -> Response:
    raise GatewayError(404, f"{request.method} {request.url.path} is not a route of this "
                            "gateway: use /v1/images/generations, /v1/images/edits, "
                            "/v1/chat/completions or /v1/models.", code="not_found")
