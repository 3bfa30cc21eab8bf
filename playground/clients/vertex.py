"""Vertex AI: requests and answers, and everything about where Vertex lives.

Host by location (docs/wire-notes.md, "Hosts"): global → aiplatform.googleapis.com, us/eu →
aiplatform.{loc}.rep.googleapis.com, regions → {loc}-aiplatform.googleapis.com. Express mode
(an API key, no service account) drops project/location from the path. Every content carries
role "user": Vertex answers 400 without it.
"""

from __future__ import annotations

import httpx

from playground.clients.auth import ApiKeyAuth, GoogleCredentialsAuth, vertex_credentials
from playground.clients.base import JSON_HEADERS, PlatformBase, WireRequest
from playground.clients.wire import user_contents
from playground.domain.catalog import PlatformName


def base_url_for(location: str) -> str:
    """Host by location, as the SDK chooses it."""
    if location == "global":
        return "https://aiplatform.googleapis.com"
    if location in ("us", "eu"):
        return f"https://aiplatform.{location}.rep.googleapis.com"
    return f"https://{location}-aiplatform.googleapis.com"


class Vertex(PlatformBase):
    name: PlatformName = "vertex"
    accepts_vertex_options = True

    @property
    def base_url(self) -> str:
        v = self.settings.vertex
        return (v.base_url or base_url_for(v.location)).rstrip("/")

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/{self.settings.vertex.api_version}"

    @property
    def is_express(self) -> bool:
        return self.settings.vertex.is_express

    def model_path(self, model: str) -> str:
        v = self.settings.vertex
        if self.is_express:
            return f"publishers/google/models/{model}"
        return f"projects/{v.project}/locations/{v.location}/publishers/google/models/{model}"

    def model_url(self, model: str, method: str = "generateContent") -> str:
        suffix = f":{method}" if method else ""
        return f"{self.endpoint}/{self.model_path(model)}{suffix}"

    @property
    def service_tier_field(self) -> str:
        return self.settings.vertex.service_tier_field

    def _load_auth(self) -> httpx.Auth:
        v = self.settings.vertex
        if self.is_express:
            assert v.express_api_key is not None
            return ApiKeyAuth(v.express_api_key)
        return GoogleCredentialsAuth(vertex_credentials(v))

    def build_probe(self, model: str) -> WireRequest:
        """GET the model; express mode answers 401 to GET, so count tokens instead."""
        if self.is_express:
            return WireRequest("POST", self.model_url(model, method="countTokens"),
                               {"contents": user_contents("ping")}, dict(JSON_HEADERS))
        return WireRequest("GET", self.model_url(model, method=""), None)

    def build_list(self, page_size: int, page_token: str | None) -> WireRequest:
        """The publisher model list (`v1beta1` only); what it returns per project is UNCONFIRMED."""
        query = self.page_query(page_size, page_token)
        return WireRequest("GET", f"{self.base_url}/v1beta1/publishers/google/models?{query}", None)
