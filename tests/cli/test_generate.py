"""`python -m playground generate` end to end against the emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from playground.cli.main import main
from playground.history.store import HistoryStore

ROOT = Path(__file__).resolve().parents[2]


def test_done_when_demo_both_2k(tmp_path: Path) -> None:
    """The issue's done-when command, run as a user would, in a subprocess."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GOOGLE_", "GEMINI_", "PLAYGROUND_"))}
    env["PLAYGROUND_DATA_DIR"] = str(tmp_path / "data")
    proc = subprocess.run(
        [sys.executable, "-m", "playground", "generate", "--demo", "--backend", "both",
         "--prompt", "a red fox in snow", "--aspect-ratio", "16:9", "--image-size", "2K", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["backend"] for line in lines] == ["aistudio", "vertex"]
    expected_mime = {"aistudio": "image/jpeg", "vertex": "image/png"}
    store = HistoryStore(tmp_path / "data")
    for line in lines:
        assert line["ok"] and line["status"] == "ok" and line["error"] is None
        (img,) = [i for i in line["images"] if not i["draft"]]
        assert (img["width"], img["height"]) == (2752, 1536)
        assert img["sniffed_mime"] == expected_mime[line["backend"]]
        assert img["bytes"] == Path(img["path"]).stat().st_size
        assert line["timing"]["ttfb_s"] > 0 and line["timing"]["total_s"] >= line["timing"]["ttfb_s"]
        assert line["cost_usd"] > 0 and line["request_bytes"] > 0 and line["response_bytes"] > 0
        for key in ("model", "http_status", "attempts", "finish_reason", "usage", "notes"):
            assert key in line
        saved = store.get(line["history_id"])
        assert saved is not None and saved.image is not None and saved.image.sha256 == img["sha256"]


def test_missing_configuration_exits_2_and_names_the_variable(capsys: Any) -> None:
    assert main(["generate", "--prompt", "x", "--backend", "aistudio"]) == 2
    err = capsys.readouterr().err
    assert "GOOGLE_API_KEY" in err and "--demo" in err


@pytest.mark.parametrize("argv", [
    ["--model", "gemini-2.5-flash-image", "--image-size", "4K"],
    ["--aspect-ratio", "7:3"],
    ["--quality", "80"],
    ["--model", "imagen-4.0-generate-001"],
])
def test_bad_arguments_exit_2(argv: list[str], capsys: Any) -> None:
    assert main(["generate", "--prompt", "x", "--demo", *argv]) == 2
    assert capsys.readouterr().err.startswith("error:")


def test_empty_prompt_exits_2(capsys: Any) -> None:
    assert main(["generate", "--prompt", "  ", "--demo"]) == 2
    assert "prompt is empty" in capsys.readouterr().err


def test_failure_exits_1_and_table_shows_the_hint(emu: Any, emu_env: dict[str, str],
                                                   capsys: Any) -> None:
    emu.control.script("503", platform="vertex", count=10)
    code = main(["generate", "--prompt", "a fox", "--retries", "0"])
    out = capsys.readouterr().out
    assert code == 1
    assert "AI Studio" in out and "Vertex AI" in out
    assert "overloaded" in out  # the hint


def test_out_folder_gets_copies(emu_env: dict[str, str], tmp_path: Path, capsys: Any) -> None:
    code = main(["generate", "--prompt", "a fox", "--backend", "vertex", "--json",
                 "--out", str(tmp_path / "out")])
    assert code == 0
    line = json.loads(capsys.readouterr().out)
    path = Path(line["images"][0]["path"])
    assert path.parent == tmp_path / "out" and path.suffix == ".png"
