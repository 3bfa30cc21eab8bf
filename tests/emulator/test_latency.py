"""Latency: injected delays are precise on a real socket; profiles sample what they claim (docs/wire-notes.md "Latency").

Timing asserts only against injected, known delays, with a stated tolerance.
"""

from __future__ import annotations

import math
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from playground.emulator import EmulatorConfig
from playground.emulator.latency import ARTICLE, MEASURED, LatencyModel
from playground.emulator.routing import ApiTarget
from tests.emulator.helpers import AI, FLASH, PRO, aistudio_path, body, parse_sse, vertex_path

# Millisecond timing: run apart from the parallel part of the suite (scripts/test.sh).
pytestmark = pytest.mark.timing

TOLERANCE_S = 0.05


def _timed(client: httpx.Client, path: str, headers: dict[str, str],
           request: dict | None = None) -> tuple[float, float, httpx.Response]:
    start = time.perf_counter()
    with client.stream("POST", path, json=request or body("timing"), headers=headers) as response:
        ttfb = time.perf_counter() - start
        response.read()
    return ttfb, time.perf_counter() - start, response


@pytest.fixture
def warm(emu, http, bearer):
    """Render the timing images once so the measured runs are cache hits."""
    http.post(aistudio_path(PRO), json=body("timing"), headers=AI)
    http.post(vertex_path(FLASH), json=body("timing"), headers=bearer)
    return emu


@pytest.mark.parametrize(("ttfb_s", "body_s"), [(0.3, 0.0), (0.2, 0.4)])
def test_injected_ttfb_and_total_are_precise(warm, http, ttfb_s, body_s) -> None:
    warm.control.set_latency(ttfb_s, body_s)
    ttfb, total, response = _timed(http, aistudio_path(PRO), AI)
    assert response.status_code == 200
    assert abs(ttfb - ttfb_s) < TOLERANCE_S
    assert abs(total - (ttfb_s + body_s)) < TOLERANCE_S


def test_injected_latency_applies_to_streams_and_errors(warm, http) -> None:
    warm.control.set_latency(0.25, 0.25)
    ttfb, total, response = _timed(http, aistudio_path(PRO, "streamGenerateContent") + "?alt=sse",
                                   AI)
    assert parse_sse(response.text)[-1]["candidates"][0]["finishReason"] == "STOP"
    assert abs(ttfb - 0.25) < TOLERANCE_S and abs(total - 0.5) < TOLERANCE_S
    warm.control.script("503")
    ttfb, total, response = _timed(http, aistudio_path(PRO), AI)
    assert response.status_code == 503 and abs(ttfb - 0.25) < TOLERANCE_S


def test_latency_per_platform_overrides_star(warm, http, bearer) -> None:
    warm.control.set_latency(0.05, 0.0)
    warm.control.set_latency(0.35, 0.0, platform="vertex")
    ai_ttfb, _, _ = _timed(http, aistudio_path(PRO), AI)
    vx_ttfb, _, _ = _timed(http, vertex_path(FLASH), bearer)
    assert abs(ai_ttfb - 0.05) < TOLERANCE_S and abs(vx_ttfb - 0.35) < TOLERANCE_S
    warm.control.clear_latency()
    assert _timed(http, aistudio_path(PRO), AI)[0] < 0.2


def test_eight_concurrent_requests_each_get_their_delay(warm) -> None:
    warm.control.set_latency(0.4, 0.3)
    clients = [httpx.Client(base_url=warm.base_url, timeout=30) for _ in range(8)]
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda c: _timed(c, aistudio_path(PRO), AI), clients))
    finally:
        for client in clients:
            client.close()
    for ttfb, total, response in results:
        assert response.status_code == 200
        assert abs(ttfb - 0.4) < TOLERANCE_S and abs(total - 0.7) < TOLERANCE_S


def test_profile_endpoint_round_trip(emu) -> None:
    assert emu.control.get_profile() == "instant"
    emu.control.set_profile("measured")
    assert emu.control.get_profile() == "measured"
    with pytest.raises(ValueError, match="Unknown latency profile"):
        emu.control.set_profile("slow")
    emu.control.reset()
    assert emu.control.get_profile() == "instant"


def test_time_scaled_measured_profile_delays_the_reply(emu, http) -> None:
    """`measured` × time_scale 0.001: Pro on AI Studio has p50 ≈ 20.75 s → ≈ 21 ms."""
    from playground.emulator import start_emulator

    with start_emulator(EmulatorConfig(latency_profile="measured", time_scale=0.001)) as handle, \
            httpx.Client(base_url=handle.base_url) as client:
        ttfbs = [_timed(client, aistudio_path(PRO), AI)[0] for _ in range(5)]
    assert 0.005 < statistics.median(ttfbs) < 0.2


def _target(platform: str, model: str) -> ApiTarget:
    mode = "key" if platform == "aistudio" else "project"
    return ApiTarget(platform, mode, "v1beta", model, "generateContent")  # type: ignore[arg-type]


@pytest.mark.parametrize(("platform", "model", "family"), [
    ("aistudio", PRO, "pro"), ("vertex", PRO, "pro"), ("vertex", FLASH, "flash"), ("aistudio", "gemini-nano-banana-2.1", "flash"),
    ("vertex", "gemini-2.5-flash-image", "flash25"),
])
def test_measured_profile_matches_p50_and_p95(platform, model, family) -> None:
    latency = LatencyModel(EmulatorConfig(latency_profile="measured", seed=7))
    samples = sorted(latency.timing(_target(platform, model), "1K", 0, generated=True).ttfb_s
                     for _ in range(4000))
    p50, p95 = MEASURED[(platform, family)]
    assert abs(samples[2000] / p50 - 1) < 0.05
    assert abs(samples[3800] / p95 - 1) < 0.08


def test_profiles_are_reproducible_with_a_seed() -> None:
    def draw(seed: int) -> list[float]:
        latency = LatencyModel(EmulatorConfig(latency_profile="measured", seed=seed))
        return [latency.timing(_target("vertex", PRO), "1K", 0, generated=True).ttfb_s
                for _ in range(5)]

    assert draw(1) == draw(1) != draw(2)


def test_article_profile_ranges_timeouts_and_body_time() -> None:
    config = EmulatorConfig(latency_profile="article", seed=3, time_scale=2.0)
    latency = LatencyModel(config)
    for size, (low, high) in ARTICLE["vertex"].items():
        timing = latency.timing(_target("vertex", PRO), size, 40_000_000, generated=True)
        assert low * 2 <= timing.ttfb_s <= high * 2
        assert math.isclose(timing.body_s, 2.0)  # 40 MB at 40 MB/s, × time_scale
    assert ARTICLE["aistudio"]["2K"] == (5.0, 9.5)
    timeouts = sum(latency.times_out(_target("vertex", PRO)) for _ in range(4000))
    assert 0.04 < timeouts / 4000 < 0.07
    assert not any(latency.times_out(_target("aistudio", PRO)) for _ in range(200))


def test_instant_profile_and_quick_errors() -> None:
    assert LatencyModel(EmulatorConfig()).timing(_target("vertex", PRO), "4K", 10**8,
                                                 generated=True).ttfb_s == 0
    quick = LatencyModel(EmulatorConfig(latency_profile="measured"))
    assert quick.timing(_target("vertex", PRO), "1K", 0, generated=False).ttfb_s == 0.15
