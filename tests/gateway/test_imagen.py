"""Imagen `:predict` payloads at the gateway's Vertex-shaped paths."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from playground.domain.imaging import read_dimensions, sniff_format
from tests.gateway.conftest import KEY

PATH = "/v1/projects/p/locations/us-central1/publishers/google/models/{model}:predict"


def _post(gw: Any, body: Any, model: str = "imagen-4.0-generate-001", **headers: str) -> Any:
    headers = headers or {"authorization": f"Bearer {KEY}"}
    return httpx.post(gw.base_url + PATH.format(model=model), json=body, headers=headers,
                      timeout=60)


def test_predict_answers_predictions_and_a_filtered_reason(gw: Any, emu: Any,
                                                           history: Any) -> None:
    emu.control.script("image_safety", message="Filtered by policy.")
    response = _post(gw, {"instances": [{"prompt": "two cats"}],
                          "parameters": {"sampleCount": 2, "aspectRatio": "4:3"}})
    assert response.status_code == 200
    body = response.json()
    kinds = sorted(tuple(p) for p in body["predictions"])
    assert kinds == [("bytesBase64Encoded", "mimeType"), ("raiFilteredReason",)]
    image = next(p for p in body["predictions"] if "bytesBase64Encoded" in p)
    data = base64.b64decode(image["bytesBase64Encoded"])
    assert sniff_format(data) == image["mimeType"] == "image/png"  # Vertex's default
    assert read_dimensions(data) == (1184, 864)  # 2.5 Flash at 4:3, not Imagen's 1280×896
    filtered = next(p for p in body["predictions"] if "raiFilteredReason" in p)
    assert filtered["raiFilteredReason"] == "Filtered by policy."
    assert response.headers["deprecation"] and "retired" in response.headers["x-banana-notice"]
    assert response.headers["x-banana-status"] in ("ok,blocked", "blocked,ok")
    rows = [history.get(int(i)) for i in response.headers["x-banana-history-ids"].split(",")]
    assert {r.backend for r in rows} == {"vertex"} and len(rows) == 2


def test_predict_errors_are_googles_envelope(gw: Any, emu: Any) -> None:
    response = _post(gw, {"instances": [{"prompt": "x"}], "parameters": {"sampleCount": 7}})
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"
    emu.control.script("503", count=3)
    response = _post(gw, {"instances": [{"prompt": "x"}], "parameters": {"sampleCount": 1}},
                     **{"x-goog-api-key": KEY})
    assert response.status_code == 503 and response.json()["error"]["status"] == "UNAVAILABLE"
    response = _post(gw, {"instances": [{"prompt": "x"}]}, model="gemini-3-pro-image")
    assert response.status_code == 404 and "Only Imagen" in response.json()["error"]["message"]
    response = _post(gw, {"instances": [{"prompt": "x"}]}, authorization="Bearer nope")
    assert response.status_code == 401 and response.json()["error"]["status"] == "UNAUTHENTICATED"


def test_predict_at_the_short_path(gw: Any) -> None:
    response = httpx.post(gw.base_url + "/v1/models/imagen-3.0-generate-002:predict",
                          json={"instances": [{"prompt": "x"}], "parameters": {"sampleCount": 1}},
                          headers={"authorization": f"Bearer {KEY}"}, timeout=60)
    assert response.status_code == 200 and len(response.json()["predictions"]) == 1
