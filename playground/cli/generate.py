"""`python -m playground generate`: one prompt on AI Studio, Vertex AI or both.

Exit codes: 0 every backend returned an image; 1 a backend failed, was blocked or returned no
image; 2 bad arguments, missing or invalid configuration (the message names the variable to
set), or a history that cannot be used (disk full, read-only, damaged, locked: the message says
what to do). Numbers are checked at the edge (finite, in range), a prompt must be UTF-8, and
--out must be a folder that can be written; all before any request is sent. Each backend's
history row is written before its request goes out (status "pending"), so a killed run leaves
"interrupted" rows, not nothing.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from playground.cli import edge
from playground.domain import catalog

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
BACKENDS = {"aistudio": ["aistudio"], "vertex": ["vertex"], "both": ["aistudio", "vertex"]}


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help="send one prompt to AI Studio, Vertex AI or both")
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


def run_generate(args: argparse.Namespace) -> int:
    from playground.config import (
        check_retries,
        check_retry_wait,
        check_timeout,
        load_settings,
    )
    from playground.domain.errors import ConfigError
    from playground.domain.options import check_request
    from playground.domain.types import ImageRequest

    try:
        req = ImageRequest(
            prompt=edge.utf8(args.prompt, "--prompt"), model=args.model,
            aspect_ratio=args.aspect_ratio, image_size=args.image_size,
            output_mime_type=args.mime_type,
            compression_quality=None if args.quality is None else edge.whole(
                args.quality, "--quality", 0, 100),
            person_generation=args.person_generation, include_thoughts=args.include_thoughts,
            thinking_level=args.thinking_level, seed=edge.seed(args.seed),
            service_tier=args.service_tier,
        )
        platforms = BACKENDS[args.backend]
        check = check_request(req, platforms, allow_unlisted=args.allow_unlisted)
        if check.problems:
            return edge.fail(" ".join(check.problems))
        if args.quality is not None and args.mime_type != "image/jpeg":
            return edge.fail("--quality needs --mime-type image/jpeg (it applies to JPEG only).")
        settings = load_settings()
        if args.retries is not None:
            settings = replace(settings, retries=check_retries(args.retries, "--retries"))
        if args.max_retry_wait is not None:
            settings = replace(settings, max_retry_wait_s=check_retry_wait(
                args.max_retry_wait, "--max-retry-wait"))
        if args.timeout is not None:
            settings = replace(settings, timeout_s=check_timeout(args.timeout, "--timeout"))
        out = edge.image_folder(args.out) if args.out else None
    except ConfigError as exc:
        return edge.fail_with(exc)
    return _generate_and_print(check, platforms, settings, args, out)


def _generate_and_print(check: Any, names: list[str], settings: Any,
                        args: argparse.Namespace, out: Path | None) -> int:
    from playground.config import missing_config_message
    from playground.domain.errors import PlaygroundError
    from playground.generation.demo import DemoEnvironment, start_demo
    from playground.generation.output import format_table, result_json

    demo = (start_demo(settings, names, latency_profile=settings.emulator_profile) if args.demo
            else DemoEnvironment(settings))
    try:
        settings = demo.settings
        missing = [m for p in names if (m := missing_config_message(p, settings))]
        if missing:
            return edge.fail(" ".join(missing) + " Or pass --demo to use the built-in emulator.")
        try:
            store, ordered, problems = _run(check, names, settings)
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


def _run(requests: Any, names: list[str], settings: Any, variants: int = 1,
         ) -> tuple[Any, list[Any], list[str]]:
    """Load the credentials and open the history before anything is sent; write each row
    before its request goes out (`Recorder`), then the answer. A result that cannot be stored
    is still shown; the storage problem is said after it."""
    import uuid

    from playground.clients.base import platform_for
    from playground.clients.http import make_client
    from playground.generation.fanout import plan_slots, run_slots
    from playground.generation.recorder import Recorder
    from playground.generation.run import RunOptions
    from playground.history.store import HistoryStore

    platforms = [platform_for(p, settings) for p in names]
    for platform in platforms:
        platform.auth  # noqa: B018 - a bad credentials file is a ConfigError now, not a result
    store = HistoryStore(settings.data_dir)
    slots = plan_slots(requests, platforms, variants=variants)
    group = uuid.uuid4().hex[:12] if len(slots) > 1 else None
    recorder = Recorder(store, slots, group)
    try:
        with make_client(settings) as client:
            results = run_slots(slots, client=client, options=RunOptions(group_id=group),
                                on_result=recorder.save)
    except KeyboardInterrupt:
        recorder.close_unanswered(set(), status="interrupted", explanation=(
            "Interrupted — the request may have been billed: stopped with Ctrl-C before the "
            "answer arrived."))
        raise
    return store, results, recorder.problems


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
