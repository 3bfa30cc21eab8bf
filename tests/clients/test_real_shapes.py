"""Real-shaped bodies (written from the captures in docs/wire-notes.md; the tests build their own
image bytes) run through the parser on both platforms: successes, drafts, every finish reason,
blocked prompts, error envelopes, garbage and truncated image data, missing usage."""

from __future__ import annotations

import base64
import io
import json
import random

import httpx
import pytest
from PIL import Image

from playground.clients import parse
from playground.clients.base import platform_for
from playground.clients.google_errors import error_from_body
from playground.clients.http import RetryPolicy, make_client
from playground.config import AiStudioSettings, Secret, Settings
from playground.domain.errors import ApiError, ResponseShapeError
from playground.domain.finish_reasons import FINISH_REASONS
from playground.domain.types import GenerationResult, ImageRequest
from playground.generation.run import RunOptions, generate


def image(fmt: str, size: tuple[int, int] = (24, 16)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, fmt)
    return out.getvalue()


JPEG, PNG = image("JPEG"), image("PNG")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def fresh(model: str = "gemini-3.1-flash-image", platform: str = "aistudio") -> GenerationResult:
    return GenerationResult(backend=platform, request=ImageRequest(prompt="a cat", model=model),  # type: ignore[arg-type]
                            status="error", model=model)


def read(body: bytes | dict | list, **kw: str) -> GenerationResult:
    result = fresh(**kw)
    raw = body if isinstance(body, bytes) else json.dumps(body, indent=2).encode()
    parse.parse_into(result, raw)
    return result


SIG = base64.b64encode(b"\x12" + bytes(range(256)) * 40).decode()  # protobuf-like, field 2

# --- successes -------------------------------------------------------------------------------

FLASH31_SUCCESS = {
    "candidates": [{"content": {"parts": [{"inlineData": {"mimeType": "image/jpeg", "data": b64(JPEG)},
                                           "thoughtSignature": SIG}], "role": "model"},
                    "finishReason": "STOP", "index": 0}],
    "usageMetadata": {"promptTokenCount": 7, "candidatesTokenCount": 1392, "totalTokenCount": 1399,
                      "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 7}],
                      "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1120}],
                      "serviceTier": "standard"},
    "modelVersion": "gemini-3.1-flash-image", "responseId": "abcdefghijklmnopqrstuvw",
}


def test_flash31_success_without_thoughts_counter_still_has_a_cost() -> None:
    r = read(FLASH31_SUCCESS)
    assert r.status == "ok" and r.image is not None and r.image.sniffed_mime == "image/jpeg"
    assert r.texts == [] and r.thought_signatures == 1
    u = r.usage
    assert u is not None and u.thoughts_tokens is None and u.service_tier == "standard"
    # 1120 image tokens at $60/M + 272 other output at $1.50/M + 7 in at $0.25/M
    assert r.cost_usd == pytest.approx((1120 * 60 + 272 * 1.5 + 7 * 0.25) / 1e6)


def test_flash25_text_then_png() -> None:
    body = {"candidates": [{"content": {"parts": [{"text": "Sure, here is a cat: "},
                                                  {"inlineData": {"mimeType": "image/png", "data": b64(PNG)}}],
                                        "role": "model"}, "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 1298, "totalTokenCount": 1303,
                              "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1290}]}}
    r = read(body, model="gemini-2.5-flash-image")
    assert r.status == "ok" and r.texts == ["Sure, here is a cat: "] and r.thought_signatures == 0


def test_model_substitution_is_noted() -> None:
    r = read({**FLASH31_SUCCESS, "modelVersion": "gemini-nano-banana-2.1"})
    assert any("answered with gemini-nano-banana-2.1" in n for n in r.notes)


# --- 200 without an image ---------------------------------------------------------------------

NO_IMAGE = {"candidates": [{"content": {}, "finishReason": "NO_IMAGE", "index": 0}],
            "usageMetadata": {"promptTokenCount": 9, "totalTokenCount": 9,
                              "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 9}],
                              "serviceTier": "standard"}}


def test_no_image_keeps_missing_counters_unknown_and_costs_only_the_prompt() -> None:
    r = read(NO_IMAGE)
    assert r.status == "no_image" and "NO_IMAGE" in (r.explanation or "")
    assert r.usage is not None and r.usage.candidates_tokens is None
    assert r.cost_usd == pytest.approx(9 * 0.25 / 1e6)


@pytest.mark.parametrize("reason", [*sorted(FINISH_REASONS), "SOMETHING_NEW"])
@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_every_finish_reason_is_explained(reason: str, platform: str) -> None:
    message = "Unable to show the generated image. You will not be charged for this request."
    content: dict = {} if platform == "aistudio" else {"role": "model"}
    r = read({"candidates": [{"content": content, "finishReason": reason,
                              "finishMessage": message}]}, platform=platform)
    assert r.status in ("blocked", "no_image") and reason in (r.explanation or "")
    assert r.finish_message == message and message in (r.explanation or "")
    if reason == "SOMETHING_NEW":
        assert "does not know" in (r.explanation or "")


def test_blocked_prompt_without_candidates() -> None:
    r = read({"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
              "usageMetadata": {"promptTokenCount": 8, "totalTokenCount": 8, "serviceTier": "standard"},
              "modelVersion": "gemini-3.1-flash-image", "responseId": "x"})
    assert r.status == "blocked" and "PROHIBITED_CONTENT" in (r.explanation or "")


def test_blocked_pro_bills_its_thinking() -> None:
    r = read({"candidates": [{"content": {"role": "model"}, "finishReason": "IMAGE_PROHIBITED_CONTENT",
                              "finishMessage": "The model output could not be generated."}],
              "usageMetadata": {"promptTokenCount": 1119, "totalTokenCount": 1359,
                                "trafficType": "ON_DEMAND", "thoughtsTokenCount": 240}},
             model="gemini-3-pro-image-preview", platform="vertex")
    assert r.status == "blocked"
    assert r.cost_usd == pytest.approx((240 * 12 + 1119 * 2) / 1e6)


def test_no_usage_at_all_is_unknown_cost_with_the_reason() -> None:
    r = read({k: v for k, v in FLASH31_SUCCESS.items() if k != "usageMetadata"})
    assert r.status == "ok" and r.cost_usd is None
    assert any("Cost unknown: the server reported no usageMetadata" in n for n in r.notes)


def test_image_tokens_not_broken_down_is_unknown_not_guessed() -> None:
    usage = {"promptTokenCount": 7, "candidatesTokenCount": 1392, "totalTokenCount": 1399}
    r = read({**FLASH31_SUCCESS, "usageMetadata": usage})
    assert r.cost_usd is None and any("image tokens" in n for n in r.notes)


# --- streams -----------------------------------------------------------------------------------

def sse(events: list[dict], sep: str) -> bytes:
    return "".join(f"data: {json.dumps(e)}{sep}" for e in events).encode()


PRO_EVENTS = [
    {"candidates": [{"content": {"parts": [{"inlineData": {"mimeType": "image/jpeg", "data": b64(JPEG)},
                                            "thoughtSignature": SIG}], "role": "model"}, "index": 0}],
     "usageMetadata": {"promptTokenCount": 60, "candidatesTokenCount": 1167, "totalTokenCount": 1471,
                       "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1120}],
                       "thoughtsTokenCount": 244, "serviceTier": "standard"},
     "modelVersion": "gemini-3-pro-image-preview", "responseId": "r1"},
    {"candidates": [{"content": {"parts": [{"text": ""}], "role": "model"}, "finishReason": "STOP",
                     "index": 0}],
     "usageMetadata": {"promptTokenCount": 60, "candidatesTokenCount": 1167, "totalTokenCount": 1394,
                       "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1120}],
                       "thoughtsTokenCount": 167, "serviceTier": "standard"},
     "modelVersion": "gemini-3-pro-image-preview", "responseId": "r1"},
]


@pytest.mark.parametrize("sep", ["\r\n\r\n", "\n\n"])
def test_sse_image_in_the_first_event_last_counts_win(sep: str) -> None:
    r = read(sse(PRO_EVENTS, sep), model="gemini-3-pro-image-preview")
    assert r.status == "ok" and r.finish_reason == "STOP" and len(r.final_images) == 1
    assert r.usage is not None and r.usage.thoughts_tokens == 167 and r.usage.total_tokens == 1394
    assert r.texts == []


def test_vertex_array_stream_thought_chunks_keep_earlier_counts() -> None:
    chunks = [
        {"candidates": [{"content": {"role": "model", "parts": [{"text": "**Imagining**", "thought": True}]}}],
         "usageMetadata": {"trafficType": "ON_DEMAND"}, "modelVersion": "gemini-3-pro-image-preview",
         "createTime": "2026-01-27T03:51:36.593894Z", "responseId": "v"},
        {"candidates": [{"content": {"role": "model", "parts": [
            {"inlineData": {"mimeType": "image/png", "data": b64(PNG)}, "thoughtSignature": SIG}]},
            "finishReason": "STOP"}],
         "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 1120, "totalTokenCount": 1280,
                           "thoughtsTokenCount": 155, "trafficType": "ON_DEMAND",
                           "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1120}]}},
    ]
    r = read(chunks, model="gemini-3-pro-image-preview", platform="vertex")
    assert r.status == "ok" and r.thought_texts == ["**Imagining**"]
    assert r.usage is not None and r.usage.traffic_type == "ON_DEMAND" and r.usage.prompt_tokens == 5


def test_thought_only_stream_says_it_was_cut_off() -> None:
    chunk = {"candidates": [{"content": {"role": "model", "parts": [{"text": "plan", "thought": True}]}}],
             "usageMetadata": {"trafficType": "ON_DEMAND"}}
    r = read([chunk], platform="vertex")
    assert r.status == "no_image" and "without a finish reason" in (r.explanation or "")


def test_error_after_the_stream_opened_is_the_api_error() -> None:
    body = sse(PRO_EVENTS[:1], "\r\n\r\n") + json.dumps(
        {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}).encode()
    with pytest.raises(ApiError) as info:
        read(body)
    assert info.value.status == "UNAVAILABLE"


# --- what is not an image ------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "words"), [
    ("<redacted; length=439196>", "not base64"),
    (b64(JPEG)[:-8] + "\n" + b64(JPEG)[-8:], "not base64"),
    (b64(JPEG[:45]), "45 bytes that are not a complete JPEG"),
    (b64(PNG[:-12]), "not a complete PNG"),
    (b64(b"GIF89a" + b"\0" * 10), "not a complete GIF"),
    (b64(b"hello, I am text"), "not an image"),
])
@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_garbage_is_never_an_ok_image(data: str, words: str, platform: str) -> None:
    body = json.loads(json.dumps(FLASH31_SUCCESS))
    body["candidates"][0]["content"]["parts"][0]["inlineData"]["data"] = data
    with pytest.raises(ResponseShapeError, match=words) as info:
        read(body, platform=platform)
    assert '"inlineData" held' in info.value.message and info.value.hint


def test_url_safe_and_unpadded_base64_are_fine() -> None:
    body = json.loads(json.dumps(FLASH31_SUCCESS))
    body["candidates"][0]["content"]["parts"][0]["inlineData"]["data"] = \
        base64.urlsafe_b64encode(JPEG).decode().rstrip("=")
    assert read(body).image.data == JPEG  # type: ignore[union-attr]


# --- error envelopes -----------------------------------------------------------------------------

def envelope(code: int, status: str, message: str, details: list | None = None) -> bytes:
    err: dict = {"code": code, "message": message, "status": status}
    if details is not None:
        err["details"] = details
    return json.dumps({"error": err}).encode()


def test_suspended_key_gets_no_iam_advice() -> None:
    body = envelope(403, "PERMISSION_DENIED", "Permission denied: Consumer 'api_key:XYZ' has been suspended.",
                    [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "CONSUMER_SUSPENDED",
                      "domain": "googleapis.com"}])
    err = error_from_body(403, body, platform="aistudio")
    assert isinstance(err, ApiError) and err.reason == "CONSUMER_SUSPENDED"
    assert "suspended" in err.hint and "roles/aiplatform" not in err.hint and not err.is_retryable


def test_user_location_has_its_own_hint() -> None:
    err = error_from_body(400, envelope(400, "FAILED_PRECONDITION",
                                        "User location is not supported for the API use."),
                          platform="aistudio")
    assert "Vertex AI" in err.hint and "location" in err.hint


@pytest.mark.parametrize("model", ["gemini-3.1-flash-image", "gemini-nano-banana-2.1",
                                   "gemini-3-pro-image"])
def test_retired_404_never_suggests_the_model_that_failed(model: str) -> None:
    message = (f"models/{model} is not found for API version v1beta, or is not supported for "
               "predict. Call ModelService.ListModels to see the list of available models and "
               "their supported methods.")
    err = error_from_body(404, envelope(404, "NOT_FOUND", message), platform="aistudio")
    suggested = err.hint.split("Use ", 1)[1].removesuffix(" instead.").split(" or ")
    assert len(suggested) == 2 and model not in suggested


def test_2026_quota_body_help_first_nine_digit_delays() -> None:
    body = envelope(429, "RESOURCE_EXHAUSTED",
                    "You exceeded your current quota. \n* Quota exceeded for metric: x, limit: 5, "
                    "model: gemini-3-flash\nPlease retry in 10.158753737s.",
                    [{"@type": "type.googleapis.com/google.rpc.Help", "links": []},
                     {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": "q"}]},
                     {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "57.238747106s"}])
    err = error_from_body(429, body)
    assert isinstance(err, ApiError) and err.retry_delay_s == pytest.approx(57.238747106)
    assert err.is_retryable and err.quota_violations == [{"quotaId": "q"}]


def test_server_advice_is_capped_by_the_policy_and_the_log_says_so() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(429, content=envelope(
                429, "RESOURCE_EXHAUSTED", "Quota exceeded.",
                [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "53s"}]))
        return httpx.Response(200, content=json.dumps(FLASH31_SUCCESS).encode())

    settings = Settings(aistudio=AiStudioSettings(api_key=Secret("k-0000000000"), base_url="http://x"))
    with make_client(settings, transport=httpx.MockTransport(handler)) as client:
        result = generate(ImageRequest(prompt="p", model="gemini-3.1-flash-image"),
                          platform_for("aistudio", settings), client=client,
                          options=RunOptions(policy=RetryPolicy(1, max_delay_s=0.05),
                                             rng=random.Random(1)))
    first = result.attempts[0]
    assert result.ok and first.retry_delay_s == 0.05 and first.retry_advice_s == 53.0
    assert "advised waiting 53 s; capped at 0.05 s" in (first.error_message or "")
