"""Shared fixtures. Every test runs with a clean environment and its own data folder."""

from __future__ import annotations

import os

import pytest

_PREFIXES = ("GOOGLE_", "GEMINI_", "PLAYGROUND_", "CLOUDSDK_")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A developer's own credentials must never leak into a test."""
    for name in list(os.environ):
        if name.startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    # google.auth.default() would otherwise find a gcloud ADC file in the real home folder.
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path_factory.mktemp("data")))


# --- the emulator, shared by the whole session (real HTTP on loopback) -----------------------


@pytest.fixture(scope="session")
def emulator_handle():  # type: ignore[no-untyped-def]
    from playground.emulator import EmulatorConfig, start_emulator

    handle = start_emulator(EmulatorConfig(token_ttl_s=3600))
    yield handle
    handle.stop()


@pytest.fixture
def emu(emulator_handle):  # type: ignore[no-untyped-def]
    """The session emulator with no scripted faults, delays or logged requests left over."""
    emulator_handle.control.reset()
    emulator_handle.control.set_profile("instant")
    yield emulator_handle
    emulator_handle.control.reset()


@pytest.fixture(scope="session")
def service_account_file(emulator_handle, tmp_path_factory):  # type: ignore[no-untyped-def]
    from playground.emulator import write_service_account_file

    folder = tmp_path_factory.mktemp("sa")
    return write_service_account_file(folder / "sa.json", f"{emulator_handle.base_url}/token",
                                      "banana-test")


@pytest.fixture
def emu_env(emu, service_account_file, monkeypatch):  # type: ignore[no-untyped-def]
    """Environment pointing both platforms at the emulator, as a user would set it."""
    env = {
        "GOOGLE_API_KEY": "test-aistudio-key-0001",
        "GOOGLE_GEMINI_BASE_URL": emu.base_url,
        "GOOGLE_APPLICATION_CREDENTIALS": str(service_account_file),
        "GOOGLE_CLOUD_PROJECT": "banana-test",
        "GOOGLE_VERTEX_BASE_URL": emu.base_url,
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in the main thread
    for the rest of the session, which breaks `asyncio.run` in the tests after it."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


# --- canary credentials: values that must never appear in anything we emit ------------------


def canary_key() -> str:
    # Built at run time so no credential-shaped literal sits in the repository.
    import secrets

    return "AI" + "za" + "CANARY" + secrets.token_hex(12)


@pytest.fixture
def canaries(emu, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Point both platforms at the emulator with a canary API key and service-account file."""
    import json

    from playground.emulator import make_service_account_info

    info = make_service_account_info(f"{emu.base_url}/token", "canary-project")
    sa = tmp_path / "canary-sa.json"
    sa.write_text(json.dumps(info))
    key = canary_key()
    env = {"GOOGLE_API_KEY": key, "GOOGLE_GEMINI_BASE_URL": emu.base_url,
           "GOOGLE_APPLICATION_CREDENTIALS": str(sa), "GOOGLE_VERTEX_BASE_URL": emu.base_url,
           "PLAYGROUND_DATA_DIR": str(tmp_path / "data")}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return {"key": key, "private_key_line": info["private_key"].splitlines()[5],
            "private_key_id": info["private_key_id"]}


# --- a real PostgreSQL server (tests/pgserver.py), one per session, started on first use ----


@pytest.fixture(scope="session")
def pg_server():  # type: ignore[no-untyped-def]
    from tests.pgserver import start_server

    server = start_server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pg_database(pg_server):  # type: ignore[no-untyped-def]
    """A fresh database for this test module (its URL); migrations run on first open."""
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request):  # type: ignore[no-untyped-def]
    """None (the SQLite file in the data folder) or an emptied PostgreSQL database's URL: a
    test taking it runs on both engines."""
    if request.param == "sqlite":
        return None
    from tests.pgserver import truncate_all

    url = request.getfixturevalue("pg_database")
    truncate_all(url)
    return url


@pytest.fixture
def open_store(database_url):  # type: ignore[no-untyped-def]
    """HistoryStore(folder, …) on this test's engine; every store is closed afterwards."""
    from playground.history.store import HistoryStore

    opened: list[HistoryStore] = []

    def open_(folder, **kwargs):  # type: ignore[no-untyped-def]
        store = HistoryStore(folder, database_url=database_url, **kwargs)
        opened.append(store)
        return store

    open_.database_url = database_url  # type: ignore[attr-defined]
    yield open_
    for store in opened:
        store.close()
