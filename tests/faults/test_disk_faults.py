"""A read-only data folder and a full disk: said in words (exit 2 in the CLI), and an answered
result is never lost to a full disk: its rows are recorded, its image marked "not written".

As root, chmod does not stop writes, so these tests mount what they need (a read-only bind
mount, a 2 MB tmpfs) and unmount it after; where mounting is refused they simulate the fault at
the one place that writes and say so in the test name's parameter ("simulated").
"""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from playground.domain.errors import ImageWriteError, StorageError
from playground.domain.imaging import describe_image
from playground.history import faults as faults_module
from playground.history import files as files_module
from playground.history.store import HistoryStore
from tests.faults.conftest import can_mount, cli, close, history, read_only_view, tmpfs
from tests.history.test_store import make_result, png


def noise_png(side: int = 400) -> bytes:
    """An incompressible PNG (~side² × 3 bytes)."""
    pixels = np.random.default_rng(side).integers(0, 256, (side, side, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG", compress_level=0)
    return out.getvalue()


@pytest.fixture
def read_only_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An existing history seen through a read-only mount; simulated (the store's write check
    and the file system flag say read-only) when mounting is refused."""
    source = tmp_path / "source"
    close(history(source))
    with read_only_view(source, tmp_path / "view") as mounted:
        if not mounted:
            monkeypatch.setattr(faults_module.os, "access", lambda *a, **k: False)
            monkeypatch.setattr(faults_module, "_read_only_fs", lambda path: True)
        yield (tmp_path / "view") if mounted else source


def test_a_read_only_data_folder_is_said(read_only_history: Path) -> None:
    if can_mount():  # a real read-only mount, not the simulation
        assert os.statvfs(read_only_history).f_flag & os.ST_RDONLY
    with pytest.raises(StorageError) as info:
        HistoryStore(read_only_history)
    assert f"The history folder {read_only_history} is on a read-only file system" in \
        str(info.value)
    assert "PLAYGROUND_DATA_DIR" in info.value.hint


@pytest.mark.parametrize("command", [
    ["export", "--last", "1", "--out", "{tmp}/p.zip"],
    ["generate", "--prompt", "a fox", "--backend", "aistudio"],
])
def test_cli_on_a_read_only_folder_exits_2(command: list[str], read_only_history: Path,
                                           tmp_path: Path, emu: Any, emu_env: dict[str, str],
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(read_only_history))
    code, _, err = cli(capsys, *(a.replace("{tmp}", str(tmp_path)) for a in command))
    assert code == 2 and "read-only file system" in err and "Traceback" not in err
    assert not [r for r in emu.control.requests() if "generateContent" in r["path"]]


@pytest.fixture
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A history on a 2 MB tmpfs filled up to its last ~64 kB; simulated (every image write
    fails with ENOSPC) when mounting is refused."""
    with _full(tmp_path, monkeypatch, leave=64 * 1024) as store:
        yield store


@contextmanager
def _full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, leave: int) -> Iterator[HistoryStore]:
    folder = tmp_path / "small"
    with tmpfs(folder, "2m") as mounted:
        store = HistoryStore(folder / "data")
        store.save(make_result(store, "warm-up", png(1)))  # the WAL has its first pages now
        if mounted:
            with open(folder / "filler", "wb", buffering=0) as fh:
                try:
                    while True:
                        fh.write(b"\0" * 4096)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
            os.truncate(folder / "filler", max(0, (folder / "filler").stat().st_size - leave))
        else:
            def full(target: Path, data: bytes) -> None:
                raise OSError(errno.ENOSPC, "No space left on device", str(target))
            monkeypatch.setattr(files_module, "_write_atomically", full)
        try:
            yield store
        finally:
            close(store)


def test_a_full_disk_keeps_the_answered_result_without_its_image(full_disk: HistoryStore) -> None:
    if can_mount():  # a real full disk, not the simulation
        fs = os.statvfs(full_disk.data_dir)
        assert fs.f_blocks * fs.f_frsize <= 2 * 1024 * 1024
        assert fs.f_bavail * fs.f_frsize <= 128 * 1024
    result = make_result(full_disk, "a big one", None)
    result.images.append(describe_image(noise_png(), declared_mime="image/png"))
    assert result.images[0].size_bytes > 400_000  # far more than the space left
    with pytest.raises(ImageWriteError) as info:
        full_disk.save(result)
    message = str(info.value)
    assert f"The disk holding {full_disk.data_dir} is full" in message
    assert "the result is recorded without its image" in message
    assert "Free some space" in info.value.hint
    got = full_disk.get(result.id or 0)
    assert got is not None and got.status == "ok" and got.usage == result.usage
    assert any("The image could not be written" in n for n in got.notes)
    assert not full_disk.has_original(got.images[0])
    (status,) = full_disk.connection().execute(
        "SELECT file_status FROM images WHERE id=?", (got.images[0].id,)).fetchone()
    assert status == "not written"
    assert not list((full_disk.data_dir / "images").rglob(".tmp-*")), "no half file left"


def test_previews_on_a_full_disk_are_served_uncached(full_disk: HistoryStore,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (warm,) = full_disk.list()
    assert warm.image is not None

    def no_room(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", no_room)
    assert full_disk.thumbnail(warm.image)[:2] == b"\xff\xd8"
    assert full_disk.reduced_preview(warm.image, 100)[:2] == b"\xff\xd8"


@pytest.mark.skipif(not can_mount(), reason="needs a real full disk (a tmpfs mount, as root)")
def test_a_disk_too_full_for_the_row_is_said(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    with _full(tmp_path, monkeypatch, leave=0) as store:
        result = make_result(store, "x" * 200_000, png(2))  # needs new pages in the WAL
        with pytest.raises(StorageError) as info:
            store.save(result)
        assert f"The disk holding {store.data_dir} is full" in str(info.value)
        assert store.count() == 1  # the warm-up only; nothing half-written
