"""Tampered rows and symlinks never make the store or an export read, serve or delete a file
outside the data folder: names come from the SHA-256, every path is resolved and checked."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from playground.domain.errors import ImageMissingError, UnsafePathError
from playground.domain.types import GenerationResult
from playground.export.pack import build_review_pack
from playground.history.store import HistoryStore
from tests.faults.conftest import history

SECRET = b"the victim's secret, never to be read"


@pytest.fixture
def setup(tmp_path: Path) -> tuple[HistoryStore, Path]:
    """A history in tmp/data and a victim file next to it, in tmp/victim."""
    victim = tmp_path / "victim" / "secret.txt"
    victim.parent.mkdir()
    victim.write_bytes(SECRET)
    return history(tmp_path / "data"), victim


def tamper(store: HistoryStore, sql: str, *args: object) -> None:
    with store.transaction() as conn:
        conn.execute(sql, args)


def _first(store: HistoryStore) -> GenerationResult:
    result = store.list()[-1]
    assert result.image is not None
    return result


def _pack(store: HistoryStore, out: Path) -> dict[str, bytes]:
    build_review_pack(store, last=10, out=out)
    with zipfile.ZipFile(out) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def assert_untouched(victim: Path, pack: dict[str, bytes]) -> None:
    assert victim.read_bytes() == SECRET
    for name, data in pack.items():
        assert ".." not in name and not name.startswith("/"), name
        assert SECRET not in data, f"{name} holds the victim's bytes"


ROWS: dict[str, Callable[[HistoryStore, Path], None]] = {
    "rel_path ../victim/secret.txt": lambda s, v: tamper(
        s, "UPDATE images SET rel_path='../victim/secret.txt'"),
    "rel_path absolute": lambda s, v: tamper(s, "UPDATE images SET rel_path=?", str(v)),
    "sha256 ../../x": lambda s, v: tamper(s, "UPDATE images SET sha256='../../x'"),
    "sha256 ../victim/secret": lambda s, v: tamper(
        s, "UPDATE images SET sha256='../../../victim/secret'"),
    "sniffed_mime ../x": lambda s, v: tamper(s, "UPDATE images SET sniffed_mime='../x'"),
    "backend ../../evil": lambda s, v: tamper(s, "UPDATE generations SET backend='../../evil'"),
}


@pytest.mark.parametrize("kind", list(ROWS))
def test_tampered_rows_never_reach_outside(kind: str, setup: tuple[HistoryStore, Path],
                                           tmp_path: Path) -> None:
    store, victim = setup
    ROWS[kind](store, victim)
    result = _first(store)
    img = result.image
    assert img is not None
    for read in (store.original, store.preview, store.thumbnail):
        try:
            assert SECRET not in read(img)
        except ImageMissingError:
            pass  # a name that is not a hash, or the file of another format: missing
    assert_untouched(victim, _pack(store, tmp_path / "p.zip"))
    for r in store.list():
        store.delete(r.id or 0)
    assert store.count() == 0
    assert victim.read_bytes() == SECRET and victim.parent.is_dir()


def _image_file(store: HistoryStore) -> Path:
    img = _first(store).image
    assert img is not None
    return store.files.path_for(img.sha256, img.sniffed_mime)


def _link_file(store: HistoryStore, victim: Path) -> None:
    path = _image_file(store)
    path.unlink()
    path.symlink_to(victim)


def _link_folder(store: HistoryStore, victim: Path) -> None:
    path = _image_file(store)
    (victim.parent / path.name).write_bytes(SECRET)  # what the link would lead to
    for sibling in path.parent.iterdir():
        sibling.unlink()
    path.parent.rmdir()
    path.parent.symlink_to(victim.parent, target_is_directory=True)


def _link_previews(store: HistoryStore, victim: Path) -> None:
    previews = store.data_dir / "previews"
    for cached in previews.iterdir():
        cached.unlink()
    previews.rmdir()
    previews.symlink_to(victim.parent, target_is_directory=True)


LINKS: dict[str, Callable[[HistoryStore, Path], None]] = {
    "image file → victim": _link_file, "images/ab → victim's folder": _link_folder,
}


@pytest.mark.parametrize("kind", list(LINKS))
def test_symlinks_out_of_the_folder_are_refused_and_logged(
        kind: str, setup: tuple[HistoryStore, Path], tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    store, victim = setup
    LINKS[kind](store, victim)
    img = _first(store).image
    assert img is not None
    with caplog.at_level(logging.WARNING, logger="playground.history"), \
            pytest.raises(UnsafePathError) as info:
        store.original(img)
    assert "leads outside the history folder" in str(info.value)
    assert any("outside the history folder" in r.getMessage() for r in caplog.records)
    assert not store.has_original(img)
    with pytest.raises(ImageMissingError):
        store.thumbnail(img)
    pack = _pack(store, tmp_path / "p.zip")
    assert_untouched(victim, pack)
    summary = build_review_pack(store, last=10, out=tmp_path / "q.zip")
    assert any("leads outside the history folder, so it was refused" in m
               for m in summary.missing)
    for r in store.list():
        store.delete(r.id or 0)
    assert victim.read_bytes() == SECRET
    assert all(p.read_bytes() == SECRET for p in victim.parent.iterdir())


def test_a_symlinked_previews_folder_is_refused(setup: tuple[HistoryStore, Path]) -> None:
    store, victim = setup
    _link_previews(store, victim)
    img = _first(store).image
    assert img is not None
    assert store.original(img)  # the original itself is still inside
    with pytest.raises(UnsafePathError):
        store.thumbnail(img)
    store.delete(_first(store).id or 0)
    assert sorted(p.name for p in victim.parent.iterdir()) == ["secret.txt"]
    assert victim.read_bytes() == SECRET


def test_a_pipe_in_place_of_an_image_is_missing_not_a_hang(
        setup: tuple[HistoryStore, Path]) -> None:
    import os

    store, _ = setup
    path = _image_file(store)
    path.unlink()
    os.mkfifo(path)
    img = _first(store).image
    assert img is not None and not store.has_original(img)
    with pytest.raises(ImageMissingError):
        store.original(img)
