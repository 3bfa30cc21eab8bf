"""`python -m playground study create|list|results|close|export`: blind-review studies.

`create` makes a study from History (`--ids`, `--last N`), from a benchmark run (`--bench`), or
runs the "Is Vertex's quality better?" preset now on a prompt set (`--preset vertex-quality
[--prompts FILE] [--demo]`), and prints the id and the voting link `/review?study=ID`.
`results` prints what the Review page's results show, from the same function and seed, so the
numbers are equal (`--json` for the document). The command line is the operator's: it shows
results before a study is closed (docs/decisions.md "Blind review").

Exit codes: 0 done; 1 the preset run stored fewer images than it asked for; 2 bad arguments,
nothing to compare, an unknown study, or a history that cannot be used.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from playground.cli.edge import fail, fail_with
from playground.cli.export import count, id_list

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def voting_link(study_id: str) -> str:
    return f"/review?study={study_id}"


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help="blind pairwise review studies (create, list, results, "
                                         "close, export)")
    sub = p.add_subparsers(dest="study_command", required=True)
    c = sub.add_parser("create", help="make a study and print its voting link")
    c.add_argument("--name", required=True, help="what the study is called")
    which = c.add_mutually_exclusive_group(required=True)
    which.add_argument("--ids", type=id_list, metavar="1,2,3", help="generation ids from History")
    which.add_argument("--last", type=count, metavar="N", help="the N newest generations")
    which.add_argument("--bench", metavar="RUN_ID", help="every image of a benchmark run")
    which.add_argument("--preset", choices=["vertex-quality"],
                       help="run \"Is Vertex's quality better?\" now (AI Studio vs Vertex, plus "
                            "JPEG q85 on Vertex)")
    c.add_argument("--prompts", type=Path, help="with --preset: a .txt/.csv prompt set "
                                                "(default: four built-in prompts)")
    c.add_argument("--model", help="with --preset: the model of every arm")
    c.add_argument("--image-size", choices=["512", "1K", "2K", "4K"], default="1K",
                   help="with --preset (default 1K)")
    c.add_argument("--question", help="quality (default), adherence, or your own question")
    c.add_argument("--votes-per-pair", type=int, default=3)
    c.add_argument("--min-votes", type=int, default=20,
                   help="no ranking is shown below this many votes (default 20)")
    c.add_argument("--owner", help="who sees the results before the study is closed")
    c.add_argument("--demo", action="store_true", help="with --preset: use the built-in emulator")
    c.add_argument("--json", action="store_true")
    c.set_defaults(run=run_create)
    ls = sub.add_parser("list", help="every study, newest first")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(run=run_list)
    r = sub.add_parser("results", help="strengths with intervals, preferences, agreement, bias")
    r.add_argument("study_id")
    r.add_argument("--json", action="store_true")
    r.set_defaults(run=run_results)
    cl = sub.add_parser("close", help="stop the voting and reveal the results and labels")
    cl.add_argument("study_id")
    cl.set_defaults(run=run_close)
    e = sub.add_parser("export", help="votes as .csv or .json, or a review pack as .zip")
    e.add_argument("study_id")
    e.add_argument("--out", type=Path, required=True, help="FILE.csv, FILE.json or FILE.zip")
    e.add_argument("--force", action="store_true", help="replace --out if it exists")
    e.set_defaults(run=run_export)
    return p


def _store() -> Any:
    from playground.config import load_settings
    from playground.history.store import HistoryStore

    return HistoryStore(load_settings().data_dir)


def run_create(args: argparse.Namespace) -> int:
    from playground.domain.errors import PlaygroundError
    from playground.history.studies import create_study

    if not 1 <= args.votes_per_pair <= 100 or not 1 <= args.min_votes <= 100_000:
        return fail("--votes-per-pair is 1 to 100 and --min-votes 1 to 100000.",
                    "Pass e.g. --votes-per-pair 3 --min-votes 20")
    try:
        store = _store()
        draft, problems = _draft(store, args)
        study = create_study(store, draft)
    except PlaygroundError as exc:
        return fail_with(exc)
    link = voting_link(study.id)
    if args.json:
        print(json.dumps({"id": study.id, "name": study.name, "link": link,
                          "question": study.question, "arms": [a.label for a in study.arms],
                          "pairs": len(study.pairs), "emulated": study.is_emulated,
                          "problems": problems}, ensure_ascii=False))
    else:
        print(f"Created study {study.id} \"{study.name}\": {len(study.arms)} arms, "
              f"{len(study.pairs)} pairs{' (emulated images)' if study.is_emulated else ''}.")
        print(f"Vote at {link} (on the app, e.g. http://localhost:8501{link})")
    for problem in problems:
        fail(problem)
    return EXIT_PARTIAL if problems else EXIT_OK


def _draft(store: Any, args: argparse.Namespace) -> tuple[Any, list[str]]:
    from playground.review.study_plan import study_from_generations

    common = {"name": args.name, "question": args.question, "owner": args.owner,
              "votes_per_pair": args.votes_per_pair, "min_votes": args.min_votes}
    if args.preset:
        return _preset_draft(store, args, common)
    if args.bench:
        ids, environment = _bench_ids(store, args.bench)
        return study_from_generations(store, ids, source="bench", source_ref=args.bench,
                                      environment=environment, **common), []
    ids = args.ids or [r.id for r in store.list(limit=args.last, exclude_bench=True)]
    return study_from_generations(store, ids, **common), []


def _bench_ids(store: Any, run_id: str) -> tuple[list[int], dict[str, Any]]:
    from playground.bench.store import BenchStore
    from playground.domain.errors import StudyError

    bench = BenchStore(store)
    run = bench.get_run(run_id)
    if run is None:
        raise StudyError(f"There is no benchmark run {run_id[:64]!r}.",
                         hint="The Benchmark page lists past runs with their ids.")
    ids = [t.generation_id for t in bench.task_records(run_id) if t.generation_id]
    return ids, {"demo": run.is_demo}


def _preset_draft(store: Any, args: argparse.Namespace,
                  common: dict[str, Any]) -> tuple[Any, list[str]]:
    from playground.bench.prompts import load_prompts
    from playground.clients.base import platform_for
    from playground.clients.http import make_client
    from playground.config import load_settings, missing_config_message
    from playground.domain.catalog import DEFAULT_MODEL
    from playground.generation.demo import DemoEnvironment, start_demo
    from playground.generation.prompt_set import run_arms
    from playground.review.study_plan import study_from_generations
    from playground.review.verdict import PRESET_PROMPTS, VERTEX_PRESET, vertex_quality_arms

    prompts = load_prompts(args.prompts) if args.prompts else list(PRESET_PROMPTS)
    arms = vertex_quality_arms(args.model or DEFAULT_MODEL, args.image_size)
    settings = load_settings()
    demo = (start_demo(settings, ["aistudio", "vertex"], latency_profile=settings.emulator_profile)
            if args.demo else DemoEnvironment(settings))
    try:
        settings = demo.settings
        missing = [m for p in ("aistudio", "vertex") if (m := missing_config_message(p, settings))]
        if missing:
            from playground.domain.errors import ConfigError

            raise ConfigError(" ".join(missing), hint="Or pass --demo to use the emulator.")
        platforms = {p: platform_for(p, settings) for p in ("aistudio", "vertex")}
        with make_client(settings) as client:
            run = run_arms(store, arms, prompts, platforms=platforms, client=client)
    finally:
        demo.stop()
    failed = [f"#{r.id} ({r.backend}) got no image: {r.status}." for r in run.results if not r.ok]
    draft = study_from_generations(
        store, run.generation_ids, source="prompt set", preset=VERTEX_PRESET,
        source_ref=str(args.prompts) if args.prompts else "built-in prompts",
        environment={"demo": demo.is_demo}, **common)
    return draft, run.problems + failed


def run_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from playground.history.studies import list_studies

    studies = list_studies(_store())
    if args.json:
        print(json.dumps([asdict(s) | {"link": voting_link(s.id)} for s in studies],
                         ensure_ascii=False))
        return EXIT_OK
    if not studies:
        print("No studies yet. Make one with `python -m playground study create`.")
    for s in studies:
        print(f"{s.id}  {s.status:<6}  {s.pairs:>3} pairs  {s.votes:>4} votes  "
              f"{s.reviewers} reviewer(s)  {s.name}  {voting_link(s.id)}")
    return EXIT_OK


def _load(study_id: str) -> tuple[Any, Any, Any]:
    from playground.history.studies import require_study, votes_of

    store = _store()
    study = require_study(store, study_id)
    return store, study, votes_of(store, study.id)


def run_results(args: argparse.Namespace) -> int:
    from playground.domain.errors import PlaygroundError
    from playground.review.study_report import results_text
    from playground.review.study_results import results_json, study_results

    try:
        _, study, votes = _load(args.study_id)
    except PlaygroundError as exc:
        return fail_with(exc)
    results = study_results(study, votes)
    if args.json:
        print(json.dumps(results_json(study, results), ensure_ascii=False))
    else:
        print(results_text(study, results))
    return EXIT_OK


def run_close(args: argparse.Namespace) -> int:
    from playground.domain.errors import PlaygroundError
    from playground.history.studies import close_study

    try:
        store, study, _ = _load(args.study_id)
    except PlaygroundError as exc:
        return fail_with(exc)
    closed = close_study(store, study.id)
    print(f"Closed study {study.id}: results and labels are now shown to everyone."
          if closed else f"Study {study.id} was already closed.")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from playground.config import load_settings
    from playground.domain.errors import PlaygroundError
    from playground.export.scrub import pack_secrets
    from playground.export.study_pack import write_study_export
    from playground.review.study_report import VOTE_COLUMNS, vote_rows
    from playground.review.study_results import results_json, study_results

    try:
        store, study, votes = _load(args.study_id)
        doc = results_json(study, study_results(study, votes))
        print(write_study_export(store, study, doc, vote_rows(study, votes), VOTE_COLUMNS,
                                 args.out, overwrite=args.force,
                                 secrets=pack_secrets(load_settings())))
    except PlaygroundError as exc:
        return fail_with(exc)
    return EXIT_OK
