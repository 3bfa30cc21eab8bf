"""Shared helpers for the benchmark scripts."""

from __future__ import annotations

import os


def load_warning() -> str:
    """This machine is shared (2 cores): wall times mean little while others run work."""
    load = os.getloadavg()[0]
    note = "" if load < 1.0 else " — machine busy, wall times are inflated; rerun when idle"
    return f"1-min load average {load:.2f}{note}"
