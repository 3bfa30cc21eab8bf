"""The last line of defence before a pack leaves the machine: no secret in any text it holds.

History is redacted when it is written (generation/run.py), but a pack is meant to be shared, so every
text file of it (manifest, metrics, index.html) goes through `redact_text` once more, with the known
secret values of these settings (`pack_secrets`: API keys and the credential file's private
parts); credential shapes are caught even when their value is unknown. Image bytes are copied
exactly and never rewritten.
"""

from __future__ import annotations

from typing import Any


def pack_secrets(settings: Any) -> list[str]:
    """Every secret value these Settings know of (`Settings.secrets()`: API keys, and the
    private parts of the service-account or ADC file they point at)."""
    return list(settings.secrets())
