"""The official openai SDK against the gateway: chat completions with image output, streamed
and not, in the shape OpenRouter and CLIProxyAPI clients read."""

from __future__ import annotations

import base64
import io
from dataclasses import replace
from typing import Any

import openai
import pytest
from PIL import Image

from playground.domain.imaging import read_dimensions, sniff_format
from tests.gateway.conftest import KEY, ids, start


def _image(message: Any) -> bytes:
    (image,) = message.images  # an extra field: the SDK keeps it (models allow extras)
    url = image["image_url"]["url"]
    head, _, data = url.partition(",")
    assert head.startswith("data:image/") and head.endswith(";base64")
    return base64.b64decode(data)


def test_chat_with_image_output(oai: openai.OpenAI, history: Any, emu: Any) -> None:
    raw = oai.chat.completions.with_raw_response.create(
        model="nano-banana-2.1-vertex",
        messages=[{"role": "system", "content": "You draw posters."},
                  {"role": "user", "content": "an old poster"},
                  {"role": "assistant", "content": "done"},
                  {"role": "user", "content": [{"type": "text", "text": "a lighthouse"}]}],
        extra_body={"modalities": ["image", "text"],
                    "image_config": {"aspect_ratio": "16:9", "image_size": "2K"}})
    completion = raw.parse()
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and completion.model == "nano-banana-2.1-vertex"
    data = _image(choice.message)
    assert read_dimensions(data) == (2752, 1536) and sniff_format(data) == "image/png"
    row = history.get(ids(raw.headers)[0])
    assert row.image.sha256 == __import__("hashlib").sha256(data).hexdigest()
    assert row.request.prompt == "a lighthouse"
    assert any("earlier message" in n for n in row.notes)
    (sent,) = [r for r in emu.control.requests() if "generateContent" in r["path"]]
    assert sent["body"]["systemInstruction"] == {"parts": [{"text": "You draw posters."}]}
    assert sent["body"]["contents"] == [{"role": "user", "parts": [{"text": "a lighthouse"}]}]
    assert completion.usage is not None and completion.usage.total_tokens


def test_chat_with_an_input_image(oai: openai.OpenAI, history: Any, emu: Any) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buf, format="JPEG")
    url = "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
    raw = oai.chat.completions.with_raw_response.create(
        model="nano-banana-pro",
        messages=[{"role": "system", "content": "Keep it simple."},
                  {"role": "user", "content": [{"type": "text", "text": "add a cat"},
                                               {"type": "image_url", "image_url": {"url": url}}]}],
        extra_body={"modalities": ["image", "text"]})
    assert sniff_format(_image(raw.parse().choices[0].message)) == "image/jpeg"
    (sent,) = [r for r in emu.control.requests() if "generateContent" in r["path"]]
    # system text and an input image together: the platform's body, the image's real bytes
    assert sent["body"]["contents"][0]["parts"][1]["inlineData"] == {
        "mimeType": "image/jpeg", "data": f"<{len(buf.getvalue())} bytes>"}
    assert sent["body"]["systemInstruction"] == {"parts": [{"text": "Keep it simple."}]}
    row = history.get(ids(raw.headers)[0])
    (kept,) = row.request.inputs
    assert (kept.mime, kept.size_bytes, kept.width, kept.height) == (
        "image/jpeg", len(buf.getvalue()), 40, 30)
    assert any("systemInstruction" in n for n in row.notes)
    with pytest.raises(openai.BadRequestError, match="does not fetch URLs"):
        oai.chat.completions.create(
            model="nano-banana-pro", extra_body={"modalities": ["image"]},
            messages=[{"role": "user", "content": [
                {"type": "image_url", "image_url": {"url": "http://example.com/a.png"}}]}])


def test_chat_stream(oai: openai.OpenAI, history: Any) -> None:
    stream = oai.chat.completions.create(
        model="nano-banana-pro", stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "a snowy owl"}],
        extra_body={"modalities": ["image", "text"]})
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    images = [i for c in chunks for ch in c.choices for i in (ch.delta.model_extra or {})
              .get("images", [])]
    (image,) = images
    data = base64.b64decode(image["image_url"]["url"].split(",", 1)[1])
    assert read_dimensions(data) == (1024, 1024)
    finishes = [ch.finish_reason for c in chunks for ch in c.choices if ch.finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens
    banana = chunks[-1].model_extra["banana"]
    (call,) = banana["calls"]
    assert history.get(call["history_id"]).image.sha256 == call["image"]["sha256"]


def test_late_stream_sends_keep_alives_then_the_image(gw: Any, emu: Any) -> None:
    """A stream still waiting after stream_hold_s opens with the role chunk; the image follows."""
    settings = gw.gateway.settings
    handle = start(replace(settings, gateway=replace(settings.gateway, stream_hold_s=0.05)))
    try:
        emu.control.set_latency(0.4)
        client = openai.OpenAI(base_url=handle.base_url + "/v1", api_key=KEY, max_retries=0)
        chunks = list(client.chat.completions.create(
            model="nano-banana-pro", stream=True, messages=[{"role": "user", "content": "x"}]))
        assert chunks[0].choices[0].delta.role == "assistant"
        assert any((ch.delta.model_extra or {}).get("images") for c in chunks for ch in c.choices)
        emu.control.script("image_safety", message="withheld")
        with pytest.raises(openai.APIError, match="IMAGE_SAFETY"):
            list(client.chat.completions.create(
                model="nano-banana-pro", stream=True, messages=[{"role": "user", "content": "x"}]))
    finally:
        handle.stop()


def test_chat_blocked_is_an_error_not_an_empty_choice(oai: openai.OpenAI, emu: Any) -> None:
    emu.control.script("image_prohibited_content", message="Prohibited content.")
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model="nano-banana-pro", stream=True,
                                    messages=[{"role": "user", "content": "x"}])
    assert caught.value.code == "content_policy_violation"
    assert "IMAGE_PROHIBITED_CONTENT" in caught.value.message
    assert "Prohibited content." in caught.value.message


def test_chat_refuses_what_it_cannot_pass_on(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model="nano-banana-pro", temperature=0.3,
                                    messages=[{"role": "user", "content": "x"}])
    assert caught.value.param == "temperature" and caught.value.code == "unknown_parameter"
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model="nano-banana-pro", extra_body={"modalities": ["text"]},
                                    messages=[{"role": "user", "content": "x"}])
    assert caught.value.param == "modalities"
