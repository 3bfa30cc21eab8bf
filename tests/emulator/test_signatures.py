"""Thought signatures of the captured size, recognised when they come back (docs/emulator.md
"Thought signatures")."""

from __future__ import annotations

import base64
import time

import pytest

from playground.emulator import EmulatorConfig
from playground.emulator.signatures import Signer, is_issued, issue, signing_key
from tests.emulator.helpers import (
    AI,
    FLASH,
    FLASH25,
    LITE,
    NB21,
    PRO,
    AsgiClient,
    aistudio_path,
    asgi,
    body,
    image_parts,
    token_for,
    vertex_path,
)

CAPTURED_BODY_BYTES = 1_040_000  # a 1K 3.1 Flash answer (vercel/ai fixture), ≈ 1.04 MB


@pytest.mark.parametrize(("model", "chars"), [(FLASH, 597_616), (NB21, 597_616),
                                              (LITE, 597_616), (PRO, 1_450_544)])
def test_image_signatures_have_the_captured_size_and_shape(in_process: AsgiClient, model,
                                                           chars) -> None:
    payload = in_process.post(aistudio_path(model), json=body(), headers=AI).json()
    (part,) = image_parts(payload)
    signature = part["thoughtSignature"]
    assert len(signature) == chars
    assert base64.b64decode(signature[:8])[0] == 0x12  # protobuf field 2, length-delimited


def test_1k_nano_banana_2_body_is_within_20_percent_of_the_capture(in_process: AsgiClient) -> None:
    response = in_process.post(aistudio_path(FLASH), json=body(), headers=AI)
    size = len(response.content)
    assert abs(size - CAPTURED_BODY_BYTES) / CAPTURED_BODY_BYTES < 0.20, size


def test_signature_sizes_are_configurable_per_latency_family() -> None:
    small = asgi(EmulatorConfig(signature_chars=(("flash", 1000),)))
    part = image_parts(small.post(aistudio_path(FLASH), json=body(), headers=AI).json())[0]
    assert len(part["thoughtSignature"]) == 1000
    pro = image_parts(small.post(aistudio_path(PRO), json=body(), headers=AI).json())[0]
    assert len(pro["thoughtSignature"]) == 88  # no size for "pro": a small signature


def test_flash25_signs_nothing(in_process: AsgiClient) -> None:
    vx = {"Authorization": f"Bearer {token_for(in_process)}"}
    payload = in_process.post(vertex_path(FLASH25), json=body(), headers=vx).json()
    assert not any("thoughtSignature" in p for p in payload["candidates"][0]["content"]["parts"])


def _replay(first: dict, signature: str | None) -> dict:
    part = dict(image_parts(first)[0])
    if signature is None:
        part.pop("thoughtSignature")
    else:
        part["thoughtSignature"] = signature
    return {"contents": [{"role": "user", "parts": [{"text": "a cat"}]},
                         {"role": "model", "parts": [part]},
                         {"role": "user", "parts": [{"text": "make it blue"}]}]}


def test_issued_signatures_validate_when_replayed_and_others_do_not() -> None:
    strict = asgi(EmulatorConfig(signature_check="issued"))
    first = strict.post(aistudio_path(FLASH), json=body(), headers=AI).json()
    issued = image_parts(first)[0]["thoughtSignature"]
    ok = strict.post(aistudio_path(FLASH), json=_replay(first, issued), headers=AI)
    assert ok.status_code == 200, ok.text
    urlsafe = issued.replace("+", "-").replace("/", "_")  # how the SDK sends bytes back
    assert strict.post(aistudio_path(FLASH), json=_replay(first, urlsafe),
                       headers=AI).status_code == 200
    for bad in (issued[:-400], "EqCzQgqcs0IBcsjafEVyOV", base64.b64encode(b"x" * 90).decode()):
        refused = strict.post(aistudio_path(FLASH), json=_replay(first, bad), headers=AI)
        assert refused.status_code == 400
        assert refused.json()["error"]["message"] == "Corrupted thought signature."
    bypass = _replay(first, "context_engineering_is_the_way_to_go")
    assert strict.post(aistudio_path(FLASH), json=bypass, headers=AI).status_code == 200
    missing = strict.post(aistudio_path(FLASH), json=_replay(first, None), headers=AI)
    assert "missing a thought_signature" in missing.json()["error"]["message"]


def test_issued_check_is_the_default_and_presence_accepts_any_signature(
        in_process: AsgiClient) -> None:
    first = in_process.post(aistudio_path(FLASH), json=body(), headers=AI).json()
    forged = _replay(first, "Ep8BCpwB")
    refused = in_process.post(aistudio_path(FLASH), json=forged, headers=AI)
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == "Corrupted thought signature."
    for bypass in ("context_engineering_is_the_way_to_go", "skip_thought_signature_validator"):
        replay = _replay(first, bypass)
        assert in_process.post(aistudio_path(FLASH), json=replay, headers=AI).status_code == 200
    lenient = asgi(EmulatorConfig(signature_check="presence"))
    first = lenient.post(aistudio_path(FLASH), json=body(), headers=AI).json()
    assert lenient.post(aistudio_path(FLASH), json=_replay(first, "Ep8BCpwB"),
                        headers=AI).status_code == 200


def test_a_restarted_emulator_still_recognises_its_signatures() -> None:
    signature = Signer(7, {"flash": 5000}).image_signature("rid:1", "flash").text.decode()
    assert Signer(7, {}).recognises(signature)
    assert not Signer(8, {}).recognises(signature)


def test_signatures_are_deterministic_and_cheap() -> None:
    key = signing_key(0)
    assert issue(key, "rid:0", 1_450_544) == issue(key, "rid:0", 1_450_544)
    assert issue(key, "rid:0", 1_450_544) != issue(key, "rid:1", 1_450_544)
    start = time.perf_counter()
    for n in range(20):
        issue(key, f"rid:{n}", 1_450_544)
    assert (time.perf_counter() - start) / 20 < 0.05  # a few ms each once the filler is cached
    text = issue(key, "rid:0", 1_450_544).text.decode()
    start = time.perf_counter()
    assert is_issued(key, text)
    assert time.perf_counter() - start < 0.01  # reads the head, not 1.4 M characters


def test_request_log_keeps_replayed_signatures_short(emu, http) -> None:
    first = http.post(aistudio_path(FLASH), json=body(), headers=AI).json()
    http.post(aistudio_path(FLASH), json=_replay(first, image_parts(first)[0]["thoughtSignature"]),
              headers=AI)
    logged = emu.control.requests()[-1]["body"]["contents"][1]["parts"][0]["thoughtSignature"]
    assert logged == "<597616 base64 characters>"
