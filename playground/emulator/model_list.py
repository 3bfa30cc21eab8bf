"""Model resources and the paged model lists of both platforms (docs/emulator.md "Models and
lifecycle").

* AI Studio `GET /v1beta/models` (and `/v1`): `{"models": [Model…], "nextPageToken"}`, Model as
  in https://ai.google.dev/api/models (name, version, displayName, description,
  inputTokenLimit, outputTokenLimit, supportedGenerationMethods, …). pageSize default 50, at
  most 1000.
* Vertex `GET /v1beta1/publishers/google/models`: `{"publisherModels": [PublisherModel…],
  "nextPageToken"}` with name, versionId, launchStage, openSourceCategory. Google documents
  this list only partly (UNCONFIRMED beyond those fields); pageSize default 100.

The last page has no `nextPageToken`. Page tokens are opaque (base64 of an offset).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from playground.domain.catalog import ModelInfo
from playground.emulator import envelopes
from playground.emulator.lineup import Lineup, Offer, is_text_model

_DEFAULT_PAGE = {"aistudio": 50, "vertex": 100}
_MAX_PAGE = 1000
_IMAGE_METHODS = ["generateContent", "countTokens", "batchGenerateContent"]
_TEXT_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]


def model_resource(offer: Offer, platform: str) -> dict[str, Any]:
    """A Model (AI Studio) or PublisherModel (Vertex) resource; the numbers are approximate."""
    info = offer.info
    if platform == "vertex":
        return {
            "name": f"publishers/google/models/{info.id}", "versionId": "default",
            "launchStage": launch_stage(offer), "openSourceCategory": "PROPRIETARY",
            "versionState": "VERSION_STATE_STABLE" if info.status == "ga"
            else "VERSION_STATE_UNSTABLE",
        }
    return {
        "name": f"models/{info.id}", "version": "001" if info.status == "ga" else "preview",
        "displayName": info.nickname, "description": _description(offer),
        "inputTokenLimit": 65536 if info.family == "gemini" else 480,
        "outputTokenLimit": 32768 if info.family == "gemini" else 8192,
        "supportedGenerationMethods": _methods(info),
        **({"temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2,
            "thinking": info.thinking != "none" or is_text_model(info)}
           if info.family == "gemini" else {}),
    }


def launch_stage(offer: Offer) -> str:
    if offer.state in ("deprecated", "restricted"):
        return "DEPRECATED"
    return "GA" if offer.info.status == "ga" else "PUBLIC_PREVIEW"


def _methods(info: ModelInfo) -> list[str]:
    if info.family == "imagen":
        return ["predict"]
    return list(_TEXT_METHODS if is_text_model(info) else _IMAGE_METHODS)


def _description(offer: Offer) -> str:
    info = offer.info
    note = f" {info.lifecycle_note}" if info.lifecycle_note else ""
    return f"{info.nickname} ({info.id}).{note}"


def list_models(lineup: Lineup, platform: str, query: dict[str, str]) -> dict[str, Any]:
    """One page of the platform's list, as of the lineup's day."""
    size = _page_size(query.get("pageSize") or query.get("page_size"), platform)
    start = _offset(query.get("pageToken") or query.get("page_token") or "")
    offers = lineup.listing(platform)
    page = offers[start:start + size]
    key = "publisherModels" if platform == "vertex" else "models"
    body: dict[str, Any] = {key: [model_resource(o, platform) for o in page]}
    if start + size < len(offers):
        body["nextPageToken"] = _token(start + size)
    return body


def _page_size(value: str | None, platform: str) -> int:
    if value is None or value == "":
        return _DEFAULT_PAGE[platform]
    try:
        size = int(value)
    except ValueError:
        raise envelopes.bad_value("page_size", "TYPE_INT32", value) from None
    if size < 0:
        raise envelopes.invalid_argument("page_size must not be negative.")  # UNCONFIRMED
    return min(size or _DEFAULT_PAGE[platform], _MAX_PAGE)


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"banana-split:{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        prefix, _, number = text.partition(":")
        if prefix != "banana-split" or not number.isdigit():
            raise ValueError
        return int(number)
    except (binascii.Error, ValueError):
        raise envelopes.invalid_argument("Invalid page token.") from None  # UNCONFIRMED wording
