"""`python -m playground export`: summary line, exit codes 0 / 1 / 2."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from playground.cli.main import main
from playground.domain.types import GenerationResult
from playground.history.store import HistoryStore


@pytest.fixture
def cli_history(store: HistoryStore, both_run: tuple[GenerationResult, GenerationResult],
                monkeypatch: pytest.MonkeyPatch) -> tuple[GenerationResult, GenerationResult]:
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(store.data_dir))
    return both_run


def test_export_last_writes_a_pack_and_a_summary(cli_history: Any, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "packs" / "pack.zip"
    out.parent.mkdir()  # --out must be in an existing folder (tests/faults/test_export_out.py)
    assert main(["export", "--last", "2", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"Wrote {out}" in captured.out and "1 pair(s)" in captured.out
    assert "3 image(s) in 3 file(s)" in captured.out and "2 generation(s)" in captured.out
    assert "[1/" in captured.err  # progress goes to stderr
    assert "index.html" in zipfile.ZipFile(out).namelist()


def test_export_by_ids_and_images(cli_history: tuple[GenerationResult, GenerationResult],
                                  tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = cli_history
    assert main(["export", "--ids", f"{a.id},{b.id}", "--out", str(tmp_path / "g.zip"),
                 "--quiet"]) == 0
    images = f"{a.images[0].id}, {b.images[0].id}"
    assert main(["export", "--images", images, "--out", str(tmp_path / "i.zip"),
                 "--like-for-like", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    names = zipfile.ZipFile(tmp_path / "i.zip").namelist()
    assert len([n for n in names if n.startswith("images/")]) == 2


@pytest.mark.parametrize("argv, words", [
    (["--ids", "999"], "no generation with id 999"),
    (["--images", "4242"], "no image with id 4242"),
    (["--last", "0"], "--last must be a positive number"),
])
def test_bad_selection_exits_2_with_advice(cli_history: Any, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str], argv: list[str],
                                           words: str) -> None:
    out = tmp_path / "p.zip"
    assert main(["export", *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert words in err and ("History page" in err or "--last 2" in err)
    assert not out.exists()


@pytest.mark.parametrize("argv", [
    ["--ids", "1,two"], ["--images", "0"], ["--ids", "1", "--last", "2"], [],
])
def test_unusable_arguments_exit_2(cli_history: Any, tmp_path: Path, argv: list[str],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", *argv, "--out", str(tmp_path / "p.zip")])
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_out_folder_exits_2(cli_history: Any, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--last", "2", "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_missing_file_exits_1_and_still_writes(
        cli_history: tuple[GenerationResult, GenerationResult], store: HistoryStore,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, b = cli_history
    assert b.image is not None and store.has_original(b.image)
    store.files.path_for(b.image.sha256, b.image.sniffed_mime).unlink()
    out = tmp_path / "p.zip"
    assert main(["export", "--last", "2", "--out", str(out), "--quiet"]) == 1
    assert out.exists()
    assert f"Image #{b.image.id} (Vertex AI, generation #{b.id}) is missing" in \
        capsys.readouterr().out


# --- --out: a regular file name in an existing folder, replaced only with --force ------------


def test_existing_out_needs_force(cli_history: Any, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.zip"
    out.write_bytes(b"an older pack")
    assert main(["export", "--last", "2", "--out", str(out), "--quiet"]) == 2
    assert f"error: {out} already exists. Pass --force" in capsys.readouterr().err
    assert out.read_bytes() == b"an older pack"
    assert main(["export", "--last", "2", "--out", str(out), "--quiet", "--force"]) == 0
    assert "index.html" in zipfile.ZipFile(out).namelist()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "p.zip"]  # no temp left


@pytest.mark.parametrize("target, words", [
    ("{tmp}/full", "is not a regular file"),
    ("/proc/self/pack.zip", "a system folder"),
    ("{tmp}/missing/p.zip", "missing does not exist"),
    ("{tmp}/fifo", "is not a regular file"),
    ("{tmp}/dangling.zip", "is not a regular file"),
])
def test_out_that_is_not_a_regular_file_in_an_existing_folder(
        target: str, words: str, cli_history: Any, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """{tmp}/full is a copy of /dev/full's device node (made with mknod, as root): the test
    never points at the real /dev, so a regression cannot destroy the machine's device."""
    import os
    import stat

    if target == "{tmp}/full":
        try:
            os.mknod(tmp_path / "full", 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        except PermissionError:
            pytest.skip("creating a device node needs root")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dangling.zip").symlink_to(tmp_path / "nowhere.zip")
    out = target.replace("{tmp}", str(tmp_path))
    for force in ([], ["--force"]):
        assert main(["export", "--last", "2", "--out", out, "--quiet", *force]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and words in err, err
    if target == "{tmp}/full":
        assert stat.S_ISCHR(os.stat(out).st_mode), "a device node must never be replaced"
    assert not (tmp_path / "nowhere.zip").exists() and not (tmp_path / "missing").exists()


def test_a_failed_write_leaves_no_partial_pack(cli_history: Any, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Simulated disk full while the pack is written: the temp file goes, --out never appears."""
    import errno

    from playground.export import pack

    def full(self: Any, zf: Any, entries: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pack._PackWriter, "_write_texts", full)
    out = tmp_path / "p.zip"
    assert main(["export", "--last", "2", "--out", str(out), "--quiet"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
