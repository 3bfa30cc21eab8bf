"""Delivery and the request log: stream events keep their own writes, every request is logged,
and odd request bytes are Google's 400 with a log that stays readable (docs/emulator.md)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from playground.emulator import create_app
from tests.emulator.helpers import AI, FLASH, KEY, PRO, aistudio_path, body


def _sends(app: Any, path: str, payload: bytes, headers: dict[str, str]) -> list[bytes]:
    """The body writes the app makes for one request, as the server would send them."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path.split("?")[0],
             "raw_path": path.split("?")[0].encode(),
             "query_string": path.partition("?")[2].encode(),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
             "server": ("emulator", 80), "client": ("test", 1)}
    writes: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": payload, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            writes.append(message["body"])

    asyncio.run(app(scope, receive, send))
    return writes


@pytest.mark.parametrize("body_s", [0.0, 0.2])
def test_mid_stream_error_is_its_own_write(body_s) -> None:
    app = create_app()
    state = app.state.emulator
    state.faults.add("stream_error", params={"after": 1})
    if body_s:
        state.latency.set_explicit(0.0, body_s)
    request = json.dumps(body(thinkingConfig={"includeThoughts": True})).encode()
    writes = _sends(app, aistudio_path(PRO, "streamGenerateContent") + "?alt=sse", request,
                    {"x-goog-api-key": KEY, "content-type": "application/json"})
    error = [w for w in writes if b'"UNAVAILABLE"' in w]
    assert len(error) == 1 and error[0].lstrip().startswith(b"{")  # not glued to an event
    assert writes[-1] is error[0] and b"data: " not in error[0]
    assert writes[0].startswith(b"data: ")


def test_events_keep_their_own_writes_when_spread_over_time() -> None:
    app = create_app()
    app.state.emulator.latency.set_explicit(0.0, 0.2)
    writes = _sends(app, aistudio_path(FLASH, "streamGenerateContent") + "?alt=sse",
                    json.dumps(body()).encode(), AI)
    assert len(writes) > 2  # the image event is spread over several writes …
    closing = writes[-1]  # … but the closing event is one write of its own
    assert closing.startswith(b"data: ") and closing.endswith(b"\r\n\r\n")
    assert closing.count(b"data: ") == 1 and b'"finishReason": "STOP"' in closing


def test_every_request_is_logged_including_html_404s_and_token_calls(emu, http) -> None:
    assert http.get("/nowhere/at/all").status_code == 404
    http.post("/v1beta/models", json={})
    http.post("/token", data={"grant_type": "refresh_token", "refresh_token": "secret-refresh",
                              "client_id": "c"})
    entries = emu.control.requests()
    assert [(e["path"], e["status"], e["platform"]) for e in entries] == [
        ("/nowhere/at/all", 404, None), ("/v1beta/models", 404, None), ("/token", 200, None)]
    assert entries[2]["body"] == {"grant_type": "refresh_token"}
    assert "secret-refresh" not in json.dumps(entries)


@pytest.mark.parametrize(("raw", "problem"), [
    (b'{"contents": [{"parts": [{"text": "\\ud800 lonely"}]}]}', "surrogate"),
    (b'{"contents": [{"parts": [{"text": "\xff\xfe"}]}]}', "UTF-8"),
    (b'{"contents": [{"parts": [{"text": "\xed\xa0\x80"}]}]}', "UTF-8"),
])
def test_bad_characters_are_google_400s_and_the_log_stays_json(emu, http, raw, problem) -> None:
    response = http.post(aistudio_path(FLASH), content=raw,
                         headers=AI | {"content-type": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"].startswith("Invalid JSON payload received.") and problem in error["message"]
    listing = http.get("/_emulator/requests")
    assert listing.status_code == 200
    json.dumps(listing.json(), ensure_ascii=False).encode("utf-8")  # serialisable as UTF-8
    assert listing.json()["requests"][-1]["status"] == 400


def test_a_paired_surrogate_escape_is_fine(emu, http) -> None:
    raw = b'{"contents": [{"parts": [{"text": "a \\ud83d\\ude00 smiling sun"}]}]}'
    response = http.post(aistudio_path(FLASH), content=raw, headers=AI)
    assert response.status_code == 200
