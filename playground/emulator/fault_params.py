"""What each fault's `params` may hold, checked when the fault is scripted.

A bad value must be a 400 from `POST /_emulator/faults` with a sentence, never a 500 later when
the fault fires (docs/emulator.md "Control API").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], str | None]  # None = fine, else what is wrong


def _number(low: float, high: float = math.inf, *, low_open: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        if not math.isfinite(value) or value < low or value > high or (low_open and value == low):
            return f"must be {'>' if low_open else '≥'} {low:g}" + (
                f" and ≤ {high:g}" if high != math.inf else "")
        return None
    return check


def _integer(low: int, high: int | None = None) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be an integer"
        if value < low or (high is not None and value > high):
            return f"must be ≥ {low}" + (f" and ≤ {high}" if high is not None else "")
        return None
    return check


def _choice(*allowed: Any) -> Check:
    def check(value: Any) -> str | None:
        if value in allowed and not isinstance(value, bool):
            return None
        return "must be one of " + ", ".join(str(a) for a in allowed)
    return check


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


_FINISH: dict[str, Check] = {"message": _text}
#: google-genai's BlockedReason values.
BLOCK_REASONS = ("SAFETY", "OTHER", "BLOCKLIST", "PROHIBITED_CONTENT", "IMAGE_SAFETY",
                 "MODEL_ARMOR", "JAILBREAK")

PARAMS: dict[str, dict[str, Check]] = {
    "429": {"retry_delay_s": _number(0), "zero_quota": _boolean, "limit": _integer(0),
            "wording": _choice("quota", "dsq")},
    "503": {"wording": _choice("high_demand", "overloaded")},
    "500": {}, "502_html": {}, "service_disabled": {}, "iam_denied": {},
    "504": {"as_503": _boolean},
    "consumer_suspended": {}, "location_unsupported": {}, "echo_headers": {},
    "image_safety": _FINISH, "image_prohibited_content": _FINISH, "image_other": _FINISH,
    "image_recitation": _FINISH, "no_image": _FINISH,
    "prompt_blocked": {"reason": _choice(*BLOCK_REASONS), "message": _text},
    "mislabelled_mime": {},
    "undecodable_image": {"length": _integer(1)},
    "redacted_image_data": {"length": _integer(0)},
    "narration": {"text": _text},
    "truncated": {},
    "drop": {"fraction": _number(0, 1, low_open=True)},
    "stream_error": {"code": _choice(500, 503), "wording": _choice("high_demand", "overloaded"),
                     "after": _integer(0)},
}


def check_params(fault: str, params: Any) -> dict[str, Any]:
    """The params as given, or ValueError naming the first problem."""
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ValueError(f"params must be an object; got {type(params).__name__}.")
    known = PARAMS.get(fault, {})
    for name, value in params.items():
        check = known.get(name)
        if check is None:
            names = ", ".join(known) or "none"
            raise ValueError(f"Unknown param {name!r} for fault {fault!r}. Known: {names}.")
        problem = check(value)
        if problem:
            raise ValueError(f"Param {name!r} of fault {fault!r} {problem}; got {value!r}.")
    return dict(params)
