"""`python -m playground emulator`: serve the built-in emulator of both APIs on loopback."""

from __future__ import annotations

import argparse
from typing import Any

EXIT_OK = 0


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help="serve the built-in emulator of both APIs")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8790)
    p.add_argument("--latency-profile", choices=["instant", "measured", "article"], default=None,
                   help="default: $PLAYGROUND_EMULATOR_PROFILE or instant")
    p.add_argument("--api-key", action="append", default=[],
                   help="accepted AI Studio key (repeatable); none = any non-empty key")
    p.add_argument("--token-ttl", type=float, default=None, help="access-token lifetime, seconds")
    p.add_argument("--time-scale", type=float, default=None, help="multiply injected delays")
    p.set_defaults(run=run_emulator)
    return p


def run_emulator(args: argparse.Namespace) -> int:
    from playground.cli import edge
    from playground.domain.errors import ConfigError
    from playground.emulator import EmulatorConfig, serve

    try:
        edge.whole(args.port, "--port", 0, 65535, "a port number")
        if args.token_ttl is not None:
            edge.positive(args.token_ttl, "--token-ttl", 86400, "a number of seconds")
        if args.time_scale is not None:
            edge.positive(args.time_scale, "--time-scale", edge.MAX_TIME_SCALE, "a factor")
    except ConfigError as exc:
        return edge.fail_with(exc)
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
