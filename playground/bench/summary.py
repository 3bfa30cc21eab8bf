"""One function computes a run's statistics, so the CLI and the page always agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.bench.matrix import Cell
from playground.bench.stats import GroupStats, TaskRecord, group_stats
from playground.bench.store import BenchStore, RunRecord
from playground.bench.verdicts import Statistic, Verdict, compare
from playground.domain.labels import platform_label
from playground.history.store import HistoryStore

DEFAULT_SEED = 0


@dataclass(frozen=True)
class CellStats:
    cell: Cell
    stats: GroupStats

    def to_dict(self) -> dict[str, Any]:
        return {"cell": self.cell.to_dict(), "label": self.cell.label(), **self.stats.to_dict()}


@dataclass
class RunSummary:
    run: RunRecord
    per_backend: dict[str, GroupStats]
    per_cell: list[CellStats]
    verdicts: list[Verdict]
    records: list[TaskRecord] = field(default_factory=list)  # for charts and claims

    @property
    def is_emulated(self) -> bool:
        return self.run.is_demo

    @property
    def failed_cells(self) -> list[Cell]:
        """Cells with at least one finished task and no success (CLI exit code 1)."""
        return [c.cell for c in self.per_cell if c.stats.failed_entirely]

    def cell(self, cell_id: str) -> CellStats | None:
        return next((c for c in self.per_cell if c.cell.id == cell_id), None)

    def to_dict(self, *, records: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "run": self.run.to_dict(),
            "emulated": self.is_emulated,
            "per_backend": {b: s.to_dict() for b, s in self.per_backend.items()},
            "per_cell": [c.to_dict() for c in self.per_cell],
            "verdicts": [v.to_dict() for v in self.verdicts],
            "failed_cells": [c.id for c in self.failed_cells],
        }
        if records:
            data["records"] = [r.to_dict() for r in self.records]
        return data


def summarize_run(store: HistoryStore | BenchStore, run_id: str, *,
                  seed: int = DEFAULT_SEED) -> RunSummary:
    """Statistics per backend and per cell, plus A/B verdicts, for one stored run."""
    bench = store if isinstance(store, BenchStore) else BenchStore(store)
    run = bench.get_run(run_id)
    if run is None:
        raise KeyError(f"No benchmark run {run_id!r} in this history.")
    records = bench.task_records(run_id)
    cells = bench.plan_of(run).cells
    per_backend = {
        b: group_stats([r for r in records if r.backend == b], seed=seed)
        for b in run.spec.backends if any(c.backend == b for c in cells)
    }
    per_cell = [CellStats(c, group_stats([r for r in records if r.cell_id == c.id], seed=seed))
                for c in cells]
    return RunSummary(run, per_backend, per_cell, backend_verdicts(records, cells, seed=seed),
                      records)


def matched_pairs(cells: list[Cell]) -> list[tuple[Cell, Cell]]:
    """(AI Studio cell, Vertex cell) pairs asking for the same thing (default output on both)."""
    pairs = []
    for a in cells:
        if a.backend != "aistudio" or not a.output.is_default:
            continue
        for b in cells:
            if (b.backend == "vertex" and b.output.is_default and b.model == a.model
                    and b.image_size == a.image_size and b.aspect_ratio == a.aspect_ratio):
                pairs.append((a, b))
    return pairs


def _values(records: list[TaskRecord], cell_ids: set[str], metric: str) -> list[float]:
    return [float(getattr(r, metric)) for r in records
            if r.ok and r.cell_id in cell_ids and getattr(r, metric) is not None]


def backend_verdicts(records: list[TaskRecord], cells: list[Cell], *,
                     seed: int = DEFAULT_SEED) -> list[Verdict]:
    """AI Studio vs Vertex on median total time and TTFB: over all matched cells, then per pair.

    Only matched cells (same model, size and ratio, default output) are compared, so a Vertex
    JPEG cell never flatters Vertex against AI Studio's default.
    """
    pairs = matched_pairs(cells)
    if not pairs:
        return []
    a_name, b_name = platform_label("aistudio"), platform_label("vertex")
    scopes: list[tuple[str, set[str], set[str]]] = []
    if len(pairs) > 1:
        scopes.append(("all matched cells", {a.id for a, _ in pairs}, {b.id for _, b in pairs}))
    for a, b in pairs:
        scope = " · ".join([a.model, a.image_size or "default size",
                            a.aspect_ratio or "default ratio"])
        scopes.append((scope, {a.id}, {b.id}))
    verdicts = []
    for scope, a_ids, b_ids in scopes:
        metrics: list[tuple[str, Statistic]] = [("total_s", "median"), ("ttfb_s", "median")]
        if len(a_ids) == 1:  # file sizes only within one size and ratio
            metrics.append(("size_bytes", "mean"))
        for metric, statistic in metrics:
            verdicts.append(compare(_values(records, a_ids, metric),
                                    _values(records, b_ids, metric), metric=metric,
                                    statistic=statistic, a_label=a_name, b_label=b_name,
                                    scope=scope, seed=seed))
    return verdicts
