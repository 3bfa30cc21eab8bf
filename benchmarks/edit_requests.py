"""Editing with images, measured: the cost of big requests and long conversations.

1. 14 reference images of 5 MB each: building the body and its pieces (pybase64 encode),
   target ≤ 150 ms, and the peak memory of that, target ≤ 3× the payload (tracemalloc).
2. A 6-turn Pro conversation (demo emulator, captured-size signatures, ~8 MB replayed): reading
   the thread from History and building the body, target ≤ 100 ms; and what the History
   thread view sends to the browser (its images and texts, AppTest), target ≤ 1.5 MB.
3. 4 variants × 2 platforms against an injected 0.8 s delay: wall time ÷ the slowest single
   request, target ≤ 1.1.

    python benchmarks/edit_requests.py
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import load_warning
from benchmarks.app_budgets import Traffic
from playground.clients.base import platform_for
from playground.clients.http import make_client
from playground.clients.wire import b64encode
from playground.config import load_settings
from playground.domain.options import check_request
from playground.domain.turns import describe_input
from playground.domain.types import ImageRequest
from playground.generation.conversation import continuation
from playground.generation.demo import start_demo
from playground.generation.fanout import plan_slots, run_slots
from playground.generation.run import RunOptions, generate
from playground.history.store import HistoryStore
from tests.e2e.conftest import CHROMIUM, start_app, wait_for_app

PRO = "gemini-3-pro-image-preview"


def noise_png(seed: int, side: int = 1290) -> bytes:
    """An incompressible PNG of ~5 MB (random pixels, stored without compression)."""
    pixels = np.random.default_rng(seed).integers(0, 256, (side, side, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG", compress_level=0)
    return out.getvalue()


def fourteen_references() -> None:
    images = tuple(describe_input(noise_png(n), name=f"ref{n}.png") for n in range(14))
    payload = sum(i.size_bytes for i in images)
    req = ImageRequest(prompt="combine all of these", model=PRO, inputs=images)
    platform = platform_for("aistudio", load_settings())
    times = []
    for _ in range(5):
        start = time.perf_counter()
        wire = platform.build(req, [])
        pieces = wire.chunks()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    wire = platform.build(req, [])
    sent = sum(len(p) for p in wire.chunks())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del pieces
    raw = []
    for _ in range(5):  # the floor: pybase64 alone on the same bytes
        start = time.perf_counter()
        for img in images:
            b64encode(img.data or b"")
        raw.append(time.perf_counter() - start)
    build = statistics.median(times)
    print(f"1. 14 × {payload / 14 / 1e6:.2f} MB references ({payload / 1e6:.1f} MB, "
          f"{sent / 1e6:.1f} MB on the wire)")
    print(f"   build + encode: median {build * 1000:.0f} ms (target ≤ 150 ms: "
          f"{build / 0.150:.2f}× the target; {build / statistics.median(raw):.2f}× pybase64 "
          "alone on the same bytes)")
    print(f"   peak memory: {peak / 1e6:.0f} MB = {peak / payload:.2f}× the payload "
          "(target ≤ 3×)")


def six_turn_thread(folder: Path) -> None:
    os.environ["PLAYGROUND_DATA_DIR"] = str(folder)
    settings = load_settings()
    store = HistoryStore(settings.data_dir)
    with start_demo(settings, latency_profile="instant") as demo, make_client(demo.settings) as client:
        platform = platform_for("aistudio", demo.settings)
        req = ImageRequest(prompt="a lighthouse on a cliff", model=PRO, aspect_ratio="1:1",
                           image_size="1K")
        result = generate(req, platform, client=client, options=RunOptions())
        store.save(result)
        for step in ("at night", "in a storm", "with a ship", "in snow", "as a watercolour"):
            req = continuation(store, result, f"now {step}")
            result = generate(req, platform, client=client, options=RunOptions())
            assert result.ok, result.error
            store.save(result)
    last = result
    assert last.id is not None
    replayed = sum(len(p.signature or "") for t in store.conversation(last.id) for p in t.parts)
    times, loads = [], []
    for _ in range(5):
        start = time.perf_counter()
        req = continuation(store, last, "and a seventh turn")
        loaded = time.perf_counter()
        wire = platform.build(check_request(req, ["aistudio"]).request, [])
        sum(len(p) for p in wire.chunks())
        times.append(time.perf_counter() - loaded)
        loads.append(loaded - start)
    build = statistics.median(times)
    print(f"2. a 6-turn Pro thread: {replayed / 1e6:.1f} MB of signatures replayed by turn 7")
    print(f"   reading the thread from History: median {statistics.median(loads) * 1000:.0f} ms")
    print(f"   building the body: median {build * 1000:.0f} ms (target ≤ 100 ms: "
          f"{build / 0.100:.2f}× the target)")
    sent = thread_view_bytes(folder, last.id)
    print(f"   History thread view: {sent / 1e6:.2f} MB of images and text to the browser "
          f"(target ≤ 1.5 MB: {sent / 1.5e6:.2f}× the target)")


def thread_view_bytes(folder: Path, gen_id: int) -> int:
    """Bytes the browser receives for the History page of the thread's last turn, in Debian's
    chromium: WebSocket frames and /media responses (as benchmarks/app_budgets.py counts)."""
    from playwright.sync_api import sync_playwright

    app = start_app(folder, folder)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(app.url)  # the app's first visit starts its demo emulator
            wait_for_app(page)
            traffic = Traffic(page)
            page.goto(f"{app.url}/history?id={gen_id}")
            wait_for_app(page)
            page.get_by_text("Thread · 6 turns").wait_for(timeout=120_000)
            wait_for_app(page)
            page.wait_for_timeout(1000)
            browser.close()
            return traffic.total
    finally:
        app.stop()


def variants_fan_out() -> None:
    settings = load_settings()
    with start_demo(settings, ["aistudio", "vertex"], latency_profile="instant",
                    separate_process=True) as demo, make_client(demo.settings) as client:
        platforms = [platform_for(p, demo.settings) for p in ("aistudio", "vertex")]
        req = ImageRequest(prompt="a paper crane", model=PRO, aspect_ratio="1:1", image_size="1K")
        run_slots(plan_slots(req, platforms, variants=4), client=client)  # render once
        demo.control.set_latency(0.8, 0.05)
        start = time.perf_counter()
        results = run_slots(plan_slots(req, platforms, variants=4), client=client)
        wall = time.perf_counter() - start
    slowest = max(r.timing.total_s or 0 for r in results)
    assert all(r.ok for r in results) and len(results) == 8
    print(f"3. 4 variants × 2 platforms: wall {wall:.3f} s, slowest request {slowest:.3f} s, "
          f"ratio {wall / slowest:.3f} (target ≤ 1.1)")


def main() -> None:
    print(load_warning())
    fourteen_references()
    with tempfile.TemporaryDirectory() as folder:
        six_turn_thread(Path(folder))
    variants_fan_out()


if __name__ == "__main__":
    main()
