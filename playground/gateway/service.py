"""The gateway's calls: plan an OpenAI request into Gemini calls, run them, store each one.

`plan` resolves the model name, maps the parameters (params.py), picks the platform (`auto`:
routing.py), checks the request once (`check_request`, input images included: its errors are
refused before any call) and prices it. `execute` admits it (limits.py), writes every call's
history row before anything is sent (generation/recorder.py `Recorder`, with the gateway's notes
on it: which key, which OpenAI name, how each parameter was mapped, the route and its figures),
runs the N calls as fan-out variants (generation/fanout.py: Gemini rejects candidateCount > 1),
fills each row as its answer lands, and settles the spend. Nothing here knows HTTP.
"""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from playground.bench.store import BenchStore
from playground.clients.base import Platform, platform_for
from playground.clients.http import RetryPolicy, make_client
from playground.config import Settings
from playground.domain.catalog import MODELS, PLATFORMS, list_price_per_image
from playground.domain.errors import PlaygroundError, describe
from playground.domain.labels import platform_label
from playground.domain.options import RequestCheck, check_request
from playground.domain.turns import InputImage
from playground.domain.types import GenerationResult, ImageRequest
from playground.gateway import params as p
from playground.gateway.edits import with_system
from playground.gateway.errors import GatewayError
from playground.gateway.imagen import ImagenTranslation
from playground.gateway.limits import Limiter
from playground.gateway.links import Links
from playground.gateway.models import Target, resolve
from playground.gateway.quality import StoredStudies
from playground.gateway.routing import QualityStudy, RouteDecision, Router
from playground.gateway.team_limits import limiter_for
from playground.generation.fanout import Slot, result_key, run_slots
from playground.generation.recorder import Recorder
from playground.generation.run import RunOptions
from playground.history.store import HistoryStore

log = logging.getLogger("banana_split.gateway")
RAW_NOTE = "Sent raw:"


@dataclass
class Call:
    check: RequestCheck
    platform: str


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
    inputs: tuple[InputImage, ...] = ()
    raw_body: dict[str, Any] | None = None  # only with system text (chat): build() + that


@dataclass
class Outcome:
    job: Job
    results: list[GenerationResult]
    #: history faults met while filling rows (the results are still answered)
    storage_problems: list[str] = field(default_factory=list)

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
        self.store = store or HistoryStore(settings.data_dir, database_url=settings.team.database_url)
        self.platforms: dict[str, Platform] = {n: platform_for(n, settings) for n in PLATFORMS}
        self.client = make_client(settings)
        self.policy = RetryPolicy.from_settings(settings)
        demo = bool(settings.demo_platforms)
        self.router = Router(BenchStore(self.store),
                             study or StoredStudies(self.store, include_emulated=demo),
                             include_emulated=demo)
        self.limiter: Limiter = limiter or limiter_for(settings, self.store)
        self.links = Links(settings.gateway.url_ttl_s)
        #: request work (planning, answers); the n calls of a request run in run_slots' own
        #: workers, so a full pool can never wait on calls that have no thread left to run in
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gateway")

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
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
             inputs: tuple[InputImage, ...] = (), system: str | None = None,
             image_param: str = "image", tier: tuple[str, str] | None = None) -> Job:
        target = resolve(params.model)
        info = target.info
        if info is None or info.is_retired or info.family != "gemini":
            why = info.lifecycle_note if info is not None else \
                "it is not in Banana Split's catalog (python -m playground models lists them)"
            raise GatewayError(404, f"The model {target.model!r} cannot be served: {why}",
                               param="model", code="model_not_found")
        size = p.map_size(params.size, params.quality, info, tier_param=tier)
        platform, route = target.platform, None
        if platform is None:
            route = self._route(target, info.id, size, params)
            platform = route.platform
        mime, compression, out_notes = p.map_output(params, platform, info, target.name)
        request = p.image_request(params, info.id, size, mime, compression, inputs)
        check = check_request(request, [platform])
        refused = p.refusal(check.for_platform(platform), image_param)
        if refused is not None:
            raise refused
        notes = [self._headline(key, surface, target, platform, info.id, size, params, inputs)]
        notes += size.notes + out_notes + params.notes
        if route is not None:
            notes.append(route.note())
        raw = None
        if system:
            wire = self.platforms[platform].build(request, check.for_platform(platform))
            raw = with_system(wire.shown_body or {}, system)
        price = list_price_per_image(info.id, size.tier)
        return Job(key, surface, target, info.id, platform, size,
                   [Call(check, platform) for _ in range(params.n)], notes,
                   round(price * params.n, 6), params.response_format, route, inputs, raw)

    def plan_imagen(self, key: str, translation: ImagenTranslation, platform: str) -> Job:
        """One call per instance × sampleCount of a translated Imagen payload."""
        model = translation.target_model
        info = MODELS.get(model)
        if info is None or info.family != "gemini" or info.is_retired:
            raise GatewayError(500, f"PLAYGROUND_GATEWAY_IMAGEN_TARGET={model!r} is not a "
                                    "Gemini image model of the catalog.",
                               code="bad_imagen_target")
        calls = []
        for request, count in zip(translation.instances, translation.sample_counts, strict=True):
            check = check_request(request, [platform])
            refused = p.refusal(check.for_platform(platform))
            if refused is not None:
                raise refused
            calls += [Call(check, platform)] * count  # sampleCount → variants
        first = translation.instances[0]
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
                  size: p.SizeMapping, params: p.ImageParams,
                  inputs: tuple[InputImage, ...]) -> str:
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
        """Admit, write every call's row, run the calls at once, fill each row as it lands;
        blocking (call it from a worker thread)."""
        admission = self.limiter.admit(job.key, len(job.calls), job.estimate_usd,
                                       platform=job.platform, model=job.info_id)
        many = len(job.calls) > 1
        slots = [Slot(self.platforms[c.platform], c.check, n if many else None)
                 for n, c in enumerate(job.calls, start=1)]
        group = uuid.uuid4().hex[:12] if many else None
        results: list[GenerationResult] = []
        try:
            recorder = self._recorder(slots, group, job, admission.user_email)

            def landed(result: GenerationResult) -> None:
                self._annotate(result, job)
                recorder.save(result)

            try:
                results = run_slots(slots, client=self.client, on_result=landed,
                                    options=RunOptions(policy=self.policy, group_id=group,
                                                       raw_body=job.raw_body))
            finally:
                recorder.close_unanswered({result_key(r) for r in results}, status="error",
                                          explanation="The gateway failed before this call's "
                                                      "answer was stored.")
        finally:
            per_call = job.estimate_usd / max(1, len(job.calls))
            spent = sum(r.cost_usd if r.cost_usd is not None else (per_call if r.ok else 0.0)
                        for r in results)
            self.limiter.settle(admission, spent)
        if recorder.problems:
            log.error("history could not store %d gateway call(s)", len(recorder.problems))
        return Outcome(job, results, list(recorder.problems))

    def _recorder(self, slots: list[Slot], group: str | None, job: Job,
                  user_email: str | None = None) -> Recorder:
        """Every row written before any call is sent: a history that cannot record refuses the
        request unsent (503), so no call is billed without a trace."""
        try:
            return Recorder(self.store, slots, group, notes=job.notes, user_email=user_email)
        except PlaygroundError as exc:
            text, hint = describe(exc)
            raise GatewayError(503, f"Nothing was sent: the history cannot record this "
                                    f"request ({text}) {hint}".strip(),
                               code="history_unavailable", retry=False) from None

    @staticmethod
    def _annotate(result: GenerationResult, job: Job) -> None:
        """The "sent raw" note (chat with system text) says what the gateway built instead."""
        kept = [n for n in result.notes if not n.startswith(RAW_NOTE)]
        if len(kept) != len(result.notes):
            kept.append("The gateway sent the platform's own body for this request with the "
                        "chat's system text added as systemInstruction.")
        result.notes = kept
