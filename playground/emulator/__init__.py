"""The wire-faithful emulator of the Gemini Developer API (AI Studio) and Vertex AI.

Real paths, auth and error envelopes of both platforms, deterministic images with the catalogue's
exact dimensions, scripted faults and latency profiles behind `/_emulator/`. See docs/emulator.md.
"""

from playground.emulator.app import create_app
from playground.emulator.config import EmulatorConfig
from playground.emulator.control import EmulatorControl
from playground.emulator.credentials import make_service_account_info, write_service_account_file
from playground.emulator.server import EmulatorHandle, serve, start_emulator

__all__ = [
    "EmulatorConfig",
    "EmulatorControl",
    "EmulatorHandle",
    "create_app",
    "make_service_account_info",
    "serve",
    "start_emulator",
    "write_service_account_file",
]
