"""The last line of defence before a pack leaves the machine: no secret in any text it holds.

History is redacted when it is written (service.py), but a pack is meant to be shared, so every
text file of it (manifest, metrics, index.html) goes through `scrub_text` once more: the known
secret values of these settings, plus shapes that look like Google credentials even when their
value is unknown (an API key pasted into a prompt or a review comment, an OAuth token, a
service-account JSON). Image bytes are copied exactly and never rewritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from playground.redaction import REDACTED, redact_text

_GOOGLE_API_KEY = re.compile(r"AIza[0-9A-Za-z_\-]{20,}")
_OAUTH_TOKEN = re.compile(r"ya29\.[0-9A-Za-z_\-.]{10,}")
_JSON_SECRET_FIELD = re.compile(
    r'("(?:private_key|private_key_id|client_secret|refresh_token|access_token)"\s*:\s*)'
    r'"(?:[^"\\]|\\.)*"')
_SERVICE_ACCOUNT_FIELDS = ("private_key", "private_key_id", "client_secret", "refresh_token")
MIN_LINE = 16  # private-key body lines shorter than this are too generic to search for


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    """redact_text plus credential shapes; idempotent."""
    text = redact_text(text, list(secrets))
    text = _GOOGLE_API_KEY.sub(REDACTED, text)
    text = _OAUTH_TOKEN.sub(REDACTED, text)
    return _JSON_SECRET_FIELD.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)


def pack_secrets(settings: Any) -> list[str]:
    """Every secret value these Settings know of: API keys, and the private parts of the
    service-account (or ADC) file they point at, line by line, so a fragment is caught too."""
    out = list(settings.secrets())
    path = getattr(getattr(settings, "vertex", None), "credentials_file", None)
    if path:
        out += credential_file_secrets(Path(path))
    return [s for s in dict.fromkeys(out) if s]


def credential_file_secrets(path: Path) -> list[str]:
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    if not isinstance(info, dict):
        return []
    out: list[str] = []
    for name in _SERVICE_ACCOUNT_FIELDS:
        value = info.get(name)
        if isinstance(value, str) and value:
            out.append(value)
            out += [line.strip() for line in value.splitlines()
                    if len(line.strip()) >= MIN_LINE and "PRIVATE KEY" not in line]
    return out
