"""Review-pack export speed and size on a 4K Both run (a PNG and its JPEG q95) plus drafts.

Prints wall time and the process's peak RSS (max so far) for: the first export (metrics computed), a second export
in the same process (metrics from the memo), and an export with --like-for-like. Run from the
repo root:

    python benchmarks/export_pack.py [--width 5504 --height 3072 --noise 2 --drafts 1]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from playground.analysis.scenes import photo_like_scene
from playground.domain.imaging import describe_image
from playground.domain.types import GenerationResult, ImageRequest, Timing
from playground.export import build_review_pack
from playground.history.store import HistoryStore


def encode(pixels: object, fmt: str) -> bytes:
    out = io.BytesIO()
    img = Image.fromarray(pixels)  # type: ignore[call-overload]
    img.save(out, fmt, **({"quality": 95} if fmt == "JPEG" else {"compress_level": 6}))
    return out.getvalue()


def make_history(folder: Path, width: int, height: int, noise: float, drafts: int) -> None:
    store = HistoryStore(folder)
    files = {"aistudio": "JPEG", "vertex": "PNG"}
    for backend, fmt in files.items():
        req = ImageRequest(prompt="a 4K benchmark scene", image_size="4K", include_thoughts=True)
        result = GenerationResult(backend=backend, request=req, status="ok",  # type: ignore[arg-type]
                                  model=req.model, timing=Timing(10.0, 40.0), group_id="bench")
        for n in range(drafts + 1):
            data = encode(photo_like_scene(width, height, noise=noise, seed=n), fmt)
            facts = describe_image(data, declared_mime=f"image/{fmt.lower()}", is_draft=n < drafts)
            result.images.append(facts)  # saved with its bytes below
        store.save(result)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_export(store: HistoryStore, out: Path, **kwargs: object) -> float:
    start = time.perf_counter()
    build_review_pack(store, last=2, out=out, **kwargs)  # type: ignore[arg-type]
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--width", type=int, default=5504)
    p.add_argument("--height", type=int, default=3072)
    p.add_argument("--noise", type=float, default=2.0)
    p.add_argument("--drafts", type=int, default=1)
    args = p.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # built in a child process, so the peak RSS below is the export's own
        child = multiprocessing.get_context("spawn").Process(
            target=make_history,
            args=(folder / "data", args.width, args.height, args.noise, args.drafts))
        child.start()
        child.join()
        store = HistoryStore(folder / "data")
        originals = sum(i.size_bytes for r in store.list() for i in r.images)
        print(f"history: 2 generations, {2 * (args.drafts + 1)} images, "
              f"{originals / 1e6:.1f} MB of originals ({args.width}×{args.height})")
        print(f"RSS before exporting: {rss_mb():.0f} MB")
        for label, kwargs in (("first export", {}), ("second export (metrics memo)", {}),
                              ("with like-for-like", {"like_for_like": True})):
            out = folder / "pack.zip"
            seconds = timed_export(store, out, **kwargs)
            with zipfile.ZipFile(out) as zf:
                html_kb = zf.getinfo("index.html").file_size / 1e3
            print(f"{label:<30} {seconds:6.2f} s   zip {out.stat().st_size / 1e6:6.1f} MB   "
                  f"index.html {html_kb:5.0f} kB   peak RSS {rss_mb():5.0f} MB")


if __name__ == "__main__":
    main()
