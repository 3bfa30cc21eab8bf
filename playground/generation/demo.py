"""Demo mode: the built-in emulator for every platform without credentials, in one object.

`start_demo(settings, …)` returns a `DemoEnvironment`: settings whose demo platforms talk to a
freshly started emulator with throwaway credentials, the emulator's control client, and
`stop()`. The app, `generate --demo`, `bench --demo` and the Benchmark page all use it; this is
the one module that bridges the clients and the emulator.

The emulator runs in a thread of this process (the app, the CLI) or, for benchmarks, in a child
process: a benchmark measures the client, and in one process the emulator's encoding of a 4K
image (tens of milliseconds holding the GIL) would delay the timing threads of every other
request in flight (benchmarks/bench_timing.py shows it). The throwaway service account lives in
a private temp folder that `stop()` removes; folders left by killed runs are removed at start.
"""

from __future__ import annotations

import os
import re
import secrets as pysecrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from playground.config import (
    AiStudioSettings,
    Secret,
    Settings,
    VertexSettings,
    missing_config_message,
)
from playground.domain.catalog import PLATFORMS
from playground.domain.errors import ConfigError
from playground.emulator import EmulatorConfig, EmulatorControl, start_emulator
from playground.emulator import write_service_account_file as _write_service_account

DEMO_PROJECT = "banana-demo"
DEMO_KEY_SOURCE = "demo (built-in emulator)"
CREDENTIALS_PREFIX = "banana-demo-"
STALE_AFTER_S = 24 * 3600  # a live demo's folder is touched at start; older ones are leftovers
_BANNER = re.compile(r"serving AI Studio and Vertex AI at (http://\S+)")
_START_TIMEOUT_S = 60.0


def unconfigured_platforms(settings: Settings) -> set[str]:
    return {p for p in PLATFORMS if missing_config_message(p, settings)}


@dataclass
class DemoEnvironment:
    """Settings pointing the demo platforms at an emulator, and the means to stop it."""

    settings: Settings
    platforms: frozenset[str] = frozenset()
    base_url: str | None = None
    _stop: Any = field(default=None, repr=False)
    _folder: Path | None = field(default=None, repr=False)
    _control: EmulatorControl | None = field(default=None, repr=False)

    @property
    def is_demo(self) -> bool:
        return bool(self.platforms)

    @property
    def control(self) -> EmulatorControl:
        if self.base_url is None:
            raise ConfigError("Demo mode is off: there is no emulator to control.")
        if self._control is None:
            self._control = EmulatorControl(self.base_url)
        return self._control

    def state(self) -> dict[str, Any]:
        """The emulator's latency profile and time scale, as it runs (recorded with runs)."""
        return self.control.state() if self.is_demo else {}

    def stop(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._stop is not None:
            self._stop()
            self._stop = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> DemoEnvironment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_demo(settings: Settings, platforms: Iterable[str] | None = None, *,
               separate_process: bool = False, port: int = 0,
               **emulator_options: Any) -> DemoEnvironment:
    """Start the emulator for `platforms` (default: those without credentials).

    `emulator_options` are EmulatorConfig fields (latency_profile, time_scale, seed,
    render_cache_bytes, …; None values are ignored); a child process takes the first three.
    With no platform to emulate, nothing starts and the settings come back unchanged.
    port 0 picks a free port; a fixed port (PLAYGROUND_EMULATOR_PORT) lets a presenter or a
    browser test reach the demo emulator's /_emulator/ control API.
    """
    chosen = frozenset(unconfigured_platforms(settings) if platforms is None else platforms)
    if not chosen:
        return DemoEnvironment(settings)
    overrides = {k: v for k, v in emulator_options.items() if v is not None}
    if separate_process:
        base_url, stop = _start_child(overrides)
    else:
        handle = start_emulator(EmulatorConfig.from_env(**overrides), port=port)
        base_url, stop = handle.base_url, handle.stop
    try:
        folder = _credentials_folder()
        demo = _demo_settings(settings, base_url, chosen, folder)
    except BaseException:
        stop()
        raise
    return DemoEnvironment(demo, chosen, base_url, stop, folder)


def _credentials_folder() -> Path:
    _remove_stale_folders()
    return Path(tempfile.mkdtemp(prefix=CREDENTIALS_PREFIX))


def _remove_stale_folders() -> None:
    """Folders of demos that were killed before they could clean up (they hold a private key)."""
    now = time.time()
    for folder in Path(tempfile.gettempdir()).glob(f"{CREDENTIALS_PREFIX}*"):
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > STALE_AFTER_S:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _demo_settings(settings: Settings, base_url: str, platforms: frozenset[str],
                   folder: Path) -> Settings:
    """Settings whose `platforms` talk to the emulator at base_url; others stay as they were."""
    aistudio = vertex = None
    if "aistudio" in platforms:
        aistudio = AiStudioSettings(api_key=Secret(f"demo-{pysecrets.token_hex(12)}"),
                                    key_source=DEMO_KEY_SOURCE, base_url=base_url)
    if "vertex" in platforms:
        sa_file = _write_service_account(folder / "service-account.json", f"{base_url}/token",
                                         DEMO_PROJECT)
        sa_file.chmod(0o600)
        vertex = VertexSettings(project=DEMO_PROJECT, location="global",
                                credentials_file=str(sa_file),
                                credentials_source="demo (throwaway service account)",
                                base_url=base_url)
    return settings.with_demo(set(platforms), aistudio, vertex)


# --- the emulator in a child process ---------------------------------------------------------


def _start_child(overrides: dict[str, Any]) -> tuple[str, Any]:
    """The emulator on a free loopback port in a child process; returns once it serves.

    The child watches its parent and exits when the parent is gone, so a benchmark process that
    is killed does not leave an emulator behind.
    """
    args = [sys.executable, "-m", "playground.emulator.child", str(os.getpid())]
    env = dict(os.environ)
    names = {"latency_profile": "PROFILE", "time_scale": "TIME_SCALE", "seed": "SEED",
             "signature_chars": "SIGNATURE_CHARS"}
    for key, value in overrides.items():
        if key not in names:
            raise ConfigError(f"The emulator's {key} cannot be set in a child process.",
                              hint="Run it in this process, or set only " + ", ".join(names) + ".")
        if key == "signature_chars":
            value = ",".join(f"{family}={size}" for family, size in value)
        env[f"PLAYGROUND_EMULATOR_{names[key]}"] = str(value)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env)
    url = _read_banner(proc)
    if url is None or not _serving(url, proc):
        proc.kill()
        proc.wait()
        raise ConfigError("The emulator process did not start.",
                          hint="Run `python -m playground emulator` to see why.")

    def stop(timeout_s: float = 10.0) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout_s)

    return url, stop


def _serving(url: str, proc: subprocess.Popen[str]) -> bool:
    """The banner comes before uvicorn listens: wait until the control API answers."""
    import httpx

    deadline = time.monotonic() + _START_TIMEOUT_S
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if client.get(f"{url}/_emulator/state").status_code == 200:
                    return True
            except httpx.TransportError:
                time.sleep(0.02)
    return False


def _read_banner(proc: subprocess.Popen[str]) -> str | None:
    """The base URL from the banner line; the rest of the output is drained in the background."""
    found: list[str] = []
    ready = threading.Event()

    def pump(stream: IO[str]) -> None:
        for line in stream:
            match = _BANNER.search(line) if not found else None
            if match:
                found.append(match.group(1))
                ready.set()
        ready.set()

    assert proc.stdout is not None
    threading.Thread(target=pump, args=(proc.stdout,), daemon=True,
                     name="emulator-output").start()
    ready.wait(_START_TIMEOUT_S)
    return found[0] if found else None
