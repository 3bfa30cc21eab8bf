"""Keep secrets out of everything we emit: history, exports, logs, CLI output, HTML.

Known secret values are replaced wherever they appear; credential-looking headers and query
parameters are masked even when their value is unknown (issue 3 §8).
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
SECRET_HEADERS = frozenset({"x-goog-api-key", "authorization", "x-goog-user-project-token"})


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _QUERY_KEY.sub(lambda m: m.group(1) + REDACTED, text)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    return _PRIVATE_KEY.sub(REDACTED, text)


def redact_json(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A deep copy of a JSON value with secrets replaced (None stays None)."""
    if value is None:
        return None
    return json.loads(redact_text(json.dumps(value), list(secrets)))


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}
