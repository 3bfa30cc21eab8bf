"""`python -m playground export (--ids 1,2 | --last N | --images 7,8) --out pack.zip [--force]`.

Exit codes: 0 written; 1 written, but some selected image files were missing, refused or changed
on disk (the summary names each); 2 nothing written, the message says why and what to do: bad
ids or selection, an --out that is not a regular file name in an existing folder (a folder, a
device node such as /dev/full, a missing folder, a system folder), an existing --out without
--force, or a history that cannot be used (damaged, locked, a file where the folder should be).
The pack goes to a temp file in the --out folder and is renamed into place when complete.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from playground.cli.edge import MAX_ID, fail

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE = 0, 1, 2


def id_list(text: str) -> list[int]:
    """'1,2, 3' → [1, 2, 3]; argparse turns the ValueError into a usage error (exit 2)."""
    try:
        ids = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of ids; write them like 12,13,14") from None
    if not ids or any(not 0 < i <= MAX_ID for i in ids):
        raise argparse.ArgumentTypeError(f"{text!r}: ids are positive numbers (at most "
                                         f"{MAX_ID}), like 12,13")
    return ids


def count(text: str) -> int:
    """--last N: a whole number; N ≤ 0 is refused with the selection, a huge N means all."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    return min(n, MAX_ID)


def add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        name, help="write a review pack (zip: originals, manifest, metrics, index.html)",
        description="Export generations from history as a review pack that opens offline.")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--ids", type=id_list, metavar="1,2,3",
                       help="generation ids (all their images, drafts included)")
    which.add_argument("--images", type=id_list, metavar="7,8",
                       help="image ids; exactly two make a compared pair (A, B)")
    which.add_argument("--last", type=count, metavar="N", help="the N newest generations")
    p.add_argument("--out", type=Path, required=True,
                   help="the zip to write, e.g. pack.zip, in an existing folder")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.add_argument("--like-for-like", action="store_true",
                   help="also re-encode each pair identically (slow: ~12 s per 4K pair)")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(run=run_export)
    return p


def run_export(args: argparse.Namespace) -> int:
    from playground.config import load_settings
    from playground.domain.errors import PlaygroundError, describe
    from playground.export.pack import build_review_pack, check_target
    from playground.export.scrub import pack_secrets
    from playground.history.store import HistoryStore

    try:
        check_target(args.out, overwrite=args.force)  # before the history is even opened
        settings = load_settings()
        store = HistoryStore(settings.data_dir, database_url=settings.team.database_url)
        summary = build_review_pack(
            store, generation_ids=args.ids, image_ids=args.images, last=args.last,
            out=args.out, like_for_like=args.like_for_like, overwrite=args.force,
            progress=None if args.quiet else _progress, secrets=pack_secrets(settings))
    except PlaygroundError as exc:
        return fail(*describe(exc))
    except OSError as exc:
        return fail(f"Could not write {args.out}: {exc.strerror or exc}.",
                    "Check the folder exists and is writable, or pick another --out.")
    print(summary.text())
    return EXIT_OK if summary.is_complete else EXIT_INCOMPLETE


def _progress(done: int, total: int, what: str) -> None:
    print(f"[{done}/{total}] {what}", file=sys.stderr, flush=True)
