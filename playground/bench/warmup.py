"""Warm the demo emulator before a benchmark with compressed time.

The emulator injects its delay from a request's arrival, but a cold 4K image takes it a second
or two to render, so the first requests of a run would measure the renderer. With every
distinct image rendered once first (unmeasured, unsaved), a run measures only the injected
latency.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from playground.bench.matrix import Plan
from playground.clients.base import platform_for
from playground.clients.http import RetryPolicy, make_client
from playground.generation.demo import DemoEnvironment
from playground.generation.run import RunOptions, generate


def warm_up(plan: Plan, demo: DemoEnvironment, *, concurrency: int = 4) -> int:
    """Render every distinct image of the plan once; returns the count of warm-up requests.

    Explicit latencies (set_latency) still apply: call this before them.
    """
    settings, control = demo.settings, demo.control
    firsts = {(t.cell.id, t.prompt): t for t in reversed(plan.tasks)}
    platforms = {c.backend: platform_for(c.backend, settings) for c in plan.cells}
    options = RunOptions(policy=RetryPolicy(0))
    profile = control.get_profile()
    control.set_profile("instant")
    try:
        with make_client(settings) as client, ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(lambda t: generate(t.cell.request(t.prompt), platforms[t.cell.backend],
                                             client=client, options=options), firsts.values()))
    finally:
        control.set_profile(profile)
    return len(firsts)
