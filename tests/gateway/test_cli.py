"""`generate --imagen-payload FILE` and the `gateway` command's refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playground.cli.main import main


def test_generate_imagen_payload(tmp_path: Path, capsys: Any) -> None:
    payload = tmp_path / "imagen.json"
    payload.write_text(json.dumps({
        "instances": [{"prompt": "a lighthouse at dusk"}],
        "parameters": {"sampleCount": 2, "aspectRatio": "16:9", "negativePrompt": "fog",
                       "outputOptions": {"mimeType": "image/jpeg", "compressionQuality": 85}}}))
    code = main(["generate", "--demo", "--imagen-payload", str(payload), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = [json.loads(x) for x in captured.out.splitlines()]
    assert [line["backend"] for line in lines] == ["vertex", "vertex"]
    for line in lines:
        (img,) = [i for i in line["images"] if not i["draft"]]
        assert (img["sniffed_mime"], img["width"], img["height"]) == ("image/jpeg", 1344, 768)
        assert line["model"] == "gemini-2.5-flash-image"
        assert any("retired" in n and "2026-06-30" in n for n in line["notes"])
        assert any("negativePrompt" in n for n in line["notes"])
    assert "notice: Imagen is retired" in captured.err


def test_generate_imagen_payload_on_ai_studio_says_what_was_not_sent(tmp_path: Path,
                                                                     capsys: Any) -> None:
    payload = tmp_path / "imagen.json"
    payload.write_text(json.dumps({"instances": [{"prompt": "x"}], "parameters": {
        "sampleCount": 1, "outputOptions": {"mimeType": "image/png"}}}))
    code = main(["generate", "--demo", "--backend", "aistudio", "--model",
                 "gemini-nano-banana-2.1", "--imagen-payload", str(payload), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    (line,) = [json.loads(x) for x in captured.out.splitlines()]
    assert any("Vertex-only" in n for n in line["notes"])
    (img,) = [i for i in line["images"] if not i["draft"]]
    assert img["sniffed_mime"] == "image/jpeg"  # AI Studio's own format, not re-encoded


def test_generate_imagen_payload_refuses_a_bad_file(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"instances": []}')
    assert main(["generate", "--demo", "--imagen-payload", str(bad)]) == 2
    assert main(["generate", "--demo", "--imagen-payload", str(tmp_path / "none.json")]) == 2
    assert main(["generate", "--demo"]) == 2
    assert "--prompt is required" in capsys.readouterr().err


def test_gateway_needs_keys_unless_demo(capsys: Any) -> None:
    assert main(["gateway"]) == 2
    assert "PLAYGROUND_GATEWAY_KEYS" in capsys.readouterr().err


def test_gateway_refuses_bad_keys(monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.setenv("PLAYGROUND_GATEWAY_KEYS", "alice:short")
    assert main(["gateway", "--demo"]) == 2
    assert "at least 16 characters" in capsys.readouterr().err


def test_generate_imagen_sample_count_is_variants_per_instance(tmp_path: Path,
                                                                capsys: Any) -> None:
    payload = tmp_path / "imagen.json"
    payload.write_text(json.dumps({"instances": [{"prompt": "a cat"}, {"prompt": "a dog"}],
                                   "parameters": {"sampleCount": 2}}))
    code = main(["generate", "--demo", "--imagen-payload", str(payload), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = [json.loads(x) for x in captured.out.splitlines()]
    assert [line["variant"] for line in lines] == [1, 2, 1, 2]
    groups = [line["group_id"] for line in lines]
    assert groups[0] == groups[1] != groups[2] == groups[3]


def test_generate_auto_and_priority_refusals(capsys: Any) -> None:
    assert main(["generate", "--demo", "--prompt", "x", "--priority", "cost"]) == 2
    assert "--priority applies to --backend auto" in capsys.readouterr().err
    assert main(["generate", "--demo", "--backend", "auto", "--continue", "1", "--prompt",
                 "next"]) == 2
    assert "a thread continues on its own platform" in capsys.readouterr().err
    assert main(["generate", "--demo", "--prompt", "x", "--imagen-payload", "p.json"]) == 2
    assert "carries its own prompt" in capsys.readouterr().err
