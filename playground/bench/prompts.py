"""Prompt sets from text: .txt (one per line) or .csv (a `prompt` column), typed or uploaded."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playground.domain.errors import BenchInputError


def parse_text_prompts(text: str) -> list[str]:
    """One prompt per line; blank lines and lines starting with # are skipped."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def parse_csv_prompts(text: str, *, source: str = "the CSV") -> list[str]:
    """The `prompt` column (any case); a clear error names the columns found otherwise."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [c for c in (reader.fieldnames or []) if c is not None]
    column = next((c for c in columns if c.strip().lower() == "prompt"), None)
    if column is None:
        found = ", ".join(repr(c) for c in columns) or "no columns at all"
        raise BenchInputError(f"{source} has no 'prompt' column (found {found}).",
                              hint="Add a header row with a column named prompt.")
    prompts = [(row.get(column) or "").strip() for row in reader]
    return [p for p in prompts if p]


def parse_prompts(text: str, *, filename: str = "prompts.txt") -> list[str]:
    """By extension: .csv → the prompt column; anything else → one prompt per line."""
    if filename.lower().endswith(".csv"):
        prompts = parse_csv_prompts(text, source=filename)
    else:
        prompts = parse_text_prompts(text)
    if not prompts:
        raise BenchInputError(f"{filename} holds no prompts.",
                              hint="Write one prompt per line (lines starting with # are "
                                   "comments), or fill the prompt column of the CSV.")
    return prompts


def load_prompts(path: Path) -> list[str]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BenchInputError(f"Cannot read the prompt file {path}: {exc.strerror or exc}.",
                              hint="Check the path given to --prompts.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BenchInputError(f"{path} is not UTF-8 text.",
                              hint="Save the prompt file as UTF-8 (.txt or .csv).") from None
    return parse_prompts(text, filename=Path(path).name)
