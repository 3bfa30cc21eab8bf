"""The Starlette app: API paths of both platforms, `/token`, and the `/_emulator/` control API.

Per API request: route → log (masked) → auth → scripted error fault → (worker thread) parse,
validate, generate, encode → delivery at the planned moments. The same app object works under
uvicorn and in-process through `httpx.ASGITransport`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio
from anyio.lowlevel import checkpoint
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Mount, Route

from playground.emulator.auth import authenticate, token_endpoint
from playground.emulator.config import EmulatorConfig
from playground.emulator.control_api import control_routes
from playground.emulator.delivery import Reply, TimedResponse
from playground.emulator.envelopes import WireError, html_not_found
from playground.emulator.fault_errors import deadline_error, fault_error
from playground.emulator.faults import ERROR_FAULTS
from playground.emulator.handlers import error_reply, handle
from playground.emulator.routing import ApiTarget, parse_target
from playground.emulator.state import EmulatorState

#: Scripted errors that stand for a failed generation: they arrive after the generation delay.
_SLOW_FAULTS = ("500", "503", "504", "502_html")


@dataclass
class Outcome:
    reply: Reply
    image_size: str | None = None
    generated: bool = False  # drives the profile delay: full generation vs a quick refusal
    fault: str | None = None


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    state = EmulatorState(config or EmulatorConfig())
    app = Starlette(routes=[
        Route("/token", token_endpoint, methods=["POST"]),
        Mount("/_emulator", routes=control_routes()),
        Route("/{path:path}", api_endpoint, methods=["GET", "POST"]),
    ])
    app.state.emulator = state
    return app


async def api_endpoint(request: Request) -> TimedResponse:
    arrival = anyio.current_time()
    # Let the other requests of a burst stamp their arrival before this one does its work:
    # otherwise the 32nd of 32 simultaneous requests starts its clock ~10 ms late.
    await checkpoint()
    state: EmulatorState = request.app.state.emulator
    target = parse_target(request.method, request.url.path)
    body = await request.body()
    headers = {name.lower(): value for name, value in request.headers.items()}
    query = dict(request.query_params)
    entry = state.log.record(request.method, request.url.path, query, headers, body, target)
    if target is None:
        entry["status"] = 404
        return TimedResponse(error_reply(html_not_found(request.url.path), None, {}), arrival, 0)
    images: list[dict[str, Any]] = []
    outcome = await _outcome(state, target, headers, query, body, images)
    entry["status"], entry["fault"] = outcome.reply.status, outcome.fault
    if images:
        entry["images"] = images
    timing = state.latency.timing(target, outcome.image_size, outcome.reply.size,
                                  generated=outcome.generated)
    return TimedResponse(outcome.reply, arrival + timing.ttfb_s, timing.body_s)


async def _outcome(state: EmulatorState, target: ApiTarget, headers: dict[str, str],
                   query: dict[str, str], body: bytes, images: list[dict[str, Any]]) -> Outcome:
    try:
        authenticate(target, headers, query, state.config, state.tokens)
    except WireError as err:
        return Outcome(error_reply(err, target, query))
    fault = state.faults.take(target)
    if fault is not None and fault.kind in ERROR_FAULTS:
        key = (headers.get("x-goog-api-key") or query.get("key") or "").strip()
        error = fault_error(fault, target, state.config, key, headers)
        return Outcome(error_reply(error, target, query), generated=fault.kind in _SLOW_FAULTS,
                       fault=fault.kind)
    if state.latency.times_out(target):
        return Outcome(error_reply(deadline_error(), target, query), generated=True,
                       fault="article_timeout")
    try:
        handled = await anyio.to_thread.run_sync(handle, state, target, query, body, fault,
                                                 images, limiter=state.workers)
    except WireError as err:
        return Outcome(error_reply(err, target, query), fault=fault.kind if fault else None)
    return Outcome(handled.reply, handled.image_size, generated=target.is_generation,
                   fault=fault.kind if fault else None)
