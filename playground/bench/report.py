"""Benchmark output for terminals and pipes: statistics tables, JSON lines, claim tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from playground.bench.article import ClaimResult
from playground.bench.matrix import Task
from playground.bench.stats import FAILURE_CLASSES, FAILURE_LABELS, Estimate, GroupStats
from playground.bench.summary import RunSummary
from playground.domain.imaging import format_name
from playground.domain.labels import human_bytes, platform_label
from playground.domain.types import GenerationResult
from playground.generation.output import result_json


def task_json(run_id: str, task: Task, result: GenerationResult) -> dict[str, Any]:
    """One `bench --json` line: `generate --json`'s fields plus run_id, cell and attempt.

    `attempt` is the repeat number (1…N) of this prompt in this cell; the HTTP attempts inside
    it are in `attempt_log`, as in `generate --json`.
    """
    return {"type": "attempt", "run_id": run_id, "cell": task.cell.id, "attempt": task.repeat,
            "task_index": task.index, "prompt_index": task.prompt_index, **result_json(result)}


def summary_json(summary: RunSummary, claims: Sequence[ClaimResult] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"type": "summary", **summary.to_dict()}
    if claims is not None:
        data["claims"] = [c.to_dict() for c in claims]
    return data


# --- text tables -----------------------------------------------------------------------------


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def _ci(est: Estimate) -> str:
    if est.value is None:
        return "—"
    if est.ci_low is None or est.ci_high is None:
        return _s(est.value)
    return f"{est.value:.2f} [{est.ci_low:.2f}–{est.ci_high:.2f}]"


def _failures(stats: GroupStats) -> str:
    parts = [f"{FAILURE_LABELS[c]} {stats.failures[c]}" for c in FAILURE_CLASSES
             if stats.failures.get(c)]
    return ", ".join(parts) or "none"


def _bytes(stats: GroupStats) -> str:
    return "; ".join(f"{format_name(b.format)} {human_bytes(round(b.mean))} "
                     f"({human_bytes(b.min)}–{human_bytes(b.max)})"
                     for b in stats.bytes_by_format) or "—"


def stats_rows(named: Sequence[tuple[str, GroupStats]]) -> tuple[list[list[str]], list[list[str]]]:
    outcome, latency = [], []
    for name, s in named:
        rate = "—" if s.success_rate is None else f"{s.success_rate * 100:.0f}%"
        cost = "—" if s.cost_per_image_usd is None else f"${s.cost_per_image_usd:.4f}"
        outcome.append([name, str(s.count), rate, _failures(s), str(s.attempts), _bytes(s), cost])
        for label, lat in (("ttfb", s.ttfb), ("total", s.total)):
            latency.append([name, label, str(lat.n), _ci(lat.p50), _ci(lat.p90), _ci(lat.p95),
                            _ci(lat.p99), _ci(lat.mean)])
    return outcome, latency


OUTCOME_HEADERS = ("", "tasks", "ok", "failures (tasks)", "attempts", "bytes by real format",
                   "cost/image")
LATENCY_HEADERS = ("", "", "n", "p50 [95% CI] s", "p90", "p95", "p99", "mean")


def format_summary(summary: RunSummary) -> str:
    run = summary.run
    head = (f"Run {run.id} · {run.finished}/{run.planned} tasks · {run.status} · "
            f"cost ${run.cost_usd:.4f} (estimate ${run.estimate_usd or 0:.4f})")
    head += f"\n{run.environment.describe().capitalize()}."
    blocks = [head]
    for title, named in (
        ("Per backend", [(platform_label(b), s) for b, s in summary.per_backend.items()]),
        ("Per cell", [(c.cell.label(), c.stats) for c in summary.per_cell]),
    ):
        outcome, latency = stats_rows(named)
        blocks.append(f"{title}\n{_table(OUTCOME_HEADERS, outcome)}\n\n"
                      f"{_table(LATENCY_HEADERS, latency)}")
    if summary.verdicts:
        blocks.append("A/B verdicts\n" + "\n".join(f"- [{v.scope}] {v.text}"
                                                  for v in summary.verdicts))
    if run.skipped:
        blocks.append("Skipped cells\n" + "\n".join(
            f"- {s['cell']['id']}: {s['reason']}" for s in run.skipped))
    failed = summary.failed_cells
    if failed:
        blocks.append("Cells that failed entirely\n" + "\n".join(f"- {c.label()}" for c in failed))
    return "\n\n".join(blocks)


def format_claims(claims: Sequence[ClaimResult]) -> str:
    rows = [[c.text, c.stated, c.measured, c.n, c.verdict] for c in claims]
    table = _table(("article claim", "stated", "measured", "n", "verdict"), rows)
    note = ("\n(emulated: measured on the built-in emulator, so these figures test the emulator's "
            "profile, not Google)") if any(c.emulated for c in claims) else ""
    return "The article's claims, measured\n" + table + note
