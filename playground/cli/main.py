"""`python -m playground generate|emulator|bench|export|models|gateway|study`: the parser and the
dispatch.

Each subcommand lives in its own module with `add_parser(subparsers, name)`, which sets the
function that runs it. Exit codes: 0 ok, 1 a backend failed, 2 bad input or configuration, or a
history that cannot be used. A StorageError or ConfigError that a subcommand did not say itself
is said here (exit 2): never a traceback.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

#: name → module with add_parser(sub, name); imported when the parser is built.
COMMANDS: dict[str, str] = {
    "generate": "playground.cli.generate",
    "emulator": "playground.cli.emulator",
    "models": "playground.cli.models",
    "bench": "playground.cli.bench",
    "export": "playground.cli.export",
    "gateway": "playground.cli.gateway",
    "study": "playground.cli.study",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m playground",
                                     description="Banana Split: AI Studio vs Vertex AI image models.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module in COMMANDS.items():
        __import__(module, fromlist=["add_parser"]).add_parser(sub, name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from playground.cli.edge import fail_with
    from playground.domain.errors import ConfigError, StorageError

    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (ConfigError, StorageError) as exc:
        return fail_with(exc)
