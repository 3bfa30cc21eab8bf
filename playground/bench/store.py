"""Benchmark runs and their finished tasks, in the history database (migration 3).

A run row holds the spec, the randomised task order and the skipped cells; a task row is written
the moment a task finishes, pointing at its generation in history. Resuming runs the tasks that
have no row yet. Task rows also keep the few fields the statistics need, so a run's numbers
survive even if its generations are deleted from history (generation_id is then NULL).

A run names the process that runs it (history/owner.py), so that every replica of a team
deployment can tell "running here", "running in another process" and "stopped with tasks
missing" apart, and a resume claims the run atomically: two replicas never run it at once.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from playground.bench.matrix import BenchSpec, Plan, Task, plan_run
from playground.bench.stats import AttemptRecord, TaskRecord, task_failure_class
from playground.domain.errors import ConfigError
from playground.domain.types import GenerationResult
from playground.history.engine import Connection, Row
from playground.history.owner import Owner, is_alive, this_process
from playground.history.store import HistoryStore

RUN_STATUSES = ("running", "cancelled", "finished", "crashed")
#: A run on another host whose last task was saved longer ago than this counts as stopped.
STALE_S = 600.0


@dataclass(frozen=True)
class RunEnvironment:
    """Where a run ran: against Google, or (demo) against the emulator with this profile and
    time scale, as the emulator reported them when the run started."""

    demo: bool = False
    latency_profile: str | None = None
    time_scale: float | None = None
    demo_platforms: tuple[str, ...] = ()

    @property
    def is_time_compressed(self) -> bool:
        return self.demo and (self.time_scale or 1.0) < 1.0

    def describe(self) -> str:
        """One line said with every result, chart and export of the run."""
        if not self.demo:
            return "measured against Google"
        scale = self.time_scale or 1.0
        speed = ("in real time" if scale == 1.0 else
                 f"time scale {scale:g}: injected delays {1 / scale:.0f}× shorter than the "
                 "profile's" if scale < 1.0 else f"time scale {scale:g}: delays {scale:g}× longer")
        return (f"emulated (built-in emulator, latency profile {self.latency_profile or 'instant'}, "
                f"{speed}) — not Google")

    def to_json(self) -> dict[str, Any]:
        return {"demo": self.demo, "latency_profile": self.latency_profile,
                "time_scale": self.time_scale, "demo_platforms": list(self.demo_platforms)}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> RunEnvironment:
        data = data or {}
        scale = data.get("time_scale")
        return cls(demo=bool(data.get("demo")), latency_profile=data.get("latency_profile"),
                   time_scale=None if scale is None else float(scale),
                   demo_platforms=tuple(data.get("demo_platforms") or ()))


@dataclass
class RunRecord:
    id: str
    created_at: float
    updated_at: float
    name: str
    preset: str | None
    status: str  # running | cancelled | finished | crashed (a killed process leaves "running")
    spec: BenchSpec
    order: list[int]
    skipped: list[dict[str, Any]]
    notes: list[str]
    planned: int
    estimate_usd: float | None
    environment: RunEnvironment = field(default_factory=RunEnvironment)
    finished: int = 0
    successes: int = 0
    cost_usd: float = 0.0
    owner: Owner | None = None  # the process that runs (or last ran) it

    @property
    def is_demo(self) -> bool:
        return self.environment.demo

    @property
    def missing(self) -> int:
        return self.planned - self.finished

    def activity(self, now: float | None = None) -> str:
        """"here" (this process runs it), "elsewhere" (another live process does, or one on
        another host saved a task in the last STALE_S), "stopped" (status running, but its
        process is gone: tasks are missing) or the status itself."""
        if self.status != "running":
            return self.status
        if self.owner is None:
            return "stopped"
        alive = is_alive(self.owner)
        if alive is None:  # another host: judge by its last saved task
            recent = (time.time() if now is None else now) - self.updated_at < STALE_S
            return "elsewhere" if recent else "stopped"
        if not alive:
            return "stopped"
        return "here" if self.owner == this_process() else "elsewhere"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["owner"] = None if self.owner is None else asdict(self.owner)
        data["spec"] = self.spec.to_dict()
        data["environment"] = self.environment.to_json()
        data["missing"] = self.missing
        return data


def new_run_id() -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"


def record_of(task: Task, result: GenerationResult) -> TaskRecord:
    """What the statistics need from one finished task."""
    attempts = tuple(
        AttemptRecord(a.number, a.http_status, a.error_class, a.ttfb_s, a.total_s,
                      a.retry_delay_s)
        for a in result.attempts
    )
    last_error = attempts[-1].error_class if attempts else None
    image = result.image if result.ok else None
    return TaskRecord(
        task_index=task.index, cell_id=task.cell.id, backend=task.cell.backend,
        prompt_index=task.prompt_index, repeat=task.repeat, status=result.status,
        failure_class=task_failure_class(result.status, last_error), attempts=attempts,
        ttfb_s=result.timing.ttfb_s, total_s=result.timing.total_s,
        size_bytes=image.size_bytes if image else None,
        sniffed_mime=image.sniffed_mime if image else None,
        cost_usd=result.cost_usd, generation_id=result.id, finished_at=time.time(),
    )


class BenchStore:
    def __init__(self, history: HistoryStore) -> None:
        self.history = history

    def _conn(self) -> Connection:
        # Reads share HistoryStore's per-thread connection; writes go through .transaction().
        return self.history.connection()

    # --- runs ----------------------------------------------------------------------------

    def create_run(self, plan: Plan, *, run_id: str | None = None,
                   environment: RunEnvironment | None = None) -> RunRecord:
        run_id = run_id or new_run_id()
        now = time.time()
        skipped = [{"cell": s.cell.to_dict(), "reason": s.reason} for s in plan.skipped]
        me = this_process()
        with self.history.transaction() as conn:
            conn.execute(
                "INSERT INTO bench_runs (id, created_at, updated_at, name, preset, status, "
                "spec_json, order_json, skipped_json, notes_json, planned, estimate_usd, "
                "environment_json, owner_pid, owner_host, owner_started) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (run_id, now, now, plan.spec.name, plan.spec.preset, "running",
                 json.dumps(plan.spec.to_dict()), json.dumps(plan.order), json.dumps(skipped),
                 json.dumps(plan.notes), len(plan.tasks), plan.estimate_usd,
                 json.dumps((environment or RunEnvironment()).to_json()), me.pid, me.host,
                 me.started),
            )
        run = self.get_run(run_id)
        assert run is not None
        return run

    def set_status(self, run_id: str, status: str) -> None:
        with self.history.transaction() as conn:
            conn.execute("UPDATE bench_runs SET status=?, updated_at=? WHERE id=?",
                         (status, time.time(), run_id))

    def claim(self, run: RunRecord) -> None:
        """Make this process the run's owner before resuming it; ConfigError when another live
        process runs it, or another replica claimed it first (compare-and-set on the owner)."""
        if run.activity() in ("here", "elsewhere"):
            who = f"process {run.owner.pid} on {run.owner.host}" if run.owner else "another process"
            raise ConfigError(f"Benchmark run {run.id} is still running ({who}); resuming it "
                              "now would send its missing tasks twice.",
                              hint="Wait for it to finish, or cancel it where it runs.")
        me = this_process()
        was = (None, None, None) if run.owner is None else \
            (run.owner.pid, run.owner.host, run.owner.started)
        with self.history.transaction() as conn:
            cur = conn.execute(
                "UPDATE bench_runs SET status='running', updated_at=?, owner_pid=?, "
                "owner_host=?, owner_started=? WHERE id=? AND owner_pid IS ? AND owner_host IS ? "
                "AND owner_started IS ?", (time.time(), me.pid, me.host, me.started, run.id, *was))
        if cur.rowcount != 1:
            raise ConfigError(f"Benchmark run {run.id} was resumed by another process just now.",
                              hint="Open it on the Benchmark page to follow it.")

    def get_run(self, run_id: str) -> RunRecord | None:
        row = self._conn().execute(f"{_RUN_SELECT} WHERE r.id=? GROUP BY r.id",
                                   (run_id,)).fetchone()
        return _run_from_row(row) if row else None

    def list_runs(self, *, limit: int = 50, offset: int = 0) -> list[RunRecord]:
        rows = self._conn().execute(
            f"{_RUN_SELECT} GROUP BY r.id ORDER BY r.created_at DESC LIMIT ? OFFSET ?",
            (limit, offset)).fetchall()
        return [_run_from_row(r) for r in rows]

    def delete_run(self, run_id: str) -> bool:
        """Forget a run and its task rows; its generations stay in history."""
        with self.history.transaction() as conn:
            cur = conn.execute("DELETE FROM bench_runs WHERE id=?", (run_id,))
        return cur.rowcount > 0

    def plan_of(self, run: RunRecord) -> Plan:
        """The run's plan rebuilt from its spec, in the order recorded when it started."""
        plan = plan_run(run.spec)
        if len(plan.tasks) != run.planned:
            raise ValueError(f"Run {run.id} no longer plans to the same tasks "
                             f"({len(plan.tasks)} now, {run.planned} recorded).")
        plan.order = list(run.order)
        return plan

    # --- tasks ---------------------------------------------------------------------------

    def record_task(self, run_id: str, record: TaskRecord) -> bool:
        """Write one finished task; False if it was already there (a resume raced it)."""
        with self.history.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO bench_tasks (run_id, task_index, cell_id, prompt_index, "
                "repeat, backend, generation_id, finished_at, status, failure_class, "
                "attempts_json, ttfb_s, total_s, size_bytes, sniffed_mime, cost_usd) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (run_id, record.task_index, record.cell_id, record.prompt_index, record.repeat,
                 record.backend, record.generation_id, record.finished_at, record.status,
                 record.failure_class, json.dumps([asdict(a) for a in record.attempts]),
                 record.ttfb_s, record.total_s, record.size_bytes, record.sniffed_mime,
                 record.cost_usd),
            )
            conn.execute("UPDATE bench_runs SET updated_at=? WHERE id=?", (time.time(), run_id))
        return cur.rowcount > 0

    def task_records(self, run_id: str) -> list[TaskRecord]:
        rows = self._conn().execute(
            "SELECT * FROM bench_tasks WHERE run_id=? ORDER BY task_index", (run_id,)).fetchall()
        return [_task_from_row(r) for r in rows]

    def finished_indexes(self, run_id: str) -> set[int]:
        rows = self._conn().execute("SELECT task_index FROM bench_tasks WHERE run_id=?",
                                    (run_id,))
        return {int(r[0]) for r in rows}


_RUN_SELECT = (
    "SELECT r.*, COUNT(t.task_index) AS finished, "
    "COALESCE(SUM(CASE WHEN t.status = 'ok' THEN 1 ELSE 0 END), 0) AS successes, "
    "COALESCE(SUM(t.cost_usd), 0) AS cost_usd "
    "FROM bench_runs r LEFT JOIN bench_tasks t ON t.run_id = r.id"
)


def _run_from_row(row: Row) -> RunRecord:
    return RunRecord(
        id=row["id"], created_at=row["created_at"], updated_at=row["updated_at"],
        name=row["name"], preset=row["preset"], status=row["status"],
        spec=BenchSpec.from_dict(json.loads(row["spec_json"])),
        order=json.loads(row["order_json"]), skipped=json.loads(row["skipped_json"] or "[]"),
        notes=json.loads(row["notes_json"] or "[]"), planned=row["planned"],
        estimate_usd=row["estimate_usd"],
        environment=RunEnvironment.from_json(json.loads(row["environment_json"] or "{}")),
        finished=int(row["finished"]), successes=int(row["successes"]),
        cost_usd=round(float(row["cost_usd"]), 6),
        owner=(Owner(int(row["owner_pid"]), str(row["owner_host"]), row["owner_started"])
               if row["owner_pid"] is not None and row["owner_host"] is not None else None),
    )


def _task_from_row(row: Row) -> TaskRecord:
    return TaskRecord(
        task_index=row["task_index"], cell_id=row["cell_id"], backend=row["backend"],
        prompt_index=row["prompt_index"], repeat=row["repeat"], status=row["status"],
        failure_class=row["failure_class"],
        attempts=tuple(AttemptRecord(**a) for a in json.loads(row["attempts_json"])),
        ttfb_s=row["ttfb_s"], total_s=row["total_s"], size_bytes=row["size_bytes"],
        sniffed_mime=row["sniffed_mime"], cost_usd=row["cost_usd"],
        generation_id=row["generation_id"], finished_at=row["finished_at"],
    )
