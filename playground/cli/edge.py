"""What every subcommand checks at its edge, before any request or write, and how it says no.

Numbers must be finite and in range, text must be UTF-8, paths must be usable; each refusal is
one sentence on stderr and exit code 2 (`fail`). Storage and configuration faults met later
(`StorageError`, `ConfigError`) are said the same way: never a traceback.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from pathlib import Path

from playground.domain.errors import ConfigError, PlaygroundError, describe

EXIT_USAGE = 2
MAX_SEED = 2**31 - 1  # the APIs' seed is an int32
MAX_ID = 2**63 - 1  # SQLite's largest integer
MAX_TIME_SCALE = 100.0
SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))


def fail(message: str, hint: str = "") -> int:
    """Print `error: message hint` on stderr; return exit code 2."""
    text = message if not hint or hint in message else f"{message} {hint}"
    print(f"error: {text}", file=sys.stderr)
    return EXIT_USAGE


def fail_with(exc: PlaygroundError) -> int:
    text, hint = describe(exc)
    return fail(text, hint)


def _shown(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def whole(value: int, name: str, low: int, high: int, unit: str = "a whole number") -> int:
    if not low <= value <= high:
        raise ConfigError(f"{name} must be {unit} from {low} to {high} (got {_shown(value)}).")
    return value


def positive(value: float, name: str, high: float, unit: str) -> float:
    """Finite, above 0, at most `high`."""
    if not (math.isfinite(value) and 0 < value <= high):
        raise ConfigError(f"{name} must be {unit} above 0 and at most {high:.15g} "
                          f"(got {_shown(value)}).")
    return value


def seed(value: int | None, name: str = "--seed") -> int | None:
    return None if value is None else whole(value, name, 0, MAX_SEED)


def utf8(text: str, name: str) -> str:
    """Refuse text holding bytes that were not UTF-8 (they arrive in argv as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ConfigError(
            f"{name} holds bytes that are not UTF-8 text (at character {exc.start + 1}).",
            hint="Set the terminal to UTF-8 (e.g. LANG=C.UTF-8) and type it again, or pass "
                 "the text from a UTF-8 file.") from None
    return text


def _in_system_folder(path: Path) -> Path | None:
    return next((top for top in SYSTEM_FOLDERS if path == top or path.is_relative_to(top)), None)


def image_folder(path: Path, name: str = "--out") -> Path:
    """A folder image copies can be written to: created if missing, probed with a temp file
    before any request is sent (so a bad --out never costs a billed request)."""
    resolved = path.expanduser().resolve()
    top = _in_system_folder(resolved)
    if top is not None:
        raise ConfigError(f"{name} {path} is inside {top}, a system folder, not a place for "
                          "image copies.", hint=f"Give {name} a folder of your own.")
    if resolved.exists() and not resolved.is_dir():
        raise ConfigError(f"{name} {path} is a file; give a folder for the image copies "
                          "(it is created if missing).")
    try:
        resolved.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=resolved, prefix=".probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ConfigError(f"{name} {path} cannot hold the image copies: "
                          f"{exc.strerror or exc}.", hint=f"Give {name} a folder you may "
                                                         "write in.") from None
    return resolved
