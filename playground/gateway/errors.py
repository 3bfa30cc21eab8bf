"""OpenAI's error shape, `{"error": {"message", "type", "param", "code"}}`, for every refusal.

The `type` follows the HTTP status as OpenAI's own API does, so the official SDK raises the
matching typed exception (BadRequestError, AuthenticationError, RateLimitError, …).
`x-should-retry: false` goes on every 4xx except 408/409/429 (the SDK obeys it: openai-python
`_base_client.py` `_should_retry`), so a client never repeats paid work that cannot succeed.
"""

from __future__ import annotations

import json
from typing import Any

from playground.domain.errors import PlaygroundError

_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
          404: "invalid_request_error", 409: "invalid_request_error",
          422: "invalid_request_error", 429: "rate_limit_error"}
RETRYABLE_4XX = frozenset({408, 409, 429})


class GatewayError(PlaygroundError):
    """A refusal or failure answered in OpenAI's error shape."""

    def __init__(self, status: int, message: str, *, code: str | None = None,
                 param: str | None = None, type_: str | None = None,
                 headers: dict[str, str] | None = None, retry: bool | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.param = param
        self.type = type_ or _TYPES.get(status, "server_error" if status >= 500 else
                                        "invalid_request_error")
        self.headers = dict(headers or {})
        #: None: the SDK decides by status; True/False: sent as x-should-retry.
        self.retry = retry if retry is not None else (
            False if 400 <= status < 500 and status not in RETRYABLE_4XX else None)
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": {"message": self.message, "type": self.type,
                                         "param": self.param, "code": self.code}}
        if self.extra:
            out["banana"] = self.extra
        return out

    def body_bytes(self) -> bytes:
        return json.dumps(self.body(), ensure_ascii=False).encode()

    def response_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.retry is not None:
            headers["x-should-retry"] = "true" if self.retry else "false"
        return headers


def bad_param(param: str, message: str, code: str = "invalid_value") -> GatewayError:
    return GatewayError(400, message, param=param, code=code)


def unknown_param(name: str, why: str = "") -> GatewayError:
    text = f"Unknown parameter: '{name}'."
    return GatewayError(400, f"{text} {why}".strip(), param=name, code="unknown_parameter")
