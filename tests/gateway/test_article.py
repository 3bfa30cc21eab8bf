"""The article's three snippets, unchanged, against `python -m playground gateway --demo`
(a real subprocess): the images they get back are the bytes, format, size and pixel
dimensions that Banana Split's History shows for the same calls."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from playground.app.history_view import card_caption
from playground.domain.imaging import format_name, read_dimensions, sniff_format
from playground.domain.labels import human_bytes
from playground.history.store import HistoryStore

ROOT = Path(__file__).resolve().parents[2]
GATEWAY_KEY = "article-demo-key-0123456789"


# --- the article's code, as written (README "Use it from any OpenAI client") ------------------

def article_openai_snippet(base_url: str, api_key: str) -> bytes:
    from openai import OpenAI

    client = OpenAI(base_url=base_url, api_key=api_key)
    response = client.images.generate(
        model="nano-banana-pro",
        prompt="A watercolor banana split on a marble counter",
        size="1024x1024",
        quality="hd",
    )
    return base64.b64decode(response.data[0].b64_json)


class NanoBananaProClient:
    """Uses Vertex AI when quality matters, AI Studio otherwise."""

    def __init__(self, base_url: str, api_key: str, prefer_quality: bool = False) -> None:
        from openai import OpenAI

        self.client = OpenAI(base_url=base_url, api_key=api_key)
        self.prefer_quality = prefer_quality

    def generate(self, prompt: str, size: str = "1024x1024") -> bytes:
        model = "nano-banana-pro-vertex" if self.prefer_quality else "nano-banana-pro"
        response = self.client.images.generate(model=model, prompt=prompt, size=size,
                                               quality="hd" if self.prefer_quality else "standard")
        return base64.b64decode(response.data[0].b64_json)


def article_imagen_snippet(endpoint: str, token: str, project: str) -> Any:
    import requests

    url = (f"{endpoint}/v1/projects/{project}/locations/us-central1/publishers/google/models/"
           "imagen-3.0-fast-generate-001:predict")
    payload = {
        "instances": [{"prompt": "A watercolor banana split on a marble counter"}],
        "parameters": {
            "sampleCount": 1,
            "aspectRatio": "1:1",
            "outputOptions": {"mimeType": "image/jpeg", "compressionQuality": 85},
        },
    }
    response = requests.post(url, json=payload, headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    return response


# --- the gateway, as a user starts it ------------------------------------------------------------

@pytest.fixture
def demo_gateway(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GOOGLE_", "GEMINI_", "PLAYGROUND_", "OPENAI_"))}
    env.update(PLAYGROUND_DATA_DIR=str(data), PLAYGROUND_GATEWAY_KEYS=f"article:{GATEWAY_KEY}")
    proc = subprocess.Popen([sys.executable, "-m", "playground", "gateway", "--demo",
                             "--port", "0"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        url = None
        for line in proc.stdout:
            found = re.search(r"OpenAI-compatible\) at (http://\S+)/v1", line)
            if found:
                url = found.group(1)
                break
        assert url, "the gateway did not print its banner"
        threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain its log
        yield url, data
    finally:
        proc.terminate()
        proc.wait(20)
    assert proc.returncode == 0


def _in_history(store: HistoryStore, data: bytes) -> Any:
    """The row History shows for these bytes: the same file, and the History grid's caption
    (format · size · W×H) says what the bytes themselves are."""
    sha = hashlib.sha256(data).hexdigest()
    rows = [(r, i) for r in store.list(limit=20) for i in r.images if i.sha256 == sha]
    assert rows, "the returned image is not in History"
    result, img = rows[0]
    assert result.status == "ok" and store.original(img) == data
    assert (sniff_format(data), len(data), read_dimensions(data)) == (
        img.sniffed_mime, img.size_bytes, (img.width, img.height))
    width, height = read_dimensions(data) or (0, 0)
    shown = f"{format_name(sniff_format(data))} · {human_bytes(len(data))} · {width}×{height}"
    assert shown in card_caption(result)
    return result, img


def test_the_articles_snippets_run_unchanged(demo_gateway: tuple[str, Path]) -> None:
    base, data_dir = demo_gateway
    store = HistoryStore(data_dir)

    plain = article_openai_snippet(f"{base}/v1", GATEWAY_KEY)
    result, img = _in_history(store, plain)
    assert (result.backend, result.model) == ("aistudio", "gemini-3-pro-image")
    assert (img.sniffed_mime, img.width, img.height) == ("image/jpeg", 1024, 1024)
    assert result.usage.image_output_tokens == 1120
    assert any("quality=hd did not change the size tier" in n for n in result.notes)

    quality = NanoBananaProClient(f"{base}/v1", GATEWAY_KEY, prefer_quality=True).generate(
        "A watercolor banana split on a marble counter")
    result, img = _in_history(store, quality)
    assert (result.backend, img.sniffed_mime, img.width, img.height) == (
        "vertex", "image/png", 1024, 1024)
    fast = NanoBananaProClient(f"{base}/v1", GATEWAY_KEY).generate("A banana split")
    assert _in_history(store, fast)[0].backend == "aistudio"

    response = article_imagen_snippet(base, GATEWAY_KEY, "my-project")
    (prediction,) = response.json()["predictions"]
    image = base64.b64decode(prediction["bytesBase64Encoded"])
    result, img = _in_history(store, image)
    assert prediction["mimeType"] == img.sniffed_mime == "image/jpeg"
    assert (result.backend, result.model, img.width, img.height) == (
        "vertex", "gemini-2.5-flash-image", 1024, 1024)
    assert result.request_json["generationConfig"]["imageConfig"]["imageOutputOptions"] == {
        "mimeType": "image/jpeg", "compressionQuality": 85}
    notice = response.json()["banana"]["notice"]
    assert "retired" in notice and "2026-06-30" in notice and "gemini-2.5-flash-image" in notice
    assert response.headers["sunset"] == "Tue, 30 Jun 2026 00:00:00 GMT"
    assert any("retired" in n for n in result.notes)
