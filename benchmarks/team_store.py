"""Team mode's store on PostgreSQL against SQLite: History list and search with 100,000 rows,
and the budget check under 20 concurrent sessions (issue targets: p95 ≤ 100 ms and ≤ 5 ms).

Starts its own throwaway PostgreSQL server from Debian's package (tests/pgserver.py), fills
both engines with the same realistic rows (one image row each, 10% of prompts mention a fox),
and prints p50/p95 per query and each ratio to SQLite.

    python benchmarks/team_store.py [--rows 100000] [--runs 30]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import load_warning
from playground.domain.team import Budgets
from playground.domain.types import Attempt, GenerationResult, ImageRequest, Timing, Usage
from playground.history.rows import image_row, result_row
from playground.history.store import HistoryStore
from playground.history.team import Charge, reserve
from tests.pgserver import start_server

WORDS = ("lighthouse", "harbour", "mountain", "city", "forest", "desert", "river", "portrait",
         "market", "bridge")


def fill(store: HistoryStore, rows: int) -> None:
    """`rows` generations with one image each, written in batches of 5,000."""
    from playground.domain.types import ImageFacts

    base = time.time() - rows
    for start in range(0, rows, 5000):
        gens, imgs = [], []
        for n in range(start, min(rows, start + 5000)):
            word = "fox" if n % 10 == 0 else WORDS[n % len(WORDS)]
            req = ImageRequest(prompt=f"a {word} at dawn, number {n}", aspect_ratio="16:9",
                               image_size="2K", seed=n)
            result = GenerationResult(
                backend="aistudio" if n % 2 else "vertex", request=req, status="ok",
                model=req.model, http_status=200, timing=Timing(0.5, 12.5),
                attempts=[Attempt(1, 12.5, 200, 0.5, 12.5, 900, 2_000_000)],
                request_bytes=900, response_bytes=2_000_000,
                usage=Usage(5, 1120, 155, 1280, 1120, "ON_DEMAND"), cost_usd=0.134,
                notes=[], request_json={"contents": [{"parts": [{"text": req.prompt}]}]},
                created_at=base + n, user_email=f"user{n % 7}@example.com")
            gens.append(result_row(result)[0])
            facts = ImageFacts(size_bytes=2_000_000, sha256=f"{n:064x}",
                               declared_mime="image/png", sniffed_mime="image/png", width=2752,
                               height=1536)
            imgs.append(image_row(facts, f"images/{n:064x}.png"))
        with store.transaction() as conn:
            cols = list(gens[0])
            conn.executemany(f"INSERT INTO generations ({', '.join(cols)}) VALUES "
                             f"({', '.join('?' for _ in cols)})",
                             [list(g.values()) for g in gens])
            (first,) = conn.execute("SELECT MIN(id) FROM generations WHERE created_at>=?",
                                    (base + start,)).fetchone()
            icols = ["generation_id", "position", "file_status", *imgs[0]]
            conn.executemany(f"INSERT INTO images ({', '.join(icols)}) VALUES "
                             f"({', '.join('?' for _ in icols)})",
                             [[first + k, 0, "ok", *i.values()] for k, i in enumerate(imgs)])
    if store.engine.name == "postgresql":  # as autovacuum leaves a table after bulk inserts
        store.connection().execute("VACUUM ANALYZE")


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def history_queries(store: HistoryStore, rows: int, runs: int) -> dict[str, tuple[float, float]]:
    return {
        "newest page (50)": timed(lambda: store.list(limit=50), runs),
        f"deep page (offset {rows * 9 // 10:,})": timed(
            lambda: store.list(limit=50, offset=rows * 9 // 10), max(5, runs // 3)),
        "search 'fox' (50)": timed(lambda: store.list(search="fox", limit=50), runs),
        "count, hide benchmark rows": timed(lambda: store.count(exclude_bench=True), runs),
    }


def budget_check(store_factory: Callable[[], HistoryStore], sessions: int = 20,
                 each: int = 25, *, together: bool = False, gap_s: float = 0.0,
                 floor: bool = False) -> tuple[float, float]:
    """p50/p95 ms of one reserve() while `sessions` threads (each its own store, as replicas
    or sessions would be) reserve with all three caps set: back to back (each thread's next
    check as soon as its last returns: a saturating load), `together` (every round, all
    threads check at the same instant), or paced (each thread waits a random exponential gap
    of mean `gap_s` before each check: sessions clicking Generate on their own). `floor`
    times a bare `SELECT 1` in the same harness instead: what 20 threads of one Python
    process cost before any budget logic."""
    budgets = Budgets(user_daily_usd=1e9, team_daily_usd=1e9, user_per_minute=10**9)
    samples: list[float] = []
    lock = threading.Lock()
    stores = [store_factory() for _ in range(sessions)]
    barrier = threading.Barrier(sessions)

    def run(n: int) -> None:
        mine = []
        pace = random.Random(n)
        barrier.wait()
        for _ in range(each):
            if together:
                barrier.wait()
            elif gap_s:
                time.sleep(pace.expovariate(1 / gap_s))
            start = time.perf_counter()
            if floor:
                stores[n].connection().execute("SELECT 1").fetchone()
            else:
                reserve(stores[n], [Charge(f"u{n}@example.com", "aistudio", "m", 0.134)],
                        budgets)
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for store in stores:
        store.close()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(load_warning())
    server = start_server()
    try:
        url = server.create_database()
        folder = Path(tempfile.mkdtemp(prefix="banana-bench-"))
        engines = {"sqlite": lambda: HistoryStore(folder / "sqlite"),
                   "postgresql": lambda: HistoryStore(folder / "pg", database_url=url)}
        results: dict[str, dict[str, tuple[float, float]]] = {}
        for name, factory in engines.items():
            store = factory()
            started = time.perf_counter()
            fill(store, args.rows)
            print(f"{name}: {args.rows:,} rows written in {time.perf_counter() - started:.1f} s")
            results[name] = history_queries(store, args.rows, args.runs)
            budget = results[name]
            budget["budget check, 1 session"] = budget_check(factory, sessions=1, each=200)
            budget["budget check, 20 at one instant"] = budget_check(factory, together=True)
            budget["budget check, 20 back to back"] = budget_check(factory)
            budget["budget check, 20 paced (10/s each)"] = budget_check(factory, each=50,
                                                                         gap_s=0.1)
            budget["floor: SELECT 1, 20 at one instant"] = budget_check(factory, together=True,
                                                                        floor=True)
        print(f"\n{'query':34} {'SQLite p50/p95 ms':>20} {'PostgreSQL p50/p95 ms':>24} "
              f"{'p95 ratio':>10}")
        for query in results["sqlite"]:
            s50, s95 = results["sqlite"][query]
            p50, p95 = results["postgresql"][query]
            print(f"{query:34} {s50:9.2f} / {s95:7.2f} {p50:12.2f} / {p95:8.2f} "
                  f"{p95 / s95:9.2f}x")
        print("\ntargets: History p95 ≤ 100 ms on PostgreSQL; budget check p95 ≤ 5 ms")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
