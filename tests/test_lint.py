"""ruff on the whole tree (the style checks in pyproject.toml); mypy is a developer check, see README."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is missing: install requirements-dev.txt")
    result = subprocess.run([ruff, "check", "playground", "pages", "tests", "benchmarks",
                             "streamlit_app.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
