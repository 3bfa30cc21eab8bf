"""The web app's performance budgets, measured in a real browser.

1. Bytes sent to the browser to show a pair of 4K results, slider and previews included
   (WebSocket frames + /media requests after the click): budget ≤ 3 MB.
2. Time from the last response byte arriving at the server to both results being visible
   (previews decoded in the page, slider images loaded): budget ≤ 1.5 s.
3. Server memory (RSS of the Streamlit process, which also hosts the demo emulator) after 20
   generations of 4K pairs in one browser session: budget ≤ +300 MB over start.

    python benchmarks/app_budgets.py [--generations 20] [--size 4K] [--ratio 16:9]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.conftest import CHROMIUM, start_app, wait_for_app

VISIBLE_JS = """() => {
  const imgs = Array.from(document.querySelectorAll('[data-testid=stMain] [data-testid=stImage] img'));
  const frame = document.querySelector("iframe[title='st.iframe']");
  const doc = frame && frame.contentDocument;
  const slider = doc ? Array.from(doc.querySelectorAll('.jx-image img')) : [];
  const ready = imgs.length >= 2 && imgs.every(i => i.complete && i.naturalWidth > 0)
    && slider.length === 2 && slider.every(i => i.complete && i.naturalWidth > 0);
  return ready ? Date.now() / 1000 : null;
}"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def last_byte_wall(db: Path, since: float) -> float:
    """Wall-clock moment the last response byte of the newest pair arrived (from history)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT attempts_json FROM generations WHERE created_at >= ?",
                            (since,)).fetchall()
    ends = [a["started_at"] + (a["total_s"] or 0) for (js,) in rows for a in json.loads(js)]
    return max(ends)


class Traffic:
    def __init__(self, page: Any) -> None:
        self.ws_bytes = 0
        self.media_bytes = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        page.on("response", self._response)

    def _frame(self, payload: Any) -> None:
        self.ws_bytes += len(payload)

    def _response(self, response: Any) -> None:
        if "/media/" in response.url:
            try:
                self.media_bytes += len(response.body())
            except Exception:  # noqa: BLE001 - a cancelled request has no body
                pass

    def reset(self) -> None:
        self.ws_bytes = self.media_bytes = 0

    @property
    def total(self) -> int:
        return self.ws_bytes + self.media_bytes


def generate_once(page: Any, prompt: str) -> float:
    """Type a prompt, click Generate; return the wall time both results became visible."""
    box = page.get_by_label("Prompt")
    box.fill(prompt)
    box.press("Control+Enter")
    wait_for_app(page)
    page.evaluate("() => { const f = document.querySelector(\"iframe[title='st.iframe']\"); if (f) f.remove(); }")
    page.get_by_role("button", name="Generate", exact=True).click()
    handle = page.wait_for_function(VISIBLE_JS, polling="raf", timeout=300_000)
    return float(handle.json_value())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--generations", type=int, default=20)
    parser.add_argument("--size", default="4K")
    parser.add_argument("--ratio", default="16:9")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp())
    app = start_app(work / "data", work)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(300_000)
            traffic = Traffic(page)
            page.goto(f"{app.url}/?size={args.size}&ratio={args.ratio}")
            wait_for_app(page)
            page.get_by_role("button", name="Generate", exact=True).wait_for()
            rss_start = rss_mb(app.proc.pid)
            delays, sizes = [], []
            for n in range(args.generations):
                traffic.reset()
                since = time.time()
                visible = generate_once(page, f"benchmark scene number {n} with a lighthouse")
                delays.append(visible - last_byte_wall(app.data_dir / "history.sqlite3", since))
                wait_for_app(page)
                sizes.append(traffic.total)
                print(f"generation {n + 1:>2}: response→visible {delays[-1]:.2f} s, "
                      f"bytes to browser {traffic.total / 1e6:.2f} MB "
                      f"(ws {traffic.ws_bytes / 1e6:.2f} + media {traffic.media_bytes / 1e6:.2f}), "
                      f"server RSS {rss_mb(app.proc.pid):.0f} MB", flush=True)
            rss_end = rss_mb(app.proc.pid)
            browser.close()
    finally:
        app.stop()
    first_bytes, first_delay = sizes[0], delays[0]
    print()
    print(f"1. bytes to show a {args.size} pair: {first_bytes / 1e6:.2f} MB "
          f"(budget 3 MB; ratio {first_bytes / 3e6:.2f}); the naive slider alone sends ~46 MB")
    print(f"2. response→visible: first {first_delay:.2f} s, median {sorted(delays)[len(delays) // 2]:.2f} s, "
          f"max {max(delays):.2f} s (budget 1.5 s; ratio {max(delays) / 1.5:.2f})")
    print(f"3. server RSS: {rss_start:.0f} MB at start → {rss_end:.0f} MB after {args.generations} pairs "
          f"(+{rss_end - rss_start:.0f} MB; budget +300 MB; ratio {(rss_end - rss_start) / 300:.2f})")


if __name__ == "__main__":
    main()
