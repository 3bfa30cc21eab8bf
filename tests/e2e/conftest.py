"""Real-browser fixtures: `streamlit run` on 127.0.0.1 and Debian's chromium via Playwright.

Streamlit's own e2e recipe (streamlit/streamlit `e2e_playwright/conftest.py`). A route guard fails any request that leaves 127.0.0.1; the
slider's CDN URLs are answered from the npm package juxtaposejs (tests/e2e/node_modules),
though the app itself inlines its vendored copy and should never ask for them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
JUXTAPOSE = Path(__file__).resolve().parent / "node_modules" / "juxtaposejs" / "build"
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, expect: bytes | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if expect is None or r.read() == expect:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {timeout}s")


@dataclass
class AppServer:
    url: str
    emulator_url: str
    data_dir: Path
    proc: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def control(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        import httpx

        url = f"{self.emulator_url}/_emulator/{path}"
        response = httpx.post(url, json=payload) if payload is not None else httpx.get(url)
        response.raise_for_status()
        return response.json()


def start_app(data_dir: Path, log_dir: Path, **extra_env: str) -> AppServer:
    port, emu_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GOOGLE_", "GEMINI_", "PLAYGROUND_"))}
    env.update({"PLAYGROUND_DATA_DIR": str(data_dir), "PLAYGROUND_EMULATOR_PROFILE": "instant",
                "PLAYGROUND_EMULATOR_PORT": str(emu_port), **extra_env})
    log_path = log_dir / f"streamlit-{port}.log"
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
           "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
           "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = AppServer(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{emu_port}", data_dir, proc,
                       log_path, env)
    try:
        wait_http(f"{server.url}/_stcore/health", b"ok")
    except RuntimeError:
        server.stop()
        raise RuntimeError(f"streamlit did not start:\n{server.log()}") from None
    return server


@pytest.fixture(scope="session")
def app_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., AppServer]]:
    started: list[AppServer] = []
    logs = tmp_path_factory.mktemp("logs")

    def factory(data_dir: Path | None = None, **env: str) -> AppServer:
        server = start_app(data_dir or tmp_path_factory.mktemp("data"), logs, **env)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def app(app_factory: Callable[..., AppServer]) -> AppServer:
    return app_factory()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/test.sh`, which installs Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def _serve_juxtapose(route: Any) -> None:
    url = route.request.url
    is_css = url.endswith(".css")
    body = (JUXTAPOSE / ("css/juxtapose.css" if is_css else "js/juxtapose.min.js")).read_bytes()
    route.fulfill(body=body, content_type="text/css" if is_css else "application/javascript")


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(30_000)
    external: list[str] = []
    cdn: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(LOOPBACK):
            route.continue_()
        elif url.startswith("https://cdn.knightlab.com/"):
            cdn.append(url)
            _serve_juxtapose(route)
        else:
            external.append(url)
            route.abort()

    ctx.route("**/*", guard)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.cdn_requests = cdn  # type: ignore[attr-defined]
    yield pg
    full_screenshot(pg, ARTIFACTS / f"{request.node.name}.png")
    ctx.close()
    assert not external, f"requests left 127.0.0.1: {external}"
    assert not errors, f"JS errors: {errors}"


def full_screenshot(page: Any, path: Path) -> None:
    """Streamlit scrolls inside its main container, so grow the viewport to the content first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stAppViewContainer], body')).map(e => e.scrollHeight))")
    width = page.viewport_size["width"] if page.viewport_size else 1400
    page.set_viewport_size({"width": width, "height": min(max(int(height), 600), 8000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)


def wait_for_app(page: Any) -> None:
    """The same signals Streamlit's own e2e suite uses."""
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached")
    page.wait_for_timeout(200)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=120_000)
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=60_000)
