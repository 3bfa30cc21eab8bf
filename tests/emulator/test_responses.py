"""Response bodies and streams (docs/wire-notes.md "Responses", "Streaming"; docs/emulator.md)."""

from __future__ import annotations

import base64
import json
import re

import pytest

from playground.domain.catalog import MODELS, image_tokens_for
from playground.emulator import EmulatorConfig
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
    final_image,
    image_parts,
    parse_sse,
    vertex_path,
)

RFC3339_US = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def _post(client: AsgiClient, platform: str, headers, model=PRO, method="generateContent",
          query: str = "", **request):
    path = aistudio_path(model, method) if platform == "aistudio" else vertex_path(model, method)
    response = client.post(path + query, json=request or body(), headers=headers)
    assert response.status_code == 200, response.text
    return response


AISTUDIO_USAGE_KEYS = ["promptTokenCount", "candidatesTokenCount", "totalTokenCount",
                       "promptTokensDetails", "candidatesTokensDetails"]
VERTEX_USAGE_KEYS = ["promptTokenCount", "candidatesTokenCount", "totalTokenCount", "trafficType",
                     "promptTokensDetails", "candidatesTokensDetails"]


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
@pytest.mark.parametrize(("model", "size"), [(PRO, "1K"), (PRO, "4K"), (FLASH, "512"),
                                             (FLASH, "2K"), (NB21, "1K"), (LITE, "1K")])
def test_usage_as_captured(in_process: AsgiClient, vx, platform, model, size) -> None:
    headers = AI if platform == "aistudio" else vx
    request = body("count my tokens please", imageConfig={"imageSize": size})
    usage = _post(in_process, platform, headers, model, **request).json()["usageMetadata"]
    image_tokens = image_tokens_for(model, size)
    keys = AISTUDIO_USAGE_KEYS if platform == "aistudio" else VERTEX_USAGE_KEYS
    thinks_aloud = MODELS[model].thinking == "always"  # only Pro reports thoughtsTokenCount
    assert list(usage) == keys + (["thoughtsTokenCount"] if thinks_aloud else []) + (
        ["serviceTier"] if platform == "aistudio" else [])
    assert usage["candidatesTokensDetails"] == [{"modality": "IMAGE", "tokenCount": image_tokens}]
    extra = usage["candidatesTokenCount"] - image_tokens
    if thinks_aloud:
        assert extra in (98, 99) and usage["thoughtsTokenCount"] > 100
    else:  # 3.1 Flash, 2.1, Lite: the thinking sits inside candidatesTokenCount (+272…+415 seen)
        assert 250 <= extra <= 900
    assert usage["totalTokenCount"] == (usage["promptTokenCount"] + usage["candidatesTokenCount"]
                                        + usage.get("thoughtsTokenCount", 0))
    assert usage["promptTokensDetails"] == [{"modality": "TEXT",
                                             "tokenCount": usage["promptTokenCount"]}]
    if platform == "vertex":
        assert usage["trafficType"] == "ON_DEMAND"
    else:
        assert usage["serviceTier"] == "standard"


def test_flash25_usage_counts_its_narration(in_process: AsgiClient, vx) -> None:
    usage = _post(in_process, "vertex", vx, FLASH25,
                  **body(responseModalities=["TEXT", "IMAGE"])).json()["usageMetadata"]
    assert 5 <= usage["candidatesTokenCount"] - 1290 <= 12  # the "Sure, here is…" part
    assert "thoughtsTokenCount" not in usage


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_input_images_count_as_prompt_image_tokens(in_process: AsgiClient, vx, platform) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 20).decode()
    request = {"contents": [{"role": "user", "parts": [
        {"text": "edit this"}, {"inlineData": {"mimeType": "image/png", "data": png}}]}]}
    headers = AI if platform == "aistudio" else vx
    usage = _post(in_process, platform, headers, PRO, **request).json()["usageMetadata"]
    details = usage["promptTokensDetails"]
    image = {"modality": "IMAGE", "tokenCount": 560}
    # AI Studio lists TEXT then IMAGE; the captured Vertex chunk IMAGE then TEXT
    assert details[1 if platform == "aistudio" else 0] == image
    assert usage["promptTokenCount"] == sum(d["tokenCount"] for d in details)


@pytest.mark.parametrize(("tier", "ok"), [("flex", True), ("PRIORITY", True), ("standard", True),
                                          ("turbo", False)])
def test_aistudio_service_tier_is_requested_and_reported(in_process: AsgiClient, tier, ok) -> None:
    response = in_process.post(aistudio_path(FLASH), json=body() | {"serviceTier": tier},
                               headers=AI)
    assert (response.status_code == 200) is ok, response.text
    if ok:
        assert response.json()["usageMetadata"]["serviceTier"] == tier.lower()
    else:
        assert "service_tier" in response.json()["error"]["message"]


def test_service_tier_the_model_lacks_is_400(in_process: AsgiClient) -> None:
    response = in_process.post(aistudio_path(LITE), json=body() | {"serviceTier": "flex"},
                               headers=AI)
    assert response.status_code == 400


def test_vertex_service_tier_only_through_a_configured_field(vx) -> None:
    request = body() | {"serviceTier": "flex"}
    plain = asgi(EmulatorConfig(accept_unknown_tokens=True))
    assert plain.post(vertex_path(FLASH), json=request, headers=vx).status_code == 400
    tiered = asgi(EmulatorConfig(accept_unknown_tokens=True, vertex_service_tier_field="serviceTier"))
    response = tiered.post(vertex_path(FLASH), json=request, headers=vx)
    assert response.json()["usageMetadata"]["trafficType"] == "ON_DEMAND_FLEX"
    assert "serviceTier" not in response.json()["usageMetadata"]


def test_aistudio_body_shape(in_process: AsgiClient) -> None:
    payload = _post(in_process, "aistudio", AI, PRO).json()
    assert list(payload) == ["candidates", "usageMetadata", "modelVersion", "responseId",
                             "turnToken"]
    candidate = payload["candidates"][0]
    assert list(candidate) == ["content", "finishReason", "index"]
    assert list(candidate["content"]) == ["parts", "role"] and candidate["content"]["role"] == "model"
    assert candidate["finishReason"] == "STOP" and candidate["index"] == 0
    assert payload["modelVersion"] == PRO and len(payload["responseId"]) == 23
    assert payload["turnToken"].startswith("v1_") and len(payload["turnToken"]) == 67
    (part,) = candidate["content"]["parts"]  # IMAGE only by default: no narration
    assert part["inlineData"]["mimeType"] == "image/jpeg" and part["thoughtSignature"]
    base64.b64decode(part["inlineData"]["data"], validate=True)  # standard alphabet


def test_vertex_body_shape(in_process: AsgiClient, vx) -> None:
    payload = _post(in_process, "vertex", vx, PRO).json()
    assert list(payload) == ["candidates", "usageMetadata", "modelVersion", "createTime",
                             "responseId"]
    assert RFC3339_US.match(payload["createTime"])
    candidate = payload["candidates"][0]
    assert list(candidate) == ["content", "finishReason"]
    assert list(candidate["content"]) == ["role", "parts"]


@pytest.mark.parametrize("model", [PRO, FLASH, NB21])
def test_no_narration_for_models_that_sign_their_parts(in_process: AsgiClient, model) -> None:
    request = body(responseModalities=["TEXT", "IMAGE"])
    parts = _post(in_process, "aistudio", AI, model, **request).json()["candidates"][0]["content"]["parts"]
    assert [list(p) for p in parts] == [["inlineData", "thoughtSignature"]]


def test_narration_and_its_signature_when_asked(in_process: AsgiClient) -> None:
    request = body(responseModalities=["TEXT", "IMAGE"])
    always = asgi(EmulatorConfig(narration="always"))
    parts = _post(always, "aistudio", AI, PRO, **request).json()["candidates"][0]["content"]["parts"]
    assert [("text" in p, "thoughtSignature" in p) for p in parts] == [(True, True), (False, True)]
    assert len(parts[0]["thoughtSignature"]) < 200 < len(parts[1]["thoughtSignature"])


def test_narration_fault_adds_a_text_part(emu, http) -> None:
    emu.control.script("narration", text="Here is your lighthouse.")
    payload = http.post(aistudio_path(FLASH), json=body(), headers=AI).json()
    parts = payload["candidates"][0]["content"]["parts"]
    assert parts[0]["text"] == "Here is your lighthouse." and "inlineData" in parts[1]


def test_flash25_keeps_its_sure_here_is_text_part(in_process: AsgiClient, vx) -> None:
    request = body(responseModalities=["TEXT", "IMAGE"])
    parts = _post(in_process, "vertex", vx, FLASH25, **request).json()["candidates"][0]["content"]["parts"]
    assert parts[0]["text"].startswith(("Sure, here", "Here is")) and "inlineData" in parts[1]
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


def test_flash_draft_and_no_thoughts_for_flash25(in_process: AsgiClient, summer) -> None:
    request = body(thinkingConfig={"includeThoughts": True, "thinkingLevel": "HIGH"})
    flash = _post(in_process, "aistudio", AI, FLASH, **request).json()
    assert len([p for p in image_parts(flash) if p.get("thought")]) == 1
    old = _post(summer, "aistudio", AI, FLASH25,
                **body(thinkingConfig={"includeThoughts": True})).json()
    assert not any(p.get("thought") for p in old["candidates"][0]["content"]["parts"])


def test_text_only_modality_returns_no_image(in_process: AsgiClient) -> None:
    payload = _post(in_process, "aistudio", AI, PRO, **body(responseModalities=["TEXT"])).json()
    assert image_parts(payload) == []
    (part,) = payload["candidates"][0]["content"]["parts"]
    assert part["text"] and part["thoughtSignature"]
    assert payload["usageMetadata"]["candidatesTokensDetails"][0]["modality"] == "TEXT"


def _kind(event: dict) -> str:
    (part,) = event["candidates"][0]["content"].get("parts") or [{}]
    kind = "image" if "inlineData" in part else "empty" if part.get("text") == "" else "text"
    return ("thought " if part.get("thought") else "") + kind


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_sse_stream_as_captured(in_process: AsgiClient, vx, platform) -> None:
    headers = AI if platform == "aistudio" else vx
    request = body(thinkingConfig={"includeThoughts": True})
    response = _post(in_process, platform, headers, PRO, "streamGenerateContent", "?alt=sse",
                     **request)
    assert response.headers["content-type"].startswith("text/event-stream")
    text = response.text
    assert text.startswith('data: {"candidates": [{"content": {')  # `": "` and `,"` spacing
    assert text.endswith("}\r\n\r\n") and "\n\n" not in text.replace("\r\n\r\n", "")
    events = parse_sse(text)
    assert [_kind(e) for e in events] == ["thought text", "thought text", "thought image",
                                          "thought image", "image", "empty"]
    for event in events:
        assert event["modelVersion"] == PRO
        assert event["responseId"] == events[0]["responseId"]
        if platform == "vertex":
            assert list(event) == ["candidates", "usageMetadata", "modelVersion", "createTime",
                                   "responseId"]
            assert event["createTime"] == events[0]["createTime"]
            assert "index" not in event["candidates"][0]
    image_event, last = events[-2], events[-1]
    assert "finishReason" not in image_event["candidates"][0]  # the image comes before STOP
    assert image_event["candidates"][0]["content"]["parts"][0]["thoughtSignature"]
    assert last["candidates"][0]["finishReason"] == "STOP"
    assert last["candidates"][0]["content"]["parts"] == [{"text": ""}]
    final_usage = last["usageMetadata"]
    assert final_usage["totalTokenCount"] > final_usage["promptTokenCount"]
    if platform == "vertex":  # intermediate events carry only the traffic type
        assert all(e["usageMetadata"] == {"trafficType": "ON_DEMAND"} for e in events[:-1])
        assert "thoughtsTokenCount" in final_usage
    else:  # full usage on every event; the last one's counts are the ones to keep
        assert all(list(e["usageMetadata"]) == list(final_usage) for e in events)
        assert image_event["usageMetadata"]["thoughtsTokenCount"] > final_usage["thoughtsTokenCount"]
        assert "turnToken" in events[0] and "turnToken" not in events[-1]


def test_sse_line_end_can_be_lf() -> None:
    lf = asgi(EmulatorConfig(sse_line_end="\n"))
    text = _post(lf, "aistudio", AI, FLASH, "streamGenerateContent", "?alt=sse").text
    assert "\r" not in text and text.endswith("}\n\n") and len(parse_sse(text)) == 2


def test_stream_matches_the_unary_answer(in_process: AsgiClient) -> None:
    unary = _post(in_process, "aistudio", AI, FLASH).json()
    events = parse_sse(_post(in_process, "aistudio", AI, FLASH, "streamGenerateContent",
                             "?alt=sse").text)
    assert final_image(events[0]) == final_image(unary)
    assert events[-1]["usageMetadata"]["candidatesTokenCount"] == \
        unary["usageMetadata"]["candidatesTokenCount"]


def test_json_array_streams_per_platform(in_process: AsgiClient, vx) -> None:
    request = body(thinkingConfig={"includeThoughts": True})
    vertex = _post(in_process, "vertex", vx, PRO, "streamGenerateContent", **request)
    assert vertex.headers["content-type"].startswith("application/json")
    assert vertex.text.startswith("[\n{\n") and vertex.text.endswith("}\n]")
    assert "},\n{" in vertex.text
    chunks = json.loads(vertex.text)
    assert len(chunks) == 6 and chunks[-1]["candidates"][0]["finishReason"] == "STOP"
    aistudio = _post(in_process, "aistudio", AI, PRO, "streamGenerateContent", **request)
    assert aistudio.text.startswith("[{") and "},\r\n{" in aistudio.text
    assert len(json.loads(aistudio.text)) == 6


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
