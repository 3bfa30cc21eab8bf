"""`python -m playground study …` end to end: create from ids, --last, a benchmark run and the
preset run now in demo mode; results equal `study_results`; exports; errors in plain words."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from playground.bench.store import BenchStore
from playground.cli.main import main
from playground.history.store import HistoryStore
from playground.history.studies import Vote, record_vote, require_study, votes_of
from playground.review.study_results import results_json, study_results


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PLAYGROUND_EMULATOR_PROFILE", "instant")
    return tmp_path / "data"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_preset_ids_last_bench_results_and_exports(data: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("# two prompts\na red kite\na blue door\n")
    code, out, err = run(capsys, "study", "create", "--name", "Vertex?", "--preset",
                         "vertex-quality", "--prompts", str(prompts),
                         "--demo", "--min-votes", "4", "--owner", "olga", "--json")
    assert code == 0, err
    made = json.loads(out)
    assert made["link"] == f"/review?study={made['id']}" and made["emulated"]
    assert made["pairs"] == 6 and len(made["arms"]) == 3  # 2 prompts × 3 pairs of arms
    store = HistoryStore(data)
    study = require_study(store, made["id"])
    assert study.preset == "vertex-quality" and study.owner == "olga"
    for n, pair in enumerate(study.pairs):
        record_vote(store, study, Vote(pair.index, "ana", "a" if n % 2 else "b", "left"))
        record_vote(store, study, Vote(pair.index, "bo", "a", "tie" if n % 3 else "right"))
    code, out, _ = run(capsys, "study", "results", study.id, "--json")
    assert code == 0
    doc = json.loads(out)
    expected = results_json(study, study_results(study, votes_of(store, study.id)))
    assert doc == json.loads(json.dumps(expected))  # the page calls the same function, same seed
    assert all(a["ci_low"] <= a["strength"] <= a["ci_high"] for a in doc["arms"])
    assert doc["verdict"] and doc["verdict"][0].startswith("Emulated")
    code, text, _ = run(capsys, "study", "results", study.id)
    assert "Position bias (left image won)" in text and "Krippendorff" in text
    assert f"{doc['arms'][0]['strength']:.0f} [" in text

    ids = [str(r.id) for r in store.list(limit=4)]
    code, out, _ = run(capsys, "study", "create", "--name", "by ids", "--ids", ",".join(ids))
    assert code == 0 and "/review?study=" in out
    code, out, _ = run(capsys, "study", "create", "--name", "latest", "--last", "6", "--json")
    assert code == 0 and json.loads(out)["pairs"] >= 3
    code, out, _ = run(capsys, "study", "list", "--json")
    assert [s["name"] for s in json.loads(out)] == ["latest", "by ids", "Vertex?"]

    votes_csv, pack = tmp_path / "votes.csv", tmp_path / "study.zip"
    assert run(capsys, "study", "export", study.id, "--out", str(votes_csv))[0] == 0
    rows = list(csv.DictReader(io.StringIO(votes_csv.read_text())))
    assert len(rows) == 12 and {r["reviewer"] for r in rows} == {"ana", "bo"}
    assert run(capsys, "study", "export", study.id, "--out", str(pack))[0] == 0
    assert sorted(zipfile.ZipFile(pack).namelist()) == ["study.html", "study.json", "votes.csv"]
    assert run(capsys, "study", "close", study.id)[0] == 0
    code, _, err = run(capsys, "study", "export", study.id, "--out", str(pack))
    assert code == 2 and "already exists" in err
    assert run(capsys, "study", "export", study.id, "--out", str(pack), "--force")[0] == 0
    names = zipfile.ZipFile(pack).namelist()
    assert {"index.html", "manifest.json", "study.html"} <= set(names)  # revealed: the pairs
    page = zipfile.ZipFile(pack).read("study.html").decode()
    assert "The pairs, revealed" in page and "a red kite" in page and "<script" not in page


def test_a_study_from_a_benchmark_run(data: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    prompts = tmp_path / "p.txt"
    prompts.write_text("a red kite\n")
    code, _, err = run(capsys, "bench", "--prompts", str(prompts), "--demo",
                       "--repeats", "2", "--yes", "--json")
    assert code == 0, err
    (bench_run,) = BenchStore(HistoryStore(data)).list_runs()
    code, out, err = run(capsys, "study", "create", "--name", "bench", "--bench", bench_run.id,
                         "--json")
    assert code == 0, err
    made = json.loads(out)
    assert made["pairs"] == 4 and made["emulated"]  # 2 × 2 images of one prompt, two arms


@pytest.mark.parametrize(("args", "message"), [
    (["study", "results", "nope"], "no study"),
    (["study", "create", "--name", "x", "--bench", "nope"], "no benchmark run"),
    (["study", "create", "--name", "x", "--ids", "999"], "None of these generations"),
    (["study", "create", "--name", "x", "--ids", "1", "--votes-per-pair", "0"], "1 to 100"),
])
def test_errors_say_what_to_do(data: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                               message: str) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err
