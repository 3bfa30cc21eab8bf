"""Demo mode: point unconfigured platforms at the built-in emulator with throwaway credentials.

The throwaway service account lives in a private temp folder, never in history; the emulator's
token endpoint issues tokens for it exactly as Google's would (issue 4 §5).
"""

from __future__ import annotations

import secrets as pysecrets
import tempfile
from pathlib import Path
from typing import Any

from playground.catalog import PLATFORMS
from playground.config import (
    AiStudioSettings,
    Secret,
    Settings,
    VertexSettings,
    missing_config_message,
)

DEMO_PROJECT = "banana-demo"
DEMO_KEY_SOURCE = "demo (built-in emulator)"


def unconfigured_platforms(settings: Settings) -> set[str]:
    return {p for p in PLATFORMS if missing_config_message(p, settings)}


def demo_settings(settings: Settings, base_url: str, platforms: set[str]) -> Settings:
    """Settings whose `platforms` talk to the emulator at base_url; others stay as they were."""
    from playground.emulator import write_service_account_file

    aistudio = vertex = None
    if "aistudio" in platforms:
        aistudio = AiStudioSettings(api_key=Secret(f"demo-{pysecrets.token_hex(12)}"),
                                    key_source=DEMO_KEY_SOURCE, base_url=base_url)
    if "vertex" in platforms:
        folder = Path(tempfile.mkdtemp(prefix="banana-demo-"))
        sa_file = write_service_account_file(folder / "service-account.json",
                                             f"{base_url}/token", DEMO_PROJECT)
        sa_file.chmod(0o600)
        vertex = VertexSettings(project=DEMO_PROJECT, location="global",
                                credentials_file=str(sa_file),
                                credentials_source="demo (throwaway service account)",
                                base_url=base_url)
    return settings.with_demo(platforms, aistudio, vertex)


def start_demo_emulator(profile: str | None = None, *, cache_bytes: int | None = None,
                        port: int = 0) -> Any:
    """Start the emulator in a background thread (used by the CLI's --demo and the app).

    port 0 picks a free port; a fixed port (PLAYGROUND_EMULATOR_PORT) lets a presenter or a
    browser test reach the demo emulator's /_emulator/ control API.
    """
    from playground.emulator import EmulatorConfig, start_emulator

    overrides: dict[str, Any] = {"latency_profile": profile} if profile else {}
    if cache_bytes is not None:
        overrides["render_cache_bytes"] = cache_bytes
    return start_emulator(EmulatorConfig.from_env(**overrides), port=port)
