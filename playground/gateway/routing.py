"""`auto`: the platform for a model and size chosen from the team's own measurements.

- speed: the benchmark runs' p50 total latency and success rate per platform (stored task
  records, bench/store.py), scored as expected seconds per image = p50 ÷ success rate;
- cost: the measured cost per successful image (all tasks' estimated cost ÷ successes);
- quality: the stored blind-review studies (gateway/quality.py `StoredStudies`, through
  `QualityStudy.quality_figures`): a study with votes between AI Studio and Vertex AI on the
  model, in their default formats, at that tier (or another tier of the model, said in the
  figures). The platform whose share of decisive votes has its whole 95 % interval above 50 %
  is chosen (`basis=study`); an interval that includes 50 % is "no detectable difference" and
  the documented default applies with that reason, the study's figures still shown; with no
  study the default applies and says so (docs/decisions.md "Gateway").

Only default-output cells of the same model and size tier count, and only runs measured
against Google (emulated runs count too when the gateway itself runs in demo mode, and the
figures say so). With fewer than MIN_SAMPLES finished tasks on either platform the documented
default applies and the decision says so (README "Use it from any OpenAI client").
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from playground.bench.stats import TaskRecord
from playground.bench.store import BenchStore
from playground.domain.catalog import MODELS

MIN_SAMPLES = 5
CACHE_S = 30.0
#: priority → (platform, why) when the data cannot decide.
DEFAULTS: dict[str, tuple[str, str]] = {
    "speed": ("aistudio", "public p50 latency is lower on AI Studio (≈20 s vs 26–41 s for Pro, "
                          "docs/wire-notes.md \"Latency\")"),
    "cost": ("aistudio", "list prices are the same on both platforms (domain/catalog.py), so "
                         "the speed default decides"),
    "quality": ("vertex", "same model on both platforms; Vertex returns lossless PNG by default "
                          "while AI Studio's JPEG quality cannot be set — a container "
                          "difference, not a judged one"),
}


@dataclass(frozen=True)
class PlatformFigures:
    """What the benchmark runs say about one platform for one model and tier."""

    platform: str
    tasks: int
    successes: int
    p50_total_s: float | None
    cost_per_image_usd: float | None
    as_of: str  # ISO day of the newest task counted
    runs: int
    emulated: bool

    @property
    def success_rate(self) -> float:
        return self.successes / self.tasks if self.tasks else 0.0

    @property
    def seconds_per_image(self) -> float | None:
        if self.p50_total_s is None or not self.successes:
            return None
        return self.p50_total_s / self.success_rate

    def describe(self) -> str:
        p50 = "—" if self.p50_total_s is None else f"{self.p50_total_s:.2f}s"
        cost = "—" if self.cost_per_image_usd is None else f"${self.cost_per_image_usd:.4f}"
        where = " emulated" if self.emulated else ""
        return (f"{self.platform} p50={p50} ok={self.success_rate:.0%} cost/img={cost} "
                f"n={self.tasks} runs={self.runs}{where} as-of={self.as_of}")


@dataclass(frozen=True)
class QualityFigures:
    """A blind-review study's verdict on AI Studio against Vertex AI for one model and tier."""

    preferred: str | None  # platform; None when the interval includes 50 % (no difference)
    vertex_share: float  # share of the decisive votes that preferred Vertex AI
    ci_low: float  # its Wilson 95 % interval
    ci_high: float
    votes: int  # decisive votes between the two platforms
    as_of: str  # ISO day of the newest vote counted
    study: str  # the study's id
    name: str = ""
    tier: str = ""  # the tier the study covered
    status: str = "closed"  # open | closed
    all_votes: int = 0  # with ties and "both bad"
    emulated: bool = False
    #: (platform, Bradley–Terry strength on the Elo scale, bootstrap 95 % low, high), once the
    #: study has its minimum vote count
    strengths: tuple[tuple[str, float, float, float], ...] = ()

    def describe(self) -> str:
        """ASCII, one line: what the header and the row say about the study."""
        name = "".join(c if 32 <= ord(c) < 127 and c not in '";' else "?" for c in self.name)
        parts = [f'study={self.study} "{name[:60]}" {self.status}', f"tier={self.tier}",
                 f"vertex-preferred={self.vertex_share:.0%} "
                 f"ci95={self.ci_low:.0%}-{self.ci_high:.0%}",
                 f"decisive={self.votes} votes={self.all_votes or self.votes}"]
        parts += [f"strength {p}={s:.0f} [{lo:.0f},{hi:.0f}]" for p, s, lo, hi in self.strengths]
        parts.append(("emulated " if self.emulated else "") + f"as-of={self.as_of}")
        return " ".join(parts)

    def verdict(self) -> str:
        share = (f"Vertex AI preferred in {self.vertex_share:.0%} of {self.votes} decisive "
                 f"votes, 95 % CI {self.ci_low:.0%}-{self.ci_high:.0%}")
        where = f"the blind-review study {self.study}" + (" (emulated)" if self.emulated else "")
        if self.preferred is None:
            return f"{where} found no detectable difference ({share}: the interval includes 50 %)"
        return f"{where} preferred {self.preferred} ({share})"


class QualityStudy(Protocol):
    #: what the route's header says when `quality_figures` has nothing for a model
    why_none: str

    def quality_figures(self, model: str, image_size: str) -> QualityFigures | None: ...

    def refresh(self) -> None:
        """Forget cached figures (the router's own refresh calls it)."""


class NoStudyData:
    """A router given no studies to read (the gateway and the CLI pass StoredStudies)."""

    why_none = "no blind-review study source was given to this router"

    def quality_figures(self, model: str, image_size: str) -> QualityFigures | None:
        return None

    def refresh(self) -> None:
        pass


@dataclass(frozen=True)
class RouteDecision:
    priority: str
    platform: str
    model: str
    tier: str
    basis: str  # "benchmark" | "study" | "default" | "only choice"
    reason: str
    figures: tuple[PlatformFigures, ...] = ()
    study: QualityFigures | None = None

    def header(self) -> str:
        """x-banana-route (ASCII): the choice, its basis and the figures it rested on."""
        parts = [f"auto:{self.priority} -> {self.platform}", f"basis={self.basis}",
                 f"model={self.model} tier={self.tier}"]
        parts += [f.describe() for f in self.figures]
        if self.study:
            parts.append(self.study.describe())
        if self.basis != "benchmark":
            parts.append(f"why={self.reason}")
        return "; ".join(parts).encode("ascii", "replace").decode()

    def note(self) -> str:
        figures = "; ".join(f.describe() for f in self.figures) or "no benchmark figures"
        study = f" Study: {self.study.describe()}." if self.study else ""
        return (f"Routed by auto:{self.priority} to {self.platform} ({self.basis}): "
                f"{self.reason}. Figures: {figures}.{study}")


@dataclass
class _Cache:
    at: float = 0.0
    records: list[tuple[TaskRecord, str, bool]] = field(default_factory=list)


class Router:
    def __init__(self, bench: BenchStore, study: QualityStudy | None = None, *,
                 include_emulated: bool = False) -> None:
        self.bench = bench
        self.study: QualityStudy = study or NoStudyData()
        self.include_emulated = include_emulated
        self._cache = _Cache()
        self._lock = threading.Lock()

    def refresh(self) -> None:
        with self._lock:
            self._cache = _Cache()
        self.study.refresh()

    def _records(self) -> list[tuple[TaskRecord, str, bool]]:
        """Every finished task of every eligible run, with its run and whether it was emulated."""
        with self._lock:
            if time.monotonic() - self._cache.at < CACHE_S and self._cache.at:
                return self._cache.records
            out = []
            for run in self.bench.list_runs(limit=500):
                if run.is_demo and not self.include_emulated:
                    continue
                out += [(r, run.id, run.is_demo) for r in self.bench.task_records(run.id)]
            self._cache = _Cache(time.monotonic(), out)
            return out

    def figures(self, model: str, tier: str, platform: str) -> PlatformFigures | None:
        info = MODELS.get(model)
        default_tier = info.default_size if info else "1K"
        picked = []
        for record, run_id, emulated in self._records():
            backend, cell_model, size, _ratio, output = (record.cell_id.split("/") + [""] * 5)[:5]
            cell_tier = default_tier if size == "default-size" else size
            if (backend, cell_model, cell_tier, output) == (platform, model, tier, "default"):
                picked.append((record, run_id, emulated))
        if not picked:
            return None
        records = [r for r, _, _ in picked]
        ok = [r for r in records if r.ok]
        totals = [r.total_s for r in ok if r.total_s is not None]
        costs = [r.cost_usd for r in records if r.cost_usd is not None]
        newest = max(r.finished_at for r in records)
        return PlatformFigures(
            platform, len(records), len(ok), statistics.median(totals) if totals else None,
            sum(costs) / len(ok) if ok and costs else None,
            datetime.fromtimestamp(newest, UTC).date().isoformat() if newest else "unknown",
            len({run_id for _, run_id, _ in picked}), any(e for _, _, e in picked))

    def choose(self, model: str, tier: str, priority: str,
               candidates: Sequence[str] = ("aistudio", "vertex"),
               why_only: str = "") -> RouteDecision:
        if len(candidates) == 1:
            return RouteDecision(priority, candidates[0], model, tier, "only choice",
                                 why_only or f"only {candidates[0]} can serve this request")
        found = [self.figures(model, tier, p) for p in candidates]
        figures = tuple(f for f in found if f is not None)
        study = self.study.quality_figures(model, tier) if priority == "quality" else None
        chosen = study.preferred if study is not None else None
        if study is not None and chosen is not None and chosen in candidates:
            return RouteDecision(priority, chosen, model, tier, "study",
                                 study.verdict(), figures, study)
        enough = len(figures) == len(candidates) and all(f.tasks >= MIN_SAMPLES for f in figures)
        if priority != "quality" and enough:
            best = self._best(priority, figures)
            if best is not None:
                return RouteDecision(priority, best.platform, model, tier, "benchmark",
                                     self._why(priority, best), figures)
        platform, why = DEFAULTS[priority]
        if platform not in candidates:
            platform = candidates[0]
        if study is not None:
            lack = study.verdict() + ("" if study.preferred is None else
                                      ", which cannot serve this request")
        elif priority == "quality":
            lack = self.study.why_none
        else:
            lack = f"fewer than {MIN_SAMPLES} benchmark tasks on a platform for {model} at {tier}"
        return RouteDecision(priority, platform, model, tier, "default",
                             f"{lack}; the documented default: {why}", figures, study)

    @staticmethod
    def _best(priority: str, figures: Sequence[PlatformFigures]) -> PlatformFigures | None:
        def score(f: PlatformFigures) -> float | None:
            return f.seconds_per_image if priority == "speed" else f.cost_per_image_usd

        scored = [(s, f) for f in figures if (s := score(f)) is not None]
        if len(scored) < len(figures):
            return None
        scored.sort(key=lambda pair: pair[0])
        if len(scored) > 1 and scored[0][0] == scored[1][0]:
            return None  # a tie decides nothing
        return scored[0][1]

    @staticmethod
    def _why(priority: str, best: PlatformFigures) -> str:
        if priority == "speed":
            return (f"lowest expected time per image (p50 {best.p50_total_s:.2f} s ÷ success "
                    f"{best.success_rate:.0%})")
        return f"lowest measured cost per successful image (${best.cost_per_image_usd:.4f})"

