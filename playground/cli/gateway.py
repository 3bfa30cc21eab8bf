"""`python -m playground gateway`: the OpenAI-compatible gateway to both platforms.

Binds loopback unless --host says otherwise, and refuses to start without gateway keys
(PLAYGROUND_GATEWAY_KEYS) except with --demo, which makes a throwaway key and prints it.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from dataclasses import replace
from typing import Any

EXIT_OK, EXIT_USAGE = 0, 2


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help="serve an OpenAI-compatible API backed by both platforms")
    p.add_argument("--host", default="127.0.0.1", help="default loopback only")
    p.add_argument("--port", type=int, default=8791)
    p.add_argument("--demo", action="store_true",
                   help="both platforms on the built-in emulator, with throwaway credentials")
    p.add_argument("--latency-profile", choices=["instant", "measured", "article"], default=None,
                   help="demo emulator latency (default: $PLAYGROUND_EMULATOR_PROFILE or instant)")
    p.set_defaults(run=run_gateway)
    return p


def run_gateway(args: argparse.Namespace) -> int:
    from playground.config import Secret, check_port, load_settings, missing_config_message
    from playground.domain.catalog import PLATFORMS
    from playground.domain.errors import ConfigError
    from playground.gateway.server import LOOPBACK, serve
    from playground.gateway.service import Gateway
    from playground.generation.demo import DemoEnvironment, start_demo

    try:
        settings = load_settings()
        check_port(args.port, "--port")
    except ConfigError as exc:
        print(f"error: {exc} {exc.hint}", file=sys.stderr)
        return EXIT_USAGE
    lines = []
    if not settings.gateway.keys:
        if not args.demo:
            print("error: the gateway needs keys: set PLAYGROUND_GATEWAY_KEYS=name:KEY,… (or run "
                  "with --demo for a throwaway key).", file=sys.stderr)
            return EXIT_USAGE
        key = "bs-demo-" + secrets.token_hex(16)
        settings = replace(settings, gateway=replace(settings.gateway,
                                                     keys=(("demo", Secret(key)),)))
        lines.append(f"Throwaway gateway key (demo): {key}")
    if args.host not in LOOPBACK:
        lines.append(f"Listening on {args.host}: reachable beyond this machine; every call "
                     "needs a gateway key.")
    profile = args.latency_profile or settings.emulator_profile
    demo = (start_demo(settings, PLATFORMS, latency_profile=profile) if args.demo
            else DemoEnvironment(settings))
    try:
        settings = demo.settings
        for platform in PLATFORMS:
            problem = missing_config_message(platform, settings)
            if problem:
                lines.append(f"{platform}: not configured, its calls answer 503 ({problem})")
        if demo.is_demo:
            lines.append("Demo mode: both platforms are the built-in emulator, not Google.")
        try:
            serve(Gateway(settings), host=args.host, port=args.port, lines=tuple(lines))
        except ConfigError as exc:
            print(f"error: {exc} {exc.hint}", file=sys.stderr)
            return EXIT_USAGE
    finally:
        demo.stop()
    return EXIT_OK
