"""Behaviour comes from catalog fields, never from the spelling of a model id (docs/emulator.md
"Models"): Nano Banana 2.1's id has no "gemini-3" and no "image" in it, yet it signs its parts,
thinks at three levels and counts input images like 3.1 Flash."""

from __future__ import annotations

import base64

import pytest

from playground.domain.catalog import MODELS
from playground.domain.imaging import read_dimensions
from playground.emulator.latency import model_family
from tests.emulator.helpers import (
    AI,
    FLASH,
    FLASH25,
    NB21,
    PRO,
    AsgiClient,
    aistudio_path,
    body,
    final_image,
    image_parts,
    vertex_path,
)


def _paths(model: str, vx: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    return [(aistudio_path(model), AI), (vertex_path(model), vx)]


@pytest.mark.parametrize(("ratio", "size"), [("1:1", "1K"), ("8:1", "2K"), ("1:4", "1K")])
def test_nano_banana_21_serves_catalog_sizes_and_ratios(in_process: AsgiClient, vx, ratio,
                                                        size) -> None:
    request = body(imageConfig={"aspectRatio": ratio, "imageSize": size})
    for path, headers in _paths(NB21, vx):
        response = in_process.post(path, json=request, headers=headers)
        assert response.status_code == 200, response.text
        assert read_dimensions(final_image(response.json())[1]) == \
            MODELS[NB21].dimensions[(ratio, size)]
    assert len(MODELS[NB21].ratios) == 14


def test_nano_banana_21_refuses_512_naming_its_sizes(in_process: AsgiClient, vx) -> None:
    for path, headers in _paths(NB21, vx):
        response = in_process.post(path, json=body(imageConfig={"imageSize": "512"}),
                                   headers=headers)
        assert response.status_code == 400
        message = response.json()["error"]["message"]
        assert "512" in message and "Supported values: 1K, 2K, 4K." in message


def test_nano_banana_21_signs_its_image_and_needs_the_signature_back(in_process: AsgiClient) -> None:
    payload = in_process.post(aistudio_path(NB21), json=body(), headers=AI).json()
    (part,) = image_parts(payload)
    assert part["thoughtSignature"]
    replay = {"contents": [
        {"role": "user", "parts": [{"text": "a cat"}]},
        {"role": "model", "parts": [{"inlineData": part["inlineData"]}]},
        {"role": "user", "parts": [{"text": "make it blue"}]},
    ]}
    refused = in_process.post(aistudio_path(NB21), json=replay, headers=AI)
    assert refused.status_code == 400
    assert "missing a thought_signature" in refused.json()["error"]["message"]


def test_input_image_tokens_come_from_the_catalog(in_process: AsgiClient) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 20).decode()
    request = {"contents": [{"parts": [{"text": "edit this"},
                                       {"inlineData": {"mimeType": "image/png", "data": png}}]}]}
    usage = in_process.post(aistudio_path(NB21), json=request, headers=AI).json()["usageMetadata"]
    assert {"modality": "IMAGE", "tokenCount": 1120} in usage["promptTokensDetails"]


@pytest.mark.parametrize(("model", "level", "ok"), [
    (NB21, "minimal", True), (NB21, "MEDIUM", True), (NB21, "high", True), (NB21, "low", False),
    (FLASH, "minimal", True), (FLASH, "medium", False), (FLASH, "HIGH", True),
])
def test_thinking_levels_are_each_models_own(in_process: AsgiClient, vx, model, level, ok) -> None:
    request = body(thinkingConfig={"thinkingLevel": level})
    for path, headers in _paths(model, vx):
        response = in_process.post(path, json=request, headers=headers)
        assert (response.status_code == 200) is ok, response.text
        if not ok:
            assert response.json()["error"]["message"] == (
                f"Thinking level {level.upper()} is not supported for this model. Please retry "
                "with other thinking level.")


def test_models_without_levels_refuse_a_thinking_level(in_process: AsgiClient, vx) -> None:
    request = body(thinkingConfig={"thinkingLevel": "HIGH"})
    vertex_pro = in_process.post(vertex_path(PRO), json=request, headers=vx)
    assert vertex_pro.status_code == 400
    assert vertex_pro.json()["error"]["message"] == (
        "Unable to submit request because thinking_level is not supported by this model.")
    flash25 = in_process.post(vertex_path(FLASH25), json=request, headers=vx)
    assert flash25.status_code == 400


def test_latency_family_comes_from_the_catalog() -> None:
    assert model_family(NB21) == "flash" == model_family(FLASH)
    assert model_family(PRO) == "pro"
    assert model_family("gemini-unknown-banana") == "flash25"
