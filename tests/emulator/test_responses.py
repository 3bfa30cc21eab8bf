"""Response bodies and streams (docs/wire-notes.md "Responses", "Streaming"; docs/emulator.md)."""

from __future__ import annotations

import base64
import json
import re

import pytest

from playground.domain.catalog import image_tokens_for
from tests.emulator.helpers import (
    FLASH,
    FLASH25,
    KEY,
    PRO,
    AsgiClient,
    aistudio_path,
    body,
    final_image,
    image_parts,
    parse_sse,
    token_for,
    vertex_path,
)

AI = {"x-goog-api-key": KEY}
RFC3339_US = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.fixture(scope="module")
def vx(in_process: AsgiClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(in_process)}"}


def _post(client: AsgiClient, platform: str, headers, model=PRO, method="generateContent",
          query: str = "", **request):
    path = aistudio_path(model, method) if platform == "aistudio" else vertex_path(model, method)
    response = client.post(path + query, json=request or body(), headers=headers)
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
@pytest.mark.parametrize(("model", "size"), [(PRO, "1K"), (PRO, "4K"), (FLASH, "512"),
                                             (FLASH, "2K"), (FLASH25, "1K")])
def test_usage_arithmetic(in_process: AsgiClient, vx, platform, model, size) -> None:
    headers = AI if platform == "aistudio" else vx
    request = body("count my tokens please",
                   responseModalities=["TEXT", "IMAGE"], imageConfig={"imageSize": size})
    usage = _post(in_process, platform, headers, model, **request).json()["usageMetadata"]
    image_tokens = image_tokens_for(model, size)
    assert usage["candidatesTokensDetails"] == [{"modality": "IMAGE", "tokenCount": image_tokens}]
    assert usage["candidatesTokenCount"] > image_tokens  # plus the narration
    assert usage["totalTokenCount"] == (usage["promptTokenCount"] + usage["candidatesTokenCount"]
                                        + usage.get("thoughtsTokenCount", 0))
    assert usage["promptTokensDetails"] == [{"modality": "TEXT",
                                             "tokenCount": usage["promptTokenCount"]}]
    assert ("thoughtsTokenCount" in usage) is (model != FLASH25)
    assert usage.get("trafficType") == ("ON_DEMAND" if platform == "vertex" else None)


def test_input_images_count_as_prompt_image_tokens(in_process: AsgiClient) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 20).decode()
    request = {"contents": [{"parts": [{"text": "edit this"},
                                       {"inlineData": {"mimeType": "image/png", "data": png}}]}]}
    usage = _post(in_process, "aistudio", AI, PRO, **request).json()["usageMetadata"]
    assert usage["promptTokensDetails"][1] == {"modality": "IMAGE", "tokenCount": 560}


def test_aistudio_body_shape(in_process: AsgiClient) -> None:
    payload = _post(in_process, "aistudio", AI, PRO).json()
    assert list(payload) == ["candidates", "usageMetadata", "modelVersion", "responseId"]
    candidate = payload["candidates"][0]
    assert candidate["content"]["role"] == "model" and candidate["finishReason"] == "STOP"
    assert candidate["index"] == 0
    assert payload["modelVersion"] == PRO and len(payload["responseId"]) >= 20
    (part,) = candidate["content"]["parts"]  # IMAGE only by default: no narration
    assert part["inlineData"]["mimeType"] == "image/jpeg" and part["thoughtSignature"]
    base64.b64decode(part["inlineData"]["data"], validate=True)  # standard alphabet


def test_vertex_body_shape(in_process: AsgiClient, vx) -> None:
    payload = _post(in_process, "vertex", vx, PRO).json()
    assert list(payload) == ["candidates", "createTime", "modelVersion", "responseId",
                             "usageMetadata"]
    assert RFC3339_US.match(payload["createTime"])
    assert "index" not in payload["candidates"][0]


def test_signatures_on_first_answer_part_and_every_image_for_gemini3(in_process: AsgiClient) -> None:
    request = body(responseModalities=["TEXT", "IMAGE"])
    parts = _post(in_process, "aistudio", AI, PRO, **request).json()["candidates"][0]["content"]["parts"]
    assert [("text" in p, "thoughtSignature" in p) for p in parts] == [(True, True), (False, True)]
    parts = _post(in_process, "aistudio", AI, FLASH25, **request).json()["candidates"][0]["content"]["parts"]
    assert not any("thoughtSignature" in p for p in parts)


def test_pro_include_thoughts_gives_thought_texts_and_two_drafts(in_process: AsgiClient, vx) -> None:
    request = body(thinkingConfig={"includeThoughts": True})
    for platform, headers in (("aistudio", AI), ("vertex", vx)):
        payload = _post(in_process, platform, headers, PRO, **request).json()
        parts = payload["candidates"][0]["content"]["parts"]
        thought_texts = [p for p in parts if p.get("thought") and "text" in p]
        drafts = [p for p in image_parts(payload) if p.get("thought")]
        assert len(thought_texts) >= 1 and len(drafts) == 2
        assert all("thoughtSignature" not in p for p in drafts)
        assert drafts[-1]["inlineData"]["data"] == parts[-1]["inlineData"]["data"]
        assert drafts[0]["inlineData"]["data"] != drafts[1]["inlineData"]["data"]
        assert payload["usageMetadata"]["thoughtsTokenCount"] > 0


def test_flash_draft_and_no_thoughts_for_flash25(in_process: AsgiClient) -> None:
    request = body(thinkingConfig={"includeThoughts": True, "thinkingLevel": "HIGH"})
    flash = _post(in_process, "aistudio", AI, FLASH, **request).json()
    assert len([p for p in image_parts(flash) if p.get("thought")]) == 1
    old = _post(in_process, "aistudio", AI, FLASH25,
                **body(thinkingConfig={"includeThoughts": True})).json()
    assert not any(p.get("thought") for p in old["candidates"][0]["content"]["parts"])


def test_text_only_modality_returns_no_image(in_process: AsgiClient) -> None:
    payload = _post(in_process, "aistudio", AI, PRO, **body(responseModalities=["TEXT"])).json()
    assert image_parts(payload) == []
    assert payload["usageMetadata"].get("candidatesTokensDetails") is None


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_sse_stream(in_process: AsgiClient, vx, platform) -> None:
    headers = AI if platform == "aistudio" else vx
    request = body(responseModalities=["TEXT", "IMAGE"], thinkingConfig={"includeThoughts": True})
    response = _post(in_process, platform, headers, PRO, "streamGenerateContent", "?alt=sse",
                     **request)
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.text.startswith("data: {")
    events = parse_sse(response.text)
    kinds = []
    for event in events:
        (part,) = event["candidates"][0]["content"]["parts"]
        kinds.append(("thought " if part.get("thought") else "") + ("image" if "inlineData" in part else "text"))
        assert event["modelVersion"] == PRO
        assert event["responseId"] == events[0]["responseId"]
        if platform == "vertex":
            assert event["createTime"] == events[0]["createTime"]
    assert kinds == ["thought text", "thought text", "thought image", "thought image", "text",
                     "image"]
    assert all("finishReason" not in e["candidates"][0] for e in events[:-1])
    last = events[-1]
    assert last["candidates"][0]["finishReason"] == "STOP"
    assert last["usageMetadata"]["totalTokenCount"] > last["usageMetadata"]["promptTokenCount"]
    assert events[0]["usageMetadata"]["totalTokenCount"] == events[0]["usageMetadata"]["promptTokenCount"]


def test_stream_matches_the_unary_answer(in_process: AsgiClient) -> None:
    unary = _post(in_process, "aistudio", AI, FLASH).json()
    events = parse_sse(_post(in_process, "aistudio", AI, FLASH, "streamGenerateContent",
                             "?alt=sse").text)
    assert final_image(events[-1]) == final_image(unary)


def test_json_array_stream_without_alt_sse(in_process: AsgiClient, vx) -> None:
    request = body(thinkingConfig={"includeThoughts": True})
    response = _post(in_process, "vertex", vx, PRO, "streamGenerateContent", **request)
    assert response.headers["content-type"].startswith("application/json")
    assert response.text.startswith("[{") and response.text.endswith("]")
    chunks = json.loads(response.text)
    assert len(chunks) == 5 and chunks[-1]["candidates"][0]["finishReason"] == "STOP"


def test_count_tokens_on_both(in_process: AsgiClient, vx) -> None:
    request = body("twelve chars")
    ai = _post(in_process, "aistudio", AI, PRO, "countTokens", **request).json()
    assert ai == {"totalTokens": 3, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 3}]}
    vertex = _post(in_process, "vertex", vx, PRO, "countTokens", **request).json()
    assert vertex["totalTokens"] == 3 and vertex["totalBillableCharacters"] == 12
    wrapped = {"generateContentRequest": {"model": f"models/{PRO}", **request}}
    assert _post(in_process, "aistudio", AI, PRO, "countTokens", **wrapped).json() == ai


def test_get_model_resource(in_process: AsgiClient) -> None:
    payload = in_process.get(f"/v1beta/models/{FLASH}", headers=AI).json()
    assert payload["name"] == f"models/{FLASH}"
    assert "generateContent" in payload["supportedGenerationMethods"]
