"""Image editing through the official google-genai SDK, an independent client of the emulator:
image parts, multi-turn chats whose replayed signatures the SDK carries, and AI Studio's
missing-signature 400 (docs/emulator.md "Edits", "Thought signatures")."""

from __future__ import annotations

import base64
import copy
import hashlib

import numpy as np
import pytest
from google import genai
from google.genai import errors, types
from PIL import Image

from playground.domain.catalog import MODELS
from playground.domain.imaging import open_image, read_dimensions
from tests.emulator.helpers import FLASH, PRO, picture

PHOTO = picture(1024, 1024, "jpeg", seed=21)
MISSING = ("Image part is missing a thought_signature in content position 2, part position 1. "
           "Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures"
           "#model-behavior for more details.")


@pytest.fixture
def aistudio(emu) -> genai.Client:
    return genai.Client(api_key="sdk-key-1234", http_options=types.HttpOptions(
        base_url=emu.base_url, api_version="v1beta"))


@pytest.fixture
def vertex(emu, credentials) -> genai.Client:
    return genai.Client(vertexai=True, project="banana-demo", location="global",
                        credentials=credentials,
                        http_options=types.HttpOptions(base_url=emu.base_url))


def _image(response: types.GenerateContentResponse) -> bytes:
    parts = [p for p in response.candidates[0].content.parts if p.inline_data and not p.thought]
    data = parts[-1].inline_data.data
    assert isinstance(data, bytes)
    return data


def _correlation(a: bytes, b: bytes) -> float:
    def luma(data: bytes) -> np.ndarray:
        small = open_image(data).convert("L").resize((48, 48), Image.Resampling.BOX)
        return np.asarray(small, dtype=np.float64).ravel()
    return float(np.corrcoef(luma(a), luma(b))[0, 1])


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _generations(emu) -> list[dict]:
    """The logged generateContent requests (Vertex credentials may also call /token)."""
    return [r for r in emu.control.requests() if r["path"].endswith(":generateContent")]


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_generate_content_with_image_parts(request, emu, platform) -> None:
    client = request.getfixturevalue(platform)
    second = picture(800, 600, "png", seed=22)
    response = client.models.generate_content(model=PRO, contents=[
        types.Part.from_bytes(data=PHOTO, mime_type="image/jpeg"),
        types.Part.from_bytes(data=second, mime_type="image/png"),
        "put the first picture's colours on the second one"])
    out = _image(response)
    assert read_dimensions(out) == MODELS[PRO].dimensions[("4:3", "1K")]  # the last image's shape
    assert _correlation(out, second) > 0.8
    usage = response.usage_metadata
    image = [d.token_count for d in usage.prompt_tokens_details
             if d.modality == types.MediaModality.IMAGE]
    assert image == [2 * 560]
    (sent,) = _generations(emu)
    assert [i["sha256"] for i in sent["images"]] == [_sha(PHOTO), _sha(second)]
    assert sent["body"]["contents"][0]["parts"][0]["inlineData"]["data"] == f"<{len(PHOTO)} bytes>"


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_chat_multi_turn_edits_replay_the_model_turns(request, emu, platform) -> None:
    """Two edits in a chat: each builds on the model's previous image, which the SDK replays
    with its signature (AI Studio accepts only signatures the emulator issued)."""
    client = request.getfixturevalue(platform)
    chat = client.chats.create(model=FLASH)
    first = chat.send_message([types.Part.from_bytes(data=PHOTO, mime_type="image/jpeg"),
                               "make it night"])
    night = _image(first)
    second = chat.send_message(["add snow"])
    snow = _image(second)
    assert _correlation(night, PHOTO) > 0.8 and _correlation(snow, night) > 0.8
    assert snow != night
    turn1, turn2 = _generations(emu)
    assert turn1["status"] == turn2["status"] == 200
    assert [i["role"] for i in turn2["images"]] == ["user", "model"]
    assert [i["sha256"] for i in turn2["images"]] == [_sha(PHOTO), _sha(night)]
    replayed = turn2["body"]["contents"][1]["parts"][0]
    assert replayed["thoughtSignature"] == "<597616 base64 characters>"
    assert second.usage_metadata.prompt_token_count > 2 * 1120


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_a_model_image_without_its_signature_is_refused_on_aistudio_only(request,
                                                                         platform) -> None:
    client = request.getfixturevalue(platform)
    chat = client.chats.create(model=FLASH)
    chat.send_message([types.Part.from_bytes(data=PHOTO, mime_type="image/jpeg"),
                       "make it night"])
    history = copy.deepcopy(chat.get_history())
    assert [c.role for c in history] == ["user", "model"]
    history[1].parts[0].thought_signature = None
    contents = [*history, types.Content(role="user", parts=[types.Part(text="add snow")])]
    if platform == "vertex":
        assert _image(client.models.generate_content(model=FLASH, contents=contents))
        return
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model=FLASH, contents=contents)
    assert (caught.value.code, caught.value.status) == (400, "INVALID_ARGUMENT")
    assert caught.value.message == MISSING
    # The documented bypass value (as bytes: the field is bytes, the value its URL-safe base64).
    bypass = base64.urlsafe_b64decode("context_engineering_is_the_way_to_go")
    history[1].parts[0].thought_signature = bypass
    assert _image(client.models.generate_content(model=FLASH, contents=contents))
    history[1].parts[0].thought_signature = b"\x12\x05not-ours"
    with pytest.raises(errors.ClientError) as forged:
        client.models.generate_content(model=FLASH, contents=contents)
    assert forged.value.message == "Corrupted thought signature."
