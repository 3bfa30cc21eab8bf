"""The last N API requests, as tests of the clients need to see them — with secrets masked.

Keys and tokens keep only their last four characters (`…abcd`); inline image data becomes
`<N bytes>` so a 4K upload does not sit in memory twice.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from typing import Any

from playground.emulator.routing import ApiTarget

_SECRET_HEADERS = ("x-goog-api-key", "authorization", "cookie", "proxy-authorization")
_BLOB_KEYS = ("inlineData", "inline_data")
_B64_KEYS = ("bytesBase64Encoded", "bytes_base64_encoded")
#: Replayed thought signatures are up to 1.5 M characters: logged by length, not kept.
_SIGNATURE_KEYS = ("thoughtSignature", "thought_signature")
_SHORT_SIGNATURE = 100
_SURROGATE = re.compile("[\ud800-\udfff]")


def mask(value: str) -> str:
    """`…` plus the last four characters; nothing at all of very short values."""
    return "…" + value[-4:] if len(value) > 8 else "…"


def mask_header(name: str, value: str) -> str:
    if name == "authorization" or name == "proxy-authorization":
        scheme, _, credential = value.partition(" ")
        return f"{scheme} {mask(credential)}" if credential else mask(value)
    return mask(value)


def summarize_body(body: bytes) -> Any:
    """Parsed JSON with inline image data replaced by `<N bytes>`; raw text if not JSON."""
    if not body:
        return None
    try:
        return _strip_blobs(json.loads(body))
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        return f"<{len(body)} bytes, not JSON>"


def printable(text: str) -> str:
    """Unpaired surrogates (legal in JSON escapes, not in UTF-8) as U+FFFD, so the log stays
    serialisable."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _strip_blobs(node: Any) -> Any:
    if isinstance(node, str):
        return printable(node)
    if isinstance(node, list):
        return [_strip_blobs(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for raw_key, value in node.items():
        key = printable(raw_key)
        if key in _BLOB_KEYS and isinstance(value, dict) and isinstance(value.get("data"), str):
            out[key] = {**value, "data": _byte_count(value["data"])}
        elif key in _B64_KEYS and isinstance(value, str):
            out[key] = _byte_count(value)
        elif key in _SIGNATURE_KEYS and isinstance(value, str) and len(value) > _SHORT_SIGNATURE:
            out[key] = f"<{len(value)} base64 characters>"
        else:
            out[key] = _strip_blobs(value)
    return out


_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"


def _byte_count(data: str) -> str:
    """The decoded size of standard or URL-safe base64, padded or not, without decoding it (a
    14-image request would otherwise spend ~0.5 s of the event loop here on this VM)."""
    core = data.rstrip("=")
    try:
        valid = not core.encode("ascii").translate(None, _B64_ALPHABET) \
            and len(core) % 4 != 1 and len(data) - len(core) <= 2
    except UnicodeEncodeError:
        valid = False
    if not valid:
        return f"<{len(data)} base64 characters, undecodable>"
    return f"<{len(core) * 3 // 4} bytes>"


class RequestLog:
    def __init__(self, size: int) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()
        self.total = 0
        self.by_platform: dict[str, int] = {}
        self.by_route: dict[str, int] = {}

    def record(self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
               body: bytes | Any, target: ApiTarget | None) -> dict[str, Any]:
        """Log one request; `target` None for a path no API serves (the HTML 404s, /token).
        `body` is raw bytes, or an already safe summary."""
        entry = {
            "time": time.time(), "method": method, "path": path,
            "query": {k: mask(v) if k in ("key", "assertion") else v for k, v in query.items()},
            "headers": {k: mask_header(k, v) if k in _SECRET_HEADERS else v
                        for k, v in headers.items()},
            "body": summarize_body(body) if isinstance(body, bytes) else body,
            "body_bytes": len(body) if isinstance(body, bytes) else None,
            "platform": target.platform if target else None,
            "route": target.route if target else None,
            "mode": target.mode if target else None,
            "version": target.version if target else None,
            "model": target.model if target else None,
            "status": None, "fault": None,
        }
        with self._lock:
            self._entries.append(entry)
            self.total += 1
            if target is not None:
                self.by_platform[target.platform] = self.by_platform.get(target.platform, 0) + 1
                self.by_route[target.route] = self.by_route.get(target.route, 0) + 1
        return entry

    def entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            items = list(self._entries)
        return items[-limit:] if limit else items

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.total = 0
            self.by_platform.clear()
            self.by_route.clear()
