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
from playground.emulator.lineup import parse_day, parse_entries
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
        Route("/lineup", lineup, methods=["GET", "POST", "DELETE"]),
    ]


def _state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
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
            data.get("fault", ""), platform=data.get("platform") or "*",
            route=data.get("route"), count=data.get("count", 1), params=data.get("params"),
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
            state.latency.set_profile(data.get("profile", ""))
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
            state.latency.set_explicit(_seconds(data, "ttfb_s"), _seconds(data, "body_s"),
                                       data.get("platform") or "*")
        except ValueError as exc:
            return _bad(str(exc))
    return JSONResponse({"latency": state.latency.explicit()})


def _seconds(data: dict[str, Any], name: str) -> float:
    value = data.get(name, 0.0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number of seconds; got {value!r}.")
    return float(value)


async def requests_view(request: Request) -> Response:
    state = _state(request)
    if request.method == "DELETE":
        state.log.clear()
        return JSONResponse({"requests": []})
    limit = request.query_params.get("limit")
    try:
        count = int(limit) if limit else None
        if count is not None and count < 0:
            raise ValueError
    except ValueError:
        return _bad("limit must be a non-negative integer.")
    entries = state.log.entries(count)
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


async def lineup(request: Request) -> Response:
    """The day the lifecycle is read on, and the extra and hidden models. POST changes the
    fields it names (`{"today": "2026-10-01"}`, `{"today": null}` = the real date); DELETE
    goes back to the config."""
    current = _state(request).lineup
    if request.method == "DELETE":
        current.reset()
    elif request.method == "POST":
        try:
            data = await _json(request)
            today = parse_day(data["today"]) if "today" in data else current.today
            extra = parse_entries(data.get("extra_models", current.extra), "extra_models")
            hidden = parse_entries(data.get("hidden_models", current.hidden), "hidden_models")
        except ValueError as exc:
            return _bad(str(exc))
        current.set(today, extra, hidden)
    return JSONResponse(current.snapshot())
