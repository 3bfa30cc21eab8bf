"""`/_emulator/*`: scripting faults, latency and profiles, and reading the request log.

JSON in and out, no auth, never under an API path. Bad input answers 400 `{"error": "…"}`.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from playground.emulator.config import LATENCY_PROFILES
from playground.emulator.state import EmulatorState


def control_routes() -> list[Route]:
    return [
        Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/state", state_view, methods=["GET"]),
        Route("/profile", profile, methods=["GET", "POST"]),
        Route("/latency", latency, methods=["GET", "POST", "DELETE"]),
        Route("/requests", requests_view, methods=["GET", "DELETE"]),
        Route("/service-accounts", service_accounts, methods=["GET", "POST"]),
    ]


def _state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError as exc:
        raise ValueError(f"Body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("Body must be a JSON object.")
    return data


async def faults(request: Request) -> Response:
    state = _state(request)
    if request.method == "GET":
        return JSONResponse({"pending": state.faults.pending()})
    if request.method == "DELETE":
        state.faults.clear()
        return JSONResponse({"pending": []})
    try:
        data = await _json(request)
        script = state.faults.add(
            str(data.get("fault", "")), platform=str(data.get("platform") or "*"),
            route=data.get("route"), count=data.get("count", 1),
            params=data.get("params") or {},
        )
    except ValueError as exc:
        return _bad(str(exc))
    return JSONResponse({"scripted": script.to_dict()})


async def reset(request: Request) -> Response:
    _state(request).reset()
    return JSONResponse({"reset": True})


async def state_view(request: Request) -> Response:
    return JSONResponse(_state(request).snapshot())


async def profile(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        try:
            data = await _json(request)
            state.latency.set_profile(str(data.get("profile", "")))
        except ValueError as exc:
            return _bad(str(exc))
    return JSONResponse({"profile": state.latency.profile, "profiles": list(LATENCY_PROFILES),
                         "time_scale": state.config.time_scale})


async def latency(request: Request) -> Response:
    state = _state(request)
    if request.method == "DELETE":
        state.latency.clear_explicit()
    elif request.method == "POST":
        try:
            data = await _json(request)
            state.latency.set_explicit(float(data.get("ttfb_s", 0.0)),
                                       float(data.get("body_s", 0.0)),
                                       str(data.get("platform") or "*"))
        except (TypeError, ValueError) as exc:
            return _bad(str(exc))
    return JSONResponse({"latency": state.latency.explicit()})


async def requests_view(request: Request) -> Response:
    state = _state(request)
    if request.method == "DELETE":
        state.log.clear()
        return JSONResponse({"requests": []})
    limit = request.query_params.get("limit")
    try:
        entries = state.log.entries(int(limit) if limit else None)
    except ValueError:
        return _bad("limit must be an integer.")
    return JSONResponse({"requests": entries})


async def service_accounts(request: Request) -> Response:
    """Register `{client_email, public_key_pem}` so JWT grants from it must verify."""
    state = _state(request)
    if request.method == "POST":
        try:
            data = await _json(request)
            email, pem = str(data["client_email"]), str(data["public_key_pem"])
            serialization.load_pem_public_key(pem.encode())
        except (KeyError, ValueError) as exc:
            return _bad(f"Need client_email and a PEM public_key_pem: {exc}")
        state.service_accounts[email] = pem
    return JSONResponse({"service_accounts": sorted(state.service_accounts)})
