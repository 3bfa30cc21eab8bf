"""Model lists and the catalog's lifecycle on a configurable day (docs/emulator.md "Models and
lifecycle")."""

from __future__ import annotations

import pytest
from google import genai
from google.genai import types

from playground.domain.catalog import MODELS
from playground.domain.imaging import read_dimensions
from playground.emulator import EmulatorConfig
from tests.emulator.helpers import (
    AI,
    FLASH,
    FLASH25,
    KEY,
    NB21,
    PRO,
    AsgiClient,
    aistudio_path,
    asgi,
    body,
    final_image,
    vertex_path,
)

AI_KEYS = ["name", "version", "displayName", "description", "inputTokenLimit",
           "outputTokenLimit", "supportedGenerationMethods"]


def _all_pages(client: AsgiClient, path: str, headers: dict[str, str], key: str,
               page_size: int | None = None) -> list[dict]:
    items, token = [], ""
    while True:
        query = {k: v for k, v in (("pageSize", page_size), ("pageToken", token)) if v}
        response = client.get(path, params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page[key]
        token = page.get("nextPageToken", "")
        if not token:
            return items


def _names(client: AsgiClient, platform: str, headers: dict[str, str]) -> set[str]:
    if platform == "aistudio":
        return {m["name"].removeprefix("models/")
                for m in _all_pages(client, "/v1beta/models", headers, "models")}
    return {m["name"].removeprefix("publishers/google/models/")
            for m in _all_pages(client, "/v1beta1/publishers/google/models", headers,
                                "publisherModels")}


def test_aistudio_list_as_of_today(in_process: AsgiClient) -> None:
    client = asgi(EmulatorConfig(today="2026-12-01"))
    models = _all_pages(client, "/v1beta/models", AI, "models")
    names = {m["name"] for m in models}
    assert {f"models/{m}" for m in (NB21, PRO, FLASH, "gemini-3.1-flash-lite-image")} <= names
    assert f"models/{FLASH25}" not in names  # shut down on AI Studio 2026-10-02
    assert not any("imagen" in n for n in names)  # retired
    assert "models/gemini-3-flash" in names  # text models are listed too
    for model in models:
        assert list(model)[:7] == AI_KEYS
    text = next(m for m in models if m["name"] == "models/gemini-3-flash")
    image = next(m for m in models if m["name"] == f"models/{NB21}")
    assert "generateContent" in text["supportedGenerationMethods"]
    assert image["supportedGenerationMethods"][:2] == ["generateContent", "countTokens"]


def test_vertex_publisher_list(vx) -> None:
    client = asgi(EmulatorConfig(today="2026-12-01", accept_unknown_tokens=True))
    models = _all_pages(client, "/v1beta1/publishers/google/models", vx, "publisherModels")
    by_name = {m["name"].removeprefix("publishers/google/models/"): m for m in models}
    assert FLASH25 in by_name  # still served on Vertex
    assert by_name[PRO]["launchStage"] == "PUBLIC_PREVIEW" and by_name[FLASH]["launchStage"] == "GA"
    for model in models:
        assert list(model)[:4] == ["name", "versionId", "launchStage", "openSourceCategory"]
        assert model["openSourceCategory"] == "PROPRIETARY"


@pytest.mark.parametrize(("platform", "path", "key"), [
    ("aistudio", "/v1beta/models", "models"),
    ("vertex", "/v1beta1/publishers/google/models", "publisherModels")])
def test_paging(in_process: AsgiClient, vx, platform, path, key) -> None:
    headers = AI if platform == "aistudio" else vx
    everything = _all_pages(in_process, path, headers, key)
    first = in_process.get(path, params={"pageSize": 3}, headers=headers).json()
    assert len(first[key]) == 3 and first["nextPageToken"]
    assert _all_pages(in_process, path, headers, key, page_size=3) == everything
    last = in_process.get(path, params={"pageSize": 1000}, headers=headers).json()
    assert "nextPageToken" not in last
    for bad in ({"pageToken": "not-a-token"}, {"pageSize": "many"}, {"pageSize": "-1"}):
        response = in_process.get(path, params=bad, headers=headers)
        assert response.status_code == 400, bad
        assert response.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_lists_need_credentials(in_process: AsgiClient) -> None:
    assert in_process.get("/v1beta/models").status_code == 403
    assert in_process.get("/v1beta1/publishers/google/models").status_code == 401
    assert in_process.get(f"/v1beta1/publishers/google/models?key={KEY}").status_code == 401


def test_the_day_decides_what_is_listed_and_served(vx) -> None:
    summer = asgi(EmulatorConfig(today="2026-09-01", accept_unknown_tokens=True))
    assert FLASH25 in _names(summer, "aistudio", AI) and NB21 not in _names(summer, "aistudio", AI)
    assert summer.post(aistudio_path(FLASH25), json=body(), headers=AI).status_code == 200
    not_yet = summer.post(aistudio_path(NB21), json=body(), headers=AI)
    assert not_yet.status_code == 404
    assert not_yet.json()["error"]["message"].endswith(
        "Call ModelService.ListModels to see the list of available models and their supported "
        "methods.")
    assert summer.post(vertex_path(NB21), json=body(), headers=vx).status_code == 404
    restricted = asgi(EmulatorConfig(today="2026-09-20"))  # listed and served to earlier users
    assert FLASH25 in _names(restricted, "aistudio", AI)
    assert restricted.post(aistudio_path(FLASH25), json=body(), headers=AI).status_code == 200
    gone = asgi(EmulatorConfig(today="2026-10-02"))
    for method in ("generateContent", "countTokens"):
        response = gone.post(aistudio_path(FLASH25, method), json=body(), headers=AI)
        assert response.status_code == 404
    assert gone.get(f"/v1beta/models/{FLASH25}", headers=AI).status_code == 404


def test_deprecated_models_are_listed_as_deprecated(vx) -> None:
    client = asgi(EmulatorConfig(today="2026-10-10", accept_unknown_tokens=True))
    assert FLASH in _names(client, "aistudio", AI)  # deprecated, shutdown only reported
    assert client.post(aistudio_path(FLASH), json=body(), headers=AI).status_code == 200


def test_today_from_the_control_api(emu, http) -> None:
    assert emu.control.lineup()["today_configured"] is None
    emu.control.set_today("2026-10-05")
    assert http.post(aistudio_path(FLASH25), json=body(), headers=AI).status_code == 404
    assert emu.control.state()["lineup"]["today"] == "2026-10-05"
    emu.control.set_today("2026-09-01")
    assert http.post(aistudio_path(FLASH25), json=body(), headers=AI).status_code == 200
    with pytest.raises(ValueError, match="ISO date"):
        emu.control.set_today("yesterday")
    emu.control.reset()
    assert emu.control.lineup()["today_configured"] is None


def test_extra_models_are_listed_and_answer_a_generic_1k_image(vx) -> None:
    client = asgi(EmulatorConfig(extra_models=("gemini-4-image-preview", "vertex:banana-x"),
                                 accept_unknown_tokens=True))
    assert "gemini-4-image-preview" in _names(client, "aistudio", AI)
    assert "banana-x" not in _names(client, "aistudio", AI)
    assert {"gemini-4-image-preview", "banana-x"} <= _names(client, "vertex", vx)
    request = body(imageConfig={"imageSize": "4K", "aspectRatio": "16:9"})
    response = client.post(aistudio_path("gemini-4-image-preview"), json=request, headers=AI)
    assert response.status_code == 200
    assert read_dimensions(final_image(response.json())[1]) == (1376, 768)  # 1K, whatever asked
    vertex = client.post(vertex_path("banana-x", location="us-central1"), json=body(), headers=vx)
    assert vertex.status_code == 200
    assert client.post(aistudio_path("banana-x"), json=body(), headers=AI).status_code == 404


def test_hidden_models_are_left_out_of_one_list_but_still_served(vx) -> None:
    client = asgi(EmulatorConfig(hidden_models=("aistudio:gemini-3-pro-image",),
                                 accept_unknown_tokens=True))
    assert "gemini-3-pro-image" not in _names(client, "aistudio", AI)
    assert "gemini-3-pro-image" in _names(client, "vertex", vx)
    assert client.post(aistudio_path("gemini-3-pro-image"), json=body(), headers=AI).status_code == 200


def test_text_models_answer_text_only(in_process: AsgiClient) -> None:
    text = in_process.post(aistudio_path("gemini-3-flash"), json=body(), headers=AI)
    assert text.status_code == 200
    (part,) = text.json()["candidates"][0]["content"]["parts"]
    assert part["text"]
    images = in_process.post(aistudio_path("gemini-3-flash"),
                             json=body(responseModalities=["TEXT", "IMAGE"]), headers=AI)
    assert images.status_code == 400
    assert "response modalities: image" in images.json()["error"]["message"]


def test_bad_lineup_config_is_refused() -> None:
    from playground.domain.errors import ConfigError

    for bad in ({"today": "soon"}, {"extra_models": "gemini-x"}, {"hidden_models": ("mars:x",)}):
        with pytest.raises(ConfigError):
            EmulatorConfig(**bad)


@pytest.mark.parametrize(("payload", "field"), [
    ({"today": "2026-13-01"}, "today"), ({"extra_models": [1]}, "extra_models"),
    ({"hidden_models": "x"}, "hidden_models")])
def test_bad_lineup_control_input_is_400(emu, http, payload, field) -> None:
    response = http.post("/_emulator/lineup", json=payload)
    assert response.status_code == 400 and field in response.json()["error"]


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_sdk_lists_models_on_both_platforms(emu, credentials, platform) -> None:
    if platform == "aistudio":
        client = genai.Client(api_key="sdk-key-1234", http_options=types.HttpOptions(
            base_url=emu.base_url, api_version="v1beta"))
    else:
        client = genai.Client(vertexai=True, project="banana-demo", location="global",
                              credentials=credentials,
                              http_options=types.HttpOptions(base_url=emu.base_url))
    names = [m.name for m in client.models.list(config={"page_size": 2})]
    assert len(names) == len(set(names)) > 4  # the SDK followed nextPageToken
    prefix = "models/" if platform == "aistudio" else "publishers/google/models/"
    assert f"{prefix}{NB21}" in names and f"{prefix}gemini-3-flash" in names
    assert all(MODELS.get(n.removeprefix(prefix)) or "flash" in n for n in names)
