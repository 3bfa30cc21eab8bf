"""Team mode's locked configuration: no widget and no URL parameter can redirect a request
(credentials, base URL, project, location, emulator) — they come from the operator alone."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from playground.app import identity
from playground.app import runtime as runtime_module
from tests.app.test_pages import demo, generate_and_wait, page  # noqa: F401 - the fixture

#: Every name a request's destination could be taken from, as a URL parameter would spell it.
HOSTILE = {
    "base_url": "http://127.0.0.1:9/evil", "GOOGLE_GEMINI_BASE_URL": "http://127.0.0.1:9/evil",
    "GOOGLE_VERTEX_BASE_URL": "http://127.0.0.1:9/evil", "project": "evil-project",
    "GOOGLE_CLOUD_PROJECT": "evil-project", "location": "evil-location",
    "GOOGLE_CLOUD_LOCATION": "evil-location", "key": "AIzaEVILKEY", "api_key": "AIzaEVILKEY",
    "GOOGLE_API_KEY": "AIzaEVILKEY", "credentials": "/etc/passwd",
    "emulator": "off", "emulator_profile": "article", "PLAYGROUND_EMULATOR_PROFILE": "article",
    "profile": "article",
}
#: A widget whose label names any of these could steer a request.
STEERING = re.compile(r"base url|endpoint|project|location|region|api key|credential|token|"
                      r"emulator|server", re.IGNORECASE)
WIDGETS = ("text_input", "text_area", "number_input", "selectbox", "multiselect", "radio",
           "checkbox", "toggle", "slider", "select_slider", "button_group")


@pytest.fixture
def team(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    users = tmp_path / "users.toml"
    users.write_text('[users]\n"ops@example.com" = "operator"\n"@example.com" = "member"\n')
    monkeypatch.setenv("PLAYGROUND_AUTH", "proxy")
    monkeypatch.setenv("PLAYGROUND_USERS", str(users))
    who = {"email": "ana@example.com"}

    def signed_in(team_settings: Any, raw: str | None, jwt: str | None) -> identity.User:
        # AppTest has no request headers: this stands in for the proxy's header.
        return identity.User(who["email"], team_settings.role_of(who["email"]), "proxy")

    monkeypatch.setattr(identity, "_proxy_user", signed_in)
    yield who


def widget_labels(at: Any) -> list[str]:
    labels = []
    for kind in WIDGETS:
        for widget in getattr(at, kind, []):
            labels.append(str(getattr(widget, "label", "")))
    return labels


def test_no_widget_or_url_parameter_redirects_a_request(team: Any, demo: Any) -> None:  # noqa: F811
    emulator = demo.emulator
    assert emulator is not None
    at = page(**HOSTILE, prompt="a locked-down fox", backend="Both")
    assert not at.exception
    assert [label for label in widget_labels(at) if STEERING.search(label)] == []
    started = time.time()
    generate_and_wait(at)
    assert not at.exception and not at.error, [e.value for e in at.error]
    sent = [r for r in emulator.control.requests() if r["time"] >= started]
    assert {r["platform"] for r in sent if r["platform"]} == {"aistudio", "vertex"}
    text = json.dumps(sent)
    for value in set(HOSTILE.values()):
        assert value not in text, f"{value!r} reached a request"
    assert runtime_module.get_runtime().settings.emulator_profile == "instant"
    assert emulator.control.get_profile() == "instant"


def test_operator_settings_show_no_secret_and_lock_the_emulator(team: Any, demo: Any  # noqa: F811
                                                                ) -> None:
    team["email"] = "ops@example.com"
    at = page("pages/settings.py", demo_profile="article")
    assert not at.exception
    profile = [r for r in at.radio if getattr(r, "key", None) == "demo_profile"]
    assert profile and profile[0].disabled
    assert demo.emulator.control.get_profile() == "instant"
    shown = " ".join(m.value for m in at.markdown)
    for secret in demo.settings.secrets():
        assert secret not in shown
