"""`python -m playground generate|emulator|…` — exit codes: 0 ok, 1 a backend failed, 2 bad input."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from playground import catalog

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
BACKENDS = {"aistudio": ["aistudio"], "vertex": ["vertex"], "both": ["aistudio", "vertex"]}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m playground",
                                     description="Banana Split: AI Studio vs Vertex AI image models.")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_generate(sub.add_parser("generate", help="send one prompt to AI Studio, Vertex AI or both"))
    _add_emulator(sub.add_parser("emulator", help="serve the built-in emulator of both APIs"))
    for name, module in EXTRA_COMMANDS.items():
        __import__(module, fromlist=["add_parser"]).add_parser(sub, name)
    return parser


#: Subcommands that live in their own modules: name -> module with add_parser(sub, name).
EXTRA_COMMANDS: dict[str, str] = {"bench": "playground.bench.cli", "export": "playground.export.cli"}


def _add_generate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--prompt", required=True, help="what the image should show")
    p.add_argument("--backend", choices=sorted(BACKENDS), default="both")
    p.add_argument("--model", default=catalog.DEFAULT_MODEL, help="model id (see README)")
    p.add_argument("--aspect-ratio", help="e.g. 16:9 (default: the model's, 1:1)")
    p.add_argument("--image-size", choices=["512", "1K", "2K", "4K"])
    p.add_argument("--mime-type", choices=list(catalog.OUTPUT_MIME_TYPES), help="Vertex only")
    p.add_argument("--quality", type=int, help="JPEG compression quality 0-100, Vertex only")
    p.add_argument("--person-generation", choices=list(catalog.PERSON_GENERATION), help="Vertex only")
    p.add_argument("--include-thoughts", action="store_true", help="return thought text and drafts")
    p.add_argument("--thinking-level", choices=list(catalog.THINKING_LEVELS))
    p.add_argument("--seed", type=int)
    p.add_argument("--retries", type=int, default=None, help="retries after the first attempt (default 2)")
    p.add_argument("--timeout", type=float, default=None, help="seconds per attempt (default 300)")
    p.add_argument("--out", type=Path, help="also copy the images into this folder")
    p.add_argument("--json", action="store_true", help="one JSON object per backend per line")
    p.add_argument("--demo", action="store_true",
                   help="use the built-in emulator with throwaway credentials (offline)")


def _add_emulator(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8790)
    p.add_argument("--latency-profile", choices=["instant", "measured", "article"], default=None,
                   help="default: $PLAYGROUND_EMULATOR_PROFILE or instant")
    p.add_argument("--api-key", action="append", default=[],
                   help="accepted AI Studio key (repeatable); none = any non-empty key")
    p.add_argument("--token-ttl", type=float, default=None, help="access-token lifetime, seconds")
    p.add_argument("--time-scale", type=float, default=None, help="multiply injected delays")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "generate":
        return run_generate(args)
    if args.command == "emulator":
        return run_emulator(args)
    return int(args.run(args))


def run_emulator(args: argparse.Namespace) -> int:
    from playground.emulator import EmulatorConfig, serve

    overrides: dict[str, Any] = {}
    if args.latency_profile:
        overrides["latency_profile"] = args.latency_profile
    if args.api_key:
        overrides["api_keys"] = tuple(args.api_key)
    if args.token_ttl is not None:
        overrides["token_ttl_s"] = args.token_ttl
    if args.time_scale is not None:
        overrides["time_scale"] = args.time_scale
    serve(EmulatorConfig.from_env(**overrides), host=args.host, port=args.port)
    return EXIT_OK


def _fail_usage(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def run_generate(args: argparse.Namespace) -> int:
    from playground.capabilities import check_request, errors_of
    from playground.config import load_settings
    from playground.errors import ConfigError
    from playground.models import ImageRequest

    req = ImageRequest(
        prompt=args.prompt, model=args.model, aspect_ratio=args.aspect_ratio,
        image_size=args.image_size, output_mime_type=args.mime_type,
        compression_quality=args.quality, person_generation=args.person_generation,
        include_thoughts=args.include_thoughts, thinking_level=args.thinking_level, seed=args.seed,
    )
    platforms = BACKENDS[args.backend]
    problems = [f for p in platforms for f in errors_of(check_request(req, p))]
    if problems:
        return _fail_usage(" ".join(dict.fromkeys(f.message for f in problems)))
    if args.quality is not None and args.mime_type != "image/jpeg":
        return _fail_usage("--quality needs --mime-type image/jpeg (it applies to JPEG only).")
    try:
        settings = load_settings()
    except ConfigError as exc:
        return _fail_usage(f"{exc} {exc.hint}")
    if args.retries is not None:
        if args.retries < 0:
            return _fail_usage("--retries must be 0 or more.")
        settings = _replace(settings, retries=args.retries)
    if args.timeout is not None:
        if args.timeout <= 0:
            return _fail_usage("--timeout must be a positive number of seconds.")
        settings = _replace(settings, timeout_s=args.timeout)
    return _generate_and_print(req, platforms, settings, args)


def _replace(settings: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(settings, **changes)


def _generate_and_print(req: Any, platforms: list[str], settings: Any, args: argparse.Namespace) -> int:
    from playground.config import missing_config_message
    from playground.demo import demo_settings, start_demo_emulator
    from playground.report import format_table, result_json
    from playground.service import generate_many, make_client
    from playground.storage.history import HistoryStore

    emulator = None
    if args.demo:
        emulator = start_demo_emulator(settings.emulator_profile)
        settings = demo_settings(settings, emulator.base_url, set(platforms))
    missing = [m for p in platforms if (m := missing_config_message(p, settings))]
    if missing:
        return _fail_usage(" ".join(missing) + " Or pass --demo to use the built-in emulator.")
    try:
        store = HistoryStore(settings.data_dir)
        with make_client(settings) as client:
            results = generate_many(req, platforms, settings, client=client, store=store)
    finally:
        if emulator is not None:
            emulator.stop()
    ordered = [results[p] for p in platforms]
    paths = _export_images(ordered, args.out) if args.out else {}
    if args.json:
        for r in ordered:
            print(json.dumps(result_json(r, paths), ensure_ascii=False), flush=True)
    else:
        print(format_table(ordered))
        if emulator is not None:
            print("\n(demo mode: these figures come from the built-in emulator, not Google)")
    return EXIT_OK if all(r.ok for r in ordered) else EXIT_FAILED


def _export_images(results: list[Any], out: Path) -> dict[str, str]:
    from playground.storage.files import extension_for

    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    for r in results:
        for n, img in enumerate(r.images):
            if not img.path:
                continue
            kind = "draft" if img.is_draft else "image"
            name = f"{r.backend}-{r.model}-{kind}{n}-{img.sha256[:10]}.{extension_for(img.sniffed_mime)}"
            target = out / name
            shutil.copyfile(img.path, target)
            paths[img.sha256] = str(target)
    return paths
