"""The /_emulator/ control API: request log with secrets masked, state, reset, bad input."""

from __future__ import annotations

import base64

import pytest

from playground.emulator import EmulatorConfig, EmulatorControl, create_app
from playground.emulator.requestlog import mask
from tests.emulator.helpers import KEY, PRO, aistudio_path, body, vertex_path


def test_request_log_masks_keys_and_tokens(emu, http, bearer) -> None:
    http.post(aistudio_path() + f"?key={KEY}&alt=json", json=body("logged prompt"))
    http.post(aistudio_path(), json=body(), headers={"x-goog-api-key": KEY})
    http.post(vertex_path(), json=body(), headers=bearer)
    first, second, third = emu.control.requests()
    assert first["query"] == {"key": "…0001", "alt": "json"}
    assert first["body"]["contents"][0]["parts"][0]["text"] == "logged prompt"
    assert (first["platform"], first["route"], first["status"]) == ("aistudio", "generateContent", 200)
    assert second["headers"]["x-goog-api-key"] == "…0001"
    token = bearer["Authorization"].split()[1]
    assert third["headers"]["authorization"] == f"Bearer …{token[-4:]}"
    assert third["platform"] == "vertex" and third["mode"] == "project"
    everything = str(emu.control.requests()) + str(emu.control.state())
    assert KEY not in everything and token not in everything


def test_request_log_replaces_inline_data_with_sizes(emu, http) -> None:
    data = bytes(range(256)) * 40
    request = {"contents": [{"parts": [
        {"text": "edit"},
        {"inline_data": {"mime_type": "image/png", "data": base64.urlsafe_b64encode(data).decode()}},
    ]}]}
    http.post(aistudio_path(), json=request, headers={"x-goog-api-key": KEY})
    (entry,) = emu.control.requests()
    assert entry["body"]["contents"][0]["parts"][1]["inline_data"] == {
        "mime_type": "image/png", "data": f"<{len(data)} bytes>"}


def test_request_log_is_bounded_and_reset_clears_it(http) -> None:
    from playground.emulator import start_emulator

    with start_emulator(EmulatorConfig(request_log_size=3)) as handle:
        for _ in range(5):
            http.get(f"{handle.base_url}/v1beta/models/{PRO}", headers={"x-goog-api-key": KEY})
        assert len(handle.control.requests()) == 3
        assert handle.control.state()["counts"]["requests"] == 5
        assert len(handle.control.requests(limit=2)) == 2
        handle.control.reset()
        assert handle.control.requests() == []


def test_state_shows_profile_scripts_and_counts(emu) -> None:
    emu.control.script("429", platform="vertex", count=3, retry_delay_s=1)
    emu.control.set_latency(0.1)
    state = emu.control.state()
    assert state["profile"] == "instant"
    assert state["latency"] == {"*": {"ttfb_s": 0.1, "body_s": 0.0}}
    assert state["pending_faults"][0] | {"id": 0} == {
        "id": 0, "fault": "429", "platform": "vertex", "route": None, "remaining": 3,
        "params": {"retry_delay_s": 1}}
    assert {"requests", "faults_fired", "tokens_issued"} <= set(state["counts"])
    emu.control.reset()
    assert emu.control.state()["pending_faults"] == [] and emu.control.state()["latency"] == {}


@pytest.mark.parametrize(("path", "payload"), [
    ("/_emulator/faults", {"fault": "429", "platform": "mars"}),
    ("/_emulator/faults", {"fault": "429", "route": "embed"}),
    ("/_emulator/latency", {"ttfb_s": -1}),
    ("/_emulator/latency", {"ttfb_s": "soon"}),
    ("/_emulator/latency", {"ttfb_s": True}),
    ("/_emulator/latency", {"ttfb_s": [1]}),
    ("/_emulator/latency", {"platform": ["vertex"]}),
    ("/_emulator/faults", {"fault": "418"}),
    ("/_emulator/faults", {"fault": ["429"]}),
    ("/_emulator/faults", {"fault": "429", "count": "3"}),
    ("/_emulator/faults", {"fault": "429", "params": [1, 2]}),
    ("/_emulator/faults", {"fault": "429", "platform": 7}),
    ("/_emulator/profile", {"profile": ["measured"]}),
    ("/_emulator/profile", {"profile": "warp"}),
    ("/_emulator/service-accounts", {"client_email": "x"}),
])
def test_control_rejects_bad_input_with_400(emu, http, path, payload) -> None:
    response = http.post(path, json=payload)
    assert response.status_code == 400 and response.json()["error"]


def test_control_rejects_bodies_that_are_not_json(emu, http) -> None:
    for raw in (b"{not json", b"\xff\xfe{}", b"[1, 2]"):
        response = http.post("/_emulator/faults", content=raw)
        assert response.status_code == 400 and response.json()["error"]
    assert http.get("/_emulator/requests?limit=-2").status_code == 400


def test_control_paths_are_not_api_paths(emu, http) -> None:
    assert http.get("/_emulator/state").status_code == 200
    assert http.post("/v1beta/_emulator/state").status_code == 404


def test_in_process_control_drives_an_app_object() -> None:
    app = create_app()
    control = EmulatorControl.in_process(app)
    control.script("503", count=2)
    assert app.state.emulator.faults.pending()[0]["remaining"] == 2
    control.set_profile("article")
    assert app.state.emulator.latency.profile == "article"
    control.close()


def test_mask_hides_short_values_entirely() -> None:
    assert mask("k") == "…" and mask("abcdefghijk") == "…hijk"
