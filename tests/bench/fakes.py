"""A tiny in-process stand-in for both APIs (httpx.MockTransport) for engine logic tests.

Wire fidelity is the emulator's job (tests/bench/test_engine_emulator.py); this fake only needs
valid bodies, scripted faults, a gate to hold requests, and a log of when each request arrived.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from PIL import Image

from playground.config import AiStudioSettings, Secret, Settings, VertexSettings

BASE = "http://fake.test"


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


PNG = tiny_png()


def fake_settings(data_dir: object, *, retries: int = 2) -> Settings:
    return Settings(
        aistudio=AiStudioSettings(api_key=Secret("test-key-aistudio"), key_source="test",
                                  base_url=BASE),
        vertex=VertexSettings(express_api_key=Secret("test-key-vertex"),
                              express_key_source="test", base_url=BASE),
        data_dir=data_dir,  # type: ignore[arg-type]
        timeout_s=10.0, retries=retries,
    )


def _error(code: int, status: str, message: str, details: list | None = None) -> httpx.Response:
    body = {"error": {"code": code, "message": message, "status": status,
                      "details": details or []}}
    return httpx.Response(code, json=body)


def _success() -> httpx.Response:
    body = {
        "candidates": [{"content": {"role": "model", "parts": [
            {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(PNG).decode()}}]},
            "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 1120,
                          "totalTokenCount": 1125,
                          "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1120}]},
    }
    return httpx.Response(200, content=json.dumps(body).encode(),
                          headers={"content-type": "application/json"})


def _finish(reason: str) -> httpx.Response:
    body = {"candidates": [{"content": {"role": "model", "parts": [{"text": "no"}]},
                            "finishReason": reason}]}
    return httpx.Response(200, json=body)


def reply_for(fault: str, retry_delay_s: float) -> httpx.Response:
    if fault == "429":
        return _error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo",
             "retryDelay": f"{retry_delay_s}s"}])
    if fault == "503":
        return _error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
    if fault == "504":
        return _error(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.")
    if fault == "500":
        return _error(500, "INTERNAL", "Internal error encountered.")
    if fault == "400":
        return _error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
    if fault == "502_html":
        return httpx.Response(502, content=b"<!DOCTYPE html><html>bad gateway</html>")
    if fault == "image_safety":
        return _finish("IMAGE_SAFETY")
    if fault == "no_image":
        return _finish("NO_IMAGE")
    raise ValueError(fault)


@dataclass
class FakeGoogle:
    latency_s: float = 0.0
    retry_delay_s: float = 0.01
    script: dict[str, list[str]] = field(default_factory=lambda: {"aistudio": [], "vertex": []})
    arrivals: list[tuple[str, float]] = field(default_factory=list)
    gate: threading.Event = field(default_factory=threading.Event)
    in_flight: int = 0
    max_in_flight: int = 0

    def __post_init__(self) -> None:
        self.gate.set()
        self._lock = threading.Lock()

    def queue(self, platform: str, *faults: str) -> None:
        with self._lock:
            self.script[platform].extend(faults)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle), timeout=10.0)

    def handle(self, request: httpx.Request) -> httpx.Response:
        platform = "vertex" if "/publishers/" in request.url.path else "aistudio"
        with self._lock:
            self.arrivals.append((platform, time.monotonic()))
            fault = self.script[platform].pop(0) if self.script[platform] else None
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self.gate.wait(10)
            if self.latency_s:
                time.sleep(self.latency_s)
            return reply_for(fault, self.retry_delay_s) if fault else _success()
        finally:
            with self._lock:
                self.in_flight -= 1


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait on a condition (never a guessed sleep); fail if it does not hold in time."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.002)
