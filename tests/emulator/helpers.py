"""Helpers shared by the emulator tests: paths, request bodies, response readers, in-process client."""

from __future__ import annotations

import asyncio
import base64
import io
import json
from typing import Any

import httpx
import numpy as np
from PIL import Image

from playground.emulator import EmulatorConfig, create_app

KEY = "test-key-0001"
AI = {"x-goog-api-key": KEY}  #: AI Studio's auth header with the test key
PRO = "gemini-3-pro-image-preview"
FLASH = "gemini-3.1-flash-image"
FLASH25 = "gemini-2.5-flash-image"
LITE = "gemini-3.1-flash-lite-image"
NB21 = "gemini-nano-banana-2.1"
#: A day on which every catalog Gemini model is still served on AI Studio (2.5 Flash Image shut
#: down there on 2026-10-02; 3.1 Flash was deprecated 2026-10-06).
SUMMER_2026 = "2026-09-01"


def aistudio_path(model: str = PRO, method: str = "generateContent", version: str = "v1beta") -> str:
    return f"/{version}/models/{model}:{method}"


def vertex_path(model: str = PRO, method: str = "generateContent", location: str = "global",
                version: str = "v1beta1", project: str = "banana-demo") -> str:
    return (f"/{version}/projects/{project}/locations/{location}/publishers/google/models/"
            f"{model}:{method}")


def express_path(model: str = FLASH, method: str = "generateContent", version: str = "v1beta1") -> str:
    return f"/{version}/publishers/google/models/{model}:{method}"


def body(prompt: str = "a lighthouse at dusk", *, role: str | None = "user",
         **generation_config: Any) -> dict[str, Any]:
    content: dict[str, Any] = {"parts": [{"text": prompt}]}
    if role is not None:
        content["role"] = role
    request: dict[str, Any] = {"contents": [content]}
    if generation_config:
        request["generationConfig"] = generation_config
    return request


def picture(width: int, height: int, fmt: str = "png", seed: int = 0) -> bytes:
    """A little picture unlike any other seed's (smooth random colour fields, a few blocks) as
    PNG, JPEG or WebP bytes."""
    rng = np.random.default_rng(seed)
    coarse = Image.fromarray(rng.integers(0, 256, size=(6, 6, 3), dtype=np.uint8))
    pixels = np.array(coarse.resize((width, height), Image.Resampling.BICUBIC))
    for _ in range(4):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        pixels[y0:y0 + max(1, height // 5), x0:x0 + max(1, width // 5)] = rng.integers(0, 256, 3)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}[fmt])
    return out.getvalue()


def image_parts(payload: dict[str, Any]) -> list[dict[str, Any]]:
    parts = payload["candidates"][0]["content"].get("parts", [])
    return [p for p in parts if "inlineData" in p]


def final_image(payload: dict[str, Any]) -> tuple[str, bytes]:
    part = [p for p in image_parts(payload) if not p.get("thought")][-1]
    return part["inlineData"]["mimeType"], base64.b64decode(part["inlineData"]["data"])


def parse_sse(text: str) -> list[dict[str, Any]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        data = [line[len("data: "):] for line in block.split("\n") if line.startswith("data: ")]
        if data:
            events.append(json.loads("\n".join(data)))
    return events


class AsgiClient:
    """Synchronous calls into an app through httpx.ASGITransport (in-process, no socket)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
                response = await client.request(method, url, **kwargs)
                await response.aread()
                return response

        return asyncio.run(call())

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)


def asgi(config: EmulatorConfig | None = None) -> AsgiClient:
    return AsgiClient(create_app(config))


def token_for(client: AsgiClient | httpx.Client) -> str:
    """A Bearer token from an app's own /token, via the refresh-token grant."""
    response = client.post("/token", data={"grant_type": "refresh_token", "refresh_token": "r",
                                           "client_id": "c"})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
