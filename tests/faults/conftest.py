"""Fault injection: damaged databases, read-only and full disks, killed processes.

Real faults where the machine allows them: as root (where chmod does not stop writes) a
read-only bind mount and a small tmpfs, mounted by the test and unmounted after it. Elsewhere
the test simulates the fault at the one place that writes and its docstring says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from playground.cli.main import main
from playground.history.store import HistoryStore
from tests.history.test_store import make_result, png

ROOT = Path(__file__).resolve().parents[2]


def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


def _run(*argv: str) -> bool:
    return subprocess.run(argv, capture_output=True, check=False).returncode == 0


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[bool]:
    """A tmpfs of `size` at `path`; yields False (nothing mounted) when mounting is refused."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = can_mount() and _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755",
                                   "tmpfs", str(path))
    try:
        yield mounted
    finally:
        if mounted:
            _run("umount", "-l", str(path))


@contextmanager
def read_only_view(source: Path, view: Path) -> Iterator[bool]:
    """`source` seen read-only at `view` (a read-only bind mount); False when refused."""
    view.mkdir(parents=True, exist_ok=True)
    mounted = can_mount() and _run("mount", "--bind", str(source), str(view))
    if mounted and not _run("mount", "-o", "remount,ro,bind", str(view)):
        _run("umount", "-l", str(view))
        mounted = False
    try:
        yield mounted
    finally:
        if mounted:
            _run("umount", "-l", str(view))


def history(folder: Path, n: int = 3) -> HistoryStore:
    """A small real history: n results with images, one Both pair among them."""
    store = HistoryStore(folder)
    for i in range(n):
        store.save(make_result(store, f"prompt {i}", png(i), group="g" if i < 2 else None,
                               backend="vertex" if i == 1 else "aistudio"))
    return store


def close(store: HistoryStore) -> None:
    """Close this thread's connection (a test that damages the file must not hold it open)."""
    conn = getattr(store._local, "conn", None)
    if conn is not None:
        conn.close()
        store._local.conn = None


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI in this process: (exit code, stdout, stderr). An exception is a traceback."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def cli_process(argv: list[str], env: dict[str, str], timeout: float = 120) -> Any:
    """Run the CLI as a user would, in a subprocess with this environment."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("GOOGLE_", "GEMINI_", "PLAYGROUND_"))}
    return subprocess.run([sys.executable, "-m", "playground", *argv], cwd=ROOT,
                          env={**base, **env}, capture_output=True, text=True, timeout=timeout)
