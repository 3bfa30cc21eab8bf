"""The "Reproduce the article" preset: its matrix, its claims, and each claim measured.

The article behind Banana Split says AI Studio is 2–3× faster, Vertex times out 3–8% of the
time, 4K Vertex files are 15–20 MB against 3–5 MB on AI Studio (about 4× larger), and JPEG q85
on Vertex saves about 40%. The preset runs the same prompts on both platforms at 1K and 4K in
their default formats, plus JPEG q85 on Vertex, then sets each claim next to the measurement.

Verdicts: *within* when the measured value lies in the stated range; *outside* when its whole
95% interval lies outside the range; *inconclusive* when the value is outside but the interval
reaches into the range, or there are too few results. "About N" claims are read as a stated
range (written next to each claim), because a claim without a range cannot be tested.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from playground.bench.matrix import OUTPUT_DEFAULT, BenchSpec, Cell, OutputOption
from playground.bench.stats import (
    BOOTSTRAP_RESAMPLES,
    TaskRecord,
    bootstrap,
    interval,
    wilson_interval,
)
from playground.bench.summary import RunSummary, summarize_run
from playground.bench.verdicts import MIN_SAMPLES, ratio_ci
from playground.history.store import HistoryStore

PRESET = "article"
ARTICLE_MODEL = "gemini-3-pro-image-preview"
JPEG_Q85 = OutputOption("jpeg-q85", "image/jpeg", 85)
ARTICLE_PROMPTS = (
    "A photorealistic mountain lake at sunrise, mist over the water, pine forest on the shore",
    "A cosy reading nook by a rainy window, warm lamp light, a cat asleep on a knitted blanket",
    "A night market street in the rain, neon signs reflected in the puddles, people with umbrellas",
    "A product photo of a ceramic coffee mug on an oak table, soft morning window light",
    "An isometric illustration of a small city block with shops, trees and a tram stop",
    "A close-up portrait of an old fisherman with a weathered face at golden hour",
)

Verdict = Literal["within", "outside", "inconclusive"]
Measure = Callable[[list[TaskRecord], str, int], "Measurement"]


def article_spec(prompts: Sequence[str] | None = None, *, repeats: int = 3,
                 model: str = ARTICLE_MODEL, concurrency: int = 8, seed: int = 0,
                 **changes: Any) -> BenchSpec:
    """Both platforms × 1K and 4K × (default format, JPEG q85); JPEG runs on Vertex only."""
    spec = BenchSpec(
        prompts=tuple(prompts or ARTICLE_PROMPTS), backends=("aistudio", "vertex"),
        models=(model,), image_sizes=("1K", "4K"), outputs=(OUTPUT_DEFAULT, JPEG_Q85),
        repeats=repeats, concurrency=concurrency, seed=seed, name="Reproduce the article",
        preset=PRESET,
    )
    return spec.with_(**changes)


@dataclass(frozen=True)
class Measurement:
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: str  # sample sizes in words, e.g. "18 and 18 images"


@dataclass(frozen=True)
class Claim:
    key: str
    text: str  # what the article says
    stated: str  # the range as stated (or as we read "about")
    low: float
    high: float
    unit: str  # "×", "%", "MB"
    how: str  # how it is measured from the run
    measure: Measure


@dataclass(frozen=True)
class ClaimResult:
    key: str
    text: str
    stated: str
    how: str
    unit: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: str
    verdict: Verdict
    emulated: bool

    @property
    def measured(self) -> str:
        if self.value is None:
            return "no data"
        out = _fmt(self.value, self.unit)
        if self.ci_low is not None and self.ci_high is not None:
            out += f" (95% CI {_fmt(self.ci_low, self.unit)}–{_fmt(self.ci_high, self.unit)})"
        return out + (", emulated" if self.emulated else "")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"measured": self.measured}


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value * 100:.1f}%"
    if unit == "MB":
        return f"{value:.2f} MB"
    return f"{value:.2f}×"


# --- measurements ----------------------------------------------------------------------------


def _cell_id(backend: str, model: str, size: str, output: OutputOption = OUTPUT_DEFAULT) -> str:
    return Cell(backend, model, size, None, output).id


def _ok_values(records: list[TaskRecord], cell_id: str, metric: str) -> list[float]:
    return [float(getattr(r, metric)) for r in records
            if r.ok and r.cell_id == cell_id and getattr(r, metric) is not None]


def _ratio(a: list[float], b: list[float], statistic: Literal["median", "mean"],
           seed: int) -> Measurement:
    n = f"{len(a)} and {len(b)} images"
    if len(a) < MIN_SAMPLES or len(b) < MIN_SAMPLES:
        return Measurement(None, None, None, n)
    value, low, high = ratio_ci(a, b, statistic=statistic, seed=seed)
    return Measurement(value, low, high, n)


def speed_ratio(size: str) -> Measure:
    def measure(records: list[TaskRecord], model: str, seed: int) -> Measurement:
        vertex = _ok_values(records, _cell_id("vertex", model, size), "total_s")
        aistudio = _ok_values(records, _cell_id("aistudio", model, size), "total_s")
        return _ratio(vertex, aistudio, "median", seed)
    return measure


def speed_ratio_pooled(records: list[TaskRecord], model: str, seed: int) -> Measurement:
    """The geometric mean over 1K and 4K of (median Vertex ÷ median AI Studio), bootstrapped.

    One figure for "2–3× faster" that weighs both sizes equally, whatever the mix of results.
    """
    groups = [(_ok_values(records, _cell_id("vertex", model, size), "total_s"),
               _ok_values(records, _cell_id("aistudio", model, size), "total_s"))
              for size in ("1K", "4K")]
    n = " and ".join(f"{len(v)}/{len(a)}" for v, a in groups) + " images (1K and 4K)"
    if any(len(v) < MIN_SAMPLES or len(a) < MIN_SAMPLES for v, a in groups):
        return Measurement(None, None, None, n)
    rng = np.random.default_rng(seed)
    logs, boot_logs = [], []
    for vertex, aistudio in groups:
        logs.append(np.log(np.median(vertex) / np.median(aistudio)))
        boot_logs.append(np.log(_boot_medians(vertex, rng) / _boot_medians(aistudio, rng)))
    boot = np.exp(np.mean(boot_logs, axis=0))
    return Measurement(float(np.exp(np.mean(logs))), *interval(boot), n)


def _boot_medians(values: list[float], rng: np.random.Generator) -> np.ndarray:
    data = np.asarray(values, dtype=float)
    return np.median(data[rng.integers(0, data.size, size=(BOOTSTRAP_RESAMPLES, data.size))],
                     axis=1)


def size_ratio(size: str) -> Measure:
    def measure(records: list[TaskRecord], model: str, seed: int) -> Measurement:
        vertex = _ok_values(records, _cell_id("vertex", model, size), "size_bytes")
        aistudio = _ok_values(records, _cell_id("aistudio", model, size), "size_bytes")
        return _ratio(vertex, aistudio, "mean", seed)
    return measure


def mean_megabytes(backend: str, size: str) -> Measure:
    def measure(records: list[TaskRecord], model: str, seed: int) -> Measurement:
        values = [v / 1e6 for v in _ok_values(records, _cell_id(backend, model, size),
                                                "size_bytes")]
        n = f"{len(values)} images"
        if len(values) < MIN_SAMPLES:
            return Measurement(None, None, None, n)
        dist = bootstrap(values, lambda rows: rows.mean(axis=1), seed=seed,
                         n_resamples=BOOTSTRAP_RESAMPLES)
        return Measurement(float(np.mean(values)), *interval(dist), n)
    return measure


def jpeg_saving(size: str) -> Measure:
    def measure(records: list[TaskRecord], model: str, seed: int) -> Measurement:
        jpeg = _ok_values(records, _cell_id("vertex", model, size, JPEG_Q85), "size_bytes")
        default = _ok_values(records, _cell_id("vertex", model, size), "size_bytes")
        ratio = _ratio(jpeg, default, "mean", seed)
        if ratio.value is None:
            return ratio
        assert ratio.ci_low is not None and ratio.ci_high is not None
        return Measurement(1 - ratio.value, 1 - ratio.ci_high, 1 - ratio.ci_low, ratio.n)
    return measure


def vertex_timeout_rate(records: list[TaskRecord], model: str, seed: int) -> Measurement:
    attempts = [a for r in records if r.backend == "vertex" for a in r.attempts]
    timeouts = sum(1 for a in attempts if a.failure_class == "504_timeout")
    n = f"{timeouts} of {len(attempts)} attempts"
    if len(attempts) < MIN_SAMPLES:
        return Measurement(None, None, None, n)
    ci = wilson_interval(timeouts, len(attempts))
    assert ci is not None
    return Measurement(timeouts / len(attempts), *ci, n)


CLAIMS: tuple[Claim, ...] = (
    Claim("speed", "AI Studio is 2–3× faster than Vertex AI", "2–3×", 2.0, 3.0, "×",
          "geometric mean over 1K and 4K of median total time, Vertex ÷ AI Studio, default "
          "format, successful images", speed_ratio_pooled),
    Claim("speed_1k", "… at 1K", "2–3×", 2.0, 3.0, "×",
          "median total time, Vertex ÷ AI Studio, 1K, default format", speed_ratio("1K")),
    Claim("speed_4k", "… at 4K", "2–3×", 2.0, 3.0, "×",
          "median total time, Vertex ÷ AI Studio, 4K, default format", speed_ratio("4K")),
    Claim("vertex_timeouts", "Vertex AI times out 3–8% of the time", "3–8%", 0.03, 0.08, "%",
          "share of Vertex HTTP attempts that ended in 504 or a client timeout (Wilson CI)",
          vertex_timeout_rate),
    Claim("vertex_4k_mb", "4K files from Vertex AI are 15–20 MB", "15–20 MB", 15.0, 20.0, "MB",
          "mean file size, Vertex 4K, default format (MB = 10⁶ bytes)",
          mean_megabytes("vertex", "4K")),
    Claim("aistudio_4k_mb", "4K files from AI Studio are 3–5 MB", "3–5 MB", 3.0, 5.0, "MB",
          "mean file size, AI Studio 4K, default format (MB = 10⁶ bytes)",
          mean_megabytes("aistudio", "4K")),
    Claim("size_ratio_1k", "Vertex files are about 4× larger (1K)", "about 4×, read as 3.5–4.5×",
          3.5, 4.5, "×", "mean file size, Vertex ÷ AI Studio, default formats",
          size_ratio("1K")),
    Claim("size_ratio_4k", "Vertex files are about 4× larger (4K)", "about 4×, read as 3.5–4.5×",
          3.5, 4.5, "×", "mean file size, Vertex ÷ AI Studio, default formats",
          size_ratio("4K")),
    Claim("jpeg_saving_1k", "JPEG q85 on Vertex saves about 40% (1K)",
          "about 40%, read as 35–45%", 0.35, 0.45, "%",
          "1 − mean size of Vertex JPEG q85 ÷ mean size of Vertex default format",
          jpeg_saving("1K")),
    Claim("jpeg_saving_4k", "JPEG q85 on Vertex saves about 40% (4K)",
          "about 40%, read as 35–45%", 0.35, 0.45, "%",
          "1 − mean size of Vertex JPEG q85 ÷ mean size of Vertex default format",
          jpeg_saving("4K")),
)


def verdict_for(claim: Claim, m: Measurement) -> Verdict:
    if m.value is None:
        return "inconclusive"
    if claim.low <= m.value <= claim.high:
        return "within"
    if m.ci_low is None or m.ci_high is None:
        return "outside"
    if m.ci_high < claim.low or m.ci_low > claim.high:
        return "outside"
    return "inconclusive"


def claims_from_records(records: list[TaskRecord], model: str, *, emulated: bool,
                        seed: int = 0) -> list[ClaimResult]:
    """Each claim of the article next to what these task records measured, with a verdict."""
    results = []
    for claim in CLAIMS:
        m = claim.measure(records, model, seed)
        results.append(ClaimResult(claim.key, claim.text, claim.stated, claim.how, claim.unit,
                                   m.value, m.ci_low, m.ci_high, m.n, verdict_for(claim, m),
                                   emulated))
    return results


def evaluate_claims(summary: RunSummary, *, seed: int = 0) -> list[ClaimResult]:
    """The claims for a summarised run (the model is the run's first)."""
    return claims_from_records(summary.records, summary.run.spec.models[0],
                               emulated=summary.is_emulated, seed=seed)


def article_claims(store: HistoryStore, run_id: str) -> list[ClaimResult]:
    """What the page calls for a finished (or partial) article run."""
    return evaluate_claims(summarize_run(store, run_id))
