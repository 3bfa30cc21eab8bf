"""The gateway's calls: plan an OpenAI request into Gemini calls, run them, store each one.

`plan` resolves the model name, maps the parameters (params.py), picks the platform (`auto`:
routing.py), checks the request once (`check_request`: its errors are refused before any
call) and prices it. `execute` admits it (limits.py), runs the N calls concurrently
(`generate`: Gemini rejects candidateCount > 1), writes every call as a history row with the
gateway's notes on it (which key, which OpenAI name, how each parameter was mapped, the route
and its figures), and settles the spend. Nothing here knows HTTP.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from playground.bench.store import BenchStore
from playground.clients.base import Platform, platform_for
from playground.clients.http import RetryPolicy, make_client
from playground.config import Settings
from playground.domain.catalog import MODELS, PLATFORMS, list_price_per_image
from playground.domain.labels import platform_label
from playground.domain.options import RequestCheck, check_request
from playground.domain.types import GenerationResult, ImageRequest
from playground.gateway import params as p
from playground.gateway.edits import InputImage, check_count, with_inputs, without_image_data
from playground.gateway.errors import GatewayError
from playground.gateway.imagen import ImagenTranslation
from playground.gateway.limits import KeyLimits, Limiter
from playground.gateway.links import Links
from playground.gateway.models import Target, resolve
from playground.gateway.routing import QualityStudy, RouteDecision, Router
from playground.generation.run import RunOptions, generate
from playground.history.store import HistoryStore

log = logging.getLogger("banana_split.gateway")
RAW_NOTE = "Sent raw:"


@dataclass
class Call:
    check: RequestCheck
    platform: str
    raw_body: dict[str, Any] | None = None


@dataclass
class Job:
    """One OpenAI request, planned: the calls it becomes and what every row will say."""

    key: str
    surface: str
    target: Target
    info_id: str
    platform: str
    size: p.SizeMapping
    calls: list[Call]
    notes: list[str]
    estimate_usd: float
    response_format: str = "b64_json"
    route: RouteDecision | None = None
    inputs: list[InputImage] = field(default_factory=list)


@dataclass
class Outcome:
    job: Job
    results: list[GenerationResult]

    @property
    def succeeded(self) -> list[GenerationResult]:
        return [r for r in self.results if r.ok and r.image is not None]

    @property
    def failed(self) -> list[GenerationResult]:
        return [r for r in self.results if not (r.ok and r.image is not None)]


class Gateway:
    def __init__(self, settings: Settings, *, store: HistoryStore | None = None,
                 study: QualityStudy | None = None, limiter: Limiter | None = None,
                 workers: int = 64) -> None:
        self.settings = settings
        self.store = store or HistoryStore(settings.data_dir)
        self.platforms: dict[str, Platform] = {n: platform_for(n, settings) for n in PLATFORMS}
        self.client = make_client(settings)
        self.policy = RetryPolicy.from_settings(settings)
        self.router = Router(BenchStore(self.store), study,
                             include_emulated=bool(settings.demo_platforms))
        self.limiter: Limiter = limiter or KeyLimits(settings.gateway)
        self.links = Links(settings.gateway.url_ttl_s)
        #: request work (planning, answers) and the fan-out of n calls, kept apart so a full
        #: pool of requests can never wait on calls that have no thread left to run in
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gateway")
        self._fanout = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gateway-n")

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self._fanout.shutdown(wait=False, cancel_futures=True)
        self.client.close()

    def secrets(self) -> list[str]:
        """Every secret the gateway knows: upstream keys, credential parts, tokens in use,
        gateway keys. Nothing it emits may contain one."""
        out = list(self.settings.secrets())
        for platform in self.platforms.values():
            out += platform.secrets()
        return list(dict.fromkeys(out))

    # --- planning ------------------------------------------------------------------------

    def plan(self, key: str, surface: str, params: p.ImageParams, *,
             inputs: list[InputImage] | None = None, system: str | None = None,
             image_param: str = "image", tier: tuple[str, str] | None = None) -> Job:
        target = resolve(params.model)
        info = target.info
        if info is None or info.is_retired or info.family != "gemini":
            why = info.lifecycle_note if info is not None else \
                "it is not in Banana Split's catalog (python -m playground models lists them)"
            raise GatewayError(404, f"The model {target.model!r} cannot be served: {why}",
                               param="model", code="model_not_found")
        inputs = inputs or []
        check_count(inputs, info, image_param)
        size = p.map_size(params.size, params.quality, info, tier_param=tier)
        platform, route = target.platform, None
        if platform is None:
            route = self._route(target, info.id, size, params)
            platform = route.platform
        mime, compression, out_notes = p.map_output(params, platform, info, target.name)
        request = p.image_request(params, info.id, size, mime, compression)
        check = check_request(request, [platform])
        refused = p.refusal(check.for_platform(platform))
        if refused is not None:
            raise refused
        notes = [self._headline(key, surface, target, platform, info.id, size, params, inputs)]
        notes += size.notes + out_notes + params.notes
        if route is not None:
            notes.append(route.note())
        raw = None
        if inputs or system:
            wire = self.platforms[platform].build(request, check.for_platform(platform))
            raw = with_inputs(wire.body or {}, inputs, system)
            notes += list(wire.notes)
        price = list_price_per_image(info.id, size.tier)
        return Job(key, surface, target, info.id, platform, size,
                   [Call(check, platform, raw) for _ in range(params.n)], notes,
                   round(price * params.n, 6), params.response_format, route, inputs)

    def plan_imagen(self, key: str, translation: ImagenTranslation, platform: str) -> Job:
        """One call per instance × sampleCount of a translated Imagen payload."""
        model = translation.target_model
        info = MODELS.get(model)
        if info is None or info.family != "gemini" or info.is_retired:
            raise GatewayError(500, f"PLAYGROUND_GATEWAY_IMAGEN_TARGET={model!r} is not a "
                                    "Gemini image model of the catalog.",
                               code="bad_imagen_target")
        calls = []
        for request in translation.requests:
            check = check_request(request, [platform])
            refused = p.refusal(check.for_platform(platform))
            if refused is not None:
                raise refused
            calls.append(Call(check, platform))
        first = translation.requests[0]
        tier = first.image_size or info.default_size
        size = p.SizeMapping(first.aspect_ratio, first.image_size, tier, "imagen")
        target = Target(translation.source_model, model, platform)
        head = (f"Via the OpenAI-compatible gateway (imagen.predict), gateway key {key!r}: an "
                f"Imagen :predict payload for {translation.source_model} → "
                f"{platform_label(platform)} {model}, {len(calls)} call(s).")
        notes = [head, translation.notice, *translation.notes]
        price = list_price_per_image(model, tier)
        return Job(key, "imagen.predict", target, model, platform, size, calls, notes,
                   round(price * len(calls), 6))

    def _route(self, target: Target, model: str, size: p.SizeMapping,
               params: p.ImageParams) -> RouteDecision:
        probe = ImageRequest(prompt=params.prompt, model=model, aspect_ratio=size.aspect_ratio,
                             image_size=size.image_size)
        candidates = [n for n in PLATFORMS if not check_request(probe, [n]).errors(n)]
        why = ""
        info = MODELS[model]
        custom = params.output_compression is not None or (
            params.output_format is not None
            and p.FORMATS[params.output_format] != info.default_mime.get("aistudio"))
        if custom and "aistudio" in candidates:
            candidates.remove("aistudio")
            why = "output_format/output_compression can only be honoured on Vertex AI"
        if not candidates:
            problems = check_request(probe, list(PLATFORMS)).problems
            raise GatewayError(400, "No platform can serve this request: " + " ".join(problems),
                               param="model", code="model_not_available")
        assert target.priority is not None
        return self.router.choose(model, size.tier, target.priority, candidates, why)

    @staticmethod
    def _headline(key: str, surface: str, target: Target, platform: str, model: str,
                  size: p.SizeMapping, params: p.ImageParams, inputs: list[InputImage]) -> str:
        asked = [f"size={params.size}" if params.size else "",
                 f"quality={params.quality}" if params.quality else "",
                 f"output_format={params.output_format}" if params.output_format else "",
                 f"n={params.n}" if params.n > 1 else "",
                 f"{len(inputs)} input image(s)" if inputs else "",
                 f"user={params.user!r}" if params.user else ""]
        made = f"{size.aspect_ratio or 'default ratio'}, {size.tier}"
        return (f"Via the OpenAI-compatible gateway ({surface}), gateway key {key!r}: model "
                f"{target.name!r} → {platform_label(platform)} {model}, {made}"
                + (f" (asked: {', '.join(a for a in asked if a)})" if any(asked) else "") + ".")

    # --- running -------------------------------------------------------------------------

    def execute(self, job: Job) -> Outcome:
        """Admit, run the calls at once, store each; blocking (call it from a worker thread)."""
        admission = self.limiter.admit(job.key, len(job.calls), job.estimate_usd)
        group = uuid.uuid4().hex[:12] if len(job.calls) > 1 else None
        results: list[GenerationResult] = []
        try:
            if len(job.calls) == 1:
                results = [self._one(job.calls[0], job, group)]
            else:
                futures = [self._fanout.submit(self._one, call, job, group) for call in job.calls]
                results = [f.result() for f in futures]
        finally:
            per_call = job.estimate_usd / max(1, len(job.calls))
            spent = sum(r.cost_usd if r.cost_usd is not None else (per_call if r.ok else 0.0)
                        for r in results)
            self.limiter.settle(admission, spent)
        return Outcome(job, results)

    def _one(self, call: Call, job: Job, group: str | None) -> GenerationResult:
        begin = getattr(self.store, "begin", None)
        noted: list[GenerationResult] = []

        def before_send(result: GenerationResult) -> None:
            self._annotate(result, job)
            noted.append(result)
            if begin is not None:
                begin(result)

        result = generate(call.check, self.platforms[call.platform], client=self.client,
                          options=RunOptions(policy=self.policy, group_id=group,
                                             raw_body=call.raw_body, before_send=before_send))
        if not noted:
            self._annotate(result, job)
        if call.raw_body is not None:
            result.request_json = without_image_data(result.request_json, job.inputs)
        try:
            self.store.save(result)
        except (OSError, sqlite3.Error) as exc:
            log.error("history save failed for a gateway call: %s", type(exc).__name__)
            result.notes.append(f"Not saved to history: {type(exc).__name__}.")
        return result

    @staticmethod
    def _annotate(result: GenerationResult, job: Job) -> None:
        kept = [n for n in result.notes if not n.startswith(RAW_NOTE)]
        if len(kept) != len(result.notes):
            kept.append(f"The gateway built this body itself ({len(job.inputs)} input image(s) "
                        "inline, role user) and sent it as built; history keeps each input "
                        "image as its size and SHA-256.")
        result.notes = job.notes + kept
