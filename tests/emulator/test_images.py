"""Image bytes: exact catalogue dimensions, real formats per platform, determinism, metadata (docs/wire-notes.md "Dimensions", "Formats and metadata")."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from playground.domain.catalog import MODELS, gemini_models
from playground.domain.imaging import metadata_segments, open_image, read_dimensions, sniff_format
from playground.emulator import EmulatorConfig
from playground.emulator.lineup import GONE
from playground.emulator.render import ImageJob, encode_png, render_image
from playground.emulator.scene import render_scene
from tests.emulator.helpers import (
    AI,
    FLASH,
    FLASH25,
    PRO,
    AsgiClient,
    aistudio_path,
    asgi,
    body,
    final_image,
    vertex_path,
)

GEMINI = [m for m in gemini_models(include_retired=False) if m.family == "gemini"]
SMALL_SIZES = ("512", "1K")


def _cases() -> list[tuple[str, str, str]]:
    return [(m.id, ratio, size) for m in GEMINI for ratio in m.ratios for size in m.sizes
            if size in SMALL_SIZES]


def _generate(client: AsgiClient, platform: str, headers: dict[str, str], model: str,
              ratio: str, size: str, **image_config: object) -> tuple[str, bytes]:
    request = body("dimension check", imageConfig={"aspectRatio": ratio, "imageSize": size,
                                                    **image_config})
    path = aistudio_path(model) if platform == "aistudio" else vertex_path(model)
    response = client.post(path, json=request, headers=headers)
    assert response.status_code == 200, response.text
    return final_image(response.json())


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_every_model_ratio_and_small_size_has_catalogue_dimensions(in_process: AsgiClient, vx,
                                                                    summer: AsgiClient,
                                                                    platform: str) -> None:
    headers = AI if platform == "aistudio" else vx
    cases = _cases()
    assert len(cases) > 90
    for model, ratio, size in cases:
        served_now = MODELS[model].state_on(platform) not in GONE  # else: as of the summer
        client = in_process if served_now else summer
        declared, data = _generate(client, platform, headers, model, ratio, size)
        assert read_dimensions(data) == MODELS[model].dimensions[(ratio, size)], (model, ratio, size)
        expected = MODELS[model].default_mime[platform]
        assert sniff_format(data) == expected == declared, (platform, model)


@pytest.mark.parametrize(("platform", "model", "ratio", "size"), [
    ("aistudio", PRO, "16:9", "4K"), ("vertex", FLASH, "8:1", "4K"), ("vertex", PRO, "2:3", "2K"),
])
def test_large_sizes_have_catalogue_dimensions(in_process: AsgiClient, vx, platform, model,
                                               ratio, size) -> None:
    headers = AI if platform == "aistudio" else vx
    declared, data = _generate(in_process, platform, headers, model, ratio, size)
    assert read_dimensions(data) == MODELS[model].dimensions[(ratio, size)]
    assert sniff_format(data) == declared == MODELS[model].default_mime[platform]
    if size == "4K" and declared == "image/png":
        assert 8_000_000 < len(data) < 30_000_000  # photo-like, not flat colour


def test_same_request_gives_same_bytes_and_same_scene_across_platforms(in_process: AsgiClient,
                                                                       vx) -> None:
    first = _generate(in_process, "vertex", vx, FLASH, "1:1", "1K")
    assert _generate(in_process, "vertex", vx, FLASH, "1:1", "1K") == first
    fresh = asgi(EmulatorConfig(accept_unknown_tokens=True))  # empty cache: renders again
    assert _generate(fresh, "vertex", vx, FLASH, "1:1", "1K") == first
    _, jpeg = _generate(in_process, "aistudio", AI, FLASH, "1:1", "1K")
    png_pixels = np.asarray(open_image(first[1]), dtype=np.int16)
    jpeg_pixels = np.asarray(open_image(jpeg), dtype=np.int16)
    assert np.abs(png_pixels - jpeg_pixels).mean() < 4  # only the encoding differs


def test_different_prompts_or_seeds_give_different_images(in_process: AsgiClient) -> None:
    def image(prompt: str, seed: int | None = None) -> bytes:
        config = {"seed": seed} if seed is not None else {}
        response = in_process.post(aistudio_path(FLASH), headers=AI, json=body(prompt, **config))
        return final_image(response.json())[1]

    assert image("a") != image("b")
    assert image("a", seed=1) != image("a", seed=2)
    assert image("a", seed=1) == image("a", seed=1)


def test_compression_quality_orders_jpeg_sizes(in_process: AsgiClient, vx) -> None:
    def size_at(quality: int) -> int:
        _, data = _generate(in_process, "vertex", vx, PRO, "1:1", "1K",
                            imageOutputOptions={"mimeType": "image/jpeg",
                                                "compressionQuality": quality})
        assert sniff_format(data) == "image/jpeg"
        return len(data)

    assert size_at(50) < size_at(90)


def test_vertex_jpeg_without_quality_uses_75(in_process: AsgiClient, vx) -> None:
    _, default = _generate(in_process, "vertex", vx, PRO, "1:1", "1K",
                           imageOutputOptions={"mimeType": "image/jpeg"})
    _, explicit = _generate(in_process, "vertex", vx, PRO, "1:1", "1K",
                            imageOutputOptions={"mimeType": "image/jpeg", "compressionQuality": 75})
    assert default == explicit


def test_aistudio_jpeg_carries_jfif_300dpi_and_c2pa_app11(in_process: AsgiClient) -> None:
    _, data = _generate(in_process, "aistudio", AI, PRO, "1:1", "1K")
    assert data[:4] == b"\xff\xd8\xff\xe0" and data[6:11] == b"JFIF\x00"
    assert data[13:18] == b"\x01\x01\x2c\x01\x2c"  # units = dpi, 300 × 300
    labels = [(s.kind, s.label) for s in metadata_segments(data)]
    assert labels[:2] == [("APP0", "JFIF"), ("APP11", "C2PA/JUMBF")]
    app11 = data.index(b"\xff\xeb")
    assert data[app11 + 4:app11 + 12] == b"JP\x00\x01\x00\x00\x00\x01"
    assert data[app11 + 16:app11 + 20] == b"jumb"
    # the captured Pro JPEG's sizes: a 5,990-byte APP11 segment around a 5,980-byte JUMBF box
    assert int.from_bytes(data[app11 + 2:app11 + 4], "big") == 5990
    assert int.from_bytes(data[app11 + 12:app11 + 16], "big") == 5980


def test_vertex_png_carries_raw_exif_profile_and_optional_cabx(in_process: AsgiClient, vx) -> None:
    _, data = _generate(in_process, "vertex", vx, PRO, "1:1", "1K")
    assert [(s.kind, s.label) for s in metadata_segments(data)] == [
        ("zTXt", "Raw profile type exif")]
    with_cabx = asgi(EmulatorConfig(png_cabx=True, accept_unknown_tokens=True))
    _, data = _generate(with_cabx, "vertex", vx, PRO, "1:1", "1K")
    assert ("caBX", "C2PA/JUMBF") in [(s.kind, s.label) for s in metadata_segments(data)]
    plain = asgi(EmulatorConfig(metadata="none", accept_unknown_tokens=True))
    _, data = _generate(plain, "vertex", vx, PRO, "1:1", "1K")
    assert metadata_segments(data) == []


def test_flash25_is_png_on_aistudio(summer: AsgiClient) -> None:
    declared, data = _generate(summer, "aistudio", AI, FLASH25, "16:9", "1K")
    assert declared == sniff_format(data) == "image/png"
    assert read_dimensions(data) == (1344, 768)


def test_images_look_like_scenes_and_are_marked_emulated() -> None:
    job = ImageJob(PRO, 1234, 1376, 768, "image/png")
    pixels = np.asarray(open_image(render_image(job)), dtype=np.int16)
    assert pixels.std() > 20  # not flat colour
    assert np.abs(np.diff(pixels, axis=1)).mean() > 1  # grain / texture
    corner = pixels[-40:, -300:]
    assert (corner > 240).any() and (corner < 60).mean() > 0.3  # white text on a dark box


def test_png_writer_round_trips_exactly() -> None:
    frame = render_scene(333, 211, 7)
    decoded = Image.open(io.BytesIO(encode_png(frame)))
    assert decoded.mode == "RGB" and np.array_equal(np.asarray(decoded), frame)
    big = render_scene(1400, 1200, 8)  # large enough for the two-slice deflate
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(encode_png(big)))), big)


def test_draft_variant_differs_from_final() -> None:
    final = render_scene(512, 512, 99)
    draft = render_scene(512, 512, 99, variant=1)
    assert not np.array_equal(final, draft)
