"""The mutable state of one emulator app: tokens, scripts, latency, request log, render cache.

Every part guards itself with a threading lock (never held across an await), so the state can be
touched from the event loop, from render threads, and from an in-process control client running
its own loop.
"""

from __future__ import annotations

from typing import Any

import anyio
from anyio.lowlevel import RunVar

from playground.emulator.auth import TokenStore
from playground.emulator.config import EmulatorConfig
from playground.emulator.faults import FaultQueue
from playground.emulator.latency import LatencyModel
from playground.emulator.lineup import Lineup
from playground.emulator.render import RenderCache
from playground.emulator.requestlog import RequestLog
from playground.emulator.signatures import Signer


class EmulatorState:
    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.tokens = TokenStore(config.token_ttl_s)
        self.faults = FaultQueue()
        self.latency = LatencyModel(config)
        self.log = RequestLog(config.request_log_size)
        self.cache = RenderCache(config.render_cache_bytes)
        self.service_accounts: dict[str, str] = dict(config.service_account_keys)
        self.signer = Signer(config.seed, dict(config.signature_chars))
        self.lineup = Lineup(config.today, config.extra_models, config.hidden_models,
                             config.imagen)
        self._workers: RunVar[anyio.CapacityLimiter] = RunVar(f"emulator-workers-{id(self)}")

    @property
    def workers(self) -> anyio.CapacityLimiter:
        """Threads for parsing, rendering and encoding, one limiter per event loop. Few on
        purpose: many runnable Python threads convoy on the GIL and make timers fire late."""
        try:
            return self._workers.get()
        except LookupError:
            limiter = anyio.CapacityLimiter(self.config.worker_threads)
            self._workers.set(limiter)
            return limiter

    def reset(self) -> None:
        """Scripts, explicit latency, the request log and the lineup (day, extra and hidden
        models); the profile and RNG back to config.

        Issued tokens, registered service accounts and the render cache survive a reset.
        """
        self.faults.clear()
        self.latency.reset()
        self.log.clear()
        self.lineup.reset()

    def snapshot(self) -> dict[str, Any]:
        return {
            "profile": self.latency.profile,
            "time_scale": self.config.time_scale,
            "latency": self.latency.explicit(),
            "pending_faults": self.faults.pending(),
            "counts": {
                "requests": self.log.total,
                "by_platform": dict(self.log.by_platform),
                "by_route": dict(self.log.by_route),
                "faults_fired": self.faults.fired,
                "tokens_issued": self.tokens.issued,
            },
            "render_cache": self.cache.stats(),
            "lineup": self.lineup.snapshot(),
            "config": {
                "api_keys_restricted": bool(self.config.api_keys),
                "vertex_api_keys_restricted": bool(self.config.vertex_api_keys),
                "token_ttl_s": self.config.token_ttl_s,
                "metadata": self.config.metadata,
                "imagen": self.config.imagen,
                "lite_ratios": self.config.lite_ratios,
                "project_number": self.config.project_number,
                "service_accounts": sorted(self.service_accounts),
            },
        }
