"""Blind review: how long the statistics and the blind previews take on this machine.

Targets (docs/decisions.md "Blind review"): a study's results (Bradley–Terry plus 1,000
bootstrap rounds, agreement, everything the page shows) well under 1 s for a large study
(400 pairs, 3 votes each, 6 arms); one pair of blind previews from two 4K originals under 2 s
(made once per pair and view, then cached). Run from the repo root:

    python benchmarks/blind_review.py [--votes 1200 --arms 6 --repeat 3]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import load_warning
from PIL import Image

from playground.analysis.blind import blind_crops, blind_previews
from playground.history.studies import Arm, Pair, Study, Vote
from playground.review.study_results import study_results


def make_study(arms: int, pairs: int) -> Study:
    combos = [(i, j) for i in range(arms) for j in range(i + 1, arms)]
    return Study(name="bench", question="q", arms=[Arm(n, f"arm {n}", {}) for n in range(arms)],
                 pairs=[Pair(n, f"prompt {n % 40}", *combos[n % len(combos)], n, n + 1, "x", "y")
                        for n in range(pairs)], min_votes=1, id="bench")


def make_votes(study: Study, votes: int, rng: random.Random) -> list[Vote]:
    reviewers = [f"r{n}" for n in range(max(1, votes // len(study.pairs)))]
    out = []
    for n in range(votes):
        pair = study.pairs[n % len(study.pairs)]
        choice = rng.choices(["left", "right", "tie", "both_bad"], [4, 4, 1, 1])[0]
        out.append(Vote(pair.index, reviewers[n // len(study.pairs) % len(reviewers)],
                        rng.choice("ab"), choice))  # type: ignore[arg-type]
    return out


def photo_like(width: int, height: int, fmt: str) -> bytes:
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([(x * 255 // width), (y * 255 // height), ((x + y) * 127 // (width + height))],
                    axis=-1)
    pixels = np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=1200)
    parser.add_argument("--arms", type=int, default=6)
    parser.add_argument("--pairs", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(load_warning())
    study = make_study(args.arms, args.pairs)
    votes = make_votes(study, args.votes, random.Random(3))
    results_s = timed(lambda: study_results(study, votes), args.repeat)
    print(f"study_results: {args.votes} votes, {args.arms} arms, {args.pairs} pairs, 1,000 "
          f"bootstrap rounds: {results_s * 1000:.0f} ms (target < 1000 ms, ratio "
          f"{results_s / 1.0:.2f})")
    png, jpeg = photo_like(5504, 3072, "PNG"), photo_like(5504, 3072, "JPEG")
    preview_s = timed(lambda: blind_previews(png, jpeg), args.repeat)
    crop_s = timed(lambda: blind_crops(png, jpeg, "centre"), args.repeat)
    a, b = blind_previews(png, jpeg)
    print(f"blind previews of a 4K PNG ({len(png) / 1e6:.1f} MB) and JPEG q95 "
          f"({len(jpeg) / 1e6:.1f} MB): {preview_s:.2f} s (target < 2 s, ratio "
          f"{preview_s / 2:.2f}); sent {len(a) / 1e3:.0f} kB + {len(b) / 1e3:.0f} kB")
    print(f"blind 100 % crops of the same pair: {crop_s:.2f} s")


if __name__ == "__main__":
    main()
