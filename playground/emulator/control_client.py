"""A small client for the `/_emulator/` control API, for tests, benchmarks and demos."""

from __future__ import annotations

from typing import Any, cast

import httpx


class EmulatorControl:
    def __init__(self, base_url: str, transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(base_url=self.base_url + "/_emulator", transport=transport,
                                    timeout=httpx.Timeout(30.0, connect=5.0))

    @classmethod
    def in_process(cls, app: Any) -> EmulatorControl:
        """Control an app object without a server (uses Starlette's sync test transport)."""
        from starlette.testclient import TestClient

        control = cls("http://emulator")
        control._client.close()
        control._client = cast(httpx.Client, TestClient(app, base_url="http://emulator/_emulator"))
        return control

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        response = self._client.request(method, path, json=payload)
        if response.status_code >= 400:
            raise ValueError(f"Emulator control {method} {path}: {response.json().get('error')}")
        return response.json()

    def script(self, fault: str, *, platform: str = "*", route: str | None = None,
               count: int = 1, **params: Any) -> dict[str, Any]:
        """Make the next `count` matching replies the given fault (FIFO with earlier scripts)."""
        payload = {"fault": fault, "platform": platform, "route": route, "count": count,
                   "params": params}
        result: dict[str, Any] = self._call("POST", "/faults", payload)["scripted"]
        return result

    def pending_faults(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "/faults")["pending"]
        return result

    def reset(self) -> None:
        self._call("POST", "/reset")

    def set_profile(self, name: str) -> None:
        self._call("POST", "/profile", {"profile": name})

    def get_profile(self) -> str:
        return str(self._call("GET", "/profile")["profile"])

    def set_latency(self, ttfb_s: float, body_s: float = 0.0, platform: str = "*") -> None:
        self._call("POST", "/latency", {"ttfb_s": ttfb_s, "body_s": body_s, "platform": platform})

    def clear_latency(self) -> None:
        self._call("DELETE", "/latency")

    def set_lineup(self, **fields: Any) -> dict[str, Any]:
        """Change `today` (ISO day or None = the real date), `extra_models`, `hidden_models`."""
        result: dict[str, Any] = self._call("POST", "/lineup", fields)
        return result

    def set_today(self, day: str | None) -> dict[str, Any]:
        return self.set_lineup(today=day)

    def lineup(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/lineup")
        return result

    def requests(self, limit: int | None = None) -> list[dict[str, Any]]:
        path = f"/requests?limit={limit}" if limit else "/requests"
        result: list[dict[str, Any]] = self._call("GET", path)["requests"]
        return result

    def state(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/state")
        return result

    def register_service_account(self, info: dict[str, Any]) -> None:
        """Make the emulator verify JWT signatures from this service account."""
        from playground.emulator.credentials import public_key_pem

        self._call("POST", "/service-accounts", {"client_email": info["client_email"],
                                                 "public_key_pem": public_key_pem(info)})

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> EmulatorControl:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
