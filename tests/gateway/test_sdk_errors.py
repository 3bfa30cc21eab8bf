"""Errors through the official SDK: typed exceptions with the right status, Google's facts in
the message, retry advice in headers, and limits per gateway key."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import openai
import pytest

from tests.gateway.conftest import KEY, KEY_BOB, start


def _error(oai: openai.OpenAI, exc: type[openai.APIStatusError], **fields: Any) -> Any:
    fields = {"model": "nano-banana-pro", "prompt": "a pear", **fields}
    with pytest.raises(exc) as caught:
        oai.images.generate(**fields)
    return caught.value


@pytest.mark.parametrize(("fault", "code", "reason"), [
    ("image_safety", "content_policy_violation", "IMAGE_SAFETY"),
    ("image_recitation", "content_policy_violation", "IMAGE_RECITATION"),
    ("no_image", "no_image", "NO_IMAGE"),
    ("image_other", "no_image", "IMAGE_OTHER"),
])
def test_a_200_without_an_image_is_an_error_naming_the_reason(oai: openai.OpenAI, emu: Any,
                                                              history: Any, fault: str,
                                                              code: str, reason: str) -> None:
    emu.control.script(fault, message=f"Google says {fault}.")
    err = _error(oai, openai.BadRequestError)
    assert err.status_code == 400 and err.code == code
    assert reason in err.message and f"Google says {fault}." in err.message
    assert err.response.headers["x-should-retry"] == "false"
    (row_id,) = [int(i) for i in err.response.headers["x-banana-history-ids"].split(",")]
    row = history.get(row_id)
    assert row.status != "ok" and row.finish_reason == reason  # the call is a history row too


def test_a_blocked_prompt_names_the_block_reason(oai: openai.OpenAI, emu: Any) -> None:
    emu.control.script("prompt_blocked", reason="PROHIBITED_CONTENT", message="No.")
    err = _error(oai, openai.BadRequestError)
    assert "blockReason PROHIBITED_CONTENT" in err.message and err.code == "content_policy_violation"


def test_429_with_retry_info_is_retried_and_the_attempts_reported(oai: openai.OpenAI,
                                                                 emu: Any) -> None:
    emu.control.script("429", platform="aistudio", retry_delay_s=0.05)
    raw = oai.images.with_raw_response.generate(model="nano-banana-pro", prompt="a pear")
    assert raw.headers["x-banana-attempts"] == "2"
    assert raw.parse().data[0].b64_json


def test_429_that_outlasts_the_retries_gives_retry_after(oai: openai.OpenAI, emu: Any) -> None:
    emu.control.script("429", platform="aistudio", count=3, retry_delay_s=0.05)
    err = _error(oai, openai.RateLimitError)
    assert err.status_code == 429 and err.code == "RESOURCE_EXHAUSTED"
    assert "Quota exceeded" in err.message and "Hint:" in err.message
    assert err.response.headers["retry-after-ms"] == "50"
    assert err.response.headers["x-banana-attempts"] == "3"
    assert "x-should-retry" not in err.response.headers  # the SDK may retry a 429


def test_zero_quota_429_says_do_not_retry(oai: openai.OpenAI, emu: Any) -> None:
    emu.control.script("429", platform="aistudio", zero_quota=True)
    err = _error(oai, openai.RateLimitError)
    assert err.response.headers["x-should-retry"] == "false"


def test_google_4xx_keeps_its_status_and_stops_sdk_retries(oai: openai.OpenAI, emu: Any) -> None:
    emu.control.script("iam_denied", platform="vertex")
    err = _error(oai, openai.PermissionDeniedError, model="nano-banana-pro-vertex")
    assert err.status_code == 403 and "PERMISSION_DENIED" in err.message
    assert err.response.headers["x-should-retry"] == "false"
    assert err.response.headers["x-banana-backend"] == "vertex"


def test_503_after_the_gateways_retries_is_an_internal_server_error(oai: openai.OpenAI,
                                                                    emu: Any) -> None:
    emu.control.script("503", count=3)
    err = _error(oai, openai.InternalServerError)
    assert err.status_code == 503 and err.response.headers["x-banana-attempts"] == "3"


def test_parameters_are_checked_and_named(oai: openai.OpenAI) -> None:
    cases: list[tuple[dict[str, Any], str, type[openai.APIStatusError]]] = [
        ({"size": "1000x1000"}, "size", openai.BadRequestError),
        ({"quality": "ultra"}, "quality", openai.BadRequestError),
        ({"n": 11}, "n", openai.BadRequestError),
        ({"style": "vivid"}, "style", openai.BadRequestError),
        ({"background": "transparent"}, "background", openai.BadRequestError),
        ({"output_format": "webp"}, "output_format", openai.BadRequestError),
        ({"extra_body": {"guidance": 3}}, "guidance", openai.BadRequestError),
        ({"model": "dall-e-3"}, "model", openai.NotFoundError),
        ({"model": "gemini-3-pro-image"}, "model", openai.NotFoundError),
        ({"model": "vertex/imagen-4.0-generate-001"}, "model", openai.NotFoundError),
        ({"model": "nano-banana"}, "model", openai.BadRequestError),  # shut down on AI Studio
    ]
    for fields, param, exc in cases:
        err = _error(oai, exc, **fields)
        assert err.param == param, (fields, err.message)
        assert err.response.headers["x-banana-attempts"] == "0"
    err = _error(oai, openai.NotFoundError, model="gemini-3-pro-image")
    assert "aistudio/gemini-3-pro-image" in err.message and "nano-banana-pro-vertex" in err.message
    assert "Unknown parameter: 'guidance'" in _error(oai, openai.BadRequestError,
                                                     extra_body={"guidance": 3}).message


def test_keys(gw: Any) -> None:
    for key in ("", "wrong-key-0123456789"):
        client = openai.OpenAI(base_url=gw.base_url + "/v1", api_key=key or "x", max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            client.models.list()
    response = httpx.post(gw.base_url + "/v1/images/generations", json={"prompt": "x"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "missing_api_key"
    ok = openai.OpenAI(base_url=gw.base_url + "/v1", api_key=KEY_BOB, max_retries=0)
    names = {m.id for m in ok.models.list()}
    assert {"nano-banana-pro", "nano-banana-pro-vertex", "auto:quality",
            "vertex/gemini-nano-banana-2.1"} <= names
    model = ok.models.retrieve("vertex/gemini-nano-banana-2.1")
    assert model.owned_by == "google-vertex"
    assert model.model_extra["banana"]["google_model"] == "gemini-nano-banana-2.1"
    with pytest.raises(openai.NotFoundError):
        ok.models.retrieve("gemini-nano-banana-2.1")


def test_rate_and_budget_limits_per_key(gw: Any, emu: Any) -> None:
    settings = gw.gateway.settings
    limited = replace(settings.gateway, rpm=2, daily_budget_usd=0.30)
    handle = start(replace(settings, gateway=limited))
    try:
        alice = openai.OpenAI(base_url=handle.base_url + "/v1", api_key=KEY, max_retries=0)
        bob = openai.OpenAI(base_url=handle.base_url + "/v1", api_key=KEY_BOB, max_retries=0)
        alice.images.generate(model="nano-banana-pro", prompt="one")  # $0.139: 1120 tokens
        with pytest.raises(openai.RateLimitError) as caught:
            alice.images.generate(model="nano-banana-pro", prompt="two", n=2)
        assert caught.value.code == "rate_limit_exceeded"
        assert 0 < int(caught.value.response.headers["retry-after-ms"]) <= 60_000
        alice.images.generate(model="nano-banana-pro", prompt="two")
        bob.images.generate(model="nano-banana-pro", prompt="bob has his own minute")
        handle.gateway.limiter.rpm = None  # type: ignore[attr-defined]
        with pytest.raises(openai.RateLimitError) as caught:
            alice.images.generate(model="nano-banana-pro", prompt="three")
        assert caught.value.code == "budget_exceeded" and "$0.30" in caught.value.message
        assert caught.value.response.headers["x-should-retry"] == "false"
        spent = handle.gateway.limiter.spent_today("alice")  # type: ignore[attr-defined]
        assert spent == pytest.approx(2 * 0.1391, abs=0.002)
    finally:
        handle.stop()


def test_unknown_routes_and_bad_json(gw: Any) -> None:
    headers = {"authorization": f"Bearer {KEY}"}
    response = httpx.post(gw.base_url + "/v1/images/generations", content=b"{nope",
                          headers=headers)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"
    response = httpx.get(gw.base_url + "/v1/embeddings", headers=headers)
    assert response.status_code == 404 and "error" in response.json()
    assert response.headers["x-banana-backend"] == "none"


def test_the_sdk_does_not_repeat_paid_work_but_retries_429(gw: Any, emu: Any) -> None:
    """With the SDK's own retries on: a 200-without-image (400) is sent once; a 429 that
    outlasted the gateway's retries is retried by the SDK after retry-after-ms."""
    client = openai.OpenAI(base_url=gw.base_url + "/v1", api_key=KEY, max_retries=2)
    emu.control.script("image_safety", count=3)
    with pytest.raises(openai.BadRequestError):
        client.images.generate(model="nano-banana-pro", prompt="x")
    calls = [r for r in emu.control.requests() if "generateContent" in r["path"]]
    assert len(calls) == 1
    emu.control.reset()
    emu.control.script("429", platform="aistudio", count=3, retry_delay_s=0.05)
    raw = client.images.with_raw_response.generate(model="nano-banana-pro", prompt="x")
    assert raw.headers["x-banana-attempts"] == "1" and raw.retries_taken == 1
