"""The server-wide runtime: settings, history, HTTP client, platforms and (in demo mode) the
emulator.

Built once per server process with st.cache_resource and shared by every session, so the
emulator starts once, tokens are refreshed once per platform, and history is one store for
everyone.
"""

from __future__ import annotations

import atexit
import gc
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx
import streamlit as st

from playground.clients.base import Platform, platform_for
from playground.clients.http import make_client
from playground.clients.models import ModelList, fetch_models
from playground.config import Settings, load_settings
from playground.domain.catalog import PLATFORMS
from playground.domain.errors import ConfigError, StorageError
from playground.generation.demo import DemoEnvironment, start_demo, unconfigured_platforms
from playground.history.store import HistoryStore

DEFAULT_DEMO_PROFILE = "article"  # demos tell the story at realistic speed
DEMO_CACHE_BYTES = 64_000_000  # keep the in-process emulator's image cache small (memory budget)


def secret_values() -> dict[str, Any]:
    """st.secrets as a plain dict; {} when no secrets file exists (it raises otherwise)."""
    try:
        return {k: v for k, v in st.secrets.to_dict().items() if isinstance(v, str)}
    except FileNotFoundError:
        return {}
    except Exception:  # noqa: BLE001 - a malformed secrets.toml must not take the app down
        return {}


@dataclass
class Runtime:
    settings: Settings
    store: HistoryStore
    client: httpx.Client
    demo: DemoEnvironment
    config_error: str | None = None
    demo_profile: str | None = None
    platforms: dict[str, Platform] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    _lists: dict[str, ModelList] = field(default_factory=dict)
    _lists_lock: threading.Lock = field(default_factory=threading.Lock)

    def model_lists(self, refresh: bool = False) -> dict[str, ModelList]:
        """Each platform's live model list, fetched once per server (and on refresh)."""
        with self._lists_lock:
            if refresh or not self._lists:
                self._lists = {n: fetch_models(p, self.client) for n, p in self.platforms.items()}
            return dict(self._lists)

    def listed(self) -> dict[str, frozenset[str]]:
        """The ids of the lists that were fetched; a platform that failed is "not checked"."""
        return {n: m.ids for n, m in self.model_lists().items() if m.checked}

    @property
    def demo_platforms(self) -> frozenset[str]:
        return self.settings.demo_platforms

    @property
    def is_demo(self) -> bool:
        return bool(self.settings.demo_platforms)

    @property
    def emulator(self) -> DemoEnvironment | None:
        """The demo emulator, when one runs (its control API and base URL)."""
        return self.demo if self.demo.is_demo else None

    def targets(self, names: list[str]) -> list[Platform]:
        return [self.platforms[n] for n in names]


def release_large_blocks_to_the_os() -> None:
    """glibc only: always mmap blocks ≥ 1 MB (so freeing a 4K frame returns it) and cap arenas.

    Without this, glibc's dynamic mmap threshold climbs to 32 MB after the first freed 4K
    buffer, and every later 20–50 MB decode/encode buffer lands in per-thread heaps that are
    never given back: the server grew by ~40 MB per 4K pair (benchmarks/app_budgets.py).
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        m_mmap_threshold, m_arena_max = -3, -8
        libc.mallopt(m_mmap_threshold, 1024 * 1024)
        libc.mallopt(m_arena_max, 4)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


def warm_image_codecs() -> None:
    """Load Pillow's PNG/JPEG codecs once at start, not on the first result the user waits for."""
    import io

    from PIL import Image

    from playground.domain.imaging import make_preview

    for fmt in ("PNG", "JPEG"):
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (90, 140, 200)).save(out, fmt)
        make_preview(out.getvalue(), max_side=32)


def build_runtime(secrets: dict[str, Any] | None = None) -> Runtime:
    release_large_blocks_to_the_os()
    warm_image_codecs()
    config_error = None
    try:
        settings = load_settings(secrets=secrets)
    except ConfigError as exc:
        config_error = f"{exc} {exc.hint}"
        settings = load_settings(env={}, secrets={})
    store = HistoryStore(settings.data_dir, database_url=settings.team.database_url)
    profile = None
    if unconfigured_platforms(settings):
        profile = settings.emulator_profile or DEFAULT_DEMO_PROFILE
    demo = start_demo(settings, latency_profile=profile, render_cache_bytes=DEMO_CACHE_BYTES,
                      port=settings.emulator_port)
    atexit.register(demo.stop)
    settings = demo.settings
    runtime = Runtime(settings=settings, store=store, client=make_client(settings), demo=demo,
                      config_error=config_error, demo_profile=profile,
                      platforms={p: platform_for(p, settings) for p in PLATFORMS})
    # Everything loaded so far lives as long as the server: keep it out of the garbage
    # collector's full passes, whose pauses would otherwise land inside measured latencies.
    gc.collect()
    gc.freeze()
    return runtime


@st.cache_resource(show_spinner="Starting Banana Split…")
def _cached_runtime() -> Runtime:
    return build_runtime(secret_values())


def get_runtime() -> Runtime:
    """The server's runtime; when its history cannot be opened, a page that says why (and, for
    a damaged database, offers to move it aside) instead of a traceback."""
    from playground.app.storage_view import show_moved_notice, show_storage_problem

    try:
        runtime = _cached_runtime()
    except StorageError as exc:
        show_storage_problem(exc)
        raise  # not reached: the page stops
    show_moved_notice()
    return runtime


def clear_runtime() -> None:
    """Forget the server's runtime (tests; after a damaged history is moved aside)."""
    _cached_runtime.clear()
