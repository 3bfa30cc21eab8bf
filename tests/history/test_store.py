"""History: round trip, survive reopen, concurrent writers (threads and processes), delete."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
import threading
from pathlib import Path

from playground.domain.errors import ErrorInfo
from playground.domain.imaging import describe_image
from playground.domain.types import Attempt, GenerationResult, ImageRequest, Timing, Usage
from playground.history.migrations import MIGRATIONS
from playground.history.store import HistoryStore
from tests.history import OpenStore


def make_result(store: HistoryStore, prompt: str, data: bytes | None, *, backend: str = "aistudio",
                status: str = "ok", group: str | None = None) -> GenerationResult:
    req = ImageRequest(prompt=prompt, aspect_ratio="16:9", image_size="2K", seed=3)
    result = GenerationResult(
        backend=backend, request=req, status=status, model=req.model,  # type: ignore[arg-type]
        http_status=200 if status == "ok" else 429, timing=Timing(0.5, 1.25),
        attempts=[Attempt(1, 1.0, 200, 0.5, 1.25, 10, 20)], request_bytes=10, response_bytes=20,
        usage=Usage(5, 1120, 155, 1280, 1120, "ON_DEMAND"), cost_usd=0.1364, group_id=group,
        notes=["a note"], request_json={"contents": []},
    )
    if data is not None:
        facts = describe_image(data, declared_mime="image/png", requested=(2752, 1536))
        result.images.append(facts)  # the bytes travel in facts.data
    if status != "ok":
        result.error = ErrorInfo("ApiError", "quota", "wait", 429, "RESOURCE_EXHAUSTED")
    return result


def png(seed: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), (seed % 256, 1, 2)).save(out, "PNG")
    return out.getvalue()


def test_round_trip_and_reopen(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    original = make_result(store, "a red fox", png(1), group="g1")
    gen_id = store.save(original)
    reopened = open_store(tmp_path)  # a restart
    got = reopened.get(gen_id)
    assert got is not None
    assert got.request == original.request
    assert got.timing == Timing(0.5, 1.25)
    assert got.usage == original.usage
    assert got.attempts == original.attempts
    assert got.images[0].sha256 == hashlib.sha256(png(1)).hexdigest()
    assert reopened.original(got.images[0]) == png(1)
    assert got.images[0].requested_width == 2752
    assert got.group_id == "g1" and got.notes == ["a note"] and got.request_json == {"contents": []}
    assert reopened.schema_version == len(MIGRATIONS)


def test_list_filters_search_and_order(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    ids = [store.save(make_result(store, p, png(i), backend=b, status=s))
           for i, (p, b, s) in enumerate([("red fox", "aistudio", "ok"), ("blue whale", "vertex", "ok"),
                                          ("red 100%_sure", "vertex", "error")])]
    assert [r.id for r in store.list()] == ids[::-1]
    assert [r.request.prompt for r in store.list(search="RED")] == ["red 100%_sure", "red fox"]
    assert [r.id for r in store.list(search="100%_")] == [ids[2]]
    assert [r.id for r in store.list(backend="vertex", status="ok")] == [ids[1]]
    assert store.count(status="error") == 1
    failed = store.get(ids[2])
    assert failed is not None and failed.error is not None and failed.error.status == "RESOURCE_EXHAUSTED"


def test_latest_group(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.save(make_result(store, "single", png(1)))
    store.save(make_result(store, "pair", png(2), group="g"))
    store.save(make_result(store, "pair", png(3), backend="vertex", group="g"))
    assert {r.backend for r in store.latest_group()} == {"aistudio", "vertex"}


def test_delete_removes_orphan_files_only(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    a = store.save(make_result(store, "one", png(5)))
    b = store.save(make_result(store, "two", png(5)))  # same bytes: stored once
    img = store.get(a).images[0]  # type: ignore[union-attr]
    path = store.files.path_for(img.sha256, img.sniffed_mime)
    assert store.delete(a)
    assert path.exists(), "still used by the other generation"
    assert store.delete(b)
    assert not path.exists()
    assert store.get(a) is None and not store.delete(a)


def test_concurrent_thread_writers(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                store.save(make_result(store, f"t{n}-{i}", png(n * 100 + i)))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.count() == 90


def _process_writer(data_dir: str, n: int, database_url: str | None) -> None:
    store = HistoryStore(Path(data_dir), database_url=database_url)
    for i in range(10):
        store.save(make_result(store, f"p{n}-{i}", png(n * 50 + i)))


def test_concurrent_process_writers(open_store: OpenStore, tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_process_writer, args=(str(tmp_path), n, open_store.database_url)) for n in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    store = open_store(tmp_path)
    assert store.count() == 30
    assert len({r.id for r in store.list(limit=100)}) == 30  # no duplicate ids
    if store.engine.name == "sqlite":
        with sqlite3.connect(tmp_path / "history.sqlite3") as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_thumbnails_are_small_and_cached(open_store: OpenStore, tmp_path: Path) -> None:
    import io

    from PIL import Image

    store = open_store(tmp_path)
    out = io.BytesIO()
    Image.new("RGB", (2000, 1000), (9, 9, 9)).save(out, "PNG")
    result = make_result(store, "big", out.getvalue())
    store.save(result)
    img = result.images[0]
    thumb = store.thumbnail(img)
    with Image.open(io.BytesIO(thumb)) as t:
        assert max(t.size) <= 320 and t.format == "JPEG"
    assert (tmp_path / "previews" / f"{img.sha256}-320.jpg").is_file()
