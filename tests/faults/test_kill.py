"""kill -9 of `generate` while its request is on the wire: the row written before the send is
"pending" while the process lives, and "interrupted" at the next open once it is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from playground.history.store import HistoryStore
from tests.bench.fakes import wait_for
from tests.faults.conftest import ROOT


def _sent(emu: Any) -> bool:
    return any("generateContent" in r["path"] for r in emu.control.requests())


def test_kill_9_mid_request_leaves_an_interrupted_row(emu: Any, emu_env: dict[str, str],
                                                      tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "PLAYGROUND_"))}
    env.update(emu_env, PLAYGROUND_DATA_DIR=str(data))
    emu.control.set_latency(ttfb_s=120.0, platform="aistudio")  # the emulator holds the answer
    proc = subprocess.Popen(
        [sys.executable, "-m", "playground", "generate", "--backend", "aistudio", "--prompt",
         "a fox held on the wire", "--retries", "0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: _sent(emu) or proc.poll() is not None, timeout=60)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        while_alive = HistoryStore(data)
        (row,) = while_alive.list()
        assert row.status == "pending" and while_alive.interrupted == []
        started = time.time()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        emu.control.clear_latency()
    assert proc.returncode == -signal.SIGKILL
    reopened = HistoryStore(data)
    assert reopened.interrupted == [row.id]
    (result,) = reopened.list()
    assert result.status == "interrupted" and result.request.prompt == "a fox held on the wire"
    assert result.explanation is not None
    assert "interrupted — the request may have been billed" in result.explanation.lower()
    assert f"process {proc.pid}" in result.explanation
    assert result.created_at <= started and result.backend == "aistudio"
