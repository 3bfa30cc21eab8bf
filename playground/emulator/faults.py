"""Scripted faults: a FIFO of "the next N matching replies are X" (docs/wire-notes.md "Errors"; docs/emulator.md).

Three kinds: error replies (the docs/wire-notes.md "Errors" envelopes), result faults (a 200 whose candidate is blocked,
image-less or mislabelled — see generation.py) and delivery faults (a body that is cut short or a
connection that drops mid-body — see delivery.py).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from playground.emulator.fault_params import check_params
from playground.emulator.routing import ROUTES, ApiTarget

ERROR_FAULTS = ("429", "500", "503", "504", "502_html", "service_disabled", "iam_denied",
                "consumer_suspended", "location_unsupported", "echo_headers")
RESULT_FAULTS = ("image_safety", "image_prohibited_content", "image_other", "image_recitation",
                 "no_image", "prompt_blocked", "mislabelled_mime", "undecodable_image",
                 "redacted_image_data", "narration")
DELIVERY_FAULTS = ("truncated", "drop", "stream_error")
FAULT_KINDS = ERROR_FAULTS + RESULT_FAULTS + DELIVERY_FAULTS
PLATFORMS = ("aistudio", "vertex", "*")


@dataclass
class FaultScript:
    id: int
    fault: str
    platform: str = "*"
    route: str | None = None
    remaining: int = 1
    params: dict[str, Any] = field(default_factory=dict)

    def matches(self, target: ApiTarget) -> bool:
        """No route: the next generation request (what "the next N replies" means to a user;
        a model-list or model GET in between does not use the script up). "*": any route."""
        if self.platform not in ("*", target.platform):
            return False
        if self.route is None:
            return target.route != "list"
        return self.route in ("*", target.route)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "fault": self.fault, "platform": self.platform,
                "route": self.route, "remaining": self.remaining, "params": self.params}


@dataclass(frozen=True)
class Fault:
    """One firing of a script."""

    kind: str
    params: dict[str, Any]


class FaultQueue:
    def __init__(self) -> None:
        self._scripts: list[FaultScript] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.fired = 0

    def add(self, fault: Any, *, platform: Any = "*", route: Any = None, count: Any = 1,
            params: Any = None) -> FaultScript:
        """Validate and append; raises ValueError with a plain sentence on bad input."""
        if not isinstance(fault, str) or fault not in FAULT_KINDS:
            raise ValueError(f"Unknown fault {fault!r}. Known: {', '.join(FAULT_KINDS)}.")
        if not isinstance(platform, str) or platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}; got {platform!r}.")
        if route not in (None, "*", *ROUTES):
            raise ValueError(f"route must be null or one of {', '.join(ROUTES)}; got {route!r}.")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError(f"count must be a positive integer; got {count!r}.")
        checked = check_params(fault, params)
        script = FaultScript(next(self._ids), fault, platform, route, count, checked)
        with self._lock:
            self._scripts.append(script)
        return script

    def take(self, target: ApiTarget) -> Fault | None:
        """The first script matching this request (FIFO); consumes one of its count."""
        with self._lock:
            for script in self._scripts:
                if script.matches(target):
                    script.remaining -= 1
                    if script.remaining == 0:
                        self._scripts.remove(script)
                    self.fired += 1
                    return Fault(script.fault, script.params)
        return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [s.to_dict() for s in self._scripts]

    def clear(self) -> None:
        with self._lock:
            self._scripts.clear()
            self.fired = 0
