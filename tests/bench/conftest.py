"""Fixtures for benchmark tests against the real emulator on a loopback port."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from playground.config import Settings
from playground.emulator import EmulatorConfig
from playground.generation.demo import DemoEnvironment, start_demo
from playground.history.store import HistoryStore


@dataclass
class Demo:
    emulator: DemoEnvironment
    settings: Settings
    store: HistoryStore
    config: EmulatorConfig


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Callable[..., Demo]]:
    """Start an emulator; settings point both platforms at it.

    In-process by default (EmulatorConfig fields as keywords); process=True runs it as the CLI's
    --demo does, in a child process (latency_profile, time_scale and seed only).
    """
    handles: list[DemoEnvironment] = []

    def start(*, process: bool = False, **config: Any) -> Demo:
        data = tmp_path / f"data{len(handles) + 1}"
        handle = start_demo(Settings(data_dir=data), {"aistudio", "vertex"},
                            separate_process=process, **config)
        handles.append(handle)
        return Demo(handle, handle.settings, HistoryStore(data), EmulatorConfig(**config))

    yield start
    for handle in handles:
        handle.stop()


def skip_if_cpu_overloaded() -> None:
    """Millisecond timing needs the CPU: on a machine running other heavy work (more runnable
    tasks than twice the cores) the scheduler's own delays exceed the tolerance."""
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load > 2 * cores:
        pytest.skip(f"CPU overloaded (load {load:.1f} on {cores} cores): timing not measurable")
