"""The ranges the numbers people type must fall in: finite, in range, one sentence each.

The same checks read flags (`--timeout 300`) and variables (`PLAYGROUND_TIMEOUT_S`); the hint
says to pass a flag or set a variable, by the name it was given.
"""

from __future__ import annotations

import math

from playground.domain.errors import ConfigError

MAX_TIMEOUT_S = 3600.0  # per attempt; 4K Pro takes minutes at worst, not hours
MAX_RETRIES = 10
MAX_RETRY_WAIT_S = 900.0  # the retry policy's total cap (clients/http.py RetryPolicy)


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) else f"{value:g}" if isinstance(
        value, float) else str(value)


def _try(name: str, example: str) -> str:
    """What to do: a flag is passed, a variable is set."""
    return f"Pass e.g. {name} {example}." if name.startswith("-") else \
        f"Set {name} to e.g. {example}."


def check_timeout(value: float, name: str) -> float:
    """Seconds per attempt: finite, above 0, at most an hour; ConfigError naming `name`."""
    if not (math.isfinite(value) and 0 < value <= MAX_TIMEOUT_S):
        raise ConfigError(f"{name} must be a number of seconds above 0 and at most "
                          f"{MAX_TIMEOUT_S:g} (got {_shown(value)}).",
                          hint=_try(name, "300"))
    return float(value)


def check_retries(value: int, name: str) -> int:
    if not 0 <= value <= MAX_RETRIES:
        raise ConfigError(f"{name} must be a whole number from 0 to {MAX_RETRIES} "
                          f"(got {_shown(value)}).", hint=_try(name, "2"))
    return int(value)


def check_retry_wait(value: float, name: str) -> float:
    if not (math.isfinite(value) and 0 <= value <= MAX_RETRY_WAIT_S):
        raise ConfigError(f"{name} must be a number of seconds from 0 to {MAX_RETRY_WAIT_S:g} "
                          f"(got {_shown(value)}).", hint=_try(name, "20"))
    return float(value)


def check_port(value: int, name: str) -> int:
    if not 0 <= value <= 65535:
        raise ConfigError(f"{name} must be a port number from 0 (any free port) to 65535 "
                          f"(got {_shown(value)}).", hint=_try(name, "8790"))
    return int(value)


def check_range(value: float, name: str, low: float, high: float, example: str,
                unit: str = "a number") -> float:
    """Finite and within [low, high]; e.g. the gateway's limits (0 turns a limit off)."""
    if not (math.isfinite(value) and low <= value <= high):
        raise ConfigError(f"{name} must be {unit} from {low:g} to {high:g} "
                          f"(got {_shown(value)}).", hint=_try(name, example))
    return value
