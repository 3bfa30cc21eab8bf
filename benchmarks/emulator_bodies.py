"""Body sizes and thought-signature costs of the emulator, against the captured 1K body.

Run: python benchmarks/emulator_bodies.py [--repeat N]

* signatures — issuing one (cold: the filler's base64 built for the size; warm: cached) and
               recognising a replayed one, for each configured latency family.
* bodies     — generateContent and streamGenerateContent?alt=sse body bytes per model and size
               on both platforms (in-process, warm render cache), with the 1K Nano Banana 2
               AI Studio body against the captured ≈ 1.04 MB (vercel/ai fixture
               google-image-gemini-3.1-flash-image.json; docs/emulator.md "Thought signatures").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncio

import httpx

from benchmarks._common import load_warning
from playground.emulator import EmulatorConfig, create_app
from playground.emulator.signatures import _filler_b64, is_issued, issue, signing_key

CAPTURED_1K_BODY = 1_040_000
MODELS = ("gemini-3.1-flash-image", "gemini-nano-banana-2.1", "gemini-3-pro-image-preview")


def bench_signatures(repeat: int) -> None:
    key = signing_key(0)
    print(f"{'family':8} {'chars':>10} {'cold ms':>8} {'warm ms':>8} {'check µs':>9}")
    for family, chars in EmulatorConfig().signature_chars:
        _filler_b64.cache_clear()
        start = time.perf_counter()
        issue(key, "cold", chars)
        cold = time.perf_counter() - start
        warm, checks = [], []
        for n in range(repeat):
            start = time.perf_counter()
            text = issue(key, f"warm-{n}", chars).text.decode()
            warm.append(time.perf_counter() - start)
            start = time.perf_counter()
            assert is_issued(key, text)
            checks.append(time.perf_counter() - start)
        print(f"{family:8} {chars:>10,} {cold * 1e3:>8.2f} {statistics.median(warm) * 1e3:>8.2f} "
              f"{statistics.median(checks) * 1e6:>9.1f}")


async def _bodies() -> list[tuple[str, str, str, str, int, float]]:
    transport = httpx.ASGITransport(app=create_app(EmulatorConfig(accept_unknown_tokens=True)))
    rows = []
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        for model in MODELS:
            for size in ("1K", "4K"):
                for platform in ("aistudio", "vertex"):
                    for method in ("generateContent", "streamGenerateContent"):
                        rows.append(await _one(client, model, size, platform, method))
    return rows


async def _one(client: httpx.AsyncClient, model: str, size: str, platform: str,
               method: str) -> tuple[str, str, str, str, int, float]:
    if platform == "aistudio":
        path, headers = f"/v1beta/models/{model}:{method}", {"x-goog-api-key": "bench"}
    else:
        path = f"/v1beta1/projects/p/locations/global/publishers/google/models/{model}:{method}"
        headers = {"Authorization": "Bearer bench"}
    if method == "streamGenerateContent":
        path += "?alt=sse"
    request = {"contents": [{"role": "user", "parts": [{"text": "benchmark"}]}],
               "generationConfig": {"imageConfig": {"imageSize": size}}}
    await client.post(path, json=request, headers=headers)  # warm the render cache
    start = time.perf_counter()
    response = await client.post(path, json=request, headers=headers)
    elapsed = time.perf_counter() - start
    return model, size, platform, method, len(response.content), elapsed


def bench_bodies() -> None:
    print(f"\n{'model':28} {'size':>4} {'platform':>8} {'method':>22} {'bytes':>11} {'warm ms':>8}")
    for model, size, platform, method, size_bytes, elapsed in asyncio.run(_bodies()):
        print(f"{model:28} {size:>4} {platform:>8} {method:>22} {size_bytes:>11,} "
              f"{elapsed * 1e3:>8.1f}")
        if (model, size, platform, method) == ("gemini-3.1-flash-image", "1K", "aistudio",
                                               "generateContent"):
            off = (size_bytes - CAPTURED_1K_BODY) / CAPTURED_1K_BODY
            print(f"{'':28} captured ≈ {CAPTURED_1K_BODY:,} bytes: {off:+.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="warm signatures per family")
    args = parser.parse_args()
    print(load_warning() + "\n")
    bench_signatures(args.repeat)
    bench_bodies()


if __name__ == "__main__":
    main()
