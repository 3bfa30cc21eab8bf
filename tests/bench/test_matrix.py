"""The matrix: cells, skipped combinations with reasons, seeded order, estimates, bad input."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from playground.bench.matrix import (
    MAX_CONCURRENCY,
    OUTPUT_DEFAULT,
    BenchSpec,
    OutputOption,
    over_budget_message,
    plan_run,
)
from playground.bench.prompts import load_prompts, parse_prompts
from playground.bench.ratelimit import RateLimiter
from playground.domain import catalog
from playground.domain.errors import BenchInputError

JPEG85 = OutputOption.parse("jpeg-q85")


def test_matrix_size_and_skipped_cells_with_reasons() -> None:
    spec = BenchSpec(prompts=("a", "b", "c"), models=("gemini-3-pro-image-preview",
                                                      "gemini-2.5-flash-image"),
                     image_sizes=("1K", "4K"), outputs=(OUTPUT_DEFAULT, JPEG85), repeats=2)
    plan = plan_run(spec)
    # 2 backends × 2 models × 2 sizes × 2 outputs = 16 combinations. 2.5 Flash has no 4K
    # (4 skipped), and JPEG is Vertex-only (AI Studio × JPEG: 2 more, 2.5-flash 4K counted once).
    reasons = {s.cell.id: s.reason for s in plan.skipped}
    assert len(plan.cells) == 16 - len(plan.skipped)
    assert "does not offer image size 4K" in reasons["vertex/gemini-2.5-flash-image/4K/default-ratio/default"]
    assert "Vertex-only" in reasons["aistudio/gemini-3-pro-image-preview/1K/default-ratio/jpeg-q85"]
    assert len(plan.tasks) == len(plan.cells) * 3 * 2
    assert sorted(plan.order) == list(range(len(plan.tasks)))
    assert [t.index for t in plan.tasks] == list(range(len(plan.tasks)))


def test_order_is_seeded_and_mixes_backends() -> None:
    spec = BenchSpec(prompts=tuple(f"p{i}" for i in range(20)), repeats=2, seed=5)
    first, again, other = plan_run(spec), plan_run(spec), plan_run(spec.with_(seed=6))
    assert first.order == again.order != other.order
    backends = [t.cell.backend for t in first.ordered_tasks()]
    assert backends[:20].count("aistudio") not in (0, 20)  # not one backend first


def test_estimate_uses_list_prices() -> None:
    plan = plan_run(BenchSpec(prompts=("a", "b"), image_sizes=("1K", "4K"), repeats=3))
    per = catalog.list_price_per_image(catalog.DEFAULT_MODEL, "1K") + \
        catalog.list_price_per_image(catalog.DEFAULT_MODEL, "4K")
    assert plan.estimate_usd == pytest.approx(2 * 2 * 3 * per)  # backends × prompts × repeats
    assert over_budget_message(plan) is None
    tight = plan_run(BenchSpec(prompts=("a",), budget_usd=0.01))
    message = over_budget_message(tight)
    assert message and "exceeds the budget $0.01" in message and catalog.PRICES_AS_OF in message


def test_absurd_concurrency_is_capped_and_said() -> None:
    plan = plan_run(BenchSpec(prompts=("a",), concurrency=10_000))
    assert plan.spec.concurrency == MAX_CONCURRENCY
    assert any("capped at 64" in n for n in plan.notes)
    with pytest.raises(BenchInputError, match="at least 1"):
        plan_run(BenchSpec(prompts=("a",), concurrency=0))


@pytest.mark.parametrize(("changes", "message"), [
    ({"prompts": ()}, "no prompts"),
    ({"prompts": ("  ",)}, "no prompts"),
    ({"budget_usd": 0.0}, "budget of \\$0 allows no requests"),
    ({"repeats": 0}, "Repeats must be"),
    ({"rpm": 0}, "at least 1 request per minute"),
    ({"backends": ("bard",)}, "Unknown backend"),
])
def test_bad_specs_are_refused_with_a_clear_message(changes: dict, message: str) -> None:
    with pytest.raises(BenchInputError, match=message) as info:
        plan_run(BenchSpec(prompts=("a",)).with_(**changes))
    assert info.value.hint


def test_spec_round_trips_through_json_dict() -> None:
    spec = BenchSpec(prompts=("a",), image_sizes=("1K", None), outputs=(OUTPUT_DEFAULT, JPEG85),
                     rpm=30, budget_usd=2.5, name="x")
    assert BenchSpec.from_dict(spec.to_dict()) == spec


@pytest.mark.parametrize(("text", "name", "quality"), [
    ("default", "default", None), ("png", "png", None), ("jpeg", "jpeg", None),
    ("jpeg-q85", "jpeg-q85", 85), ("JPEG:70", "jpeg-q70", 70),
])
def test_output_options_parse(text: str, name: str, quality: int | None) -> None:
    option = OutputOption.parse(text)
    assert option.name == name and option.quality == quality
    with pytest.raises(BenchInputError):
        OutputOption.parse("webp")


# --- prompts ---------------------------------------------------------------------------------


def test_text_prompts_skip_blank_lines_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("# my set\n\na red fox\n   \n  # indented comment\nthe moon  \n")
    assert load_prompts(path) == ["a red fox", "the moon"]


def test_csv_prompt_column_is_found_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('id,PROMPT,tag\n1,"a fox, running",x\n2,,y\n3,a lake,z\n', encoding="utf-8-sig")
    assert load_prompts(path) == ["a fox, running", "a lake"]


def test_csv_without_prompt_column_names_the_columns_found() -> None:
    with pytest.raises(BenchInputError, match="no 'prompt' column \\(found 'id', 'text'\\)"):
        parse_prompts("id,text\n1,a fox\n", filename="set.csv")


def test_empty_prompt_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("# nothing here\n\n")
    with pytest.raises(BenchInputError, match="holds no prompts"):
        load_prompts(path)
    with pytest.raises(BenchInputError, match="Cannot read"):
        load_prompts(tmp_path / "missing.txt")


# --- rate limiter ----------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_holds_the_window_exactly() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, window_s=60.0, clock=clock)
    assert [limiter.try_acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.try_acquire() == pytest.approx(60.0)
    clock.now = 59.999
    assert limiter.try_acquire() == pytest.approx(0.001)
    clock.now = 60.0  # the first three starts leave the half-open window [0, 60)
    assert [limiter.try_acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.try_acquire() == pytest.approx(60.0)


def test_rate_limiter_under_threads_never_exceeds_the_window() -> None:
    limiter = RateLimiter(4, window_s=0.2)
    times: list[float] = []

    def take() -> None:
        limiter.acquire()
        times.append(time.monotonic())

    start = time.monotonic()
    threads = [threading.Thread(target=take) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    assert all(later - earlier >= 0.2 - 0.01 for earlier, later in zip(times, times[4:], strict=False))
    assert times[-1] - start >= 0.4 - 0.01  # 12 starts at 4 per window need two more windows
    cancel = threading.Event()
    cancel.set()
    assert limiter.acquire(cancel) is False
