"""Routes and auth on both platforms (docs/wire-notes.md "Hosts", "Errors"; docs/emulator.md), mostly in-process."""

from __future__ import annotations

import time

import google.auth.transport.requests
import httpx
import pytest
from google.auth.exceptions import RefreshError
from google.oauth2 import service_account

from playground.emulator import EmulatorConfig, make_service_account_info
from playground.emulator.auth import JWT_BEARER
from playground.emulator.credentials import make_authorized_user_info
from tests.emulator.helpers import (
    FLASH,
    KEY,
    PRO,
    AsgiClient,
    aistudio_path,
    asgi,
    body,
    express_path,
    token_for,
    vertex_path,
)

SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


def _error(response: httpx.Response) -> dict:
    return response.json()["error"]


def _reason(response: httpx.Response) -> str | None:
    infos = [d for d in _error(response).get("details", []) if d["@type"].endswith("ErrorInfo")]
    return infos[0]["reason"] if infos else None


@pytest.mark.parametrize("path", [
    aistudio_path(version="v1beta"), aistudio_path(version="v1"),
    aistudio_path(method="streamGenerateContent"), aistudio_path(method="countTokens"),
])
def test_aistudio_routes_accept_a_key_in_header_or_query(in_process: AsgiClient, path: str) -> None:
    assert in_process.post(path, json=body(), headers={"x-goog-api-key": KEY}).status_code == 200
    assert in_process.post(f"{path}?key={KEY}", json=body()).status_code == 200


@pytest.mark.parametrize("path", [
    vertex_path(version="v1"), vertex_path(version="v1beta1"),
    vertex_path(method="streamGenerateContent"), vertex_path(method="countTokens"),
    vertex_path(model=FLASH, location="us-central1"),
])
def test_vertex_project_routes_accept_a_bearer_token(in_process: AsgiClient, path: str) -> None:
    token = token_for(in_process)
    response = in_process.post(path, json=body(), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", [express_path(version="v1"), express_path(version="v1beta1")])
def test_vertex_express_accepts_a_key_in_header_or_query(in_process: AsgiClient, path: str) -> None:
    assert in_process.post(path, json=body(), headers={"x-goog-api-key": KEY}).status_code == 200
    assert in_process.post(f"{path}?key={KEY}", json=body()).status_code == 200


def test_get_model_on_each_platform(in_process: AsgiClient) -> None:
    ai = in_process.get(f"/v1beta/models/{PRO}", headers={"x-goog-api-key": KEY})
    assert ai.status_code == 200 and ai.json()["name"] == f"models/{PRO}"
    token = token_for(in_process)
    vx = in_process.get(f"/v1beta1/publishers/google/models/{PRO}",
                        headers={"Authorization": f"Bearer {token}"})
    assert vx.status_code == 200 and vx.json()["name"] == f"publishers/google/models/{PRO}"


def test_express_get_with_an_api_key_is_401_as_observed(in_process: AsgiClient) -> None:
    response = in_process.get(f"/v1beta1/publishers/google/models/{FLASH}?key={KEY}")
    assert response.status_code == 401
    assert _reason(response) == "CREDENTIALS_MISSING"
    lenient = asgi(EmulatorConfig(express_get_rejects_keys=False))
    assert lenient.get(f"/v1beta1/publishers/google/models/{FLASH}?key={KEY}").status_code == 200


@pytest.mark.parametrize("path", ["/v2/models/x:generateContent", "/v1beta1/models/x:generateContent",
                                  f"/v1beta/models/{PRO}:embedContent", "/nothing"])
def test_unrouted_paths_get_google_front_end_html_404(in_process: AsgiClient, path: str) -> None:
    response = in_process.post(path, json=body())
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "was not found on this server" in response.text


def test_aistudio_missing_key_is_403(in_process: AsgiClient) -> None:
    response = in_process.post(aistudio_path(), json=body())
    assert response.status_code == 403
    assert _error(response) == {
        "code": 403, "status": "PERMISSION_DENIED",
        "message": "Method doesn't allow unregistered callers (callers without established "
                   "identity). Please use API Key or other form of API consumer identity to "
                   "call this API."}


def test_aistudio_bad_key_is_400_api_key_invalid() -> None:
    client = asgi(EmulatorConfig(api_keys=("good-key-123",)))
    assert client.post(aistudio_path(), json=body(),
                       headers={"x-goog-api-key": "good-key-123"}).status_code == 200
    response = client.post(aistudio_path(), json=body(), headers={"x-goog-api-key": "bad-key"})
    assert response.status_code == 400
    error = _error(response)
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == "API key not valid. Please pass a valid API key."
    info, localized = error["details"]
    assert info == {"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID", "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"}}
    assert localized["@type"].endswith("LocalizedMessage") and localized["message"] == error["message"]


def test_vertex_express_bad_key_names_aiplatform() -> None:
    client = asgi(EmulatorConfig(vertex_api_keys=("express-ok-1",)))
    assert client.post(express_path(), json=body(),
                       headers={"x-goog-api-key": "express-ok-1"}).status_code == 200
    response = client.post(express_path(), json=body(), headers={"x-goog-api-key": "nope"})
    assert response.status_code == 400
    assert _error(response)["details"][0]["metadata"]["service"] == "aiplatform.googleapis.com"


@pytest.mark.parametrize("how", ["header", "query"])
def test_api_key_on_vertex_project_path_is_401_credentials_missing(in_process: AsgiClient,
                                                                  how: str) -> None:
    path = vertex_path(version="v1beta1")
    if how == "header":
        response = in_process.post(path, json=body(), headers={"x-goog-api-key": KEY})
    else:
        response = in_process.post(f"{path}?key={KEY}", json=body())
    assert response.status_code == 401
    error = _error(response)
    assert error["status"] == "UNAUTHENTICATED"
    assert error["message"].startswith("API keys are not supported by this API. Expected OAuth2 "
                                       "access token or other authentication credentials that "
                                       "assert a principal.")
    assert error["details"] == [{
        "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "CREDENTIALS_MISSING",
        "domain": "googleapis.com",
        "metadata": {"service": "aiplatform.googleapis.com",
                     "method": "google.cloud.aiplatform.v1beta1.PredictionService.GenerateContent"},
    }]


def test_vertex_without_credentials_is_401_missing_credential(in_process: AsgiClient) -> None:
    response = in_process.post(vertex_path(version="v1"), json=body())
    assert response.status_code == 401
    assert _error(response)["message"].startswith(
        "Request is missing required authentication credential.")
    assert _reason(response) == "CREDENTIALS_MISSING"
    assert _error(response)["details"][0]["metadata"]["method"] == \
        "google.cloud.aiplatform.v1.PredictionService.GenerateContent"


def test_vertex_unknown_token_is_401_invalid_credentials(in_process: AsgiClient) -> None:
    response = in_process.post(vertex_path(), json=body(),
                               headers={"Authorization": "Bearer ya29.not-issued-here"})
    assert response.status_code == 401
    assert _error(response)["message"].startswith("Request had invalid authentication credentials.")
    lenient = asgi(EmulatorConfig(accept_unknown_tokens=True))
    assert lenient.post(vertex_path(), json=body(),
                        headers={"Authorization": "Bearer anything"}).status_code == 200


def test_bearer_token_on_aistudio_is_refused(in_process: AsgiClient) -> None:
    token = token_for(in_process)
    response = in_process.post(aistudio_path(), json=body(),
                               headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert _reason(response) == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def _wait_for_status(send, status: int, timeout_s: float = 5.0) -> httpx.Response:
    """Poll until the condition holds (no guessed sleep); 20 ms between polls."""
    deadline = time.monotonic() + timeout_s
    while True:
        response = send()
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.02)


def test_expired_token_is_401_access_token_expired() -> None:
    client = asgi(EmulatorConfig(token_ttl_s=0.2))
    issued = client.post("/token", data={"grant_type": "refresh_token", "refresh_token": "r",
                                         "client_id": "c"}).json()
    assert issued["expires_in"] == 0.2 and issued["token_type"] == "Bearer"
    headers = {"Authorization": f"Bearer {issued['access_token']}"}
    response = _wait_for_status(lambda: client.post(vertex_path(), json=body(), headers=headers),
                                401)
    assert response.status_code == 401
    assert _reason(response) == "ACCESS_TOKEN_EXPIRED"


# --- /token and google-auth -------------------------------------------------------------------


def test_google_auth_service_account_flow_against_the_emulator(emu, http, sa_info) -> None:
    creds = service_account.Credentials.from_service_account_info(sa_info, scopes=SCOPES)
    creds.refresh(google.auth.transport.requests.Request())
    assert creds.token and creds.valid
    response = http.post(vertex_path(), json=body(),
                         headers={"Authorization": f"Bearer {creds.token}"})
    assert response.status_code == 200


def test_expired_token_then_refresh_then_success(tmp_path) -> None:
    from playground.emulator import start_emulator, write_service_account_file

    with start_emulator(EmulatorConfig(token_ttl_s=0.3)) as handle:
        path = write_service_account_file(tmp_path / "sa.json", handle.base_url + "/token")
        creds = service_account.Credentials.from_service_account_file(str(path), scopes=SCOPES)
        request = google.auth.transport.requests.Request()
        creds.refresh(request)
        first = creds.token
        with httpx.Client(base_url=handle.base_url) as http:
            def send() -> httpx.Response:
                return http.post(vertex_path(), json=body(),
                                 headers={"Authorization": f"Bearer {creds.token}"})

            assert _wait_for_status(send, 401).status_code == 401
            creds.refresh(request)
            assert creds.token != first
            assert send().status_code == 200


def test_refresh_token_grant_works_with_google_auth_user_credentials(emu) -> None:
    """`from_authorized_user_info` always forces Google's token endpoint (google-auth 2.63),
    so an ADC user file cannot point here; building the credentials directly can."""
    from google.oauth2 import credentials as user_credentials

    info = make_authorized_user_info(emu.base_url + "/token")
    creds = user_credentials.Credentials(
        token=None, refresh_token=info["refresh_token"], client_id=info["client_id"],
        client_secret=info["client_secret"], token_uri=info["token_uri"], scopes=SCOPES)
    creds.refresh(google.auth.transport.requests.Request())
    assert creds.token


def test_registered_service_account_signatures_are_verified(emu) -> None:
    good = make_service_account_info(emu.base_url + "/token")
    forged = {**make_service_account_info(emu.base_url + "/token"),
              "client_email": good["client_email"]}
    emu.control.register_service_account(good)
    request = google.auth.transport.requests.Request()
    service_account.Credentials.from_service_account_info(good, scopes=SCOPES).refresh(request)
    with pytest.raises(RefreshError, match="Invalid JWT Signature"):
        service_account.Credentials.from_service_account_info(forged, scopes=SCOPES).refresh(request)


@pytest.mark.parametrize(("form", "error"), [
    ({"grant_type": "password"}, "unsupported_grant_type"),
    ({"grant_type": JWT_BEARER, "assertion": "not-a-jwt"}, "invalid_grant"),
    ({"grant_type": "refresh_token", "client_id": "c"}, "invalid_request"),
])
def test_token_endpoint_rejects_bad_grants(in_process: AsgiClient, form, error) -> None:
    response = in_process.post("/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == error


def _assertion(info: dict, **claims: object) -> str:
    from google.auth import crypt, jwt

    now = int(time.time())
    payload = {"iss": info["client_email"], "aud": "https://oauth2.googleapis.com/token",
               "scope": SCOPES[0], "iat": now, "exp": now + 3600, **claims}
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(crypt.RSASigner.from_service_account_info(info), payload).decode()


@pytest.mark.parametrize(("claims", "error"), [
    ({}, None),
    ({"aud": "http://emulator/token"}, None),
    ({"aud": "https://example.com/token"}, "invalid_grant"),
    ({"exp": int(time.time()) - 10}, "invalid_grant"),
    ({"iat": int(time.time()) + 4000, "exp": int(time.time()) + 7000}, "invalid_grant"),
    ({"scope": None}, "invalid_scope"),
])
def test_token_endpoint_checks_audience_times_and_scope(in_process: AsgiClient, claims,
                                                         error) -> None:
    info = make_service_account_info("http://emulator/token")
    response = in_process.post("/token", data={"grant_type": JWT_BEARER,
                                               "assertion": _assertion(info, **claims)})
    if error is None:
        assert response.status_code == 200, response.text
        assert response.json()["expires_in"] == 3600
    else:
        assert response.status_code == 400 and response.json()["error"] == error
