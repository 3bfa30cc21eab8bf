"""Parsing every response shape of the reference (docs/wire-notes.md "Responses", "Streaming") and mapping every error (docs/wire-notes.md "Errors")."""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image

from playground.clients import parse as wire
from playground.clients.google_errors import error_from_body
from playground.domain.errors import ApiError, ResponseShapeError
from playground.domain.types import GenerationResult, ImageRequest


def blank() -> GenerationResult:
    """A result waiting for its answer, as generate() makes one before the first attempt."""
    return GenerationResult(backend="aistudio", request=ImageRequest(prompt="p"), status="error",
                            model="gemini-3-pro-image-preview")


def parse_generate(payload: object) -> GenerationResult:
    """A decoded GenerateContentResponse (or stream chunks) read into a result."""
    result = blank()
    wire.read_payload(result, payload)
    return result


def parse_response(body: bytes) -> GenerationResult:
    """A body off the wire (the zero-copy path when it applies) read into a result."""
    result = blank()
    wire.parse_into(result, body)
    return result


def status_of(result: GenerationResult) -> tuple[str, str | None]:
    return result.status, result.explanation


def encode(fmt: str, size: tuple[int, int] = (16, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


JPEG, PNG = encode("JPEG"), encode("PNG")


def b64(data: bytes, urlsafe: bool = False) -> str:
    return (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(data).decode()


def test_aistudio_pro_success() -> None:
    payload = {
        "candidates": [{"content": {"role": "model", "parts": [
            {"inlineData": {"mimeType": "image/jpeg", "data": b64(JPEG)}, "thoughtSignature": "EqCz"},
        ]}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 147, "candidatesTokenCount": 1220,
                          "totalTokenCount": 1582, "thoughtsTokenCount": 215,
                          "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1120}]},
        "modelVersion": "gemini-3-pro-image-preview", "responseId": "KStz",
    }
    parsed = parse_generate(payload)
    assert [i.data for i in parsed.images] == [JPEG]
    assert parsed.images[0].declared_mime == "image/jpeg" and not parsed.images[0].is_draft
    assert parsed.thought_signatures == 1
    assert parsed.usage is not None
    assert (parsed.usage.prompt_tokens, parsed.usage.candidates_tokens, parsed.usage.thoughts_tokens,
            parsed.usage.total_tokens, parsed.usage.image_output_tokens) == (147, 1220, 215, 1582, 1120)
    assert (parsed.model_version, parsed.response_id, parsed.finish_reason) == (
        "gemini-3-pro-image-preview", "KStz", "STOP")
    assert status_of(parsed) == ("ok", None)


def test_vertex_with_thoughts_and_drafts() -> None:
    payload = {
        "candidates": [{"content": {"role": "model", "parts": [
            {"text": "**Composing the scene**", "thought": True},
            {"inlineData": {"mimeType": "image/png", "data": b64(PNG)}, "thought": True},
            {"text": "Here you go.", "thoughtSignature": "CiQB"},
            {"inlineData": {"mimeType": "image/png", "data": b64(PNG)}, "thoughtSignature": "CiQC"},
        ]}, "finishReason": "STOP"}],
        "createTime": "2025-12-04T09:54:26.137486Z",
        "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 1120,
                          "thoughtsTokenCount": 155, "totalTokenCount": 1280,
                          "trafficType": "ON_DEMAND"},
    }
    parsed = parse_generate(payload)
    assert [i.is_draft for i in parsed.images] == [True, False]
    assert parsed.thought_texts == ["**Composing the scene**"]
    assert parsed.texts == ["Here you go."]
    assert parsed.thought_signatures == 2
    assert parsed.usage is not None and parsed.usage.traffic_type == "ON_DEMAND"


def test_stream_chunks_merge_and_snake_case() -> None:
    chunks = [
        {"candidates": [{"content": {"role": "model", "parts": [{"text": "plan", "thought": True}]}}],
         "modelVersion": "m", "responseId": "r"},
        {"candidates": [{"content": {"role": "model", "parts": [
            {"inline_data": {"mime_type": "image/jpeg", "data": b64(JPEG, urlsafe=True)}}]},
            "finish_reason": "STOP"}],
         "usage_metadata": {"prompt_token_count": 9, "candidates_token_count": 1120}},
    ]
    parsed = parse_generate(chunks)
    assert parsed.images[0].data == JPEG
    assert parsed.finish_reason == "STOP" and parsed.usage and parsed.usage.prompt_tokens == 9


@pytest.mark.parametrize(("reason", "status"), [
    ("IMAGE_SAFETY", "blocked"), ("IMAGE_PROHIBITED_CONTENT", "blocked"), ("NO_IMAGE", "no_image"),
    ("IMAGE_OTHER", "no_image"),
])
def test_image_less_finishes_are_results_not_errors(reason: str, status: str) -> None:
    payload = {"candidates": [{"content": {"role": "model"}, "finishReason": reason,
                               "finishMessage": "The model output could not be generated."}]}
    got, explanation = status_of(parse_generate(payload))
    assert got == status
    assert explanation and reason in explanation


def test_prompt_blocked_has_no_candidates() -> None:
    payload = {"promptFeedback": {"blockReason": "OTHER"},
               "usageMetadata": {"promptTokenCount": 10, "totalTokenCount": 10}}
    status, explanation = status_of(parse_generate(payload))
    assert status == "blocked" and explanation and "OTHER" in explanation


def test_text_only_answer_is_no_image_with_the_text() -> None:
    payload = {"candidates": [{"content": {"role": "model", "parts": [{"text": "I can't draw that"}]},
                               "finishReason": "STOP"}]}
    status, explanation = status_of(parse_generate(payload))
    assert status == "no_image" and explanation and "I can't draw that" in explanation


@pytest.mark.parametrize("body", [b'{"candidates": [{"content": {"parts": [{"inlineData": {"da',
                                  b"<!DOCTYPE html><html>oops</html>", b""])
def test_bad_bodies_are_shape_errors(body: bytes) -> None:
    with pytest.raises(ResponseShapeError) as info:
        parse_response(body)
    assert info.value.hint


def test_bad_base64_is_a_shape_error() -> None:
    payload = {"candidates": [{"content": {"parts": [{"inlineData": {"mimeType": "image/png",
                                                                      "data": "%%%not base64%%%"}}]}}]}
    with pytest.raises(ResponseShapeError, match="base64"):
        parse_generate(payload)


# --- errors (docs/wire-notes.md "Errors") ------------------------------------------------------------------------------

QUOTA = {"error": {
    "code": 429, "status": "RESOURCE_EXHAUSTED",
    "message": "You exceeded your current quota ... limit: 0, model: gemini-3-pro-image\nPlease retry in 53.016342224s.",
    "details": [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
            {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
             "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "53s"},
    ]}}

ERROR_CASES = [
    # (name, http, body, platform, expected status, hint must contain, retryable)
    ("role", 400, {"error": {"code": 400, "message": "Please use a valid role: user, model.",
                             "status": "INVALID_ARGUMENT"}}, "vertex", "INVALID_ARGUMENT", "role", False),
    ("unknown field", 400, {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message":
        'Invalid JSON payload received. Unknown name "imageOutputOptions" at \'generation_config.image_config\': Cannot find field.'}},
     "aistudio", "INVALID_ARGUMENT", "imageOutputOptions", False),
    ("bad key", 400, {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                                "status": "INVALID_ARGUMENT", "details": [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}]}},
     "aistudio", "INVALID_ARGUMENT", "GOOGLE_API_KEY", False),
    ("key on vertex", 401, {"error": {"code": 401, "status": "UNAUTHENTICATED", "message":
        "API keys are not supported by this API. Expected OAuth2 access token", "details": [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "CREDENTIALS_MISSING"}]}},
     "vertex", "UNAUTHENTICATED", "GOOGLE_APPLICATION_CREDENTIALS", False),
    ("service disabled", 403, {"error": {"code": 403, "status": "PERMISSION_DENIED", "message":
        "Vertex AI API has not been used in project 1 before or it is disabled.", "details": [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED"}]}},
     "vertex", "PERMISSION_DENIED", "Enable the API", False),
    ("iam", 403, {"error": {"code": 403, "status": "PERMISSION_DENIED", "message":
        "Permission 'aiplatform.endpoints.predict' denied on resource"}},
     "vertex", "PERMISSION_DENIED", "roles/aiplatform.user", False),
    ("vertex 404", 404, {"error": {"code": 404, "status": "NOT_FOUND", "message":
        "Publisher Model `projects/1/locations/us-east4/publishers/google/models/x` was not found"}},
     "vertex", "NOT_FOUND", "global", False),
    ("quota limit 0", 429, QUOTA, "aistudio", "RESOURCE_EXHAUSTED", "retrying will not help", False),
    ("vertex dsq", 429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message":
        "Resource exhausted. Please try again later."}}, "vertex", "RESOURCE_EXHAUSTED", "retry", True),
    ("overloaded", 503, [{"error": {"code": 503, "status": "UNAVAILABLE",
                                    "message": "The model is overloaded. Please try again later."}}],
     "aistudio", "UNAVAILABLE", "overloaded", True),
    ("deadline", 504, {"error": {"code": 504, "status": "DEADLINE_EXCEEDED",
                                 "message": "Deadline expired before operation could complete."}},
     "vertex", "DEADLINE_EXCEEDED", "timeout", True),
]


@pytest.mark.parametrize(("name", "http", "body", "platform", "status", "hint", "retryable"),
                         ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_error_mapping_and_hints(name: str, http: int, body: object, platform: str, status: str,
                                 hint: str, retryable: bool) -> None:
    err = error_from_body(http, json.dumps(body).encode(), platform=platform)
    assert isinstance(err, ApiError)
    assert err.http_status == http and err.status == status
    assert hint.lower() in err.hint.lower()
    assert err.is_retryable is retryable
    assert str(err).startswith(f"{http} {status}")


def test_retry_info_is_read() -> None:
    err = error_from_body(429, json.dumps(QUOTA).encode())
    assert isinstance(err, ApiError)
    assert err.retry_delay_s == 53.0
    assert err.is_zero_quota
    assert err.quota_violations[0]["quotaId"].endswith("FreeTier")


def test_html_502_is_a_clear_shape_error() -> None:
    err = error_from_body(502, b"<!DOCTYPE html><html><title>502 Bad Gateway</title></html>")
    assert isinstance(err, ResponseShapeError)
    assert "HTML page" in str(err) and err.is_retryable and err.raw


# --- the zero-copy fast path must agree with a plain json.loads parse ------------------------

FAST_PATH_CASES = [
    {"candidates": [{"content": {"parts": [
        {"text": 'he said "data": "not an image", {"data": "x"}'},
        {"inlineData": {"mimeType": "image/png", "data": b64(PNG)}, "thoughtSignature": "s"},
        {"inlineData": {"data": b64(JPEG), "mimeType": "image/jpeg"}, "thought": True},
    ]}, "finishReason": "STOP"}]},
    [{"candidates": [{"content": {"parts": [{"inline_data": {"mime_type": "image/jpeg",
                                                            "data": b64(JPEG, urlsafe=True)}}]}}]}],
]


@pytest.mark.parametrize("payload", FAST_PATH_CASES)
@pytest.mark.parametrize("indent", [None, 2])
def test_fast_path_matches_plain_parse(payload: object, indent: int | None) -> None:
    from playground.clients.parse import split_blobs

    body = json.dumps(payload, indent=indent).encode()
    assert split_blobs(body) is not None
    fast, plain = parse_response(body), parse_generate(payload)
    assert [(i.data, i.declared_mime, i.is_draft) for i in fast.images] == [
        (i.data, i.declared_mime, i.is_draft) for i in plain.images]
    assert fast.texts == plain.texts and fast.thought_signatures == plain.thought_signatures


def test_fast_path_declines_escaped_payloads() -> None:
    from playground.clients.parse import split_blobs

    data = next(d for d in (encode("PNG", (16 + n, 8)) for n in range(64)) if "/" in b64(d))
    escaped = b64(data).replace("/", "\\/")  # JSON may escape "/" as "\/"
    body = ('{"candidates":[{"content":{"parts":[{"inlineData":{"data":"' + escaped
            + '"}}]}}]}').encode()
    assert split_blobs(body) is None
    assert parse_response(body).images[0].data == data
