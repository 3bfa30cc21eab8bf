"""The emulator as a child process of a benchmark (started by generation/demo.py).

`python -m playground.emulator.child PARENT_PID`: serves on a free loopback port (settings from
PLAYGROUND_EMULATOR_* variables), prints the banner with its URL, and exits when its parent is
gone, so a killed benchmark does not leave an emulator behind.
"""

from __future__ import annotations

import os
import sys
import threading
import time

from playground.emulator.config import EmulatorConfig
from playground.emulator.server import serve


def _exit_when_orphaned(parent_pid: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            os._exit(0)


def main(argv: list[str]) -> None:
    threading.Thread(target=_exit_when_orphaned, args=(int(argv[0]),), daemon=True,
                     name="orphan-watch").start()
    serve(EmulatorConfig.from_env(), host="127.0.0.1", port=0)


if __name__ == "__main__":
    main(sys.argv[1:])
