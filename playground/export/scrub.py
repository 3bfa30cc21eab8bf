"""The last line of defence before a pack leaves the machine: no secret in any text it holds.

History is redacted when it is written (service.py), but a pack is meant to be shared, so every
text file of it (manifest, metrics, index.html) goes through `redact_text` once more, with the known
secret values of these settings (`pack_secrets`: API keys and the credential file's private
parts); credential shapes are caught even when their value is unknown. Image bytes are copied
exactly and never rewritten.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_SERVICE_ACCOUNT_FIELDS = ("private_key", "private_key_id", "client_secret", "refresh_token")
MIN_LINE = 16  # private-key body lines shorter than this are too generic to search for


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
