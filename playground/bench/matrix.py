"""A benchmark run as a matrix: prompts × backends × models × sizes × ratios × outputs × repeats.

A *cell* is one configuration (backend, model, size, ratio, output option); prompts and repeats
are the samples inside it. The plan lists the cells that will run, the ones skipped with the
reason, every task, the seeded random order the tasks run in (so time-of-day drift cannot favour
one backend) and the cost estimate at catalog list prices.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field, replace
from itertools import product
from typing import Any

from playground.domain import catalog
from playground.domain.errors import BenchInputError
from playground.domain.labels import platform_label
from playground.domain.options import check_request
from playground.domain.types import ImageRequest

MAX_CONCURRENCY = 64
MAX_REPEATS = 1000


@dataclass(frozen=True)
class OutputOption:
    """How the image should come back. Anything but `default` is a Vertex-only request field."""

    name: str = "default"
    mime_type: str | None = None
    quality: int | None = None

    @property
    def is_default(self) -> bool:
        return self.mime_type is None

    def label(self) -> str:
        if self.is_default:
            return "default format"
        kind = "PNG" if self.mime_type == "image/png" else "JPEG"
        return f"{kind} q{self.quality}" if self.quality is not None else kind

    @classmethod
    def parse(cls, text: str) -> OutputOption:
        """"default", "png", "jpeg", "jpeg-q85" (or "jpeg:85")."""
        key = text.strip().lower().replace(":", "-q").replace("-qq", "-q")
        if key == "default":
            return OUTPUT_DEFAULT
        if key == "png":
            return OutputOption("png", "image/png")
        if key == "jpeg" or key == "jpg":
            return OutputOption("jpeg", "image/jpeg")
        for prefix in ("jpeg-q", "jpg-q"):
            if key.startswith(prefix) and key[len(prefix):].isdigit():
                quality = int(key[len(prefix):])
                if 0 <= quality <= 100:
                    return OutputOption(f"jpeg-q{quality}", "image/jpeg", quality)
        raise BenchInputError(f"Unknown output option {text!r}.",
                              hint="Use default, png, jpeg or jpeg-qNN (NN = 0–100).")


OUTPUT_DEFAULT = OutputOption()


@dataclass(frozen=True)
class Cell:
    backend: str
    model: str
    image_size: str | None = None
    aspect_ratio: str | None = None
    output: OutputOption = OUTPUT_DEFAULT

    @property
    def id(self) -> str:
        return "/".join((self.backend, self.model, self.image_size or "default-size",
                         self.aspect_ratio or "default-ratio", self.output.name))

    def label(self) -> str:
        parts = [platform_label(self.backend), self.model, self.image_size or "default size",
                 self.aspect_ratio or "default ratio", self.output.label()]
        return " · ".join(parts)

    def request(self, prompt: str) -> ImageRequest:
        return ImageRequest(prompt=prompt, model=self.model, aspect_ratio=self.aspect_ratio,
                            image_size=self.image_size, output_mime_type=self.output.mime_type,
                            compression_quality=self.output.quality)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"id": self.id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cell:
        return cls(data["backend"], data["model"], data.get("image_size"),
                   data.get("aspect_ratio"), OutputOption(**data.get("output", {})))


@dataclass(frozen=True)
class Task:
    index: int
    cell: Cell
    prompt_index: int
    prompt: str
    repeat: int  # 1-based


@dataclass(frozen=True)
class BenchSpec:
    """Everything that defines a run; stored with it so a resume rebuilds the same tasks."""

    prompts: tuple[str, ...]
    backends: tuple[str, ...] = catalog.PLATFORMS
    models: tuple[str, ...] = (catalog.DEFAULT_MODEL,)
    image_sizes: tuple[str | None, ...] = (None,)
    aspect_ratios: tuple[str | None, ...] = (None,)
    outputs: tuple[OutputOption, ...] = (OUTPUT_DEFAULT,)
    repeats: int = 1
    concurrency: int = 4
    rpm: int | None = None  # per backend, requests (attempts) per minute
    budget_usd: float | None = None
    timeout_s: float | None = None  # per attempt; None = settings
    retries: int | None = None  # None = settings
    seed: int = 0  # for the task order
    name: str = ""
    preset: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BenchSpec:
        data = dict(data)
        data["outputs"] = tuple(OutputOption(**o) for o in data.get("outputs", [{}]))
        for key in ("prompts", "backends", "models", "image_sizes", "aspect_ratios"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)

    def with_(self, **changes: Any) -> BenchSpec:
        return replace(self, **changes)


@dataclass(frozen=True)
class Skipped:
    cell: Cell
    reason: str


@dataclass
class Plan:
    spec: BenchSpec
    cells: list[Cell]
    skipped: list[Skipped]
    tasks: list[Task]  # by index
    order: list[int]  # the randomised order the tasks run in (task indexes)
    notes: list[str] = field(default_factory=list)

    @property
    def estimate_usd(self) -> float:
        return estimate_cost(self.tasks)

    def ordered_tasks(self) -> list[Task]:
        return [self.tasks[i] for i in self.order]

    def tasks_per_backend(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in self.tasks:
            counts[t.cell.backend] = counts.get(t.cell.backend, 0) + 1
        return counts


def estimate_cost(tasks: list[Task]) -> float:
    """USD at catalog list prices (docs/wire-notes.md "Prices"): one output image per task, no retries billed."""
    total = sum(catalog.list_price_per_image(t.cell.model, t.cell.image_size) for t in tasks)
    return round(total, 6)


def cap_concurrency(requested: int) -> tuple[int, str | None]:
    """Absurd values are capped; the note says so."""
    if requested < 1:
        raise BenchInputError(f"Concurrency must be at least 1 (got {requested}).",
                              hint="Pass --concurrency 1 or more.")
    if requested > MAX_CONCURRENCY:
        return MAX_CONCURRENCY, (f"Concurrency {requested} is more than the {MAX_CONCURRENCY} "
                                 f"requests in flight Banana Split allows; capped at "
                                 f"{MAX_CONCURRENCY}.")
    return requested, None


def skip_reason(cell: Cell) -> str | None:
    """Why a cell cannot run, or None. Uses the same checks as a single request."""
    problems = check_request(cell.request("probe"), [cell.backend]).errors(cell.backend)
    if problems:
        return " ".join(problems)
    if cell.backend == "aistudio" and not cell.output.is_default:
        return ("Output format and JPEG quality are Vertex-only request fields; on AI Studio this "
                "cell would repeat the default-format cell.")
    return None


def shuffled_order(count: int, seed: int) -> list[int]:
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return order


def plan_run(spec: BenchSpec) -> Plan:
    """Cells, skipped cells with reasons, tasks and their seeded random order."""
    validate_spec(spec)
    notes: list[str] = []
    concurrency, note = cap_concurrency(spec.concurrency)
    if note:
        notes.append(note)
        spec = spec.with_(concurrency=concurrency)
    cells: list[Cell] = []
    skipped: list[Skipped] = []
    for backend, model, size, ratio, output in product(spec.backends, spec.models,
                                                       spec.image_sizes, spec.aspect_ratios,
                                                       spec.outputs):
        cell = Cell(backend, model, size, ratio, output)
        reason = skip_reason(cell)
        if reason:
            skipped.append(Skipped(cell, reason))
        else:
            cells.append(cell)
    tasks = [
        Task(0, cell, p, prompt, r)
        for cell in cells
        for p, prompt in enumerate(spec.prompts)
        for r in range(1, spec.repeats + 1)
    ]
    tasks = [replace(t, index=i) for i, t in enumerate(tasks)]
    return Plan(spec, cells, skipped, tasks, shuffled_order(len(tasks), spec.seed), notes)


def validate_spec(spec: BenchSpec) -> None:
    if not spec.prompts or not any(p.strip() for p in spec.prompts):
        raise BenchInputError("There are no prompts to run.",
                              hint="Give at least one prompt (one per line in a .txt file, or a "
                                   "'prompt' column in a .csv file).")
    unknown = [b for b in spec.backends if b not in catalog.PLATFORMS]
    if unknown or not spec.backends:
        raise BenchInputError(f"Unknown backend(s): {', '.join(unknown) or 'none given'}.",
                              hint="Use aistudio, vertex or both.")
    if not 1 <= spec.repeats <= MAX_REPEATS:
        raise BenchInputError(f"Repeats must be 1–{MAX_REPEATS} (got {spec.repeats}).",
                              hint="Pass --repeats N with N ≥ 1.")
    if spec.rpm is not None and spec.rpm < 1:
        raise BenchInputError(f"The rate limit must be at least 1 request per minute "
                              f"(got {spec.rpm}).", hint="Pass --rpm 1 or more, or leave it out.")
    check_budget(spec.budget_usd)


def check_budget(budget_usd: float | None) -> None:
    if budget_usd is not None and budget_usd <= 0:
        raise BenchInputError(
            f"A budget of ${budget_usd:g} allows no requests at all.",
            hint="Set a budget above 0 (in USD, e.g. --budget 5), or leave it out to run "
                 "without one.")


def over_budget_message(plan: Plan, *, demo: bool = False) -> str | None:
    """The confirmation question when the estimate exceeds the budget, else None. A demo run
    spends nothing, so it never asks (its cost is shown as what it would cost)."""
    if demo:
        return None
    budget = plan.spec.budget_usd
    estimate = plan.estimate_usd
    if budget is None or estimate <= budget:
        return None
    return (f"The estimated cost ${estimate:.2f} ({len(plan.tasks)} images at list prices as of "
            f"{catalog.PRICES_AS_OF}) exceeds the budget ${budget:.2f}.")
