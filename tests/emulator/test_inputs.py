"""Input images on the wire: inlineData in every encoding, fileData, type and size checks,
per-model limits, prompt IMAGE tokens (docs/emulator.md "Input images"; docs/wire-notes.md
"Request body")."""

from __future__ import annotations

import base64
import hashlib

import pytest

from playground.domain.catalog import MODELS
from playground.emulator import EmulatorConfig
from playground.emulator.inputs import UNPROCESSABLE_IMAGE
from tests.emulator.helpers import (
    AI,
    FLASH,
    FLASH25,
    KEY,
    PRO,
    AsgiClient,
    aistudio_path,
    asgi,
    express_path,
    final_image,
    image_parts,
    picture,
    token_for,
    vertex_path,
)

HEIF_STUB = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def _post(client: AsgiClient, platform: str, vx: dict[str, str], request: dict,
          model: str = PRO):
    if platform == "aistudio":
        return client.post(aistudio_path(model), json=request, headers=AI)
    return client.post(vertex_path(model), json=request, headers=vx)


def _inline(data: bytes, mime: str, *, urlsafe: bool = False, padded: bool = True,
            snake: bool = False) -> dict:
    text = (base64.urlsafe_b64encode(data) if urlsafe else base64.b64encode(data)).decode()
    text = text if padded else text.rstrip("=")
    if snake:
        return {"inline_data": {"mime_type": mime, "data": text}}
    return {"inlineData": {"mimeType": mime, "data": text}}


def _edit(*parts: dict, text: str = "make it night") -> dict:
    return {"contents": [{"role": "user", "parts": [{"text": text}, *parts]}]}


def _message(response) -> str:
    return response.json()["error"]["message"]


# --- inlineData in every spelling; the log shows the SHA-256 of every decoded image ----------


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_every_inline_image_round_trips_exactly(emu, http, bearer, platform) -> None:
    """Standard and URL-safe base64, padded or not, camelCase and snake_case keys: the bytes
    the emulator decoded (their SHA-256 in the request log) are the file's bytes."""
    files = [(picture(97, 61, "png", seed=1) + b"\xfb\xff", "image/png"),
             (picture(80, 60, "jpeg", seed=2), "image/jpeg"),
             (picture(64, 64, "webp", seed=3), "image/webp"),
             (picture(33, 77, "png", seed=4), "image/png")]
    spellings = [{}, {"urlsafe": True}, {"urlsafe": True, "padded": False, "snake": True},
                 {"snake": True, "padded": False}]
    parts = [_inline(data, mime, **how) for (data, mime), how in zip(files, spellings, strict=True)]
    path, headers = (aistudio_path(FLASH), {"x-goog-api-key": KEY}) if platform == "aistudio" \
        else (vertex_path(FLASH), bearer)
    response = http.post(path, json=_edit(*parts), headers=headers)
    assert response.status_code == 200, response.text
    (entry,) = emu.control.requests()
    assert [(i["content"], i["part"], i["role"], i["source"]) for i in entry["images"]] == [
        (0, j, "user", "inlineData") for j in range(1, 5)]
    assert [i["sha256"] for i in entry["images"]] == [hashlib.sha256(d).hexdigest()
                                                      for d, _ in files]
    assert [i["bytes"] for i in entry["images"]] == [len(d) for d, _ in files]
    assert entry["images"][0]["dims"] == [97, 61]


def test_the_log_lists_images_of_refused_requests_too(emu, http) -> None:
    jpeg = picture(40, 30, "jpeg")
    response = http.post(aistudio_path(FLASH), json=_edit(_inline(jpeg, "image/png")),
                         headers=AI)
    assert response.status_code == 400
    (entry,) = emu.control.requests()
    assert entry["images"][0]["sha256"] == hashlib.sha256(jpeg).hexdigest()
    assert entry["images"][0]["mimeType"] == "image/png"


# --- types against bytes ---------------------------------------------------------------------


def test_aistudio_reads_the_bytes_of_user_images_and_vertex_does_not(in_process, vx) -> None:
    request = _edit(_inline(picture(40, 30, "jpeg"), "image/png"))
    refused = _post(in_process, "aistudio", vx, request)
    assert refused.status_code == 400
    assert refused.json()["error"] == {
        "code": 400, "message": "Unhandled generated data mime type: image/jpeg",
        "status": "INVALID_ARGUMENT"}
    assert _post(in_process, "vertex", vx, request).status_code == 200
    lenient = asgi(EmulatorConfig(aistudio_checks_input_mime=False))
    assert lenient.post(aistudio_path(), json=request, headers=AI).status_code == 200


def test_bytes_that_are_no_image_are_unprocessable_on_aistudio(in_process, vx) -> None:
    request = _edit(_inline(b"these bytes are text, not a picture", "image/png"))
    refused = _post(in_process, "aistudio", vx, request)
    assert refused.status_code == 400 and _message(refused) == UNPROCESSABLE_IMAGE
    assert _post(in_process, "vertex", vx, request).status_code == 200


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
@pytest.mark.parametrize("mime", ["image/gif", "image/jpg", "image/bmp", "application/pdf", ""])
def test_only_the_five_input_types_are_accepted(in_process, vx, platform, mime) -> None:
    response = _post(in_process, platform, vx, _edit(_inline(picture(8, 8, "png"), mime)))
    assert response.status_code == 400
    assert _message(response) == f"Unsupported MIME type: {mime or '(empty)'}"


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
@pytest.mark.parametrize("mime", ["image/heic", "image/heif"])
def test_heic_and_heif_are_accepted_and_edited_as_unknown_content(in_process, vx, platform,
                                                                  mime) -> None:
    response = _post(in_process, platform, vx, _edit(_inline(HEIF_STUB, mime)))
    assert response.status_code == 200, response.text
    assert final_image(response.json())[1]


# --- fileData --------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_file_data_is_accepted_counted_and_drawn_from_its_uri(in_process, vx, platform) -> None:
    def send(uri: str, text: str = "make it night"):
        part = {"fileData": {"mimeType": "image/jpeg", "fileUri": uri}}
        return _post(in_process, platform, vx, _edit(part, text=text))

    gcs = send("gs://banana-demo/photos/sofa.jpg")
    assert gcs.status_code == 200, gcs.text
    usage = gcs.json()["usageMetadata"]
    assert {"modality": "IMAGE", "tokenCount": 560} in usage["promptTokensDetails"]
    files_api = send("https://generativelanguage.googleapis.com/v1beta/files/abc123")
    assert files_api.status_code == 200
    again = send("gs://banana-demo/photos/sofa.jpg")
    assert final_image(again.json()) == final_image(gcs.json())  # deterministic
    assert final_image(files_api.json()) != final_image(gcs.json())
    assert final_image(send("gs://banana-demo/photos/sofa.jpg", "add snow").json()) \
        != final_image(gcs.json())


@pytest.mark.parametrize("uri", ["ftp://host/a.png", "/local/file.png", "", None])
def test_file_data_needs_a_gs_or_https_uri(in_process, vx, uri) -> None:
    part = {"file_data": {"mime_type": "image/png", "file_uri": uri}}
    for platform in ("aistudio", "vertex"):
        response = _post(in_process, platform, vx, _edit(part))
        assert response.status_code == 400
        assert _message(response).startswith("Unsupported file URI:")


def test_file_data_type_is_checked(in_process, vx) -> None:
    part = {"fileData": {"mimeType": "video/mp4", "fileUri": "gs://b/clip.mp4"}}
    response = _post(in_process, "vertex", vx, _edit(part))
    assert response.status_code == 400 and _message(response) == "Unsupported MIME type: video/mp4"


# --- limits ----------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
@pytest.mark.parametrize(("model", "limit"), [(PRO, 14), (FLASH, 14), (FLASH25, 3)])
def test_per_model_image_count(summer, platform, model, limit) -> None:
    assert MODELS[model].max_input_images == limit
    vx = {"Authorization": f"Bearer {token_for(summer)}"}
    tiny = _inline(picture(8, 8, "png"), "image/png")
    files = {"fileData": {"mimeType": "image/png", "fileUri": "gs://b/one.png"}}
    at_limit = _edit(*[tiny] * (limit - 1), files)
    assert _post(summer, platform, vx, at_limit, model).status_code == 200
    over = _post(summer, platform, vx, _edit(*[tiny] * limit, files), model)
    assert over.status_code == 400
    assert _message(over) == (f"Too many input images: {limit + 1} were provided, but "
                              f"models/{model} accepts at most {limit}.")


def test_replayed_model_images_do_not_count_toward_the_limit(summer) -> None:
    tiny = _inline(picture(8, 8, "png"), "image/png")
    contents = [{"role": "user", "parts": [{"text": "a"}, tiny, tiny]},
                {"role": "model", "parts": [tiny]},
                {"role": "model", "parts": [tiny]},
                {"role": "user", "parts": [{"text": "b"}, tiny]}]
    response = summer.post(aistudio_path(FLASH25), json={"contents": contents}, headers=AI)
    assert response.status_code == 200, response.text


def _png_of(size: int) -> bytes:
    """A valid PNG padded with trailing bytes to exactly `size` (decoders ignore them)."""
    png = picture(16, 16, "png")
    return png + b"\x00" * (size - len(png))


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
def test_inline_images_may_be_7_mb_decoded(in_process, vx, platform) -> None:
    limit = 7 * 1024 * 1024
    assert _post(in_process, platform, vx, _edit(_inline(_png_of(limit), "image/png")),
                 FLASH).status_code == 200
    over = _post(in_process, platform, vx, _edit(_inline(_png_of(limit + 1), "image/png")),
                 FLASH)
    assert over.status_code == 400
    assert _message(over) == (
        "The inline image at 'contents[0].parts[1].inline_data' is 7,340,033 bytes; "
        f"models/{FLASH} accepts at most 7,340,032 bytes (7 MB) per inline image.")


def test_the_size_limit_counts_decoded_bytes_and_its_text_is_configurable() -> None:
    client = asgi(EmulatorConfig(max_inline_image_bytes=1000,
                                 inline_image_too_large_message="{path}: {size} > {limit}"))
    fits = _inline(_png_of(1000), "image/png")
    assert len(fits["inlineData"]["data"]) > 1000  # the base64 is longer than the limit
    assert client.post(aistudio_path(), json=_edit(fits), headers=AI).status_code == 200
    over = client.post(aistudio_path(), json=_edit(_inline(_png_of(1001), "image/png")),
                       headers=AI)
    assert _message(over) == "contents[0].parts[1].inline_data: 1,001 > 1,000"
    unlimited = asgi(EmulatorConfig(max_inline_image_bytes=0))
    big = _edit(_inline(_png_of(8 * 1024 * 1024), "image/png"))
    assert unlimited.post(aistudio_path(), json=big, headers=AI).status_code == 200


def test_count_tokens_checks_no_limits(summer) -> None:
    tiny = _inline(picture(8, 8, "png"), "image/png")
    response = summer.post(aistudio_path(FLASH25, "countTokens"),
                           json=_edit(*[tiny] * 5), headers=AI)
    assert response.status_code == 200
    assert response.json()["totalTokens"] == 5 * 1290 + 4


# --- prompt IMAGE tokens ---------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["aistudio", "vertex"])
@pytest.mark.parametrize("model", [PRO, FLASH])
def test_prompt_image_tokens_count_every_image_the_model_reads(in_process, vx, platform,
                                                               model) -> None:
    """User images (inline and fileData) and replayed model images count; thought images do
    not. IMAGE is first on Vertex, second on AI Studio (docs/emulator.md "Usage")."""
    per_image = MODELS[model].input_image_tokens
    first = _post(in_process, platform, vx, _edit(_inline(picture(40, 30, "png"), "image/png")),
                  model).json()
    model_turn = {"role": "model", "parts": [
        {**p, "thought": True} if i == 0 else p for i, p in enumerate(
            [image_parts(first)[0]] * 2)]}  # a draft, then the final image
    contents = [
        {"role": "user", "parts": [{"text": "draw it"}, _inline(picture(40, 30, "png"),
                                                                 "image/png"),
                                   {"fileData": {"mimeType": "image/png",
                                                 "fileUri": "gs://b/ref.png"}}]},
        model_turn,
        {"role": "user", "parts": [{"text": "make it night"}]}]
    response = _post(in_process, platform, vx, {"contents": contents}, model)
    assert response.status_code == 200, response.text
    usage = response.json()["usageMetadata"]
    image = {"modality": "IMAGE", "tokenCount": 3 * per_image}
    details = usage["promptTokensDetails"]
    assert details[0 if platform == "vertex" else 1] == image
    text = next(d["tokenCount"] for d in details if d["modality"] == "TEXT")
    assert usage["promptTokenCount"] == text + 3 * per_image
    count = in_process.post(
        aistudio_path(model, "countTokens") if platform == "aistudio"
        else vertex_path(model, "countTokens"), json={"contents": contents},
        headers=AI if platform == "aistudio" else vx).json()
    assert count["totalTokens"] == usage["promptTokenCount"]


def test_express_mode_takes_images_too(in_process) -> None:
    response = in_process.post(express_path(FLASH), json=_edit(_inline(picture(40, 30, "jpeg"),
                                                                       "image/jpeg")),
                               headers={"x-goog-api-key": "express-key"})
    assert response.status_code == 200, response.text
