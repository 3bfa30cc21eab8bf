"""The official google-genai SDK (3.6.1) as an independent client of the emulator (STYLE Tests docs/wire-notes.md "Responses")."""

from __future__ import annotations

import pytest
from google import genai
from google.genai import errors, types

from playground.domain.catalog import MODELS
from playground.domain.imaging import read_dimensions, sniff_format
from tests.emulator.helpers import FLASH, FLASH25, NB21, PRO, SUMMER_2026


@pytest.fixture
def aistudio(emu) -> genai.Client:
    return genai.Client(api_key="sdk-key-1234", http_options=types.HttpOptions(
        base_url=emu.base_url, api_version="v1beta"))


@pytest.fixture
def vertex(emu, credentials) -> genai.Client:
    return genai.Client(vertexai=True, project="banana-demo", location="global",
                        credentials=credentials,
                        http_options=types.HttpOptions(base_url=emu.base_url))


def _images(response: types.GenerateContentResponse) -> list[types.Part]:
    return [p for p in response.candidates[0].content.parts if p.inline_data]


def _config(**image: str) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"],
                                       image_config=types.ImageConfig(**image))


@pytest.mark.parametrize(("model", "ratio", "size", "mime"), [
    (PRO, "16:9", "2K", "image/jpeg"), (FLASH, "1:8", "512", "image/jpeg"),
    (FLASH25, "21:9", None, "image/png"),
])
def test_aistudio_generate_content(aistudio, emu, model, ratio, size, mime) -> None:
    emu.control.set_today(SUMMER_2026)  # 2.5 Flash Image left AI Studio on 2026-10-02
    image = {"aspect_ratio": ratio} | ({"image_size": size} if size else {})
    response = aistudio.models.generate_content(model=model, contents="a harbour at noon",
                                                config=_config(**image))
    (part,) = _images(response)
    assert part.inline_data.mime_type == mime == sniff_format(part.inline_data.data)
    assert read_dimensions(part.inline_data.data) == MODELS[model].dimensions[(ratio, size or "1K")]
    assert response.usage_metadata.total_token_count > 0
    (sent,) = emu.control.requests()
    assert sent["path"] == f"/v1beta/models/{model}:generateContent"
    assert sent["headers"]["x-goog-api-key"] == "…1234"


def test_vertex_generate_content_with_output_options(vertex, emu) -> None:
    config = _config(aspect_ratio="4:1", image_size="1K", output_mime_type="image/jpeg",
                     output_compression_quality=60)
    response = vertex.models.generate_content(model=FLASH, contents="a desert road",
                                              config=config)
    (part,) = _images(response)
    assert sniff_format(part.inline_data.data) == "image/jpeg"
    assert read_dimensions(part.inline_data.data) == (2048, 512)
    assert response.create_time is not None
    assert response.usage_metadata.traffic_type == types.TrafficType.ON_DEMAND
    (sent,) = emu.control.requests()
    assert sent["path"] == f"/v1beta1/projects/banana-demo/locations/global/publishers/google/models/{FLASH}:generateContent"
    assert sent["body"]["generationConfig"]["imageConfig"]["imageOutputOptions"] == {
        "mimeType": "image/jpeg", "compressionQuality": 60}


def test_vertex_express_mode_with_an_api_key(emu) -> None:
    client = genai.Client(vertexai=True, api_key="express-key-9876",
                          http_options=types.HttpOptions(base_url=emu.base_url))
    response = client.models.generate_content(model=FLASH, contents="a red kite")
    (part,) = _images(response)
    assert sniff_format(part.inline_data.data) == "image/png"
    (sent,) = emu.control.requests()
    assert sent["path"] == f"/v1beta1/publishers/google/models/{FLASH}:generateContent"
    assert (sent["mode"], sent["headers"]["x-goog-api-key"]) == ("express", "…9876")


def test_vertex_default_is_png(vertex) -> None:
    response = vertex.models.generate_content(model=PRO, contents="a quiet lake")
    (part,) = _images(response)
    assert part.inline_data.mime_type == sniff_format(part.inline_data.data) == "image/png"


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_stream_with_thoughts_and_drafts(request, platform) -> None:
    client = request.getfixturevalue(platform)
    config = types.GenerateContentConfig(thinking_config=types.ThinkingConfig(include_thoughts=True))
    chunks = list(client.models.generate_content_stream(model=PRO, contents="a windmill",
                                                        config=config))
    parts = [p for c in chunks for p in c.candidates[0].content.parts]
    assert [bool(p.thought) for p in parts] == [True, True, True, True, False, False]
    assert [bool(p.inline_data) for p in parts] == [False, False, True, True, True, False]
    assert parts[3].inline_data.data == parts[4].inline_data.data  # last draft = final
    assert parts[4].thought_signature and parts[5].text == ""
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
@pytest.mark.parametrize("model", [FLASH, NB21, PRO])
def test_stream_image_arrives_before_the_stop_event(request, platform, model) -> None:
    """The image is in an event without finish_reason; the last event is `text ""` + STOP."""
    client = request.getfixturevalue(platform)
    chunks = list(client.models.generate_content_stream(model=model, contents="a lighthouse"))
    assert len(chunks) == 2
    image_chunk, last = chunks
    (part,) = image_chunk.candidates[0].content.parts
    assert image_chunk.candidates[0].finish_reason is None
    assert read_dimensions(part.inline_data.data) == MODELS[model].dimensions[("1:1", "1K")]
    assert len(part.thought_signature) > 400_000  # bytes, decoded by the SDK
    assert last.candidates[0].finish_reason == types.FinishReason.STOP
    assert [p.text for p in last.candidates[0].content.parts] == [""]
    assert last.usage_metadata.candidates_token_count > 1120


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_usage_fields_are_none_where_google_omits_them(request, platform) -> None:
    client = request.getfixturevalue(platform)
    flash = client.models.generate_content(model=FLASH, contents="a fox").usage_metadata
    assert flash.thoughts_token_count is None  # 3.1 Flash thinks inside candidates
    assert flash.candidates_token_count > 1120
    pro = client.models.generate_content(model=PRO, contents="a fox").usage_metadata
    assert pro.thoughts_token_count > 0
    # SDK 3.6.1's response usage has no service_tier field (the wire's serviceTier is dropped)
    expected = None if platform == "aistudio" else types.TrafficType.ON_DEMAND
    assert flash.traffic_type == expected


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_blocked_usage_has_no_candidates_count(request, emu, platform) -> None:
    client = request.getfixturevalue(platform)
    emu.control.script("no_image")
    flash = client.models.generate_content(model=FLASH, contents="a fox")
    assert flash.candidates[0].finish_reason == types.FinishReason.NO_IMAGE
    assert flash.usage_metadata.candidates_token_count is None
    assert flash.usage_metadata.thoughts_token_count is None
    emu.control.script("image_safety")
    pro = client.models.generate_content(model=PRO, contents="a fox").usage_metadata
    assert pro.candidates_token_count is None and pro.thoughts_token_count > 0


def test_aistudio_service_tier_through_the_sdk(aistudio, emu) -> None:
    config = types.GenerateContentConfig(service_tier=types.ServiceTier.FLEX)
    response = aistudio.models.generate_content(model=FLASH, contents="a fox", config=config)
    assert _images(response)
    (sent,) = emu.control.requests()
    assert sent["body"]["serviceTier"] == "flex" and sent["status"] == 200


def test_unary_thoughts_come_through_as_part_thought(aistudio) -> None:
    config = types.GenerateContentConfig(thinking_config=types.ThinkingConfig(include_thoughts=True))
    response = aistudio.models.generate_content(model=PRO, contents="a kite", config=config)
    parts = response.candidates[0].content.parts
    assert sum(1 for p in parts if p.thought and p.inline_data) == 2
    assert sum(1 for p in parts if p.thought and p.text) == 2


@pytest.mark.parametrize(("fault", "code", "status", "exc"), [
    ("429", 429, "RESOURCE_EXHAUSTED", errors.ClientError),
    ("503", 503, "UNAVAILABLE", errors.ServerError),
])
@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_scripted_errors_surface_as_sdk_errors(request, emu, platform, fault, code, status,
                                               exc) -> None:
    client = request.getfixturevalue(platform)
    params = {"retry_delay_s": 1} if fault == "429" else {}
    emu.control.script(fault, platform=platform, **params)
    with pytest.raises(exc) as caught:
        client.models.generate_content(model=FLASH, contents="x")
    assert (caught.value.code, caught.value.status) == (code, status)


def test_stream_errors_surface_as_sdk_errors(aistudio, emu) -> None:
    emu.control.script("503", route="streamGenerateContent")
    with pytest.raises(errors.ServerError) as caught:
        list(aistudio.models.generate_content_stream(model=PRO, contents="x"))
    assert caught.value.code == 503


def test_mid_stream_error_raises_after_the_chunks_that_arrived(aistudio, emu) -> None:
    emu.control.script("stream_error", code=503)
    config = types.GenerateContentConfig(thinking_config=types.ThinkingConfig(include_thoughts=True))
    received = []
    with pytest.raises(errors.ServerError) as caught:
        for chunk in aistudio.models.generate_content_stream(model=PRO, contents="x",
                                                             config=config):
            received.append(chunk)
    assert caught.value.code == 503 and len(received) == 4  # thoughts and drafts, no image


def test_vertex_role_error_via_sdk_raw_request(vertex) -> None:
    """The SDK always sends a role; its raw request path lets us send the body Google rejects."""
    response_error = None
    try:
        vertex._api_client.request(
            "post", f"publishers/google/models/{FLASH}:generateContent",
            {"contents": [{"parts": [{"text": "no role here"}]}]})
    except errors.ClientError as exc:
        response_error = exc
    assert response_error is not None
    assert (response_error.code, response_error.status) == (400, "INVALID_ARGUMENT")
    assert response_error.message == "Please use a valid role: user, model."


def test_unknown_field_error_via_sdk_raw_request(aistudio) -> None:
    body = {"contents": [{"role": "user", "parts": [{"text": "x"}]}],
            "generationConfig": {"imageConfig": {"personGeneration": "ALLOW_ALL"}}}
    with pytest.raises(errors.ClientError) as caught:
        aistudio._api_client.request("post", f"models/{PRO}:generateContent", body)
    assert caught.value.code == 400
    assert 'Unknown name "personGeneration"' in caught.value.message


def test_sdk_refuses_vertex_only_options_for_aistudio_client_side(aistudio) -> None:
    with pytest.raises(ValueError):
        aistudio.models.generate_content(
            model=PRO, contents="x", config=_config(output_mime_type="image/png"))


def test_sdk_models_get_on_both(aistudio, vertex) -> None:
    assert aistudio.models.get(model=PRO).name == f"models/{PRO}"
    assert vertex.models.get(model=PRO).name == f"publishers/google/models/{PRO}"


def test_sdk_count_tokens(aistudio, vertex) -> None:
    assert aistudio.models.count_tokens(model=PRO, contents="twelve chars").total_tokens == 3
    assert vertex.models.count_tokens(model=PRO, contents="twelve chars").total_tokens == 3


def test_sdk_replays_issued_signatures_that_validate() -> None:
    """The SDK decodes the 600 k-character signature to bytes and sends it back URL-safe; an
    emulator that accepts only signatures it issued takes it, and refuses a forged one."""
    from playground.emulator import EmulatorConfig, start_emulator

    with start_emulator(EmulatorConfig(signature_check="issued")) as handle:
        client = genai.Client(api_key="sdk-key-1234", http_options=types.HttpOptions(
            base_url=handle.base_url, api_version="v1beta"))
        first = client.models.generate_content(model=NB21, contents="a red kite")
        turn = first.candidates[0].content
        follow_up = [types.Content(role="user", parts=[types.Part(text="a red kite")]), turn,
                     types.Content(role="user", parts=[types.Part(text="make it blue")])]
        second = client.models.generate_content(model=NB21, contents=follow_up)
        assert _images(second)
        turn.parts[0].thought_signature = b"\x12\x05forged"
        with pytest.raises(errors.ClientError) as caught:
            client.models.generate_content(model=NB21, contents=follow_up)
        assert caught.value.message == "Corrupted thought signature."
