"""Keep secrets out of everything we emit: history, exports, logs, CLI output, HTML.

Known secret values are replaced wherever they appear; credential-looking headers, query
parameters, API keys, OAuth tokens, private keys and service-account fields are masked even when
their value is unknown. Idempotent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

REDACTED = "[REDACTED]"
_QUERY_KEY = re.compile(r"([?&](?:key|access_token)=)[^&#\s]+", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----",
                          re.DOTALL)
# Shapes of Google credentials, caught even when the value is unknown (a key pasted in a prompt).
_GOOGLE_API_KEY = re.compile(r"AIza[0-9A-Za-z_\-]{20,}")
_OAUTH_TOKEN = re.compile(r"ya29\.[0-9A-Za-z_\-.]{10,}")
_JSON_SECRET_FIELD = re.compile(
    r'("(?:private_key|private_key_id|client_secret|refresh_token|access_token)"\s*:\s*)'
    r'"(?:[^"\\]|\\.)*"')
SECRET_HEADERS = frozenset({"x-goog-api-key", "authorization", "x-goog-user-project-token"})


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _QUERY_KEY.sub(lambda m: m.group(1) + REDACTED, text)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    text = _PRIVATE_KEY.sub(REDACTED, text)
    text = _GOOGLE_API_KEY.sub(REDACTED, text)
    text = _OAUTH_TOKEN.sub(REDACTED, text)
    return _JSON_SECRET_FIELD.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)


def redact_json(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A deep copy of a JSON value with secrets replaced (None stays None)."""
    if value is None:
        return None
    return json.loads(redact_text(json.dumps(value), list(secrets)))


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def redact_result(result: Any, secrets: Iterable[str]) -> None:
    """Redact, in place, every string of a GenerationResult that can carry server or user text:
    the error, every attempt's message, notes, explanations, texts, Google's messages, the URL
    and the request as sent. Applied once, at the source, before anyone stores or prints it."""
    secrets = list(secrets)
    for name in ("explanation", "finish_message", "block_message", "request_url"):
        value = getattr(result, name)
        if value:
            setattr(result, name, redact_text(value, secrets))
    for name in ("notes", "texts", "thought_texts"):
        setattr(result, name, [redact_text(t, secrets) for t in getattr(result, name)])
    for attempt in result.attempts:
        if attempt.error_message:
            attempt.error_message = redact_text(attempt.error_message, secrets)
    err = result.error
    if err is not None:
        err.message = redact_text(err.message, secrets)
        err.hint = redact_text(err.hint, secrets)
        err.raw = redact_text(err.raw, secrets) if err.raw else err.raw
    result.request_json = redact_json(result.request_json, secrets)
