"""Edits that visibly derive from the input image (docs/emulator.md "Edits")."""

from __future__ import annotations

import base64
import hashlib
import io

import numpy as np
import pytest
from PIL import Image

from playground.domain.catalog import MODELS
from playground.domain.imaging import open_image, read_dimensions, sniff_format
from playground.emulator.edit import EditSource, label_for, render_edit, tint_for
from playground.emulator.render import ImageJob, RenderCache
from tests.emulator.helpers import (
    AI,
    FLASH,
    PRO,
    AsgiClient,
    aistudio_path,
    body,
    final_image,
    image_parts,
    picture,
    vertex_path,
)


def luma(data: bytes, size: tuple[int, int] = (48, 48)) -> np.ndarray:
    image = open_image(data).convert("L").resize(size, Image.Resampling.BOX)
    return np.asarray(image, dtype=np.float64).ravel()


def correlation(a: bytes, b: bytes) -> float:
    return float(np.corrcoef(luma(a), luma(b))[0, 1])


def mean_rgb(data: bytes) -> np.ndarray:
    return np.asarray(open_image(data).convert("RGB"), dtype=np.float64).mean(axis=(0, 1))


def _inline(data: bytes) -> dict:
    return {"inlineData": {"mimeType": sniff_format(data),
                           "data": base64.b64encode(data).decode()}}


def _edit(client: AsgiClient, headers: dict, path: str, instruction: str, *images: bytes,
          **image_config: str) -> bytes:
    request = {"contents": [{"role": "user", "parts": [{"text": instruction},
                                                       *[_inline(i) for i in images]]}]}
    if image_config:
        request["generationConfig"] = {"imageConfig": image_config}
    response = client.post(path, json=request, headers=headers)
    assert response.status_code == 200, response.text
    return final_image(response.json())[1]


PHOTO = picture(1024, 1024, "png", seed=11)
OTHER = picture(1024, 1024, "png", seed=12)


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_an_edit_is_the_input_transformed_by_the_instruction(in_process, vx, platform) -> None:
    path, headers = (aistudio_path(FLASH), AI) if platform == "aistudio" \
        else (vertex_path(FLASH), vx)
    night = _edit(in_process, headers, path, "make it night", PHOTO)
    snow = _edit(in_process, headers, path, "add snow", PHOTO)
    assert read_dimensions(night) == (1024, 1024)
    assert correlation(night, PHOTO) > 0.8 and correlation(snow, PHOTO) > 0.8
    assert correlation(night, OTHER) < 0.5
    unrelated = final_image(in_process.post(path, json=body("make it night"),
                                            headers=headers).json())[1]
    assert correlation(night, unrelated) < 0.5  # not the text-only landscape
    assert night != snow
    cast = mean_rgb(night) - mean_rgb(snow)
    assert np.abs(cast).max() > 8  # a different colour cast per instruction
    assert _edit(in_process, headers, path, "make it night", PHOTO) == night  # deterministic


def test_both_platforms_draw_the_same_edit(in_process, vx) -> None:
    jpeg = _edit(in_process, AI, aistudio_path(FLASH), "make it night", PHOTO)
    png = _edit(in_process, vx, vertex_path(FLASH), "make it night", PHOTO)
    diff = np.abs(np.asarray(open_image(jpeg), np.int16) - np.asarray(open_image(png), np.int16))
    assert diff.mean() < 3  # only the encoding differs (JPEG q95 vs PNG)


def test_the_output_has_the_requested_size(in_process) -> None:
    wide = picture(1376, 768, "jpeg", seed=5)
    out = _edit(in_process, AI, aistudio_path(PRO), "regenerate at 2K", wide, imageSize="2K")
    assert read_dimensions(out) == MODELS[PRO].dimensions[("16:9", "2K")]  # ratio from the input
    assert correlation(out, wide) > 0.8
    square = _edit(in_process, AI, aistudio_path(PRO), "square crop", wide, aspectRatio="1:1")
    assert read_dimensions(square) == MODELS[PRO].dimensions[("1:1", "1K")]


def test_the_last_image_is_the_source(in_process) -> None:
    out = _edit(in_process, AI, aistudio_path(FLASH), "combine them", OTHER, PHOTO)
    assert correlation(out, PHOTO) > 0.8 and correlation(out, OTHER) < 0.5


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_a_thread_builds_on_the_model_image_it_replays(in_process, vx, platform) -> None:
    path, headers = (aistudio_path(FLASH), AI) if platform == "aistudio" \
        else (vertex_path(FLASH), vx)
    contents = [{"role": "user", "parts": [{"text": "a harbour at dusk"}]}]
    turns = []
    for instruction in ("make it night", "add snow", "a red kite"):
        response = in_process.post(path, json={"contents": contents}, headers=headers)
        assert response.status_code == 200, response.text
        turns.append(final_image(response.json())[1])
        contents += [{"role": "model", "parts": image_parts(response.json())},
                     {"role": "user", "parts": [{"text": instruction}]}]
    first, second, third = turns
    assert correlation(second, first) > 0.8 and correlation(third, second) > 0.8
    unrelated = final_image(in_process.post(path, json=body("a lighthouse"),
                                            headers=headers).json())[1]
    assert correlation(second, first) > correlation(second, unrelated) + 0.3
    assert len({first, second, third}) == 3


def test_drafts_of_an_edit_derive_from_it_too(in_process) -> None:
    request = {"contents": [{"role": "user", "parts": [{"text": "make it night"},
                                                       _inline(PHOTO)]}],
               "generationConfig": {"thinkingConfig": {"includeThoughts": True}}}
    payload = in_process.post(aistudio_path(PRO), json=request, headers=AI).json()
    drafts = [base64.b64decode(p["inlineData"]["data"]) for p in image_parts(payload)
              if p.get("thought")]
    assert len(drafts) == 2 and drafts[-1] == final_image(payload)[1]
    assert correlation(drafts[0], PHOTO) > 0.8 and drafts[0] != drafts[1]


def test_seed_moves_the_frame_but_keeps_the_cast(in_process) -> None:
    def edit(seed: int) -> bytes:
        request = {"contents": [{"role": "user", "parts": [{"text": "make it night"},
                                                           _inline(PHOTO)]}],
                   "generationConfig": {"seed": seed}}
        return final_image(in_process.post(aistudio_path(FLASH), json=request,
                                           headers=AI).json())[1]

    one, two = edit(1), edit(2)
    assert one != two and edit(1) == one
    assert np.abs(mean_rgb(one) - mean_rgb(two)).max() < 4


def test_an_undecodable_source_is_an_image_of_unknown_content(in_process) -> None:
    truncated = picture(256, 256, "jpeg")[:400]
    first = _edit(in_process, AI, aistudio_path(FLASH), "make it night", truncated)
    again = _edit(in_process, AI, aistudio_path(FLASH), "make it night", truncated)
    assert first == again and read_dimensions(first) == (1024, 1024)


# --- the renderer itself -----------------------------------------------------------------------


def _source(data: bytes, instruction: str) -> EditSource:
    return EditSource(hashlib.sha256(data).hexdigest(), instruction, None, "", data)


def test_label_and_tint_come_from_the_instruction() -> None:
    assert label_for("make it night") == "make it night"
    assert label_for("one two three four five six seven") == "one two three four five six…"
    assert label_for("x" * 80).endswith("…") and len(label_for("x" * 80)) <= 48
    assert tint_for("make it night") == tint_for("  make it night ")
    assert tint_for("make it night") != tint_for("add snow")
    plain = render_edit(256, 256, _source(PHOTO, ""))
    labelled = render_edit(256, 256, _source(PHOTO, "x"))
    assert (plain[:12, :12] != labelled[:12, :12]).any()  # the label's box, top left


def test_the_cache_keys_an_edit_by_digest_and_keeps_no_input_bytes() -> None:
    cache = RenderCache(10**8)
    job = ImageJob(FLASH, 0, 256, 256, "image/png", edit=_source(PHOTO, "make it night"))
    first = cache.get(job)
    assert cache.get(job) is first and cache.stats()["hits"] == 1
    (kept,) = cache._entries
    assert kept.edit is not None and kept.edit.data == b"" and kept == job
    other = ImageJob(FLASH, 0, 256, 256, "image/png", edit=_source(PHOTO, "add snow"))
    assert cache.get(other) != first


def test_a_large_source_is_decoded_at_the_output_size() -> None:
    big = io.BytesIO()
    Image.fromarray(np.asarray(open_image(PHOTO).resize((4096, 4096)))).save(big, "JPEG")
    pixels = render_edit(512, 512, _source(big.getvalue(), "shrink"))
    assert pixels.shape == (512, 512, 3)
    assert np.corrcoef(luma(big.getvalue()), luma(_png(pixels)))[0, 1] > 0.8


def _png(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()
