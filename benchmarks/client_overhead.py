"""Post-processing cost of one 4K response: from the last body byte to a stored result.

Compares Banana Split's path (parse, sniff, measure, segments, content-addressed write, SQLite
row) with a raw baseline (json + base64 decode + write the file) and with the google-genai SDK
parsing the same body (its converter + pydantic model, then writing the image).
Targets: ours ≤ the SDK's time and ≤ 1.3× the raw baseline.

    python benchmarks/client_overhead.py [--repeats 9]
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.clients.parse import parse_into
from playground.domain.types import GenerationResult, ImageRequest
from playground.emulator import EmulatorConfig, start_emulator, write_service_account_file
from playground.history.store import HistoryStore

REQ = ImageRequest(prompt="a red fox in snow at dawn, 4K", aspect_ratio="16:9", image_size="4K",
                   model="gemini-3-pro-image-preview")
#: A 1K Nano Banana 2 answer as captured: ~1.04 MB, more than half of it thoughtSignature.
NB2_1K = ImageRequest(prompt="a red fox in snow at dawn", aspect_ratio="1:1", image_size="1K",
                      model="gemini-3.1-flash-image")
CASES = [("vertex", REQ, "4K 16:9 Pro"), ("aistudio", REQ, "4K 16:9 Pro"),
         ("aistudio", NB2_1K, "1K NB2")]


def fetch_body(platform: str, req: ImageRequest = REQ) -> bytes:
    """One real response body from the emulator (AI Studio JPEG or Vertex PNG)."""
    handle = start_emulator(EmulatorConfig())
    try:
        body = {"contents": [{"role": "user", "parts": [{"text": req.prompt}]}],
                "generationConfig": {"responseModalities": ["TEXT", "IMAGE"],
                                     "imageConfig": {"aspectRatio": req.aspect_ratio,
                                                     "imageSize": req.image_size}}}
        if platform == "aistudio":
            url = f"{handle.base_url}/v1beta/models/{req.model}:generateContent"
            headers = {"x-goog-api-key": "bench"}
        else:
            import google.auth.transport.requests
            from google.oauth2 import service_account

            folder = Path(tempfile.mkdtemp())
            sa = write_service_account_file(folder / "sa.json", f"{handle.base_url}/token")
            creds = service_account.Credentials.from_service_account_file(
                str(sa), scopes=["https://www.googleapis.com/auth/cloud-platform"])
            creds.refresh(google.auth.transport.requests.Request())
            url = (f"{handle.base_url}/v1/projects/banana-demo/locations/global/publishers/google/"
                   f"models/{req.model}:generateContent")
            headers = {"Authorization": f"Bearer {creds.token}"}
        response = httpx.post(url, json=body, headers=headers, timeout=120)
        response.raise_for_status()
        return response.content
    finally:
        handle.stop()


def ours(body: bytes, store: HistoryStore, req: ImageRequest = REQ) -> None:
    """What happens after the last body byte: parse into the result, then the caller saves it."""
    result = GenerationResult(backend="vertex", request=req, status="error", model=req.model)
    parse_into(result, body)
    store.save(result)


def raw_baseline(body: bytes, out: Path) -> None:
    payload = json.loads(body)
    for part in payload["candidates"][0]["content"]["parts"]:
        if "inlineData" in part:
            out.write_bytes(base64.b64decode(part["inlineData"]["data"]))


def raw_pybase64(body: bytes, out: Path) -> None:
    """The same minimal script with the SIMD decoder we ship, for a like-for-like reading."""
    import pybase64

    payload = json.loads(body)
    for part in payload["candidates"][0]["content"]["parts"]:
        if "inlineData" in part:
            out.write_bytes(pybase64.b64decode(part["inlineData"]["data"]))


def sdk(body: bytes, out: Path, vertex: bool) -> None:
    from google.genai import models, types

    text = body.decode("utf-8")  # the SDK keeps response bodies as text
    response = json.loads(text)
    convert = (models._GenerateContentResponse_from_vertex if vertex
               else models._GenerateContentResponse_from_mldev)
    parsed = types.GenerateContentResponse._from_response(response=convert(response, None, None),
                                                          kwargs={})
    for part in parsed.candidates[0].content.parts:  # type: ignore[index,union-attr]
        if part.inline_data and not part.thought:
            out.write_bytes(part.inline_data.data or b"")


def timed(fn: Callable[[], None], repeats: int) -> float:
    fn()  # warm up
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    print(f"{'response':<20}{'body':>9}{'ours':>9}{'raw':>9}{'raw+simd':>10}{'sdk':>9}"
          f"{'ours/raw':>10}{'ours/sdk':>10}")
    verdicts = []
    for platform, req, what in CASES:
        body = fetch_body(platform, req)
        store = HistoryStore(work / f"{platform}-{what.replace(' ', '')}")
        t_ours = timed(lambda b=body, s=store, r=req: ours(b, s, r), args.repeats)
        t_raw = timed(lambda b=body: raw_baseline(b, work / "raw.bin"), args.repeats)
        t_simd = timed(lambda b=body: raw_pybase64(b, work / "raw.bin"), args.repeats)
        t_sdk = timed(lambda b=body, v=platform == "vertex": sdk(b, work / "sdk.bin", v), args.repeats)
        label = f"{platform} {what}"
        print(f"{label:<20}{len(body) / 1e6:>7.1f}MB{t_ours * 1e3:>7.1f}ms{t_raw * 1e3:>7.1f}ms"
              f"{t_simd * 1e3:>8.1f}ms{t_sdk * 1e3:>7.1f}ms{t_ours / t_raw:>10.2f}"
              f"{t_ours / t_sdk:>10.2f}")
        verdicts.append(t_ours <= t_sdk and t_ours <= 1.3 * t_raw)
    print("targets (ours ≤ sdk and ≤ 1.3× raw):", "met" if all(verdicts) else "NOT met")


if __name__ == "__main__":
    main()
