"""The official openai SDK against the gateway on loopback, backed by the emulator: images."""

from __future__ import annotations

import base64
import hashlib
import io
from typing import Any

import httpx
import openai
import pytest
from PIL import Image

from playground.domain.imaging import read_dimensions, sniff_format
from tests.gateway.conftest import ids


def png(width: int = 64, height: int = 48, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def _check_against_history(history: Any, row_id: int, data: bytes) -> Any:
    result = history.get(row_id)
    assert result is not None and result.ok and result.image is not None
    img = result.image
    assert hashlib.sha256(data).hexdigest() == img.sha256
    assert sniff_format(data) == img.sniffed_mime and len(data) == img.size_bytes
    assert read_dimensions(data) == (img.width, img.height)
    return result


@pytest.mark.parametrize(("model", "size", "quality", "ratio", "tier", "pixels", "mime"), [
    ("nano-banana-pro", "1024x1024", "hd", "1:1", "1K", (1024, 1024), "image/jpeg"),
    ("nano-banana-pro-vertex", "2752x1536", None, "16:9", "2K", (2752, 1536), "image/png"),
    ("nano-banana-pro", "1792x1024", None, "16:9", "1K", (1376, 768), "image/jpeg"),
    ("nano-banana-2.1", "9:16", "medium", "9:16", "2K", (1536, 2752), "image/jpeg"),
    ("nano-banana-2.1-vertex", "4K", None, None, "4K", (4096, 4096), "image/png"),
    ("vertex/gemini-2.5-flash-image", "1344x768", None, "16:9", None, (1344, 768), "image/png"),
    ("nano-banana-2-lite", "auto", "high", None, None, (1024, 1024), "image/jpeg"),
])
def test_generate_sizes_match_what_history_shows(oai: openai.OpenAI, history: Any, model: str,
                                                 size: str, quality: str | None,
                                                 ratio: str | None, tier: str | None,
                                                 pixels: tuple[int, int], mime: str) -> None:
    extra: dict[str, Any] = {"quality": quality} if quality else {}
    raw = oai.images.with_raw_response.generate(model=model, prompt="a red fox in snow",
                                                size=size, **extra)
    answer = raw.parse()
    (item,) = answer.data
    data = base64.b64decode(item.b64_json or "")
    assert read_dimensions(data) == pixels and sniff_format(data) == mime
    assert answer.size == f"{pixels[0]}x{pixels[1]}"
    assert answer.output_format == {"image/jpeg": "jpeg", "image/png": "png"}[mime]
    (row_id,) = ids(raw.headers)
    result = _check_against_history(history, row_id, data)
    assert (result.request.aspect_ratio, result.request.image_size) == (ratio, tier)
    assert raw.headers["x-banana-images"] == f"{mime} {len(data)} {pixels[0]}x{pixels[1]}"
    assert raw.headers["x-banana-backend"] == result.backend
    assert float(raw.headers["x-banana-cost-usd"]) == pytest.approx(result.cost_usd)
    assert any("OpenAI-compatible gateway" in n and "'alice'" in n for n in result.notes)
    assert answer.usage is not None and answer.usage.output_tokens


def test_n_is_n_calls_each_billed_and_recorded(oai: openai.OpenAI, history: Any, emu: Any) -> None:
    raw = oai.images.with_raw_response.generate(model="nano-banana-2.1", prompt="three pears",
                                                n=3, size="1024x1024")
    answer = raw.parse()
    assert len(answer.data) == 3
    rows = [history.get(i) for i in ids(raw.headers)]
    assert len(rows) == 3 and len({r.group_id for r in rows}) == 1 and rows[0].group_id
    assert all(r.ok and r.cost_usd for r in rows)
    total = float(raw.headers["x-banana-cost-usd"])
    assert total == pytest.approx(sum(r.cost_usd for r in rows))
    bodies = [r["body"] for r in emu.control.requests() if "generateContent" in r["path"]]
    assert len(bodies) == 3
    assert raw.headers["x-banana-attempts"] == "1,1,1"
    assert sorted(r.variant for r in rows) == [1, 2, 3]  # fan-out variants, one group


def test_url_answers_expire_and_serve_history_bytes(oai: openai.OpenAI, history: Any,
                                                    gw: Any) -> None:
    raw = oai.images.with_raw_response.generate(model="nano-banana-pro-vertex", prompt="a kite",
                                                response_format="url")
    (item,) = raw.parse().data
    assert item.b64_json is None and item.url and item.url.startswith(gw.base_url + "/v1/files/")
    fetched = httpx.get(item.url)  # no key: the signed link is the permission, as OpenAI's
    assert fetched.status_code == 200 and fetched.headers["content-type"] == "image/png"
    _check_against_history(history, ids(raw.headers)[0], fetched.content)
    tampered = item.url[:-3] + ("AAA" if not item.url.endswith("AAA") else "BBB")
    assert httpx.get(tampered).status_code == 404
    token = item.url.rsplit("/", 1)[1]
    sha, ext, expires, _ = token.split(".")
    late = gw.gateway.links.check(token, now=int(expires) - 1)
    assert late.sha256 == sha and ext == "png"
    with pytest.raises(Exception, match="expired"):
        gw.gateway.links.check(token, now=int(expires) + 1)


def test_edit_with_one_image(oai: openai.OpenAI, history: Any, emu: Any) -> None:
    source = png()
    answer = oai.images.with_raw_response.edit(model="nano-banana-pro", prompt="make it blue",
                                              image=("in.png", source, "image/png"))
    data = base64.b64decode(answer.parse().data[0].b64_json or "")
    _check_against_history(history, ids(answer.headers)[0], data)
    (sent,) = [r for r in emu.control.requests() if "generateContent" in r["path"]]
    (turn,) = sent["body"]["contents"]
    assert turn["role"] == "user"
    assert turn["parts"][0] == {"text": "make it blue"}
    # the emulator's log keeps each inline image as its byte count
    assert turn["parts"][1]["inlineData"] == {"mimeType": "image/png",
                                              "data": f"<{len(source)} bytes>"}
    row = history.get(ids(answer.headers)[0])
    # the shared input-image type: History keeps the input's facts and file, the body a label
    (kept,) = row.request.inputs
    assert (kept.sha256, kept.mime, kept.size_bytes, kept.width, kept.height, kept.name) == (
        hashlib.sha256(source).hexdigest(), "image/png", len(source), 64, 48, "in.png")
    assert history.input_bytes(kept) == source
    stored = row.request_json["contents"][0]["parts"][1]["inlineData"]["data"]
    assert stored.startswith("<image/png image, ") and kept.sha256[:12] in stored


def test_edit_with_several_images_on_vertex(oai: openai.OpenAI, history: Any, emu: Any) -> None:
    images = [png(color=c) for c in ("red", "green", "blue")]
    answer = oai.images.with_raw_response.edit(
        model="nano-banana-2.1-vertex", prompt="combine them", size="16:9",
        image=[(f"{n}.png", data, "image/png") for n, data in enumerate(images)])
    data = base64.b64decode(answer.parse().data[0].b64_json or "")
    result = _check_against_history(history, ids(answer.headers)[0], data)
    assert result.backend == "vertex" and (result.image.width, result.image.height) == (1376, 768)
    (sent,) = [r for r in emu.control.requests() if "generateContent" in r["path"]]
    parts = sent["body"]["contents"][0]["parts"]
    assert [p["inlineData"]["data"] for p in parts[1:]] == [f"<{len(i)} bytes>" for i in images]
    assert sent["body"]["contents"][0]["role"] == "user"
    assert sent["body"]["generationConfig"]["imageConfig"]["aspectRatio"] == "16:9"
    assert [i.sha256 for i in result.request.inputs] == [
        hashlib.sha256(i).hexdigest() for i in images]
    assert [i.name for i in result.request.inputs] == ["0.png", "1.png", "2.png"]


def test_edit_limits_are_the_models_own(oai: openai.OpenAI, emu: Any) -> None:
    """Count and size limits come from the shared input checks, named as the image param."""
    with pytest.raises(openai.BadRequestError) as caught:
        oai.images.edit(model="nano-banana-vertex", prompt="x",
                        image=[(f"{n}.png", png(), "image/png") for n in range(4)])
    assert caught.value.param == "image" and "at most 3" in caught.value.message
    big = b"\x89PNG\r\n\x1a\n" + png()[8:] + b"\0" * 7_000_001
    with pytest.raises(openai.BadRequestError) as caught:
        oai.images.edit(model="nano-banana-pro", prompt="x", image=("big.png", big, "image/png"))
    assert caught.value.param == "image" and "7,000,000 bytes" in caught.value.message
    assert not [r for r in emu.control.requests() if "generateContent" in r["path"]]


def test_edit_mask_is_refused_with_the_reason(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        oai.images.edit(model="nano-banana-pro", prompt="x", image=("a.png", png(), "image/png"),
                        mask=("m.png", png(), "image/png"))
    assert caught.value.param == "mask" and "no mask" in caught.value.message


def test_edit_refuses_bytes_that_are_not_an_image(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        oai.images.edit(model="nano-banana-pro", prompt="x",
                        image=("a.png", b"%PDF-1.4 not an image", "image/png"))
    assert caught.value.param == "image" and caught.value.code == "invalid_image_format"


def test_output_format_goes_to_vertex_and_is_refused_on_ai_studio(oai: openai.OpenAI,
                                                                 emu: Any) -> None:
    answer = oai.images.generate(model="nano-banana-pro-vertex", prompt="a lamp",
                                 output_format="jpeg", output_compression=70)
    assert sniff_format(base64.b64decode(answer.data[0].b64_json or "")) == "image/jpeg"
    (sent,) = [r for r in emu.control.requests() if "generateContent" in r["path"]]
    assert sent["body"]["generationConfig"]["imageConfig"]["imageOutputOptions"] == {
        "mimeType": "image/jpeg", "compressionQuality": 70}
    for fields, param in (({"output_format": "png"}, "output_format"),
                          ({"output_compression": 80}, "output_compression")):
        with pytest.raises(openai.BadRequestError) as caught:
            oai.images.generate(model="nano-banana-pro", prompt="a lamp", **fields)
        assert caught.value.param == param and "nano-banana-pro-vertex" in caught.value.message
    same = oai.images.generate(model="nano-banana-pro", prompt="a lamp", output_format="jpeg")
    assert same.output_format == "jpeg"
