"""The gateway's mapping tables as case tables: names, sizes, quality, formats, parameters,
Imagen payloads, links and limits. README "Use it from any OpenAI client" prints the same."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from playground.config import GatewaySettings, Secret, parse_gateway_keys
from playground.domain.catalog import MODELS
from playground.domain.errors import ConfigError
from playground.gateway.errors import GatewayError
from playground.gateway.imagen import translate
from playground.gateway.limits import KeyLimits, authenticate
from playground.gateway.links import Links
from playground.gateway.models import ALIASES, resolve
from playground.gateway.params import ImageParams, map_output, map_size, read_params

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize(("name", "platform", "model", "priority"), [
    ("nano-banana-pro", "aistudio", "gemini-3-pro-image", None),
    ("nano-banana-pro-vertex", "vertex", "gemini-3-pro-image", None),
    ("nano-banana-pro-preview", "aistudio", "gemini-3-pro-image-preview", None),
    ("nano-banana-2.1", "aistudio", "gemini-nano-banana-2.1", None),
    ("nano-banana-2.1-vertex", "vertex", "gemini-nano-banana-2.1", None),
    ("nano-banana-2", "aistudio", "gemini-3.1-flash-image", None),
    ("nano-banana-2-lite-vertex", "vertex", "gemini-3.1-flash-lite-image", None),
    ("nano-banana-vertex", "vertex", "gemini-2.5-flash-image", None),
    ("aistudio/gemini-3-pro-image-preview", "aistudio", "gemini-3-pro-image-preview", None),
    ("vertex/gemini-nano-banana-2.1", "vertex", "gemini-nano-banana-2.1", None),
    ("auto", None, "gemini-3-pro-image", "speed"),
    ("auto:cost", None, "gemini-3-pro-image", "cost"),
    ("auto:quality:nano-banana-2.1", None, "gemini-nano-banana-2.1", "quality"),
    ("auto:speed:gemini-3.1-flash-image", None, "gemini-3.1-flash-image", "speed"),
])
def test_model_names(name: str, platform: str | None, model: str, priority: str | None) -> None:
    target = resolve(name)
    assert (target.platform, target.model, target.priority) == (platform, model, priority)


@pytest.mark.parametrize("name", ["gemini-3-pro-image", "dall-e-3", "auto:fast",
                                  "auto:cost:nano-banana-pro-vertex", "google/gemini"])
def test_model_names_refused(name: str) -> None:
    with pytest.raises(GatewayError) as caught:
        resolve(name)
    assert caught.value.status == 404 and caught.value.param == "model"


def test_every_alias_is_in_the_readme_table() -> None:
    text = README.read_text()
    for alias, (platform, model) in ALIASES.items():
        row = re.search(rf"^\| `{re.escape(alias)}` \| ([^|]+) \| `{re.escape(model)}` \|", text,
                        re.MULTILINE)
        assert row, f"README lacks the row for {alias}"
        assert {"aistudio": "AI Studio", "vertex": "Vertex AI"}[platform] in row.group(1)


SIZE_CASES: list[tuple[str, str | None, str | None, str | None, str | None, str, tuple[int, int]]] = [
    # model, size, quality → aspectRatio, imageSize sent, tier made, pixels
    ("gemini-3-pro-image", "1024x1024", "hd", "1:1", "1K", "1K", (1024, 1024)),
    ("gemini-3-pro-image", "2048x2048", None, "1:1", "2K", "2K", (2048, 2048)),
    ("gemini-3-pro-image", "4096x4096", "low", "1:1", "4K", "4K", (4096, 4096)),
    ("gemini-3-pro-image", "1376x768", None, "16:9", "1K", "1K", (1376, 768)),
    ("gemini-3-pro-image", "5504x3072", None, "16:9", "4K", "4K", (5504, 3072)),
    ("gemini-3-pro-image", "848x1264", None, "2:3", "1K", "1K", (848, 1264)),
    ("gemini-3-pro-image", "1792x1024", None, "16:9", "1K", "1K", (1376, 768)),
    ("gemini-3-pro-image", "1024x1792", None, "9:16", "1K", "1K", (768, 1376)),
    ("gemini-3-pro-image", "1536x1024", None, "3:2", "1K", "1K", (1264, 848)),
    ("gemini-3-pro-image", "1024x1536", None, "2:3", "1K", "1K", (848, 1264)),
    ("gemini-3-pro-image", "256x256", None, "1:1", "1K", "1K", (1024, 1024)),
    ("gemini-3-pro-image", "21:9", "high", "21:9", "4K", "4K", (6336, 2688)),
    ("gemini-3-pro-image", "2K", None, None, "2K", "2K", (2048, 2048)),
    ("gemini-3-pro-image", "auto", "medium", None, "2K", "2K", (2048, 2048)),
    ("gemini-3-pro-image", None, "standard", None, "1K", "1K", (1024, 1024)),
    ("gemini-3-pro-image", None, None, None, None, "1K", (1024, 1024)),
    ("gemini-3.1-flash-image", "512x512", None, "1:1", "512", "512", (512, 512)),
    ("gemini-3.1-flash-image", "1:8", "hd", "1:8", "2K", "2K", (768, 6144)),
    ("gemini-2.5-flash-image", "1344x768", None, "16:9", None, "1K", (1344, 768)),
    ("gemini-2.5-flash-image", "1792x1024", None, "16:9", None, "1K", (1344, 768)),
    ("gemini-3.1-flash-lite-image", None, "high", None, None, "1K", (1024, 1024)),
]


@pytest.mark.parametrize(("model", "size", "quality", "ratio", "sent", "tier", "pixels"),
                         SIZE_CASES)
def test_size_and_quality(model: str, size: str | None, quality: str | None, ratio: str | None,
                          sent: str | None, tier: str, pixels: tuple[int, int]) -> None:
    mapped = map_size(size, quality, MODELS[model])
    assert (mapped.aspect_ratio, mapped.image_size, mapped.tier) == (ratio, sent, tier)
    assert mapped.expected(MODELS[model]) == pixels
    if size in ("1792x1024", "1024x1792", "1536x1024", "1024x1536", "256x256"):
        assert any("OpenAI size" in n and f"{pixels[0]}x{pixels[1]}" in n for n in mapped.notes)


@pytest.mark.parametrize(("model", "size"), [
    ("gemini-3-pro-image", "1000x1000"), ("gemini-3-pro-image", "512x512x2"),
    ("gemini-3-pro-image", "512"), ("gemini-3-pro-image", "1:8"),
    ("gemini-nano-banana-2.1", "512"), ("gemini-2.5-flash-image", "2K"),
    ("gemini-3-pro-image", "huge"),
])
def test_sizes_refused_list_the_valid_ones(model: str, size: str) -> None:
    with pytest.raises(GatewayError) as caught:
        map_size(size, None, MODELS[model])
    assert caught.value.param == "size" and "1024x1024" in caught.value.message


@pytest.mark.parametrize(("platform", "fmt", "compression", "mime", "quality", "refused"), [
    ("vertex", "png", None, "image/png", None, None),
    ("vertex", "jpeg", 70, "image/jpeg", 70, None),
    ("vertex", "png", 70, "image/png", None, None),  # with a note: JPEG only
    ("aistudio", "jpeg", None, None, None, None),  # AI Studio's own format for Pro: a note
    ("aistudio", "png", None, None, None, "output_format"),
    ("aistudio", None, 80, None, None, "output_compression"),
])
def test_output_format(platform: str, fmt: str | None, compression: int | None,
                       mime: str | None, quality: int | None, refused: str | None) -> None:
    params = ImageParams(prompt="x", model="m", output_format=fmt, output_compression=compression)
    info = MODELS["gemini-3-pro-image"]
    if refused:
        with pytest.raises(GatewayError) as caught:
            map_output(params, platform, info, "nano-banana-pro")
        assert caught.value.param == refused and "nano-banana-pro-vertex" in caught.value.message
        return
    got_mime, got_quality, notes = map_output(params, platform, info, "nano-banana-pro")
    assert (got_mime, got_quality) == (mime, quality)
    if fmt and (platform == "aistudio" or (compression and fmt == "png")):
        assert notes


@pytest.mark.parametrize(("body", "param"), [
    ({"model": "m"}, "prompt"), ({"prompt": "x", "n": 0}, "n"), ({"prompt": "x", "n": True}, "n"),
    ({"prompt": "x", "response_format": "file"}, "response_format"),
    ({"prompt": "x", "stream": True}, "stream"), ({"prompt": "x", "partial_images": 2},
                                                  "partial_images"),
    ({"prompt": "x", "moderation": "low"}, "moderation"), ({"prompt": "x", "svg": {}}, "svg"),
    ({"prompt": "x", "output_compression": 101}, "output_compression"),
    ({"prompt": "x", "whatever": 1}, "whatever"),
])
def test_parameters_refused(body: dict[str, Any], param: str) -> None:
    with pytest.raises(GatewayError) as caught:
        read_params(body)
    assert caught.value.param == param and caught.value.status == 400


def test_form_fields_arrive_as_strings() -> None:
    params = read_params({"prompt": "x", "n": "2", "output_compression": "80", "stream": "false"})
    assert (params.n, params.output_compression) == (2, 80)


def test_imagen_payload_translation() -> None:
    payload = {"instances": [{"prompt": "a cat"}, {"prompt": "a dog"}],
               "parameters": {"sampleCount": 2, "aspectRatio": "16:9",
                              "outputOptions": {"mimeType": "image/jpeg",
                                                "compressionQuality": 85},
                              "negativePrompt": "blur", "seed": 7, "addWatermark": False,
                              "personGeneration": "allow_adult", "sampleImageSize": "2K",
                              "enhancePrompt": True},
               "labels": {"team": "x"}}
    out = translate(payload, "imagen-3.0-fast-generate-001", "gemini-2.5-flash-image")
    assert [r.prompt for r in out.requests] == ["a cat", "a cat", "a dog", "a dog"]
    first = out.requests[0]
    assert (first.model, first.aspect_ratio, first.image_size) == ("gemini-2.5-flash-image",
                                                                   "16:9", None)
    assert (first.output_mime_type, first.compression_quality, first.seed,
            first.person_generation) == ("image/jpeg", 85, 7, "ALLOW_ADULT")
    text = " ".join(out.notes)
    for name in ("negativePrompt", "addWatermark", "enhancePrompt", "sampleImageSize", "labels"):
        assert name in text
    assert "2026-06-30" in out.notice and "gemini-2.5-flash-image" in out.notice
    wider = translate({"instances": [{"prompt": "x"}], "parameters": {"sampleImageSize": "2K"}},
                      "imagen-4.0-generate-001", "gemini-nano-banana-2.1")
    assert wider.requests[0].image_size == "2K" and any("sampleCount" in n for n in wider.notes)
    for bad in ({"instances": []}, {"instances": [{"image": {}}]},
                {"instances": [{"prompt": "x"}], "parameters": {"sampleCount": 9}}):
        with pytest.raises(GatewayError):
            translate(bad, "imagen", "gemini-2.5-flash-image")


def test_links_sign_and_expire() -> None:
    links = Links(ttl_s=60, key=b"k" * 32)
    token, expires = links.token("a" * 64, "image/png", now=1000.0)
    assert expires == 1060 and links.check(token, now=1059).mime == "image/png"
    with pytest.raises(GatewayError) as caught:
        links.check(token, now=1061)
    assert caught.value.status == 410
    for forged in (token.replace("png", "jpg"), token[:-2] + "xx", "../../etc/passwd"):
        with pytest.raises(GatewayError):
            links.check(forged, now=1000)
    assert Links(60, key=b"z" * 32).token("a" * 64, "image/png", now=1000)[0] != token


def test_keys_and_limits() -> None:
    keys = parse_gateway_keys("alice:" + "a" * 20 + ", " + "b" * 20)
    assert [name for name, _ in keys] == ["alice", "key-2"]
    assert authenticate("Bearer " + "b" * 20, keys) == "key-2"
    for header in (None, "Bearer", "Basic " + "a" * 20, "Bearer " + "c" * 20):
        with pytest.raises(GatewayError) as caught:
            authenticate(header, keys)
        assert caught.value.status == 401
    for spec in ("alice:short", "a:" + "x" * 20 + ",a:" + "y" * 20):
        with pytest.raises(ConfigError):
            parse_gateway_keys(spec)
    now = [86_400.0 * 20_000 + 3600]
    limits = KeyLimits(GatewaySettings(keys=((("k", Secret("x" * 20))),), rpm=3,
                                       daily_budget_usd=1.0), clock=lambda: now[0])
    admission = limits.admit("k", 2, 0.4)
    limits.settle(admission, 0.2)
    assert limits.spent_today("k") == pytest.approx(0.2)
    with pytest.raises(GatewayError) as caught:
        limits.admit("k", 2, 0.1)
    assert caught.value.status == 429 and caught.value.code == "rate_limit_exceeded"
    now[0] += 61
    with pytest.raises(GatewayError) as caught:
        limits.admit("k", 1, 0.9)
    assert caught.value.code == "budget_exceeded" and caught.value.retry is False
    now[0] += 86_400  # a new UTC day
    limits.admit("k", 1, 0.9)


def test_gateway_settings_from_the_environment() -> None:
    from playground.config import load_settings

    key = "k" * 24
    settings = load_settings(env={"PLAYGROUND_GATEWAY_KEYS": f"alice:{key}",
                                  "PLAYGROUND_GATEWAY_RPM": "0",
                                  "PLAYGROUND_GATEWAY_DAILY_BUDGET_USD": "2.5",
                                  "PLAYGROUND_GATEWAY_URL_TTL_S": "60",
                                  "PLAYGROUND_GATEWAY_IMAGEN_TARGET": "gemini-nano-banana-2.1"})
    gateway = settings.gateway
    assert (gateway.rpm, gateway.daily_budget_usd, gateway.url_ttl_s, gateway.imagen_target) == (
        None, 2.5, 60.0, "gemini-nano-banana-2.1")
    assert key in settings.secrets() and key not in repr(gateway)
    defaults = load_settings(env={}).gateway
    assert (defaults.keys, defaults.rpm, defaults.daily_budget_usd) == ((), 60, None)


@pytest.mark.parametrize(("name", "value"), [
    ("PLAYGROUND_GATEWAY_RPM", "-1"), ("PLAYGROUND_GATEWAY_RPM", "1.5"),
    ("PLAYGROUND_GATEWAY_RPM", "1e9"), ("PLAYGROUND_GATEWAY_DAILY_BUDGET_USD", "nan"),
    ("PLAYGROUND_GATEWAY_DAILY_BUDGET_USD", "-2"), ("PLAYGROUND_GATEWAY_URL_TTL_S", "inf"),
    ("PLAYGROUND_GATEWAY_URL_TTL_S", "0"), ("PLAYGROUND_GATEWAY_URL_TTL_S", "soon"),
])
def test_gateway_numbers_are_checked_at_the_edge(name: str, value: str) -> None:
    from playground.config import load_settings

    with pytest.raises(ConfigError) as caught:
        load_settings(env={name: value})
    assert name in str(caught.value)
