"""Who wrote a pending row, and whether that process is still alive.

A row written before its request is sent (`HistoryStore.begin`) records its owner: the pid, the
host name and a start marker of the process. A pid alone is not enough: after a crash the
number can be reused by an unrelated process. On Linux the marker is the boot id and the
process start time in clock ticks (field 22 of /proc/<pid>/stat, see proc(5):
https://man7.org/linux/man-pages/man5/proc.5.html), which together name one process for the
life of the machine. Where /proc is missing the marker is None and only the pid is compared.
"""

from __future__ import annotations

import functools
import os
import socket
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROC = Path("/proc")


@dataclass(frozen=True)
class Owner:
    pid: int
    host: str
    started: str | None  # "<boot id>:<start ticks>", None where /proc is missing


def _boot_id() -> str:
    try:
        return (PROC / "sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def process_started(pid: int) -> str | None:
    """The start marker of process `pid`, or None when there is no such process, it is a zombie
    (dead, not yet reaped by its parent), or there is no /proc."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except (OSError, ValueError):
        return None
    # The command name (field 2) is in parentheses and may hold spaces or ")": split after the
    # last ")". Field 3 (state) is then the first field of the rest, field 22 (starttime) the 20th.
    fields = stat[stat.rfind(")") + 2:].split()
    if len(fields) < 20 or fields[0] in ("Z", "X"):
        return None
    return f"{_boot_id()}:{fields[19]}"


@functools.lru_cache(maxsize=1)
def _this_process(pid: int) -> Owner:
    return Owner(pid, socket.gethostname(), process_started(pid))


def this_process() -> Owner:
    """The owner to record for rows this process writes (recomputed after a fork)."""
    return _this_process(os.getpid())


def is_alive(owner: Owner) -> bool | None:
    """True/False for a process of this host; None when it ran elsewhere (cannot tell)."""
    me = this_process()
    if owner.host != me.host:
        return None
    if owner.pid <= 0:
        return False
    if owner.pid == me.pid and owner.started == me.started:
        return True
    if owner.started is not None and PROC.is_dir():
        return process_started(owner.pid) == owner.started
    try:
        os.kill(owner.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except (OverflowError, ValueError):
        return False
    return True


def interrupted_explanation(created_at: float, owner: Owner | None) -> str:
    sent = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(created_at))
    who = f"process {owner.pid} on {owner.host}" if owner else "a process that left no name"
    return (f"Interrupted — the request may have been billed: {who} sent it at {sent} and "
            "ended before the answer was saved. Check the platform's usage page; run it "
            "again for the image.")


def dead_owners(rows: Iterable[Mapping[str, Any]]) -> dict[int, str]:
    """id → explanation for the pending rows (id, created_at, owner_*) whose process is gone
    from this host; rows of live processes, and of other hosts, are left alone."""
    dead: dict[int, str] = {}
    for r in rows:
        owner = (Owner(int(r["owner_pid"]), str(r["owner_host"]), r["owner_started"])
                 if r["owner_pid"] is not None and r["owner_host"] is not None else None)
        if owner is None or is_alive(owner) is False:
            dead[int(r["id"])] = interrupted_explanation(float(r["created_at"]), owner)
    return dead
