"""PLAYGROUND_GATEWAY_KEYS read as (name, key) pairs: "alice:KEY,bob:KEY", or bare keys named
key-1, key-2, … The name travels (history rows, logs, headers); the key never does (config.py
wraps it in `Secret`)."""

from __future__ import annotations

from playground.domain.errors import ConfigError

MIN_KEY_CHARS = 16


def split_key_spec(spec: str) -> list[tuple[str, str]]:
    """The pairs of a key spec; one ConfigError naming the entry that is not NAME:KEY."""
    out: list[tuple[str, str]] = []
    for n, entry in enumerate(filter(None, (e.strip() for e in spec.split(","))), start=1):
        name, sep, key = entry.partition(":")
        name, key = (name.strip(), key.strip()) if sep else (f"key-{n}", entry)
        if len(key) < MIN_KEY_CHARS or not name or any(name == k for k, _ in out):
            raise ConfigError(
                f"PLAYGROUND_GATEWAY_KEYS entry {n} is not NAME:KEY with a unique name and a key "
                f"of at least {MIN_KEY_CHARS} characters.",
                hint="Write e.g. alice:$(openssl rand -hex 24),bob:$(openssl rand -hex 24).")
        out.append((name, key))
    return out
