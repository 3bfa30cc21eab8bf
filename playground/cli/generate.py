"""`python -m playground generate`: one prompt on AI Studio, Vertex AI or both.

`--backend auto --priority speed|cost|quality` lets the gateway's routing pick the platform
from the stored benchmark runs (playground/gateway/routing.py); `--imagen-payload FILE`
translates an Imagen `:predict` body (playground/gateway/imagen.py; `sampleCount` → variants)
and says Imagen is retired. Both live in cli/choices.py.

Exit codes: 0 every backend returned an image; 1 a backend failed, was blocked or returned no
image; 2 bad arguments, missing or invalid configuration (the message names the variable to
set), or a history that cannot be used (disk full, read-only, damaged, locked: the message says
what to do). Numbers are checked at the edge (finite, in range), a prompt must be UTF-8, and
--out must be a folder that can be written; all before any request is sent. Each backend's
history row is written before its request goes out (status "pending"), so a killed run leaves
"interrupted" rows, not nothing.

Editing: `--image PATH` (repeatable, `-` = standard input) sends images with the prompt;
`--continue ID` sends the next turn of that generation's thread (the whole conversation is
replayed, signatures byte for byte; a Both run's sibling continues on its own platform);
`--variants N` sends N requests per backend; `--no-signatures` (or `--signatures strip`)
replays without signatures, which AI Studio refuses and Vertex accepts. JSON lines list the
inputs (sha256, bytes) and `parent_id`.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from playground.cli import edge
from playground.domain import catalog
from playground.domain.turns import SIGNATURE_MODES

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
BACKENDS = {"aistudio": ["aistudio"], "vertex": ["vertex"], "both": ["aistudio", "vertex"],
            "auto": ["aistudio", "vertex"]}


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help="send one prompt to AI Studio, Vertex AI or both")
    p.add_argument("--prompt", help="what the image should show (or the edit); required "
                                     "without --imagen-payload")
    p.add_argument("--backend", choices=sorted(BACKENDS), default=None,
                   help="default: both (vertex for --imagen-payload); with --continue, each "
                        "thread's own platform; auto: see --priority")
    p.add_argument("--priority", choices=["speed", "cost", "quality"], default=None,
                   help="with --backend auto: what the platform is chosen for (default speed)")
    p.add_argument("--imagen-payload", type=Path, metavar="FILE",
                   help="an Imagen :predict JSON body, translated to a Gemini request")
    p.add_argument("--model", default=None,
                   help=f"model id (default {catalog.DEFAULT_MODEL}; a thread keeps its own; "
                        "for --imagen-payload $PLAYGROUND_GATEWAY_IMAGEN_TARGET or "
                        "gemini-2.5-flash-image)")
    p.add_argument("--aspect-ratio", help="e.g. 16:9 (default: the model's, 1:1)")
    p.add_argument("--image-size", choices=["512", "1K", "2K", "4K"])
    p.add_argument("--mime-type", choices=list(catalog.OUTPUT_MIME_TYPES), help="Vertex only")
    p.add_argument("--quality", type=int, help="JPEG compression quality 0-100, Vertex only")
    p.add_argument("--person-generation", choices=list(catalog.PERSON_GENERATION), help="Vertex only")
    p.add_argument("--include-thoughts", action="store_true", help="return thought text and drafts")
    p.add_argument("--thinking-level", choices=list(catalog.THINKING_LEVELS))
    p.add_argument("--seed", type=int)
    p.add_argument("--service-tier", choices=["standard", "flex", "priority"],
                   help="ask for a service tier where the platform takes it (UNCONFIRMED field)")
    p.add_argument("--image", action="append", default=[], metavar="PATH",
                   help="an image to send with the prompt (repeatable; - reads standard input)")
    p.add_argument("--fit-images", action="store_true",
                   help="re-encode or downscale images the model cannot take (over 7 MB, GIF, "
                        "…); the result notes it")
    p.add_argument("--continue", dest="continue_ids", action="append", default=[], type=int,
                   metavar="GENERATION_ID",
                   help="continue this generation's thread (its sibling in a Both run too)")
    p.add_argument("--variants", type=int, default=1, help="requests per backend, 1-4")
    p.add_argument("--signatures", choices=list(SIGNATURE_MODES), default=None,
                   help="replayed thought signatures: replay (default), strip, or bypass (the "
                        "documented value where one is missing)")
    p.add_argument("--no-signatures", action="store_true",
                   help="replay without thought signatures (AI Studio answers 400)")
    p.add_argument("--retries", type=int, default=None, help="retries after the first attempt (default 2)")
    p.add_argument("--timeout", type=float, default=None, help="seconds per attempt (default 300)")
    p.add_argument("--max-retry-wait", type=float, default=None,
                   help="longest wait between attempts, server advice included (default 20 s)")
    p.add_argument("--allow-unlisted", action="store_true",
                   help="send a model the platform does not list (or the catalog says is gone)")
    p.add_argument("--out", type=Path, help="also copy the images into this folder")
    p.add_argument("--json", action="store_true", help="one JSON object per result per line")
    p.add_argument("--demo", action="store_true",
                   help="use the built-in emulator with throwaway credentials (offline)")
    p.set_defaults(run=run_generate)
    return p


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """The request options the user passed (a continuation keeps its thread's for the rest)."""
    given = {
        "aspect_ratio": args.aspect_ratio, "image_size": args.image_size,
        "output_mime_type": args.mime_type,
        "compression_quality": None if args.quality is None else edge.whole(
            args.quality, "--quality", 0, 100),
        "person_generation": args.person_generation,
        "include_thoughts": True if args.include_thoughts else None,
        "thinking_level": args.thinking_level, "seed": edge.seed(args.seed),
        "service_tier": args.service_tier,
    }
    return {k: v for k, v in given.items() if v is not None}


def run_generate(args: argparse.Namespace) -> int:
    from playground.cli import choices
    from playground.cli.inputs import read_images
    from playground.domain.errors import PlaygroundError
    from playground.generation.fanout import MAX_VARIANTS

    if args.prompt is None and args.imagen_payload is None:
        return edge.fail("--prompt is required (or --imagen-payload FILE).")
    if args.imagen_payload is not None and (args.prompt is not None or args.image
                                            or args.continue_ids):
        return edge.fail("--imagen-payload carries its own prompt: leave out --prompt, --image "
                         "and --continue.")
    if args.backend == "auto" and args.continue_ids:
        return edge.fail("--backend auto picks a platform for a new prompt; a thread continues "
                         "on its own platform: leave out --backend.")
    if args.priority is not None and args.backend != "auto":
        return edge.fail("--priority applies to --backend auto only.")
    try:
        prompt = edge.utf8(args.prompt or "", "--prompt")
        options = _options(args)
        if args.quality is not None and args.mime_type != "image/jpeg":
            return edge.fail("--quality needs --mime-type image/jpeg (it applies to JPEG only).")
        variants = edge.whole(args.variants, "--variants", 1, MAX_VARIANTS)
        ids = [edge.whole(i, "--continue", 1, edge.MAX_ID) for i in args.continue_ids]
        signatures = "strip" if args.no_signatures else (args.signatures or "replay")
        if args.no_signatures and args.signatures not in (None, "strip"):
            return edge.fail("--no-signatures and --signatures disagree; pass one of them.")
        images = read_images(args.image, fit=args.fit_images)
        settings = _settings(args)
        out = edge.image_folder(args.out) if args.out else None
        if args.imagen_payload is not None:
            from playground.history.store import HistoryStore

            store = HistoryStore(settings.data_dir)
            runs = choices.imagen_runs(args, settings, variants)
        else:
            store, requests = _requests(args, settings, prompt, options, images, ids,
                                        signatures)
            runs = [choices.Run(requests, variants)]
    except PlaygroundError as exc:
        return edge.fail_with(exc)
    for run in runs:
        run.checks = choices.checks(run.requests, args.allow_unlisted, auto=args.backend == "auto")
        problems = [m for c in run.checks.values() for m in c.problems]
        if problems and not (args.backend == "auto" and choices.open_platforms(run.checks)):
            return edge.fail(" ".join(dict.fromkeys(problems)))
    return _generate_and_print(store, runs, settings, args, out)


def _settings(args: argparse.Namespace) -> Any:
    from playground.config import check_retries, check_retry_wait, check_timeout, load_settings

    settings = load_settings()
    if args.retries is not None:
        settings = replace(settings, retries=check_retries(args.retries, "--retries"))
    if args.max_retry_wait is not None:
        settings = replace(settings, max_retry_wait_s=check_retry_wait(
            args.max_retry_wait, "--max-retry-wait"))
    if args.timeout is not None:
        settings = replace(settings, timeout_s=check_timeout(args.timeout, "--timeout"))
    return settings


def _requests(args: argparse.Namespace, settings: Any, prompt: str, options: dict[str, Any],
              images: tuple[Any, ...], ids: list[int], signatures: str,
              ) -> tuple[Any, dict[str, Any]]:
    """Open the history (before anything is sent) and build each platform's request: a new
    prompt on the platforms asked for, or the next turn of each thread."""
    from playground.domain.errors import ConfigError
    from playground.domain.types import ImageRequest
    from playground.generation.conversation import continuation, threads_to_continue
    from playground.history.store import HistoryStore

    store = HistoryStore(settings.data_dir)
    names = BACKENDS[args.backend] if args.backend else None
    if not ids:
        if signatures != "replay":
            raise ConfigError("--signatures and --no-signatures apply to --continue only.")
        req = ImageRequest(prompt=prompt, model=args.model or catalog.DEFAULT_MODEL,
                           inputs=images, **options)
        return store, {p: req for p in names or BACKENDS["both"]}
    threads = threads_to_continue(store, ids, names or BACKENDS["both"])
    for parent in threads.values():
        if args.model and args.model != parent.model:
            raise ConfigError(f"Generation #{parent.id} is a {parent.model} thread; a thread "
                              "continues with its own model (its signatures are that model's).",
                              hint="Leave out --model, or start a new prompt.")
    return store, {p: continuation(store, parent, prompt, inputs=images,
                                   signatures=signatures, **options)  # type: ignore[arg-type]
                   for p, parent in threads.items()}


def _generate_and_print(store: Any, runs: list[Any], settings: Any, args: argparse.Namespace,
                        out: Path | None) -> int:
    from playground.cli import choices
    from playground.config import missing_config_message
    from playground.domain.errors import PlaygroundError
    from playground.generation.demo import DemoEnvironment, start_demo
    from playground.generation.output import format_table, result_json

    names = list(dict.fromkeys(p for run in runs for p in run.checks))
    demo = (start_demo(settings, names, latency_profile=settings.emulator_profile) if args.demo
            else DemoEnvironment(settings))
    try:
        settings = demo.settings
        missing = [m for p in names if (m := missing_config_message(p, settings))]
        if missing:
            return edge.fail(" ".join(missing) + " Or pass --demo to use the built-in emulator.")
        try:
            ordered, problems = [], []
            for run in runs:
                if args.backend == "auto":
                    choices.route(run, store, demo.is_demo, args.priority or "speed")
                got, said = _run(store, run.checks, list(run.checks), settings, run.variants,
                                 run.notes)
                ordered += got
                problems += said
        except PlaygroundError as exc:  # credentials, or a history that cannot be used
            return edge.fail_with(exc)
    finally:
        demo.stop()
    paths = {sha: path for r in ordered for sha, path in store.locations(r).items()}
    if out is not None:
        try:
            paths.update(_export_images(store, ordered, out))
        except (OSError, PlaygroundError) as exc:
            problems.append(f"The image copies could not be written to {out}: "
                            f"{getattr(exc, 'strerror', None) or exc}; the results are in the "
                            "history.")
    if args.json:
        for r in ordered:
            print(json.dumps(result_json(r, paths), ensure_ascii=False), flush=True)
    else:
        print(format_table(ordered, paths))
        if demo.is_demo:
            print("\n(demo mode: these figures come from the built-in emulator, not Google)")
    for problem in problems:
        edge.fail(problem)
    if problems:
        return EXIT_USAGE
    return EXIT_OK if all(r.ok for r in ordered) else EXIT_FAILED


def _run(store: Any, requests: Any, names: list[str], settings: Any, variants: int = 1,
         notes: tuple[str, ...] = ()) -> tuple[list[Any], list[str]]:
    """Load the credentials and open the history before anything is sent; write each row
    before its request goes out (`Recorder`), then the answer. A result that cannot be stored
    is still shown; the storage problem is said after it."""
    import uuid

    from playground.clients.base import platform_for
    from playground.clients.http import make_client
    from playground.generation.fanout import plan_slots, run_slots
    from playground.generation.recorder import Recorder
    from playground.generation.run import RunOptions

    platforms = [platform_for(p, settings) for p in names]
    for platform in platforms:
        platform.auth  # noqa: B018 - a bad credentials file is a ConfigError now, not a result
    slots = plan_slots(requests, platforms, variants=variants)
    group = uuid.uuid4().hex[:12] if len(slots) > 1 else None
    recorder = Recorder(store, slots, group, notes=notes)
    try:
        with make_client(settings) as client:
            results = run_slots(slots, client=client, options=RunOptions(group_id=group),
                                on_result=recorder.save)
    except KeyboardInterrupt:
        recorder.close_unanswered(set(), status="interrupted", explanation=(
            "Interrupted — the request may have been billed: stopped with Ctrl-C before the "
            "answer arrived."))
        raise
    return results, recorder.problems


def _export_images(store: Any, results: list[Any], out: Path) -> dict[str, str]:
    from playground.history.files import extension_for

    paths: dict[str, str] = {}
    for r in results:
        for n, img in enumerate(r.images):
            kind = "draft" if img.is_draft else "image"
            name = f"{r.backend}-{r.model}-{kind}{n}-{img.sha256[:10]}.{extension_for(img.sniffed_mime)}"
            target = out / name
            target.write_bytes(img.data if img.data is not None else store.original(img))
            paths[img.sha256] = str(target)
    return paths
