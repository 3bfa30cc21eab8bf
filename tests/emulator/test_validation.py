"""Request validation on both platforms (docs/wire-notes.md "Request body", "Dimensions", "Errors"; docs/emulator.md)."""

from __future__ import annotations

import base64
import io

import httpx
import pytest
from PIL import Image

from playground.emulator import EmulatorConfig
from playground.emulator.signatures import Signer
from tests.emulator.helpers import (
    AI,
    FLASH,
    FLASH25,
    LITE,
    PRO,
    AsgiClient,
    aistudio_path,
    asgi,
    body,
    final_image,
    vertex_path,
)

ROLE_ERROR = {"error": {"code": 400, "message": "Please use a valid role: user, model.",
                        "status": "INVALID_ARGUMENT"}}


def _png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _error(response: httpx.Response) -> dict:
    return response.json()["error"]


# --- roles (docs/wire-notes.md "Request body") -----------------------------------------------------------------------------


def test_raw_post_without_role_vertex_400_exact_and_aistudio_accepts(emu, http, bearer) -> None:
    no_role = {"contents": [{"parts": [{"text": "a red apple"}]}]}
    vertex = http.post(vertex_path(), json=no_role, headers=bearer)
    assert vertex.status_code == 400
    assert vertex.json() == ROLE_ERROR
    aistudio = http.post(aistudio_path(), json=no_role, headers=AI)
    assert aistudio.status_code == 200
    assert final_image(aistudio.json())[1]


@pytest.mark.parametrize("role", ["assistant", "system", "", "USER", "tester"])
def test_vertex_rejects_every_other_role(in_process: AsgiClient, vx, role: str) -> None:
    response = in_process.post(vertex_path(), json=body(role=role), headers=vx)
    assert response.status_code == 400 and response.json() == ROLE_ERROR


def test_vertex_role_check_covers_every_content(in_process: AsgiClient, vx) -> None:
    request = {"contents": [{"role": "user", "parts": [{"text": "a"}]},
                            {"parts": [{"text": "b"}]}]}
    assert in_process.post(vertex_path(), json=request, headers=vx).json() == ROLE_ERROR


def test_aistudio_rejects_assistant_role(in_process: AsgiClient) -> None:
    response = in_process.post(aistudio_path(), json=body(role="assistant"), headers=AI)
    assert response.status_code == 400
    assert _error(response)["message"] == \
        "Role 'assistant' is not supported. Please use a valid role: MODEL, USER."


def test_empty_contents_are_400_on_both(in_process: AsgiClient, vx) -> None:
    assert in_process.post(aistudio_path(), json={"contents": []}, headers=AI).status_code == 400
    assert in_process.post(vertex_path(), json={"contents": []}, headers=vx).status_code == 400


# --- unknown fields (docs/wire-notes.md "Request body", "Errors") ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "value"), [
    ("imageOutputOptions", {"mimeType": "image/png"}),
    ("image_output_options", {"mime_type": "image/png"}),
    ("personGeneration", "ALLOW_ADULT"), ("person_generation", "ALLOW_ADULT"),
    ("prominentPeople", "BLOCK_PROMINENT_PEOPLE"), ("outputMimeType", "image/png"),
])
def test_vertex_only_image_fields_are_unknown_names_on_aistudio(in_process: AsgiClient, name,
                                                               value) -> None:
    request = body(imageConfig={"aspectRatio": "1:1", name: value})
    response = in_process.post(aistudio_path(), json=request, headers=AI)
    assert response.status_code == 400
    text = (f'Invalid JSON payload received. Unknown name "{name}" at '
            "'generation_config.image_config': Cannot find field.")
    assert _error(response)["message"] == text
    assert _error(response)["details"] == [{
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [{"field": "generation_config.image_config", "description": text}]}]


def test_vertex_accepts_its_own_image_fields(in_process: AsgiClient, vx) -> None:
    request = body(imageConfig={"personGeneration": "ALLOW_ADULT",
                                "prominentPeople": "BLOCK_PROMINENT_PEOPLE",
                                "imageOutputOptions": {"mimeType": "image/jpeg",
                                                       "compressionQuality": 80}})
    assert in_process.post(vertex_path(), json=request, headers=vx).status_code == 200


@pytest.mark.parametrize(("request_body", "path", "name"), [
    ({**body(), "foo": 1}, "", "foo"),
    (body(thinkingConfig={"includeThoughts": True, "budget": 3}),
     "generation_config.thinking_config", "budget"),
    (body(responseModality=["IMAGE"]), "generation_config", "responseModality"),
    ({"contents": [{"role": "user", "parts": [{"txt": "x"}]}]}, "contents[0].parts[0]", "txt"),
    (body(imageConfig={"imageOutputOptions": {"mimeType": "image/png", "qualty": 3}}),
     "generation_config.image_config.image_output_options", "qualty"),
])
def test_unknown_names_anywhere_on_vertex(in_process: AsgiClient, vx, request_body, path,
                                          name) -> None:
    response = in_process.post(vertex_path(), json=request_body, headers=vx)
    assert response.status_code == 400
    where = f" at '{path}'" if path else ""
    text = f'Invalid JSON payload received. Unknown name "{name}"{where}: Cannot find field.'
    assert _error(response)["message"] == text
    violation = _error(response)["details"][0]["fieldViolations"][0]
    assert violation["description"] == text and violation.get("field", "") == path


def test_unknown_name_check_runs_before_the_role_check_on_vertex(in_process: AsgiClient,
                                                                 vx) -> None:
    request = {**body(role=None), "bogus": True}
    assert "Unknown name" in _error(in_process.post(vertex_path(), json=request,
                                                    headers=vx))["message"]


def test_snake_case_keys_are_accepted_everywhere(in_process: AsgiClient, vx) -> None:
    png = base64.b64encode(_png()).decode()
    request = {
        "contents": [{"role": "user", "parts": [
            {"text": "make it blue"},
            {"inline_data": {"mime_type": "image/png", "data": png}}]}],
        "generation_config": {
            "response_modalities": ["image"],
            "thinking_config": {"include_thoughts": False, "thinking_level": "high"},
            "image_config": {"aspect_ratio": "4:3", "image_size": "1K",
                             "image_output_options": {"mime_type": "image/jpeg",
                                                      "compression_quality": 70}}},
        "system_instruction": {"parts": [{"text": "be brief"}]},
    }
    response = in_process.post(vertex_path(FLASH), json=request, headers=vx)
    assert response.status_code == 200, response.text
    assert final_image(response.json())[0] == "image/jpeg"


def test_url_safe_and_standard_base64_inputs_are_accepted(in_process: AsgiClient) -> None:
    data = _png(65, 47) + b"\xfb\xff\xfe"  # bytes whose base64 needs + / or - _
    standard, urlsafe = base64.b64encode(data).decode(), base64.urlsafe_b64encode(data).decode()
    assert standard != urlsafe
    for encoded in (standard, urlsafe, urlsafe.rstrip("=")):
        request = {"contents": [{"parts": [
            {"text": "edit"}, {"inlineData": {"mimeType": "image/png", "data": encoded}}]}]}
        assert in_process.post(aistudio_path(), json=request, headers=AI).status_code == 200


def test_bad_base64_is_400(in_process: AsgiClient) -> None:
    request = {"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": "@@@"}}]}]}
    response = in_process.post(aistudio_path(), json=request, headers=AI)
    assert response.status_code == 400
    assert "Base64 decoding failed" in _error(response)["message"]
    assert "contents[0].parts[0].inline_data.data" in _error(response)["message"]


def test_unsupported_input_mime_type_is_400(in_process: AsgiClient) -> None:
    request = {"contents": [{"parts": [{"inlineData": {"mimeType": "image/gif",
                                                       "data": "R0lGODlh"}}]}]}
    response = in_process.post(aistudio_path(), json=request, headers=AI)
    assert response.status_code == 400 and "image/gif" in _error(response)["message"]


def test_invalid_json_is_400(in_process: AsgiClient) -> None:
    response = in_process.post(aistudio_path(), content=b"{not json", headers=AI)
    assert response.status_code == 400
    assert _error(response)["message"].startswith("Invalid JSON payload received.")


def test_v1_can_reject_response_modalities() -> None:
    request = body(responseModalities=["TEXT", "IMAGE"])
    assert asgi().post(aistudio_path(version="v1"), json=request, headers=AI).status_code == 200
    strict = asgi(EmulatorConfig(aistudio_v1_rejects_modalities=True))
    response = strict.post(aistudio_path(version="v1"), json=request, headers=AI)
    assert response.status_code == 400
    assert 'Unknown name "responseModalities" at \'generation_config\'' in _error(response)["message"]
    assert strict.post(aistudio_path(version="v1beta"), json=request, headers=AI).status_code == 200


# --- sizes and ratios (docs/wire-notes.md "Dimensions"; docs/emulator.md) ---------------------------------------------------------------


@pytest.mark.parametrize(("model", "image_config"), [
    (PRO, {"imageSize": "512"}), (PRO, {"imageSize": "1k"}), (FLASH, {"imageSize": "512px"}),
    (FLASH25, {"imageSize": "2K"}), (LITE, {"imageSize": "4K"}), (PRO, {"aspectRatio": "8:1"}),
    (FLASH25, {"aspectRatio": "1:4"}), (PRO, {"aspectRatio": "16:10"}),
])
def test_unsupported_sizes_and_ratios_are_400_on_both(summer: AsgiClient, vx, model,
                                                      image_config) -> None:
    request = body(imageConfig=image_config)
    for path, headers in ((aistudio_path(model), AI), (vertex_path(model), vx)):
        response = summer.post(path, json=request, headers=headers)
        assert response.status_code == 400, response.text
        error = _error(response)
        assert error["status"] == "INVALID_ARGUMENT"
        assert error["message"].startswith("Unsupported ")
        assert f"models/{model}" in error["message"]


def test_generic_invalid_argument_wording_is_selectable() -> None:
    client = asgi(EmulatorConfig(generic_invalid_argument=True))
    response = client.post(aistudio_path(), json=body(imageConfig={"imageSize": "1k"}), headers=AI)
    assert response.json() == {"error": {"code": 400, "status": "INVALID_ARGUMENT",
                                         "message": "Request contains an invalid argument."}}


def test_lite_ratio_count_is_configurable() -> None:
    request = body(imageConfig={"aspectRatio": "1:4"})
    assert asgi().post(aistudio_path(LITE), json=request, headers=AI).status_code == 200
    ten = asgi(EmulatorConfig(lite_ratios=10))
    assert ten.post(aistudio_path(LITE), json=request, headers=AI).status_code == 400


@pytest.mark.parametrize(("options", "ok"), [
    ({"mimeType": "image/webp"}, True), ({"mimeType": "image/gif"}, False),
    ({"mimeType": "image/jpeg", "compressionQuality": 101}, False),
    ({"mimeType": "image/jpeg", "compressionQuality": -1}, False),
    ({"mimeType": "image/jpeg", "compressionQuality": 0}, True),
])
def test_vertex_output_options_are_validated(in_process: AsgiClient, vx, options, ok) -> None:
    response = in_process.post(vertex_path(FLASH), headers=vx,
                               json=body(imageConfig={"imageOutputOptions": options}))
    assert (response.status_code == 200) is ok, response.text


def test_response_modalities_are_case_insensitive(in_process: AsgiClient) -> None:
    request = body(responseModalities=["Text", "image"])
    assert in_process.post(aistudio_path(), json=request, headers=AI).status_code == 200
    bad = in_process.post(aistudio_path(), json=body(responseModalities=["PICTURE"]), headers=AI)
    assert bad.status_code == 400


# --- models and locations (docs/wire-notes.md "Errors") ------------------------------------------------------------------


def test_unknown_model_404_wording_per_platform(in_process: AsgiClient, vx) -> None:
    ai = in_process.post(aistudio_path("gemini-9-ultra"), json=body(), headers=AI)
    assert ai.status_code == 404
    assert _error(ai) == {"code": 404, "status": "NOT_FOUND", "message": (
        "models/gemini-9-ultra is not found for API version v1beta, or is not supported for "
        "generateContent. Call ModelService.ListModels to see the list of available models and "
        "their supported methods.")}
    vertex = in_process.post(vertex_path("gemini-9-ultra", location="us-central1"), json=body(),
                             headers=vx)
    assert vertex.status_code == 404
    assert _error(vertex)["message"] == (
        "Publisher Model `projects/123456789012/locations/us-central1/publishers/google/models/"
        "gemini-9-ultra` was not found or your project does not have access to it. Please "
        "ensure you are using a valid model version. For more information, see: "
        "https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions")


def test_vertex_model_outside_its_locations_is_404(in_process: AsgiClient, vx) -> None:
    assert in_process.post(vertex_path(PRO, location="global"), json=body(),
                           headers=vx).status_code == 200
    response = in_process.post(vertex_path(PRO, location="europe-west4"), json=body(), headers=vx)
    assert response.status_code == 404
    assert "projects/123456789012/locations/europe-west4/publishers/google/models/" \
        f"{PRO}" in _error(response)["message"]


def test_imagen_is_retired_by_default_and_servable(in_process: AsgiClient, vx) -> None:
    imagen = "imagen-4.0-generate-001"
    predict = {"instances": [{"prompt": "a fox"}], "parameters": {"sampleCount": 2}}
    ai = in_process.post(aistudio_path(imagen, "predict"), json=predict, headers=AI)
    assert ai.status_code == 404
    assert _error(ai)["message"].startswith(f"This model models/{imagen} is no longer available")
    vertex = in_process.post(vertex_path(imagen, "predict", location="us-central1"), json=predict,
                             headers=vx)
    assert vertex.status_code == 404 and "Publisher Model" in _error(vertex)["message"]
    served = asgi(EmulatorConfig(imagen="serve")).post(aistudio_path(imagen, "predict"),
                                                       json=predict, headers=AI)
    assert served.status_code == 200
    predictions = served.json()["predictions"]
    assert [p["mimeType"] for p in predictions] == ["image/png", "image/png"]


# --- thought signatures (docs/wire-notes.md "Request body"; docs/emulator.md) -------------------------------------------------------------


#: Signatures the default emulator (seed 0) issued: its AI Studio check accepts only those.
ISSUED_TEXT_SIGNATURE = Signer(0, {}).text_signature("validation").text.decode()
ISSUED_IMAGE_SIGNATURE = Signer(0, {}).image_signature("validation", "pro").text.decode()


def _replay(signature: str | None, mime: str = "image/jpeg", data: bytes | None = None) -> dict:
    image_part: dict = {"inlineData": {"mimeType": mime, "data": base64.b64encode(
        data or b"\xff\xd8\xff\xe0fake-jpeg").decode()}}
    if signature is not None:
        image_part["thoughtSignature"] = signature
    return {"contents": [
        {"role": "user", "parts": [{"text": "Draw a cat on a sofa"}]},
        {"role": "model", "parts": [{"text": "Here is your cat.",
                                     "thoughtSignature": ISSUED_TEXT_SIGNATURE},
                                    image_part]},
        {"role": "user", "parts": [{"text": "Make the sofa blue"}]},
    ]}


def test_aistudio_rejects_replayed_image_without_signature(in_process: AsgiClient, vx,
                                                           summer: AsgiClient) -> None:
    response = in_process.post(aistudio_path(PRO), json=_replay(None), headers=AI)
    assert response.status_code == 400
    assert _error(response)["message"].startswith(
        "Image part is missing a thought_signature in content position 2, part position 2.")
    assert in_process.post(vertex_path(PRO), json=_replay(None), headers=vx).status_code == 200
    assert summer.post(aistudio_path(FLASH25), json=_replay(None), headers=AI).status_code == 200


@pytest.mark.parametrize("signature", ["context_engineering_is_the_way_to_go",
                                       "skip_thought_signature_validator", ISSUED_IMAGE_SIGNATURE])
def test_issued_signatures_and_bypass_values_are_accepted(in_process: AsgiClient,
                                                          signature) -> None:
    assert in_process.post(aistudio_path(PRO), json=_replay(signature), headers=AI).status_code == 200


def test_a_signature_the_emulator_did_not_issue_needs_the_presence_mode(in_process: AsgiClient,
                                                                        vx) -> None:
    google_like = _replay("EqCzQgqcs0IBcsjaf")  # the prefix of a real Pro signature
    refused = in_process.post(aistudio_path(PRO), json=google_like, headers=AI)
    assert refused.status_code == 400
    assert _error(refused) == {"code": 400, "message": "Corrupted thought signature.",
                               "status": "INVALID_ARGUMENT"}
    assert in_process.post(vertex_path(PRO), json=google_like, headers=vx).status_code == 200
    lenient = asgi(EmulatorConfig(signature_check="presence"))
    assert lenient.post(aistudio_path(PRO), json=google_like, headers=AI).status_code == 200


def test_aistudio_rejects_replayed_image_whose_bytes_contradict_its_label(
        in_process: AsgiClient) -> None:
    request = _replay(ISSUED_IMAGE_SIGNATURE, mime="image/png", data=b"\xff\xd8\xff\xe0jpeg-bytes")
    response = in_process.post(aistudio_path(PRO), json=request, headers=AI)
    assert response.status_code == 400
    assert _error(response)["message"] == "Unhandled generated data mime type: image/jpeg"


def test_input_image_sets_the_default_ratio(in_process: AsgiClient) -> None:
    wide = base64.b64encode(_png(320, 180)).decode()
    request = {"contents": [{"parts": [{"text": "edit"},
                                       {"inlineData": {"mimeType": "image/png", "data": wide}}]}]}
    response = in_process.post(aistudio_path(FLASH), json=request, headers=AI)
    from playground.domain.imaging import read_dimensions

    assert read_dimensions(final_image(response.json())[1]) == (1376, 768)
