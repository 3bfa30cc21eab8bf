"""`python -m playground models`: the catalog merged with each platform's live model list.

Per model: nickname, per backend whether the platform lists it now (listed / not listed / not
checked), the catalog's lifecycle state and dates, sizes, ratios and the list price per image.

Exit codes: 0 listed (a platform without credentials is "not checked"); 2 invalid configuration
(a number out of range, a credentials file that cannot be used): the message says what to do.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from playground.cli.edge import fail_with

EXIT_OK, EXIT_USAGE = 0, 2
BACKENDS = {"aistudio": ["aistudio"], "vertex": ["vertex"], "both": ["aistudio", "vertex"]}


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help="list the models each backend offers now")
    p.add_argument("--backend", choices=sorted(BACKENDS), default="both")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.add_argument("--demo", action="store_true", help="ask the built-in emulator (offline)")
    p.add_argument("--include-retired", action="store_true", help="also list Imagen (retired)")
    p.set_defaults(run=run_models)
    return p


def run_models(args: argparse.Namespace) -> int:
    from playground.clients.base import platform_for
    from playground.clients.http import make_client
    from playground.clients.models import ModelList, fetch_models
    from playground.config import load_settings, missing_config_message
    from playground.domain.errors import ConfigError
    from playground.domain.offers import merge_models
    from playground.generation.demo import DemoEnvironment, start_demo

    try:
        settings = load_settings()
    except ConfigError as exc:
        return fail_with(exc)
    names = BACKENDS[args.backend]
    demo = start_demo(settings, names) if args.demo else DemoEnvironment(settings)
    lists: dict[str, ModelList] = {}
    try:
        platforms = {n: platform_for(n, demo.settings) for n in names
                     if not missing_config_message(n, demo.settings)}
        for platform in platforms.values():
            platform.auth  # noqa: B018 - a credentials file that cannot be used: exit 2
        with make_client(demo.settings) as client:
            for name in names:
                lists[name] = (fetch_models(platforms[name], client) if name in platforms else
                               ModelList(name, error=missing_config_message(name, demo.settings)))
    except ConfigError as exc:
        return fail_with(exc)
    finally:
        demo.stop()
    listed = {p: (lists[p].ids if p in lists and lists[p].checked else None)
              for p in ("aistudio", "vertex")}
    rows = merge_models(listed, include_retired=args.include_retired)
    if args.json:
        print(json.dumps({"lists": {p: {"checked": m.checked, "error": m.error,
                                         "models": sorted(m.ids)} for p, m in lists.items()},
                          "demo": demo.is_demo,
                          "models": [r.to_json() for r in rows]}, ensure_ascii=False))
        return EXIT_OK
    print(format_rows(rows, names, lists))
    if demo.is_demo:
        print("\n(demo mode: the lists come from the built-in emulator, not Google)")
    return EXIT_OK


def format_rows(rows: list[Any], names: list[str], lists: dict[str, Any]) -> str:
    from playground.domain.labels import platform_label

    lines = []
    for name in names:
        got = lists[name]
        state = f"{len(got.ids)} models listed" if got.checked else f"not checked: {got.error}"
        lines.append(f"{platform_label(name)}: {state}")
    lines.append("")
    for r in rows:
        head = f"{r.id}" + (f" — {r.nickname}" if r.nickname else "") + f" [{r.status}]"
        lines.append(head)
        for name in names:
            o = r.offers[name]
            lines.append(f"    {platform_label(name):<10} {o.listed:<12} {o.lifecycle}"
                         + (f" ({o.dates})" if o.dates and o.dates != "no dates known" else ""))
        if r.sizes:
            prices = ", ".join(f"{s} ${p:.4f}" for s, p in r.price_per_image.items())
            lines.append(f"    sizes {', '.join(r.sizes)} · {len(r.ratios)} ratios · {prices}")
        if not r.known:
            lines.append(f"    note: {r.note}")
    return "\n".join(lines)
