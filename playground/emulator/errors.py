"""The emulator's own small error tree (it is a separate server and shares no code with the
clients):

    EmulatorError
    ├─ WireError          a request answered with one of Google's error envelopes (envelopes.py)
    ├─ GrantError         a bad OAuth token grant at /token (auth.py)
    └─ ConnectionDropped  the `drop` fault's deliberate abort of a connection (delivery.py)
"""

from __future__ import annotations


class EmulatorError(Exception):
    """Root of everything the emulator raises on purpose."""
