"""`python -m playground bench`: run a prompt set on both platforms and print the statistics.

Exit codes: 0 ok; 1 a cell failed entirely, or the run crashed (the reason is on stderr and the
run can be resumed); 2 bad input, configuration or a history that cannot be used (before any
request; numbers must be finite and in range); 130 cancelled.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from playground.bench.article import PRESET, article_spec, evaluate_claims
from playground.bench.engine import BenchEvent, BenchRun, missing_credentials, resume_run, start_run
from playground.bench.launch import demo_for_run
from playground.bench.matrix import (
    BenchInputError,
    BenchSpec,
    OutputOption,
    Plan,
    check_budget,
    over_budget_message,
    plan_run,
)
from playground.bench.prompts import load_prompts
from playground.bench.report import format_claims, format_summary, summary_json, task_json
from playground.bench.store import BenchStore, RunEnvironment, RunRecord
from playground.bench.summary import summarize_run
from playground.bench.warmup import warm_up
from playground.cli import edge
from playground.config import Settings, check_retries, check_timeout
from playground.domain.catalog import DEFAULT_MODEL, PLATFORMS, PRICES_AS_OF
from playground.domain.errors import ConfigError, PlaygroundError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130
BACKENDS = {"aistudio": ("aistudio",), "vertex": ("vertex",), "both": PLATFORMS}


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help="benchmark a prompt set on AI Studio and/or Vertex AI")
    p.add_argument("--prompts", type=Path, help=".txt (one per line, # comments) or .csv "
                                                "(a 'prompt' column)")
    p.add_argument("--backend", choices=sorted(BACKENDS), default="both")
    p.add_argument("--model", action="append", help="model id (repeatable)")
    p.add_argument("--image-size", action="append", choices=["512", "1K", "2K", "4K"],
                   help="repeatable; default: the model's")
    p.add_argument("--aspect-ratio", action="append", help="e.g. 16:9 (repeatable)")
    p.add_argument("--output", action="append",
                   help="default, png, jpeg or jpeg-qNN (repeatable; non-default is Vertex-only)")
    p.add_argument("--repeats", type=int, default=None, help="runs of each prompt per cell")
    p.add_argument("--concurrency", type=int, default=None, help="requests in flight (max 64)")
    p.add_argument("--rpm", type=int, help="requests per minute per backend, retries included")
    p.add_argument("--budget", type=float, help="USD; a larger estimate needs --yes")
    p.add_argument("--yes", action="store_true", help="run even if the estimate exceeds --budget")
    p.add_argument("--resume", metavar="RUN_ID", help="run only the missing tasks of a run")
    p.add_argument("--json", action="store_true", help="JSON lines per task, then a summary")
    p.add_argument("--demo", action="store_true", help="use the built-in emulator (offline)")
    p.add_argument("--preset", choices=[PRESET], help="'article': reproduce the article")
    p.add_argument("--latency-profile", choices=["instant", "measured", "article"],
                   help="emulator latency profile (with --demo)")
    p.add_argument("--time-scale", type=float, help="multiply emulated delays (with --demo)")
    p.add_argument("--timeout", type=float, help="seconds per attempt (default: settings)")
    p.add_argument("--retries", type=int, help="retries after the first attempt (default 2)")
    p.add_argument("--seed", type=int, default=0, help="seed of the randomised task order")
    p.add_argument("--name", default="", help="a name for the run")
    p.set_defaults(run=run_bench)
    return p


_fail = edge.fail


def check_numbers(args: argparse.Namespace) -> None:
    """Every number of the command line, finite and in range (ConfigError, one sentence)."""
    if args.timeout is not None:
        check_timeout(args.timeout, "--timeout")
    if args.retries is not None:
        check_retries(args.retries, "--retries")
    if args.budget is not None and not math.isfinite(args.budget):  # ≤ 0: check_budget says
        raise ConfigError(f"--budget must be a number of US dollars above 0 (got {args.budget}).",
                          hint="Pass e.g. --budget 5, or leave it out to run without one.")
    if args.time_scale is not None:
        edge.positive(args.time_scale, "--time-scale", edge.MAX_TIME_SCALE, "a factor")
    edge.seed(args.seed)


def spec_from_args(args: argparse.Namespace) -> BenchSpec:
    prompts = tuple(load_prompts(args.prompts)) if args.prompts else ()
    common: dict[str, Any] = {"seed": args.seed, "rpm": args.rpm, "budget_usd": args.budget,
                              "timeout_s": args.timeout, "retries": args.retries}
    if args.concurrency is not None:
        common["concurrency"] = args.concurrency
    if args.preset == PRESET:
        spec = article_spec(prompts or None, **common)
        overrides = {"repeats": args.repeats,
                     "models": tuple(args.model) if args.model else None,
                     "image_sizes": tuple(args.image_size) if args.image_size else None}
        spec = spec.with_(**{k: v for k, v in overrides.items() if v is not None})
        return spec.with_(name=args.name or spec.name)
    if not args.prompts:
        raise BenchInputError("No prompts given.", hint="Pass --prompts FILE (.txt or .csv), "
                                                        "or --preset article.")
    outputs = tuple(OutputOption.parse(o) for o in (args.output or ["default"]))
    return BenchSpec(prompts=prompts, backends=BACKENDS[args.backend],
                     models=tuple(args.model) if args.model else (DEFAULT_MODEL,),
                     image_sizes=tuple(args.image_size) if args.image_size else (None,),
                     aspect_ratios=tuple(args.aspect_ratio) if args.aspect_ratio else (None,),
                     outputs=outputs, name=args.name,
                     repeats=1 if args.repeats is None else args.repeats, **common)


def run_bench(args: argparse.Namespace) -> int:
    from playground.config import load_settings

    try:
        check_numbers(args)
    except ConfigError as exc:
        return edge.fail_with(exc)
    if (args.latency_profile or args.time_scale is not None) and not args.demo \
            and not args.resume:
        return _fail("--latency-profile and --time-scale set the emulator: add --demo.")
    try:
        check_budget(args.budget)
        settings = load_settings()
    except ConfigError as exc:
        return _fail(str(exc), exc.hint)
    try:
        if args.resume:
            return _resume(args, settings)
        plan = plan_run(spec_from_args(args))
    except PlaygroundError as exc:  # bad input, or a history that cannot be used
        return edge.fail_with(exc)
    question = over_budget_message(plan, demo=bool(args.demo))
    if question and not args.yes:
        return _fail(question, "Pass --yes to run anyway, or lower --repeats or the matrix.")
    environment = RunEnvironment(demo=bool(args.demo), latency_profile=args.latency_profile,
                                 time_scale=args.time_scale)
    return _execute(args, settings, environment, plan=plan)


def _resume(args: argparse.Namespace, settings: Settings) -> int:
    from playground.history.store import HistoryStore

    record = BenchStore(HistoryStore(settings.data_dir, database_url=settings.team.database_url)).get_run(args.resume)
    if record is None:
        return _fail(f"There is no benchmark run {args.resume!r} in {settings.data_dir}.")
    env = record.environment
    environment = replace(
        env, demo=env.demo or args.demo,
        latency_profile=args.latency_profile or env.latency_profile,
        time_scale=env.time_scale if args.time_scale is None else args.time_scale)
    return _execute(args, settings, environment, record=record)


def _execute(args: argparse.Namespace, settings: Settings, environment: RunEnvironment, *,
             plan: Plan | None = None, record: RunRecord | None = None) -> int:
    from playground.history.store import HistoryStore

    demo, environment = demo_for_run(settings, environment)
    try:
        settings = demo.settings
        out = _Output(args.json)
        try:
            store = HistoryStore(settings.data_dir, database_url=settings.team.database_url)
            check = plan or BenchStore(store).plan_of(record)  # type: ignore[arg-type]
            missing = missing_credentials(check, settings)
            if missing:
                return _fail(" ".join(missing), "Or pass --demo to use the built-in emulator.")
            if plan is not None:
                runner = start_run(plan, settings, store, environment=environment,
                                   on_event=out.on_event, background=False)
            else:
                assert record is not None
                runner = resume_run(record.id, settings, store, on_event=out.on_event,
                                    background=False)
        except PlaygroundError as exc:  # credentials, or a history that cannot be used
            return edge.fail_with(exc)
        _describe(runner, environment)
        if environment.is_time_compressed:
            # A cold render would outlast the compressed injected delay: render first.
            print("  warming up the emulator: each distinct image is rendered once, unmeasured",
                  file=sys.stderr, flush=True)
            warm_up(runner.plan, demo)
        cancelled = _run_with_interrupt(runner)
        out.close()
        crash = runner.progress().error if runner.progress().status == "crashed" else None
        try:
            code = _report(args, store, runner.run_id, cancelled)
        except PlaygroundError as exc:
            code = edge.fail_with(exc)
        if crash:
            print(f"error: the benchmark run crashed ({crash}); finished results are saved. "
                  f"Resume with: python -m playground bench --resume {runner.run_id}",
                  file=sys.stderr)
            return EXIT_FAILED if code in (EXIT_OK, EXIT_FAILED) else code
        return code
    finally:
        demo.stop()


def _describe(runner: BenchRun, environment: RunEnvironment) -> None:
    plan, p = runner.plan, runner.progress()
    spec = plan.spec
    lines = [f"bench run {runner.run_id}: {len(plan.tasks)} tasks = {len(plan.cells)} cells × "
             f"{len(spec.prompts)} prompts × {spec.repeats} repeats"
             + (f"; {p.done} already done, {len(plan.tasks) - p.done} to run" if p.done else "")]
    lines += [f"  skipped {s.cell.id}: {s.reason}" for s in plan.skipped]
    lines += [f"  note: {n}" for n in plan.notes]
    lines.append(f"  estimated cost ${plan.estimate_usd:.2f} at list prices as of {PRICES_AS_OF}"
                 + ("; demo mode: nothing is billed" if environment.demo else ""))
    lines.append(f"  concurrency {spec.concurrency}"
                 + (f", {spec.rpm} requests/min per backend" if spec.rpm else "")
                 + f"; resume with: python -m playground bench --resume {runner.run_id}")
    print("\n".join(lines), file=sys.stderr, flush=True)


def _run_with_interrupt(runner: BenchRun) -> bool:
    """Run in a worker thread; Ctrl-C cancels, a second Ctrl-C exits at once. True if cancelled."""
    thread = threading.Thread(target=runner.run, name="bench-main", daemon=True)
    thread.start()
    while thread.is_alive():
        try:
            thread.join(0.2)
        except KeyboardInterrupt:
            if runner.is_cancelled:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(EXIT_CANCELLED)
            runner.cancel()
            print(f"\ncancelling: waiting for {runner.progress().in_flight} request(s) on the "
                  "wire (Ctrl-C again to stop now; finished results are saved)",
                  file=sys.stderr, flush=True)
    return runner.progress().status == "cancelled"


def _report(args: argparse.Namespace, store: Any, run_id: str, cancelled: bool) -> int:
    summary = summarize_run(store, run_id)
    claims = evaluate_claims(summary) if summary.run.spec.preset == PRESET else None
    if args.json:
        print(json.dumps(summary_json(summary, claims), ensure_ascii=False), flush=True)
    else:
        print(format_summary(summary))
        if claims is not None:
            print("\n" + format_claims(claims))
    if cancelled:
        print(f"cancelled: resume with python -m playground bench --resume {run_id}",
              file=sys.stderr)
        return EXIT_CANCELLED
    return EXIT_FAILED if summary.failed_cells else EXIT_OK


class _Output:
    """JSON lines on stdout (--json) and a progress bar on stderr when it is a terminal."""

    def __init__(self, json_lines: bool, stream: TextIO | None = None) -> None:
        self.json_lines = json_lines
        self.stream = stream or sys.stderr
        self.show_bar = self.stream.isatty()
        self._last_draw = 0.0

    def on_event(self, event: BenchEvent) -> None:
        if self.json_lines and event.kind == "task" and event.task and event.result:
            line = task_json(event.progress.run_id, event.task, event.result)
            print(json.dumps(line, ensure_ascii=False), flush=True)
        if self.show_bar and (event.kind == "status"
                              or time.monotonic() - self._last_draw > 0.1):
            self._last_draw = time.monotonic()
            self.stream.write("\r" + progress_line(event) + "\x1b[K")
            self.stream.flush()

    def close(self) -> None:
        if self.show_bar:
            self.stream.write("\n")
            self.stream.flush()


def progress_line(event: BenchEvent, width: int = 24) -> str:
    p = event.progress
    filled = round(p.fraction * width)
    last = ""
    if event.point is not None and event.point.total_s is not None:
        last = f" · last {event.point.total_s:.2f} s"
    return (f"[{'#' * filled}{'-' * (width - filled)}] {p.done}/{p.planned} · "
            f"in flight {p.in_flight} · failed {p.failed} · ${p.cost_usd:.2f}{last}")
