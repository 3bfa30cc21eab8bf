"""`python -m playground generate`: one prompt on AI Studio, Vertex AI or both.

`--backend auto --priority speed|cost|quality` lets the gateway's routing pick the platform
from the stored benchmark runs (playground/gateway/routing.py); `--imagen-payload FILE`
translates an Imagen `:predict` body (playground/gateway/imagen.py) and says Imagen is retired.

Exit codes: 0 every backend returned an image; 1 a backend failed, was blocked or returned no
image; 2 bad arguments or missing configuration (the message names the variable to set).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from playground.domain import catalog

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
BACKENDS = {"aistudio": ["aistudio"], "vertex": ["vertex"], "both": ["aistudio", "vertex"],
            "auto": ["aistudio", "vertex"]}


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help="send one prompt to AI Studio, Vertex AI or both")
    p.add_argument("--prompt", help="what the image should show (required without "
                                     "--imagen-payload)")
    p.add_argument("--backend", choices=sorted(BACKENDS), default=None,
                   help="default both (vertex for --imagen-payload); auto: see --priority")
    p.add_argument("--priority", choices=["speed", "cost", "quality"], default="speed",
                   help="with --backend auto: what the platform is chosen for")
    p.add_argument("--imagen-payload", type=Path, metavar="FILE",
                   help="an Imagen :predict JSON body, translated to a Gemini request")
    p.add_argument("--model", default=None,
                   help=f"model id (default {catalog.DEFAULT_MODEL}; for --imagen-payload "
                        "$PLAYGROUND_GATEWAY_IMAGEN_TARGET or gemini-2.5-flash-image)")
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
    p.add_argument("--retries", type=int, default=None, help="retries after the first attempt (default 2)")
    p.add_argument("--timeout", type=float, default=None, help="seconds per attempt (default 300)")
    p.add_argument("--max-retry-wait", type=float, default=None,
                   help="longest wait between attempts, server advice included (default 20 s)")
    p.add_argument("--allow-unlisted", action="store_true",
                   help="send a model the platform does not list (or the catalog says is gone)")
    p.add_argument("--out", type=Path, help="also copy the images into this folder")
    p.add_argument("--json", action="store_true", help="one JSON object per backend per line")
    p.add_argument("--demo", action="store_true",
                   help="use the built-in emulator with throwaway credentials (offline)")
    p.set_defaults(run=run_generate)
    return p


def _fail_usage(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def run_generate(args: argparse.Namespace) -> int:
    from playground.config import load_settings
    from playground.domain.errors import ConfigError, PlaygroundError
    from playground.domain.options import check_request
    from playground.domain.types import ImageRequest

    if not args.prompt and not args.imagen_payload:
        return _fail_usage("--prompt is required (or --imagen-payload FILE).")
    try:
        settings = load_settings()
    except ConfigError as exc:
        return _fail_usage(f"{exc} {exc.hint}")
    args.backend = args.backend or ("vertex" if args.imagen_payload else "both")
    notes: list[str] = []
    if args.imagen_payload:
        try:
            requests, notes = _imagen_requests(args, settings)
        except (OSError, ValueError, PlaygroundError) as exc:
            return _fail_usage(f"--imagen-payload {args.imagen_payload}: {exc}")
    else:
        requests = [ImageRequest(
            prompt=args.prompt, model=args.model or catalog.DEFAULT_MODEL,
            aspect_ratio=args.aspect_ratio, image_size=args.image_size,
            output_mime_type=args.mime_type, compression_quality=args.quality,
            person_generation=args.person_generation, include_thoughts=args.include_thoughts,
            thinking_level=args.thinking_level, seed=args.seed, service_tier=args.service_tier,
        )]
    platforms = BACKENDS[args.backend]
    checks = [check_request(r, platforms, allow_unlisted=args.allow_unlisted) for r in requests]
    for check in checks:
        open_to = [p for p in platforms if not check.errors(p)]
        if check.problems and (args.backend != "auto" or not open_to):
            return _fail_usage(" ".join(check.problems))
    if args.quality is not None and args.mime_type != "image/jpeg":
        return _fail_usage("--quality needs --mime-type image/jpeg (it applies to JPEG only).")
    if args.retries is not None:
        if args.retries < 0:
            return _fail_usage("--retries must be 0 or more.")
        settings = replace(settings, retries=args.retries)
    if args.max_retry_wait is not None:
        if not 0 <= args.max_retry_wait < float("inf"):
            return _fail_usage("--max-retry-wait must be a number of seconds, 0 or more.")
        settings = replace(settings, max_retry_wait_s=args.max_retry_wait)
    if args.timeout is not None:
        if args.timeout <= 0:
            return _fail_usage("--timeout must be a positive number of seconds.")
        settings = replace(settings, timeout_s=args.timeout)
    return _generate_and_print(checks, platforms, settings, args, notes)


def _imagen_requests(args: argparse.Namespace, settings: Any) -> tuple[list[Any], list[str]]:
    """The payload's Gemini requests and the notes every row gets; the notice goes to stderr."""
    from playground.gateway.imagen import translate

    payload = json.loads(args.imagen_payload.read_text())
    target = args.model or settings.gateway.imagen_target
    platform = "aistudio" if args.backend == "aistudio" else "vertex"
    translation = translate(payload, "Imagen", target, platform)
    print(f"notice: {translation.notice}", file=sys.stderr)
    for note in translation.notes:
        print(f"note: {note}", file=sys.stderr)
    return translation.requests, [translation.notice, *translation.notes]


def _route(check: Any, store: Any, demo: bool, priority: str) -> tuple[list[str], str]:
    """--backend auto: the platform the stored benchmark runs favour, and the note saying so."""
    from playground.bench.store import BenchStore
    from playground.domain.catalog import MODELS
    from playground.gateway.routing import Router

    req = check.request
    info = MODELS[req.model]
    candidates = [p for p in ("aistudio", "vertex") if not check.errors(p)]
    decision = Router(BenchStore(store), include_emulated=demo).choose(
        req.model, req.image_size or info.default_size, priority, candidates)
    print(f"route: {decision.header()}", file=sys.stderr)
    return [decision.platform], decision.note()


def _generate_and_print(checks: list[Any], names: list[str], settings: Any,
                        args: argparse.Namespace, notes: list[str]) -> int:
    from playground.clients.base import platform_for
    from playground.clients.http import make_client
    from playground.config import missing_config_message
    from playground.generation.demo import DemoEnvironment, start_demo
    from playground.generation.output import format_table, result_json
    from playground.generation.run import generate_many
    from playground.history.store import HistoryStore

    demo = (start_demo(settings, names, latency_profile=settings.emulator_profile) if args.demo
            else DemoEnvironment(settings))
    try:
        settings = demo.settings
        missing = [m for p in names if (m := missing_config_message(p, settings))]
        if missing:
            return _fail_usage(" ".join(missing) + " Or pass --demo to use the built-in emulator.")
        store = HistoryStore(settings.data_dir)
        ordered = []
        with make_client(settings) as client:
            for check in checks:
                row_notes, chosen = list(notes), names
                if args.backend == "auto":
                    chosen, route_note = _route(check, store, demo.is_demo, args.priority)
                    row_notes.append(route_note)

                def save(result: Any, extra: list[str] = row_notes) -> None:
                    result.notes[:0] = extra
                    store.save(result)

                results = generate_many(check, [platform_for(p, settings) for p in chosen],
                                        client=client, on_result=save)
                ordered += [results[p] for p in chosen]
    finally:
        demo.stop()
    paths = {sha: path for r in ordered for sha, path in store.locations(r).items()}
    if args.out:
        paths.update(_export_images(store, ordered, args.out))
    if args.json:
        for r in ordered:
            print(json.dumps(result_json(r, paths), ensure_ascii=False), flush=True)
    else:
        print(format_table(ordered, paths))
        if demo.is_demo:
            print("\n(demo mode: these figures come from the built-in emulator, not Google)")
    return EXIT_OK if all(r.ok for r in ordered) else EXIT_FAILED


def _export_images(store: Any, results: list[Any], out: Path) -> dict[str, str]:
    from playground.history.files import extension_for

    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    for r in results:
        for n, img in enumerate(r.images):
            kind = "draft" if img.is_draft else "image"
            name = f"{r.backend}-{r.model}-{kind}{n}-{img.sha256[:10]}.{extension_for(img.sniffed_mime)}"
            target = out / name
            target.write_bytes(img.data if img.data is not None else store.original(img))
            paths[img.sha256] = str(target)
    return paths
