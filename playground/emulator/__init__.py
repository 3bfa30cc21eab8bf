"""The wire-faithful emulator of the Gemini Developer API (AI Studio) and Vertex AI.

Real paths, auth and error envelopes of both platforms, deterministic images with the catalogue's
exact dimensions, scripted faults and latency profiles behind `/_emulator/`. See docs/emulator.md.

A separate server: imports only itself and domain/ (for nothing but pure facts); the
clients never import it, and generation/demo.py is the one bridge that starts it.
"""

from playground.emulator.app import create_app
from playground.emulator.config import EmulatorConfig
from playground.emulator.control_client import EmulatorControl
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
