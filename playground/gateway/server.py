"""Serving the gateway with uvicorn: blocking (`serve`) or in a background thread
(`start_gateway`), bound the way playground/emulator/server.py binds (the two share no code).

Loopback unless told otherwise; uvicorn's access log is off (the gateway logs one redacted
line per request itself, naming the key, never its value).
"""

from __future__ import annotations

import gc
import logging
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import uvicorn
from starlette.applications import Starlette

from playground.domain.errors import ConfigError
from playground.gateway.app import create_app
from playground.gateway.service import Gateway

BANNER = "Banana Split gateway (OpenAI-compatible) at {url}/v1"
LOOPBACK = ("127.0.0.1", "::1", "localhost")
_START_TIMEOUT_S = 15.0
#: Idle keep-alive connections live this long (uvicorn's default is 5 s; image calls take
#: 20–40 s, and a client's pooled connection should still be there for the next one).
KEEP_ALIVE_S = 75
SWITCH_INTERVAL_S = 0.001


def _uvicorn_server(app: Starlette, host: str, port: int,
                    log_config: dict[str, Any] | None) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(
        app, host=host, port=port, access_log=False, log_level="warning", log_config=log_config,
        server_header=False, lifespan="off", http="h11", ws="none", timeout_graceful_shutdown=1,
        timeout_keep_alive=KEEP_ALIVE_S,
    ))


def _bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (IPPROTO_TCP, so asyncio sets TCP_NODELAY on accepted sockets;
    the emulator's server.py explains the 40 ms stalls without it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ConfigError(f"The gateway cannot listen on {host}:{port}: {exc.strerror}.",
                          hint="Pick another --port, or stop what is using it.") from None
    sock.set_inheritable(True)
    return sock


def _url(host: str, sock: socket.socket) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{sock.getsockname()[1]}"


def serve(gateway: Gateway, host: str = "127.0.0.1", port: int = 8791,
          lines: tuple[str, ...] = ()) -> None:
    """Serve until Ctrl-C or SIGTERM, then return normally."""
    sock = _bind(host, port)
    server = _uvicorn_server(create_app(gateway), host, port, uvicorn.config.LOGGING_CONFIG)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s gateway %(message)s")
    # Worker threads parse and encode multi-megabyte answers while the event loop sends the
    # finished ones: a 1 ms GIL switch interval (default 5 ms) keeps the loop from waiting
    # behind them (benchmarks/gateway_overhead.py: p95 at 16 in flight about halved).
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    # Everything loaded so far (Starlette, httpx, numpy, PIL …) lives as long as the server:
    # kept out of the collector, a full collection scans only what requests made (one took
    # 8.8 ms before, in benchmarks/gateway_overhead.py).
    gc.freeze()
    print(BANNER.format(url=_url(host, sock)), *lines, sep="\n", flush=True)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        sock.close()
        gateway.close()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@dataclass
class GatewayHandle:
    base_url: str
    gateway: Gateway
    app: Starlette
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self, timeout_s: float = 5.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout_s)
        self.gateway.close()

    def __enter__(self) -> GatewayHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_gateway(gateway: Gateway, host: str = "127.0.0.1", port: int = 0) -> GatewayHandle:
    """uvicorn in a daemon thread (port 0: any free port); returns once it accepts."""
    app = create_app(gateway)
    sock = _bind(host, port)
    server = _uvicorn_server(app, host, port, None)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="banana-split-gateway")
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise ConfigError("The gateway did not start.", hint="See the log above for why.")
        time.sleep(0.005)
    return GatewayHandle(_url(host, sock), gateway, app, server, thread)
