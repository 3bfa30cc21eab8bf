"""Request building as one case table run on both platforms."""

from __future__ import annotations

import json

import pytest

from playground.clients.base import WireRequest, platform_for
from playground.config import Secret, Settings, VertexSettings
from playground.domain.options import check_request
from playground.domain.types import ImageRequest

BASE_AI = "https://generativelanguage.googleapis.com"


def vertex_settings(location: str = "global", *, express: bool = False,
                    base_url: str | None = "https://aiplatform.googleapis.com") -> Settings:
    key = Secret("express-key-0001") if express else None
    return Settings(vertex=VertexSettings(project="p", location=location, base_url=base_url,
                                          credentials_file=None if express else "/dev/null",
                                          express_api_key=key))


def build(platform: str, req: ImageRequest) -> WireRequest:
    """Checked once, then built: what generate() does before sending."""
    target = platform_for(platform, Settings() if platform == "aistudio" else vertex_settings())
    return target.build(req, check_request(req, [platform]).for_platform(platform))


FULL = ImageRequest(
    prompt="a red fox in snow", model="gemini-3-pro-image-preview", aspect_ratio="16:9",
    image_size="2K", output_mime_type="image/jpeg", compression_quality=85,
    person_generation="ALLOW_ADULT", include_thoughts=True, seed=7,
)

# (case, request, expected imageConfig on AI Studio, expected imageConfig on Vertex)
CASES = [
    ("minimal", ImageRequest(prompt="x"), None, None),
    ("ratio+size", ImageRequest(prompt="x", aspect_ratio="16:9", image_size="2K"),
     {"aspectRatio": "16:9", "imageSize": "2K"}, {"aspectRatio": "16:9", "imageSize": "2K"}),
    ("all vertex knobs", FULL,
     {"aspectRatio": "16:9", "imageSize": "2K"},
     {"aspectRatio": "16:9", "imageSize": "2K", "personGeneration": "ALLOW_ADULT",
      "imageOutputOptions": {"mimeType": "image/jpeg", "compressionQuality": 85}}),
    ("png drops quality", ImageRequest(prompt="x", output_mime_type="image/png", compression_quality=40),
     None, {"imageOutputOptions": {"mimeType": "image/png"}}),
]


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
@pytest.mark.parametrize(("case", "req", "ai_cfg", "vx_cfg"), CASES, ids=[c[0] for c in CASES])
def test_image_config_per_platform(platform: str, case: str, req: ImageRequest,
                                   ai_cfg: dict | None, vx_cfg: dict | None) -> None:
    wire = build(platform, req)
    assert wire.body is not None
    expected = ai_cfg if platform == "aistudio" else vx_cfg
    assert wire.body["generationConfig"].get("imageConfig") == expected
    assert wire.body["generationConfig"]["responseModalities"] == ["TEXT", "IMAGE"]
    # Every content carries role "user" on both platforms (Vertex 400s without it, docs/wire-notes.md "Request body").
    assert wire.body["contents"] == [{"role": "user", "parts": [{"text": req.prompt}]}]
    # The body is plain JSON and never holds credentials.
    assert "key" not in json.dumps(wire.body).lower().replace("keys", "")


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_thinking_and_seed(platform: str) -> None:
    cfg = build(platform, FULL).body["generationConfig"]  # type: ignore[index]
    assert cfg["thinkingConfig"] == {"includeThoughts": True}
    assert cfg["seed"] == 7
    flash = build(platform, ImageRequest(prompt="x", model="gemini-3.1-flash-image",
                                         thinking_level="high")).body
    assert flash["generationConfig"]["thinkingConfig"] == {"thinkingLevel": "high"}  # type: ignore[index]
    nothink = build(platform, ImageRequest(prompt="x", model="gemini-2.5-flash-image",
                                           include_thoughts=True)).body
    assert "thinkingConfig" not in nothink["generationConfig"]  # type: ignore[index]


def test_aistudio_url_and_notes() -> None:
    wire = build("aistudio", FULL)
    assert wire.url == f"{BASE_AI}/v1beta/models/gemini-3-pro-image-preview:generateContent"
    assert "key=" not in wire.url
    assert any("Vertex-only" in n and "JPEG" in n for n in wire.notes)
    assert any("Person generation" in n for n in wire.notes)


@pytest.mark.parametrize(("location", "express", "url"), [
    ("global", False, "https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/google/models/m:generateContent"),
    ("us-central1", False, "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/m:generateContent"),
    ("eu", False, "https://aiplatform.eu.rep.googleapis.com/v1/projects/p/locations/eu/publishers/google/models/m:generateContent"),
    ("global", True, "https://aiplatform.googleapis.com/v1/publishers/google/models/m:generateContent"),
])
def test_vertex_url_by_location(location: str, express: bool, url: str) -> None:
    target = platform_for("vertex", vertex_settings(location, express=express, base_url=None))
    assert target.build(ImageRequest(prompt="x", model="m"), ()).url == url


def test_vertex_has_no_dropped_option_notes() -> None:
    assert build("vertex", FULL).notes == ()


def test_raw_request_is_sent_as_written() -> None:
    body = {"contents": [{"parts": [{"text": "no role here"}]}]}
    target = platform_for("vertex", vertex_settings(base_url="http://h"))
    wire = target.build_raw(body, "gemini-3-pro-image")
    assert wire.body == body
    assert json.loads(wire.content()) == body
