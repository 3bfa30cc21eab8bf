"""The clients against the emulator over real loopback HTTP: timing truth, retries, fan-out,
statuses, sniffing, history and what goes on the wire."""

from __future__ import annotations

import time
from typing import Any

import pytest

from playground.clients.base import platform_for
from playground.clients.http import RetryPolicy, make_client
from playground.config import Settings, load_settings
from playground.domain.types import ImageRequest
from playground.generation.fanout import generate_many
from playground.generation.run import RunOptions, generate
from playground.history.store import HistoryStore

# Millisecond timing: run apart from the parallel part of the suite (scripts/test.sh).
pytestmark = pytest.mark.timing

TOLERANCE_S = 0.05  #: within 50 ms of the injected truth
REQ = ImageRequest(prompt="a red fox in snow", model="gemini-3-pro-image-preview",
                   aspect_ratio="16:9", image_size="1K")


@pytest.fixture
def settings(emu_env: dict[str, str]) -> Settings:
    return load_settings()


@pytest.fixture
def store(settings: Settings) -> HistoryStore:
    return HistoryStore(settings.data_dir)


def run(settings: Settings, store: HistoryStore | None, platform: str, req: ImageRequest = REQ,
        **kwargs: Any):  # type: ignore[no-untyped-def]
    """generate() stores nothing: like every caller, save the result when a store is given."""
    with make_client(settings) as client:
        result = generate(req, platform_for(platform, settings), client=client,
                          options=RunOptions(**kwargs))
    if store is not None:
        store.save(result)
    return result


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_success_facts_and_history(settings: Settings, store: HistoryStore, platform: str) -> None:
    result = run(settings, store, platform)
    assert result.status == "ok", result.error
    img = result.image
    assert img is not None
    assert (img.width, img.height) == (1376, 768) and not img.size_mismatch
    assert img.sniffed_mime == ("image/jpeg" if platform == "aistudio" else "image/png")
    assert img.declared_mime == img.sniffed_mime
    assert result.usage is not None and result.usage.image_output_tokens == 1120
    assert result.cost_usd is not None and result.cost_usd > 0.134
    assert result.request_bytes > 0 and result.response_bytes > img.size_bytes
    assert result.timing.ttfb_s is not None and result.timing.total_s is not None
    assert 0 < result.timing.ttfb_s <= result.timing.total_s
    assert img.data is not None and len(img.data) == img.size_bytes  # the bytes travel along
    saved = store.get(result.id or 0)
    assert saved is not None and saved.image is not None
    assert saved.image.sha256 == img.sha256
    assert len(store.original(saved.image)) == img.size_bytes


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_timing_truth_against_injected_delays(settings: Settings, emu: Any, platform: str) -> None:
    # Render once first: on a slow machine the first render of a 2K image alone can take longer
    # than the injected 0.4 s, and the emulator cannot answer before it has the image.
    assert run(settings, None, platform).ok
    emu.control.set_latency(ttfb_s=0.4, body_s=0.3)
    result = run(settings, None, platform)
    assert result.ok
    assert abs(result.timing.ttfb_s - 0.4) <= TOLERANCE_S, result.timing
    assert abs(result.timing.total_s - 0.7) <= TOLERANCE_S, result.timing


def test_fan_out_wall_time_is_the_slowest_not_the_sum(settings: Settings, emu: Any,
                                                       store: HistoryStore) -> None:
    emu.control.set_latency(ttfb_s=0.5, body_s=0.1)
    start = time.perf_counter()
    with make_client(settings) as client:
        results = generate_many(REQ, [platform_for(p, settings) for p in ("aistudio", "vertex")],
                                client=client, on_result=store.save)
    wall = time.perf_counter() - start
    assert all(r.ok for r in results.values())
    assert wall < 1.0, f"{wall:.2f} s: the two backends did not run concurrently"
    assert len({r.group_id for r in results.values()}) == 1
    assert {r.backend for r in store.latest_group()} == {"aistudio", "vertex"}


def test_retry_honours_retry_info(settings: Settings, emu: Any) -> None:
    emu.control.script("429", platform="aistudio", count=1, retry_delay_s=0.4)
    result = run(settings, None, "aistudio")
    assert result.ok and len(result.attempts) == 2
    first, second = result.attempts
    assert first.http_status == 429 and first.error_class == "429"
    assert first.retry_delay_s == pytest.approx(0.4)
    assert second.started_at - first.started_at >= 0.4
    assert second.http_status == 200


@pytest.mark.parametrize("fault", ["503", "500", "504", "502_html", "drop"])
def test_retryable_faults_are_retried(settings: Settings, emu: Any, fault: str) -> None:
    emu.control.script(fault, platform="vertex", count=1)
    result = run(settings, None, "vertex", policy=RetryPolicy(retries=2, base_delay_s=0.01))
    assert result.ok, result.error
    assert len(result.attempts) == 2 and result.attempts[0].error_class is not None


def test_retries_are_capped_and_every_attempt_recorded(settings: Settings, emu: Any,
                                                       store: HistoryStore) -> None:
    emu.control.script("503", platform="aistudio", count=5)
    result = run(settings, store, "aistudio", policy=RetryPolicy(retries=2, base_delay_s=0.01))
    assert result.status == "error" and len(result.attempts) == 3
    assert [a.http_status for a in result.attempts] == [503, 503, 503]
    assert result.error is not None and "overloaded" in result.error.hint
    assert store.get(result.id or 0).status == "error"  # type: ignore[union-attr]


def test_zero_quota_is_not_retried(settings: Settings, emu: Any) -> None:
    emu.control.script("429", platform="aistudio", count=3, zero_quota=True)
    result = run(settings, None, "aistudio", policy=RetryPolicy(retries=2, base_delay_s=0.01))
    assert len(result.attempts) == 1
    assert result.error is not None and "retrying will not help" in result.error.hint


def test_truncated_body_is_a_clear_error(settings: Settings, emu: Any) -> None:
    emu.control.script("truncated", platform="vertex", count=1)
    result = run(settings, None, "vertex")
    assert result.status == "error" and result.error is not None
    assert result.error.kind == "ResponseShapeError" and "ends early" in result.error.message


def test_mislabelled_image_is_sniffed(settings: Settings, emu: Any) -> None:
    emu.control.script("mislabelled_mime", platform="aistudio", count=1)
    result = run(settings, None, "aistudio")
    img = result.image
    assert img is not None
    assert img.declared_mime == "image/png" and img.sniffed_mime == "image/jpeg"
    assert any("declared image/png" in n for n in result.notes)


@pytest.mark.parametrize(("fault", "status"), [
    ("image_safety", "blocked"), ("image_prohibited_content", "blocked"),
    ("no_image", "no_image"), ("prompt_blocked", "blocked"),
])
def test_image_less_answers_are_results(settings: Settings, emu: Any, store: HistoryStore,
                                        fault: str, status: str) -> None:
    emu.control.script(fault, count=1)
    result = run(settings, store, "vertex")
    assert result.status == status and result.explanation and result.error is None
    assert not result.images
    assert store.get(result.id or 0).status == status  # type: ignore[union-attr]


def test_drafts_are_kept_apart(settings: Settings) -> None:
    result = run(settings, None, "vertex", REQ.with_(include_thoughts=True))
    assert result.ok and result.draft_images and len(result.final_images) == 1
    assert result.thought_texts


def test_raw_vertex_body_without_role_reproduces_the_400(settings: Settings) -> None:
    raw = {"contents": [{"parts": [{"text": "a fox"}]}],
           "generationConfig": {"responseModalities": ["TEXT", "IMAGE"]}}
    vertex_result = run(settings, None, "vertex", raw_body=raw)
    assert vertex_result.http_status == 400 and vertex_result.error is not None
    assert vertex_result.error.message == "Please use a valid role: user, model."
    assert "role" in vertex_result.error.hint and len(vertex_result.attempts) == 1
    assert run(settings, None, "aistudio", raw_body=raw).ok


def test_what_goes_on_the_wire(settings: Settings, emu: Any) -> None:
    req = REQ.with_(output_mime_type="image/jpeg", compression_quality=70,
                    person_generation="ALLOW_ADULT")
    ai = run(settings, None, "aistudio", req)
    vx = run(settings, None, "vertex", req)
    assert ai.ok and vx.ok
    log = {r["platform"]: r for r in emu.control.requests() if r.get("route") == "generateContent"}
    a, v = log["aistudio"], log["vertex"]
    assert a["path"] == "/v1beta/models/gemini-3-pro-image-preview:generateContent"
    assert "key" not in (a.get("query") or {})
    headers = {k.lower(): val for k, val in a["headers"].items()}
    assert "x-goog-api-key" in headers and "authorization" not in headers
    assert "imageOutputOptions" not in str(a["body"]) and "personGeneration" not in str(a["body"])
    assert v["path"] == ("/v1/projects/banana-test/locations/global/publishers/google/models/"
                         "gemini-3-pro-image-preview:generateContent")
    vh = {k.lower(): val for k, val in v["headers"].items()}
    assert vh["authorization"].startswith("Bearer") and "x-goog-api-key" not in vh
    image_config = v["body"]["generationConfig"]["imageConfig"]
    assert image_config["imageOutputOptions"] == {"mimeType": "image/jpeg", "compressionQuality": 70}
    assert all(c["role"] == "user" for c in v["body"]["contents"])
    assert vx.image is not None and vx.image.sniffed_mime == "image/jpeg"
    assert any("Vertex-only" in n for n in ai.notes)


def test_missing_credentials_is_an_error_result_before_io(emu: Any, tmp_path: Any) -> None:
    settings = load_settings(env={"HOME": str(tmp_path)})
    with make_client(settings) as client:
        result = generate(REQ, platform_for("aistudio", settings), client=client)
    assert result.status == "error" and result.error is not None
    assert result.error.kind == "ConfigError" and "GOOGLE_API_KEY" in result.error.message
    assert not result.attempts
