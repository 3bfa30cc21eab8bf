"""Serving the emulator with uvicorn: blocking (`serve`) or in a background thread (`start_emulator`).

uvicorn's access log is off (it would print `?key=` values) and the `drop` fault's deliberate
connection abort is filtered out of its error log.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import uvicorn
from starlette.applications import Starlette

from playground.emulator.app import create_app
from playground.emulator.config import EmulatorConfig
from playground.emulator.control_client import EmulatorControl
from playground.emulator.delivery import ConnectionDropped
from playground.emulator.render import warm_up

BANNER = "Banana Split emulator serving AI Studio and Vertex AI at {url}"
_START_TIMEOUT_S = 15.0


class _DropFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionDropped)


def _quiet_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DropFilter) for f in logger.filters):
        logger.addFilter(_DropFilter())


def _uvicorn_server(app: Starlette, host: str, port: int, *,
                    log_config: dict[str, Any] | None) -> uvicorn.Server:
    config = uvicorn.Config(
        app, host=host, port=port, access_log=False, log_level="warning", log_config=log_config,
        server_header=False, lifespan="off", http="h11", ws="none",
        timeout_graceful_shutdown=1,
    )
    _quiet_drops()
    return uvicorn.Server(config)


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket. proto must be IPPROTO_TCP: asyncio only sets TCP_NODELAY on accepted
    sockets whose proto says TCP, and without it headers-then-body writes meet delayed ACKs
    (40 ms stalls on every keep-alive request)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # connections queue from now on, even before uvicorn accepts them
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve(config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 8790) -> None:
    """Serve until Ctrl-C or SIGTERM, then return normally (the CLI exits 0)."""
    config = config or EmulatorConfig()
    sock = _bind(host, port)
    server = _uvicorn_server(create_app(config), host, port, log_config=uvicorn.config.LOGGING_CONFIG)
    warm_up()
    print(BANNER.format(url=_url(host, sock)), flush=True)
    previous = _interrupt_on_sigterm()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        sock.close()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _interrupt_on_sigterm() -> Any:
    """uvicorn re-raises the signal that stopped it; make SIGTERM end like Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_interrupt)


@dataclass
class EmulatorHandle:
    base_url: str
    config: EmulatorConfig
    app: Starlette
    control: EmulatorControl
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self, timeout_s: float = 5.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout_s)
        self.control.close()

    def __enter__(self) -> EmulatorHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_emulator(config: EmulatorConfig | None = None, host: str = "127.0.0.1",
                   port: int = 0) -> EmulatorHandle:
    """uvicorn in a daemon thread on a free port (port=0); returns once it accepts connections."""
    config = config or EmulatorConfig()
    app = create_app(config)
    sock = _bind(host, port)
    server = _uvicorn_server(app, host, port, log_config=None)
    warm_up()
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="banana-split-emulator")
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("The emulator did not start; see the log above for the cause.")
        time.sleep(0.005)
    base_url = _url(host, sock)
    return EmulatorHandle(base_url, config, app, EmulatorControl(base_url), server, thread)
