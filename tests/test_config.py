"""Configuration with Google's own variable names; secrets never print."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.clients.base import platform_for
from playground.config import Secret, load_settings, missing_config_message
from playground.domain.errors import ConfigError
from playground.domain.redaction import REDACTED, redact_headers, redact_json, redact_text


def test_defaults_with_nothing_set(tmp_path: Path) -> None:
    s = load_settings(env={"HOME": str(tmp_path)})
    assert not s.aistudio.is_configured and not s.vertex.is_configured
    assert s.vertex.location == "global"
    assert platform_for("vertex", s).base_url == "https://aiplatform.googleapis.com"
    assert s.aistudio.base_url == "https://generativelanguage.googleapis.com"
    assert "GOOGLE_API_KEY" in (missing_config_message("aistudio", s) or "")
    assert "GOOGLE_APPLICATION_CREDENTIALS" in (missing_config_message("vertex", s) or "")


def test_google_names(tmp_path: Path) -> None:
    sa = tmp_path / "sa.json"
    sa.write_text(json.dumps({"type": "service_account", "project_id": "from-file"}))
    env = {"GEMINI_API_KEY": "gem-key-123456", "GOOGLE_APPLICATION_CREDENTIALS": str(sa),
           "GOOGLE_CLOUD_LOCATION": "us-central1", "GOOGLE_GEMINI_BASE_URL": "http://127.0.0.1:1/",
           "GOOGLE_VERTEX_BASE_URL": "http://127.0.0.1:2", "PLAYGROUND_DATA_DIR": str(tmp_path / "d")}
    s = load_settings(env=env)
    assert s.aistudio.api_key == Secret("gem-key-123456")
    assert s.aistudio.key_source == "env GEMINI_API_KEY"
    assert s.aistudio.base_url == "http://127.0.0.1:1"
    assert s.vertex.project == "from-file" and s.vertex.location == "us-central1"
    assert platform_for("vertex", s).base_url == "http://127.0.0.1:2"
    assert s.vertex.is_configured and not s.vertex.is_express
    assert s.data_dir == tmp_path / "d"
    # GOOGLE_API_KEY wins over GEMINI_API_KEY, env wins over secrets.
    s2 = load_settings(env={"GOOGLE_API_KEY": "google-key-1", "GEMINI_API_KEY": "gem"},
                       secrets={"GOOGLE_API_KEY": "from-secrets"})
    assert s2.aistudio.api_key == Secret("google-key-1")
    s3 = load_settings(env={"HOME": str(tmp_path)}, secrets={"GOOGLE_API_KEY": "from-secrets-1"})
    assert s3.aistudio.key_source == "secrets GOOGLE_API_KEY"


def test_express_mode_and_missing_file(tmp_path: Path) -> None:
    s = load_settings(env={"PLAYGROUND_VERTEX_API_KEY": "express-key-9999", "HOME": str(tmp_path)})
    assert s.vertex.is_express and s.vertex.is_configured
    with pytest.raises(ConfigError, match="does not exist") as info:
        load_settings(env={"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "nope.json")})
    assert "GOOGLE_APPLICATION_CREDENTIALS" in info.value.hint


def test_secret_never_prints() -> None:
    secret = Secret("AIzaCANARY-1234567890")
    assert "CANARY" not in repr(secret) and "CANARY" not in str(secret) and "CANARY" not in f"{secret}"
    assert secret.masked == "…7890"
    assert secret.reveal() == "AIzaCANARY-1234567890"


def test_redaction() -> None:
    text = "GET /v1beta/models/m?key=CANARY-KEY-1&alt=sse Authorization: Bearer ya29.CANARYTOKEN123"
    out = redact_text(text)
    assert "CANARY" not in out and out.count(REDACTED) == 2
    assert redact_text("x known-secret-value y", ["known-secret-value"]) == f"x {REDACTED} y"
    assert redact_json({"a": ["known-secret-value"]}, ["known-secret-value"]) == {"a": [REDACTED]}
    assert redact_headers({"x-goog-api-key": "k", "Content-Type": "j"}) == {
        "x-goog-api-key": REDACTED, "Content-Type": "j"}
    pem = "-----{} PRIVATE KEY-----".format("BEGIN") + "\nMIIE\n" + "-----END PRIVATE KEY-----"
    assert "MIIE" not in redact_text(f"key: {pem}")


def test_credential_shapes_are_redacted_without_knowing_them() -> None:
    key = "AI" + "za" + "Sy" + "Q" * 33
    text = f'prompt with {key} and {{"private_key_id": "abc123", "type": "service_account"}}'
    out = redact_text(text)
    assert key not in out and "abc123" not in out and redact_text(out) == out
