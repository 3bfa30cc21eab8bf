"""`generate --backend auto --priority …` and `generate --imagen-payload FILE`: the gateway's
routing and Imagen translation, offered on the command line too (README "Use it from any
OpenAI client").

A `Run` is one fan-out of `generate`: each platform's request, the variants, and the notes
every row of it carries (the route and the figures it rested on; the Imagen notice). An Imagen
payload is one run per instance, `sampleCount` → variants.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any

from playground.domain.errors import ConfigError
from playground.domain.options import RequestCheck, check_request
from playground.domain.types import ImageRequest


@dataclass
class Run:
    requests: dict[str, ImageRequest]
    variants: int = 1
    notes: tuple[str, ...] = ()
    checks: dict[str, RequestCheck] = field(default_factory=dict)


def checks(requests: dict[str, ImageRequest], allow_unlisted: bool, *,
           auto: bool = False) -> dict[str, RequestCheck]:
    """Each platform's check; with `auto` a platform that cannot serve it is left out (the
    route picks among the rest), so its problems only stop the run when none is left."""
    out = {p: check_request(r, [p], allow_unlisted=allow_unlisted) for p, r in requests.items()}
    if auto and open_platforms(out):
        out = {p: c for p, c in out.items() if not c.errors(p)}
    return out


def open_platforms(found: dict[str, RequestCheck]) -> list[str]:
    return [p for p, c in found.items() if not c.errors(p)]


def route(run: Run, store: Any, demo: bool, priority: str) -> None:
    """--backend auto: keep the platform the stored benchmark runs (speed, cost) or blind-review
    studies (quality) favour; the note says why."""
    from playground.bench.store import BenchStore
    from playground.domain.catalog import MODELS
    from playground.gateway.quality import StoredStudies
    from playground.gateway.routing import Router

    candidates = list(run.checks)
    req = run.checks[candidates[0]].request
    tier = req.image_size or MODELS[req.model].default_size
    studies = StoredStudies(store, include_emulated=demo)
    decision = Router(BenchStore(store), studies, include_emulated=demo).choose(
        req.model, tier, priority, candidates)
    print(f"route: {decision.header()}", file=sys.stderr)
    run.checks = {decision.platform: run.checks[decision.platform]}
    run.notes = (*run.notes, decision.note())


def imagen_runs(args: argparse.Namespace, settings: Any, variants: int) -> list[Run]:
    """One run per instance of the payload; the notice and the notes go to stderr and rows."""
    from playground.gateway.errors import GatewayError
    from playground.gateway.imagen import translate

    if args.continue_ids or args.backend in ("both", "auto"):
        raise ConfigError("--imagen-payload runs on one platform: pass --backend vertex "
                          "(the default) or aistudio.")
    if variants > 1:
        raise ConfigError("--imagen-payload takes the number of images from its sampleCount; "
                          "leave out --variants.")
    try:
        payload = json.loads(args.imagen_payload.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"--imagen-payload {args.imagen_payload} cannot be read as JSON: "
                          f"{getattr(exc, 'strerror', None) or exc}.") from None
    platform = args.backend or "vertex"
    args.backend = platform
    target = args.model or settings.gateway.imagen_target
    try:
        translation = translate(payload, "Imagen", target, platform)
    except GatewayError as exc:
        raise ConfigError(f"--imagen-payload {args.imagen_payload}: {exc.message}") from None
    print(f"notice: {translation.notice}", file=sys.stderr)
    for note in translation.notes:
        print(f"note: {note}", file=sys.stderr)
    notes = (translation.notice, *translation.notes)
    return [Run({platform: request}, count, notes)
            for request, count in zip(translation.instances, translation.sample_counts,
                                      strict=True)]
