"""Fixtures for review-pack tests: small crafted histories, and real ones via the emulator."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from playground.domain.errors import ErrorInfo
from playground.domain.imaging import describe_image, sniff_format
from playground.domain.types import Attempt, GenerationResult, ImageRequest, Timing, Usage
from playground.history.store import HistoryStore


def scene(fmt: str = "PNG", *, seed: int = 0, size: tuple[int, int] = (96, 64),
          quality: int = 80) -> bytes:
    """A small gradient with noise: PNG and JPEG of the same seed differ only by compression."""
    w, h = size
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 255, w)[None, :, None]
    y = np.linspace(0, 255, h)[:, None, None]
    pixels = np.clip(np.concatenate([x + 0 * y, y + 0 * x, (x + y) / 2], axis=2)
                     + rng.normal(0, 6, (h, w, 3)), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return out.getvalue()


def add_generation(store: HistoryStore, prompt: str, images: list[bytes] | None = None, *,
                   backend: str = "aistudio", group: str | None = None, status: str = "ok",
                   drafts: int = 0, created_at: float | None = None,
                   request: ImageRequest | None = None) -> GenerationResult:
    """Save one generation; the first `drafts` images are thought drafts, the rest finals."""
    req = request or ImageRequest(prompt=prompt, aspect_ratio="3:2", image_size="1K", seed=7,
                                  output_mime_type="image/png" if backend == "vertex" else None)
    result = GenerationResult(
        backend=backend, request=req, status=status, model=req.model,  # type: ignore[arg-type]
        http_status=200 if status == "ok" else 429, timing=Timing(0.42, 1.5),
        attempts=[Attempt(1, 1.0, 200, 0.42, 1.5, 10, 20)], request_bytes=10,
        response_bytes=20, usage=Usage(5, 1120, 155, 1280, 1120), cost_usd=0.1364,
        group_id=group, finish_reason="STOP" if status == "ok" else None,
        request_json={"contents": [{"parts": [{"text": prompt}]}]},
        created_at=created_at or 0.0,
    )
    for n, data in enumerate(images or []):
        facts = describe_image(data, declared_mime=sniff_format(data), is_draft=n < drafts,
                               requested=(96, 64))
        result.images.append(facts)  # the bytes travel in facts.data
    if status != "ok":
        result.error = ErrorInfo("ApiError", "Resource exhausted", "Wait and retry.", 429,
                                 "RESOURCE_EXHAUSTED")
    store.save(result)
    return result


@dataclass
class Pack:
    """An exported pack, unzipped: names, bytes and the parsed text files."""

    path: Path
    files: dict[str, bytes]

    @property
    def manifest(self) -> dict[str, Any]:
        import json

        return json.loads(self.files["manifest.json"])

    @property
    def metrics(self) -> dict[str, Any]:
        import json

        return json.loads(self.files["metrics.json"])

    @property
    def csv_rows(self) -> list[dict[str, str]]:
        import csv

        return list(csv.DictReader(io.StringIO(self.files["manifest.csv"].decode("utf-8"))))

    @property
    def html(self) -> str:
        return self.files["index.html"].decode("utf-8")


def open_pack(path: Path) -> Pack:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        return Pack(path, {n: zf.read(n) for n in zf.namelist()})


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / "data")


@pytest.fixture
def both_run(store: HistoryStore) -> tuple[GenerationResult, GenerationResult]:
    """A crafted Both run: AI Studio JPEG (with a draft) and Vertex PNG of the same scene."""
    a = add_generation(store, "a red fox", [scene("JPEG", seed=1), scene("JPEG")], drafts=1,
                       group="g-both", created_at=1_700_000_000.0)
    b = add_generation(store, "a red fox", [scene("PNG")], backend="vertex", group="g-both",
                       created_at=1_700_000_001.0)
    return a, b


@pytest.fixture
def emulated_history(emu_env: dict[str, str], tmp_path: Path) -> Callable[..., HistoryStore]:
    """Real history from the emulator through the service, as the app would write it."""
    from playground.clients.base import platform_for
    from playground.clients.http import make_client
    from playground.config import load_settings
    from playground.generation.fanout import generate_many

    def run(*prompts: str, include_thoughts: bool = True) -> HistoryStore:
        settings = load_settings()
        store = HistoryStore(settings.data_dir)
        with make_client(settings) as client:
            for prompt in prompts:
                req = ImageRequest(prompt=prompt, image_size="1K",
                                   include_thoughts=include_thoughts)
                generate_many(req, [platform_for(p, settings) for p in ("aistudio", "vertex")],
                              client=client, on_result=store.save)
        return store

    return run
