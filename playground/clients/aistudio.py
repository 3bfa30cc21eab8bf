"""AI Studio (Gemini Developer API): requests and answers.

POST {base}/v1beta/models/{model}:generateContent with `x-goog-api-key` (added by auth.py,
never in the URL). Only imageConfig.aspectRatio/imageSize are sent; Vertex-only options are
dropped with a note (docs/wire-notes.md, "Request body").
"""

from __future__ import annotations

import httpx

from playground.clients.auth import ApiKeyAuth
from playground.clients.base import PlatformBase, WireRequest
from playground.domain.catalog import PlatformName


class AiStudio(PlatformBase):
    name: PlatformName = "aistudio"

    @property
    def base_url(self) -> str:
        return self.settings.aistudio.base_url.rstrip("/")

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/{self.settings.aistudio.api_version}"

    def model_url(self, model: str, method: str = "generateContent") -> str:
        suffix = f":{method}" if method else ""
        return f"{self.endpoint}/models/{model}{suffix}"

    @property
    def service_tier_field(self) -> str:
        return self.settings.aistudio.service_tier_field

    def _load_auth(self) -> httpx.Auth:
        key = self.settings.aistudio.api_key
        assert key is not None  # missing_config_message said it is set
        return ApiKeyAuth(key)

    def build_probe(self, model: str) -> WireRequest:
        """Settings → Test connection: GET the model (cheap, authenticated)."""
        return WireRequest("GET", self.model_url(model, method=""), None)

    def build_list(self, page_size: int, page_token: str | None) -> WireRequest:
        """`GET …/v1beta/models`: every model this key may call, page by page."""
        return WireRequest("GET", f"{self.endpoint}/models?{self.page_query(page_size, page_token)}",
                           None)
