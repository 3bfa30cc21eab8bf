"""Timing truth under load: measured TTFB/total vs the emulator's injected delay.

For concurrency 1, 8 and 32 it runs a benchmark against the emulator with an explicit delay
(`set_latency`) and prints the error of every attempt's measured time against the injected one,
as p50 / p95 / max in milliseconds. The goal (tested in tests/bench) is p95 ≤ 20 ms at 32.

    python benchmarks/bench_timing.py [--ttfb 0.6] [--body 0.05] [--waves 3]
        [--server thread|process] [--launch-interval 0.01] [--model …] [--size 512]

`--server process` (default) runs the emulator in a child process, as the CLI's --demo does;
`thread` runs it inside the measuring process, sharing its interpreter and GIL, to show why not.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.bench.engine import LAUNCH_INTERVAL_S, start_run
from playground.bench.matrix import BenchSpec, plan_run
from playground.bench.store import BenchStore
from playground.config import Settings
from playground.generation.demo import start_demo
from playground.history.store import HistoryStore

SMALL_SIGNATURES = (("flash", 88), ("pro", 88), ("lite", 88))


def measure(concurrency: int, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, start_demo(
            Settings(data_dir=Path(tmp), retries=0), ("aistudio", "vertex"),
            separate_process=args.server == "process", latency_profile="instant",
            signature_chars=SMALL_SIGNATURES if args.small_signatures else None) as demo:
        demo.control.set_latency(args.ttfb, args.body)
        settings = demo.settings
        store = HistoryStore(Path(tmp))
        # One prompt, repeated: the emulator renders it once (cached), so its own CPU work does
        # not delay the headers and what is measured is the client's timing.
        spec = BenchSpec(prompts=("timing probe",), models=(args.model,),
                         image_sizes=(args.size,), concurrency=concurrency, retries=0)
        warm = start_run(plan_run(spec.with_(concurrency=1)), settings, store,
                         background=False)
        warm.run()
        spec = spec.with_(repeats=max(1, concurrency * args.waves // 2))
        peak = [0]

        def on_event(event: Any) -> None:
            peak[0] = max(peak[0], event.progress.in_flight)

        runner = start_run(plan_run(spec), settings, store, background=False, on_event=on_event,
                           launch_interval_s=args.launch_interval)
        runner.run()
        attempts = [a for r in BenchStore(store).task_records(runner.run_id) for a in r.attempts]
    ttfb = np.array([a.ttfb_s - args.ttfb for a in attempts if a.ttfb_s is not None]) * 1000
    total = np.array([a.total_s - args.ttfb - args.body for a in attempts
                      if a.total_s is not None]) * 1000
    return {"concurrency": concurrency, "n": len(attempts), "peak": peak[0],
            "ttfb": (np.percentile(ttfb, 50), np.percentile(ttfb, 95), ttfb.max()),
            "total": (np.percentile(total, 50), np.percentile(total, 95), total.max())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ttfb", type=float, default=0.6, help="injected time to headers, s")
    parser.add_argument("--body", type=float, default=0.05, help="injected body time, s")
    parser.add_argument("--waves", type=int, default=3, help="tasks = concurrency × waves")
    parser.add_argument("--server", choices=["thread", "process"], default="process")
    parser.add_argument("--launch-interval", type=float, default=LAUNCH_INTERVAL_S,
                        help="seconds between request starts (engine default; 0 = bursts)")
    parser.add_argument("--model", default="gemini-3.1-flash-image")
    parser.add_argument("--size", default="512")
    parser.add_argument("--small-signatures", action="store_true",
                        help="88-character thought signatures instead of the captured 0.6 MB "
                             "(isolates the client's timing from the emulator's delivery work)")
    args = parser.parse_args()
    os.environ.pop("PLAYGROUND_EMULATOR_PROFILE", None)
    print(f"injected ttfb {args.ttfb * 1000:.0f} ms, body {args.body * 1000:.0f} ms; emulator in a "
          f"{args.server}; launches {args.launch_interval * 1000:.0f} ms apart; {args.model} "
          f"{args.size}; signatures {'88 chars' if args.small_signatures else 'as captured'}; "
          "error = measured − injected")
    print(f"{'concurrency':>11} {'attempts':>8} {'peak':>5}   "
          f"{'ttfb p50/p95/max ms':>22}   {'total p50/p95/max ms':>22}")
    for c in (1, 8, 32):
        m = measure(c, args)
        t, s = m["ttfb"], m["total"]
        print(f"{c:>11} {m['n']:>8} {m['peak']:>5}   {t[0]:6.1f} {t[1]:6.1f} {t[2]:7.1f}   "
              f"{s[0]:6.1f} {s[1]:6.1f} {s[2]:7.1f}", flush=True)


if __name__ == "__main__":
    main()
