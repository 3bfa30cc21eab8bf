"""Scripted faults: each kind observed on the wire, FIFO and matching rules (docs/wire-notes.md "Errors"; docs/emulator.md)."""

from __future__ import annotations

import json

import httpx
import pytest

from playground.domain.imaging import sniff_format
from playground.emulator.fault_params import PARAMS
from playground.emulator.faults import FAULT_KINDS
from tests.emulator.helpers import (
    AI,
    FLASH,
    PRO,
    aistudio_path,
    body,
    final_image,
    parse_sse,
    vertex_path,
)


@pytest.fixture
def send(emu, http, bearer):
    def post(platform: str = "aistudio", method: str = "generateContent", query: str = "",
             model: str = PRO, request: dict | None = None) -> httpx.Response:
        if platform == "aistudio":
            return http.post(aistudio_path(model, method) + query, json=request or body(),
                             headers=AI)
        return http.post(vertex_path(model, method) + query, json=request or body(),
                         headers=bearer)
    return post


def _error(response: httpx.Response) -> dict:
    payload = response.json()
    return (payload[0] if isinstance(payload, list) else payload)["error"]


def test_429_aistudio_quota_envelope(emu, send) -> None:
    emu.control.script("429", platform="aistudio", retry_delay_s=7)
    response = send("aistudio")
    assert response.status_code == 429
    error = _error(response)
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert error["message"].startswith("You exceeded your current quota, please check your plan")
    assert error["message"].endswith("Please retry in 7s.")
    help_, quota, retry = error["details"]  # Help first since 2026
    assert quota["@type"].endswith("QuotaFailure")
    # the quota's model name, not the requested preview id
    assert quota["violations"][0]["quotaDimensions"] == {"location": "global",
                                                         "model": "gemini-3-pro-image"}
    assert "model: gemini-3-pro-image\n" in error["message"]
    assert help_["@type"].endswith("Help") and help_["links"][0]["url"].startswith("https://ai.google.dev")
    assert retry == {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}


def test_429_zero_quota_wording(emu, send) -> None:
    emu.control.script("429", zero_quota=True)
    error = _error(send("aistudio"))
    assert "generate_content_free_tier_requests, limit: 0, model: " in error["message"]
    assert error["details"][1]["violations"][0]["quotaId"].endswith("-FreeTier")
    assert error["details"][2]["retryDelay"] == "53.016342224s"
    assert error["message"].endswith("Please retry in 53.016342224s.")


@pytest.mark.parametrize(("delay", "retry_info", "sentence"), [
    (57.238747106, "57.238747106s", "57.238747106s"), (10.5, "10.500s", "10.5s"),
    (51, "51s", "51s"), (0.738405416, "0.738405416s", "738.405416ms"),
    (62.25, "62.250s", "1m2.25s"),
])
def test_429_delays_in_protobuf_and_go_forms(emu, send, delay, retry_info, sentence) -> None:
    emu.control.script("429", retry_delay_s=delay)
    error = _error(send("aistudio", model=FLASH))
    assert error["details"][2]["retryDelay"] == retry_info
    assert error["message"].endswith(f"Please retry in {sentence}.")
    assert "model: gemini-3.1-flash-image\n" in error["message"]  # a GA id is its own name


def test_429_vertex_dsq_has_no_details(emu, send) -> None:
    emu.control.script("429", platform="vertex")
    response = send("vertex")
    assert response.status_code == 429
    assert _error(response) == {
        "code": 429, "status": "RESOURCE_EXHAUSTED",
        "message": "Resource exhausted. Please try again later. Please refer to "
                   "https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for "
                   "more details."}


@pytest.mark.parametrize(("wording", "text"), [
    ("overloaded", "The model is overloaded. Please try again later."),
    ("high_demand", "This model is currently experiencing high demand. Spikes in demand are "
                    "usually temporary. Please try again later."),
])
def test_503_wordings(emu, send, wording, text) -> None:
    emu.control.script("503", wording=wording)
    response = send("aistudio")
    assert response.status_code == 503
    assert _error(response) == {"code": 503, "status": "UNAVAILABLE", "message": text}


@pytest.mark.parametrize(("platform", "text"), [
    ("aistudio", "An internal error has occurred. Please retry or report in "
                 "https://developers.generativeai.google/guide/troubleshooting"),
    ("vertex", "Internal error encountered."),
])
def test_500_per_platform(emu, send, platform, text) -> None:
    emu.control.script("500")
    response = send(platform)
    assert response.status_code == 500 and _error(response)["message"] == text


def test_504_deadline(emu, send) -> None:
    emu.control.script("504")
    response = send("vertex")
    assert response.status_code == 504
    assert _error(response) == {"code": 504, "status": "DEADLINE_EXCEEDED",
                                "message": "Deadline expired before operation could complete."}


def test_502_html(emu, send) -> None:
    emu.control.script("502_html")
    response = send("aistudio")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "<b>502.</b>" in response.text
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_service_disabled_and_iam_denied(emu, send) -> None:
    emu.control.script("service_disabled", platform="vertex")
    emu.control.script("iam_denied", platform="vertex")
    disabled = send("vertex")
    assert disabled.status_code == 403
    assert _error(disabled)["details"][0]["reason"] == "SERVICE_DISABLED"
    assert "Vertex AI API has not been used in project 123456789012" in _error(disabled)["message"]
    denied = send("vertex")
    assert denied.status_code == 403
    assert _error(denied)["message"].startswith("Permission 'aiplatform.endpoints.predict' denied")


def test_truncated_body(emu, send) -> None:
    emu.control.script("truncated")
    response = send("aistudio")
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    with pytest.raises(json.JSONDecodeError):
        response.json()


@pytest.mark.parametrize(("method", "query"), [("generateContent", ""),
                                               ("streamGenerateContent", "?alt=sse")])
def test_drop_leaves_an_incomplete_body(emu, send, method, query) -> None:
    emu.control.script("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        send("aistudio", method, query)
    assert send("aistudio").status_code == 200  # the server is fine afterwards


@pytest.mark.parametrize(("fault", "reason"), [
    ("image_safety", "IMAGE_SAFETY"), ("image_prohibited_content", "IMAGE_PROHIBITED_CONTENT"),
    ("image_other", "IMAGE_OTHER"), ("image_recitation", "IMAGE_RECITATION"),
    ("no_image", "NO_IMAGE")])
@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
@pytest.mark.parametrize("model", [PRO, FLASH])
def test_image_less_finishes(emu, send, fault, reason, platform, model) -> None:
    emu.control.script(fault)
    payload = send(platform, model=model).json()
    (candidate,) = payload["candidates"]
    assert candidate["finishReason"] == reason
    if platform == "aistudio":  # content {} and index 0, as captured
        assert candidate["content"] == {} and candidate["index"] == 0
        assert list(candidate)[-1] == "index"
    else:  # {"role": "model"}, no index
        assert candidate["content"] == {"role": "model"} and "index" not in candidate
    if reason == "IMAGE_SAFETY":
        assert candidate["finishMessage"].startswith("Unable to show the generated image.")
        assert "You will not be charged for blocked images." in candidate["finishMessage"]
    if reason == "IMAGE_PROHIBITED_CONTENT":
        assert "Support code: 42876398" in candidate["finishMessage"]
    if reason == "IMAGE_OTHER":
        assert candidate["finishMessage"] == (
            "Unable to show the generated image. The model could not generate the image based on "
            "the prompt provided. You will not be charged for this request. Try rephrasing the "
            "prompt.")
    if reason in ("NO_IMAGE", "IMAGE_RECITATION"):
        assert "finishMessage" not in candidate
    usage = payload["usageMetadata"]
    assert "candidatesTokenCount" not in usage and "candidatesTokensDetails" not in usage
    if model == PRO:  # thinking is billed on blocked Pro answers
        assert usage["thoughtsTokenCount"] > 0
        assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["thoughtsTokenCount"]
    else:
        assert "thoughtsTokenCount" not in usage
        assert usage["totalTokenCount"] == usage["promptTokenCount"]


def test_no_image_body_is_the_captured_shape(emu, send) -> None:
    emu.control.script("no_image")
    payload = send("aistudio", model=FLASH).json()
    assert list(payload) == ["candidates", "usageMetadata", "modelVersion", "responseId",
                             "turnToken"]
    assert payload["candidates"] == [{"content": {}, "finishReason": "NO_IMAGE", "index": 0}]
    assert list(payload["usageMetadata"]) == ["promptTokenCount", "totalTokenCount",
                                              "promptTokensDetails", "serviceTier"]


def test_prompt_blocked(emu, send) -> None:
    emu.control.script("prompt_blocked", platform="aistudio")
    emu.control.script("prompt_blocked", platform="aistudio", reason="OTHER", message="Blocked.")
    first = send("aistudio").json()
    assert list(first)[:2] == ["promptFeedback", "usageMetadata"] and "candidates" not in first
    assert first["promptFeedback"] == {"blockReason": "PROHIBITED_CONTENT"}  # no message
    usage = first["usageMetadata"]
    assert list(usage) == ["promptTokenCount", "totalTokenCount", "promptTokensDetails",
                           "serviceTier"]
    assert usage["totalTokenCount"] == usage["promptTokenCount"]
    second = send("aistudio").json()
    assert second["promptFeedback"] == {"blockReason": "OTHER", "blockReasonMessage": "Blocked."}


def test_prompt_blocked_on_vertex_carries_its_message(emu, send) -> None:
    emu.control.script("prompt_blocked", platform="vertex")
    payload = send("vertex").json()
    assert list(payload) == ["promptFeedback", "usageMetadata", "modelVersion", "createTime",
                             "responseId"]
    assert payload["promptFeedback"] == {
        "blockReason": "PROHIBITED_CONTENT",
        "blockReasonMessage": "The prompt is blocked due to prohibited contents"}
    assert list(payload["usageMetadata"]) == ["promptTokenCount", "totalTokenCount",
                                              "trafficType", "promptTokensDetails"]


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_mislabelled_mime(emu, send, platform) -> None:
    emu.control.script("mislabelled_mime")
    declared, data = final_image(send(platform).json())
    assert declared == "image/png" and sniff_format(data) == "image/jpeg"


def test_stream_error_after_the_stream_opened(emu, send) -> None:
    request = body(thinkingConfig={"includeThoughts": True})
    emu.control.script("stream_error", route="streamGenerateContent")
    response = send("aistudio", "streamGenerateContent", "?alt=sse", request=request)
    assert response.status_code == 200
    head, _, tail = response.text.rpartition("\r\n\r\n")
    events = parse_sse(head + "\r\n\r\n")
    assert len(events) == 4  # two thought texts, two drafts; the final image never came
    assert all(e["candidates"][0]["content"]["parts"][0]["thought"] for e in events)
    assert json.loads(tail)["error"]["status"] == "UNAVAILABLE"
    emu.control.script("stream_error", code=500)
    array = json.loads(send("vertex", "streamGenerateContent", request=request).text)
    assert array[-1] == {"error": {"code": 500, "message": "Internal error encountered.",
                                   "status": "INTERNAL"}}


def test_errors_on_the_json_array_stream_are_wrapped_in_a_list(emu, send) -> None:
    emu.control.script("503")
    response = send("aistudio", "streamGenerateContent")
    assert response.status_code == 503
    assert isinstance(response.json(), list) and len(response.json()) == 1
    emu.control.script("503")
    sse = send("aistudio", "streamGenerateContent", "?alt=sse")
    assert sse.json()["error"]["code"] == 503


def test_fifo_count_and_matching(emu, send) -> None:
    emu.control.script("503", platform="vertex", count=2)
    emu.control.script("500", route="countTokens")
    emu.control.script("429", platform="*", count=1)
    assert [f["fault"] for f in emu.control.pending_faults()] == ["503", "500", "429"]
    assert send("aistudio").status_code == 429  # first matching script for aistudio
    assert send("aistudio").status_code == 200
    assert send("aistudio", "countTokens").status_code == 500
    assert send("vertex").status_code == 503
    assert send("vertex", "countTokens").status_code == 503  # FIFO: the earlier script wins
    assert send("vertex").status_code == 200
    assert emu.control.pending_faults() == []
    statuses = [(r["platform"], r["route"], r["status"], r["fault"]) for r in emu.control.requests()]
    assert statuses[-1] == ("vertex", "generateContent", 200, None)
    assert emu.control.state()["counts"]["faults_fired"] == 4


def test_faults_fire_on_matching_route_only(emu, send, http) -> None:
    emu.control.script("500", route="get")
    assert send("aistudio").status_code == 200
    assert http.get(f"/v1beta/models/{FLASH}", headers=AI).status_code == 500


def test_every_fault_kind_is_scriptable(emu) -> None:
    assert set(PARAMS) == set(FAULT_KINDS)  # every kind says which params it takes
    for fault in FAULT_KINDS:
        emu.control.script(fault, platform="vertex", route="countTokens")
    assert len(emu.control.pending_faults()) == len(FAULT_KINDS)
    with pytest.raises(ValueError, match="Unknown fault"):
        emu.control.script("418")
    with pytest.raises(ValueError, match="count"):
        emu.control.script("429", count=0)


def test_consumer_suspended_echoes_the_key_sent(emu, http) -> None:
    emu.control.script("consumer_suspended", platform="aistudio")
    response = http.post(aistudio_path(FLASH) + "?key=AIzaSyEXAMPLE-suspended", json=body())
    assert response.status_code == 403
    assert _error(response) == {
        "code": 403, "status": "PERMISSION_DENIED",
        "message": "Permission denied: Consumer 'api_key:AIzaSyEXAMPLE-suspended' has been "
                   "suspended.",
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                     "reason": "CONSUMER_SUSPENDED", "domain": "googleapis.com"}]}
    assert "AIzaSyEXAMPLE-suspended" not in str(emu.control.requests())  # the log still masks


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_location_unsupported(emu, send, platform) -> None:
    emu.control.script("location_unsupported")
    response = send(platform)
    assert response.status_code == 400
    assert _error(response) == {"code": 400, "status": "FAILED_PRECONDITION",
                                "message": "User location is not supported for the API use."}


@pytest.mark.parametrize("method", ["generateContent", "streamGenerateContent"])
def test_undecodable_image_is_valid_base64_of_a_truncated_jpeg(emu, send, method) -> None:
    emu.control.script("undecodable_image")
    query = "?alt=sse" if method == "streamGenerateContent" else ""
    response = send("aistudio", method, query, model=FLASH)
    payload = parse_sse(response.text)[0] if query else response.json()
    declared, data = final_image(payload)
    assert declared == "image/jpeg" and len(data) == 45 and data[:2] == b"\xff\xd8"
    assert b"\xff\xd9" not in data  # no end-of-image marker: not a complete image


def test_redacted_image_data_is_a_placeholder_text(emu, send) -> None:
    emu.control.script("redacted_image_data")
    payload = send("aistudio", model=FLASH).json()
    part = payload["candidates"][0]["content"]["parts"][0]
    assert part["inlineData"] == {"mimeType": "image/jpeg", "data": "<redacted; length=439196>"}
    assert payload["candidates"][0]["finishReason"] == "STOP"


@pytest.mark.parametrize(("fault", "params"), [
    ("429", {"retry_delay_s": "soon"}), ("429", {"retry_delay_s": -1}),
    ("429", {"zero_quota": "yes"}), ("503", {"wording": "busy"}), ("503", {"retry_delay_s": 1}),
    ("stream_error", {"code": 418}), ("drop", {"fraction": 2}), ("drop", {"fraction": "half"}),
    ("prompt_blocked", {"reason": "BORED"}), ("undecodable_image", {"length": 0}),
    ("image_safety", {"message": 3}),
])
def test_bad_fault_params_are_400_when_scripted(emu, http, fault, params) -> None:
    response = http.post("/_emulator/faults", json={"fault": fault, "params": params})
    assert response.status_code == 400, response.text
    assert response.json()["error"]
    assert emu.control.pending_faults() == []
