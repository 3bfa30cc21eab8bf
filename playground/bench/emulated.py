"""The emulator in its own process, for benchmark runs in demo mode.

A benchmark measures the client, so the server must not share its interpreter: in one process
the emulator's encoding of a 4K image (tens of milliseconds holding the GIL) delays the timing
threads of every other request in flight, and emulated latencies come out too long
(benchmarks/bench_timing.py shows it). A child process serving on a free loopback port
behaves like a remote server: it costs a second of start-up and nothing else.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, TYPE_CHECKING

from playground.errors import ConfigError

if TYPE_CHECKING:
    from playground.bench.matrix import Plan
    from playground.config import Settings
    from playground.emulator import EmulatorControl

_BANNER = re.compile(r"serving AI Studio and Vertex AI at (http://\S+)")
_START_TIMEOUT_S = 60.0


@dataclass
class EmulatorProcess:
    base_url: str
    process: subprocess.Popen[str] = field(repr=False)

    @cached_property
    def control(self) -> EmulatorControl:
        from playground.emulator import EmulatorControl

        return EmulatorControl(self.base_url)

    def stop(self, timeout_s: float = 10.0) -> None:
        if "control" in self.__dict__:
            self.control.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout_s)

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_emulator_process(latency_profile: str | None = None, time_scale: float | None = None,
                           seed: int | None = None) -> EmulatorProcess:
    """The emulator on a free loopback port in a child process; returns once it serves.

    The child watches its parent and exits when the parent is gone, so a benchmark process that
    is killed does not leave an emulator behind.
    """
    args = [sys.executable, "-m", "playground.bench.emulated", str(os.getpid())]
    env = dict(os.environ)
    for name, value in (("PROFILE", latency_profile), ("TIME_SCALE", time_scale),
                        ("SEED", seed)):
        if value is not None:
            env[f"PLAYGROUND_EMULATOR_{name}"] = str(value)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env)
    url = _read_banner(proc)
    if url is None or not _serving(url, proc):
        proc.kill()
        proc.wait()
        raise ConfigError("The emulator process did not start.",
                          hint="Run `python -m playground emulator` to see why.")
    return EmulatorProcess(url, proc)


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


def warm_up(plan: Plan, settings: Settings, control: EmulatorControl, *,
            concurrency: int = 4) -> int:
    """Have the emulator render every distinct image of the plan once, unmeasured and unsaved.

    The emulator injects its delay from a request's arrival, but a cold 4K image takes it a
    second or two to render, so the first requests of a run would measure the renderer. With
    the renders cached first, a run measures only the injected latency. Returns the count of
    warm-up requests. Explicit latencies (set_latency) still apply: call this before them.
    """
    from concurrent.futures import ThreadPoolExecutor

    from playground.service import Backend, RetryPolicy, generate, make_client

    firsts = {(t.cell.id, t.prompt): t for t in reversed(plan.tasks)}
    backends = {c.backend: Backend(c.backend, settings) for c in plan.cells}
    profile = control.get_profile()
    control.set_profile("instant")
    try:
        with make_client(settings) as client, ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(lambda t: generate(
                t.cell.request(t.prompt), t.cell.backend, settings, client=client, store=None,
                policy=RetryPolicy(0), backend=backends[t.cell.backend]), firsts.values()))
    finally:
        control.set_profile(profile)
    return len(firsts)


def _exit_when_orphaned(parent_pid: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            os._exit(0)


def main(argv: list[str]) -> None:
    """Child-process entry: `python -m playground.bench.emulated PARENT_PID` (settings from env)."""
    from playground.emulator import EmulatorConfig, serve

    threading.Thread(target=_exit_when_orphaned, args=(int(argv[0]),), daemon=True,
                     name="orphan-watch").start()
    serve(EmulatorConfig.from_env(), host="127.0.0.1", port=0)


if __name__ == "__main__":
    main(sys.argv[1:])
