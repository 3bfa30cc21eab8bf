"""Canaries: a pack made from history written with canary credentials holds none of them."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from playground.cli.main import main
from playground.config import load_settings
from playground.domain.redaction import redact_text
from playground.export.scrub import pack_secrets
from playground.history.reviews import Review, save_review
from playground.history.store import HistoryStore


def unzipped_bytes(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_no_canary_in_any_byte_of_the_pack(canaries: dict[str, str], emu: Any, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--prompt", "canary fox", "--include-thoughts", "--json"]) == 0
    # a user pasting secrets into a prompt and a review comment: the pack scrubs them too
    assert main(["generate", "--prompt", f"oops {canaries['key']}", "--backend", "aistudio",
                 "--json"]) == 0
    emu.control.script("503", count=10)  # errors, hints and raw bodies are in history too
    assert main(["generate", "--prompt", "canary fail", "--retries", "0", "--json"]) == 1
    store = HistoryStore(load_settings().data_dir)
    image = store.list(status="ok", limit=1)[0].image
    assert image is not None and image.id is not None
    save_review(store, Review(image.id, "Ana", 2, [],
                              f"key {canaries['key']} and {canaries['private_key_line']}"))

    out = tmp_path / "pack.zip"
    assert main(["export", "--last", "10", "--out", str(out)]) == 0
    files = unzipped_bytes(out)
    assert {"manifest.json", "index.html"} <= set(files) and len(files) > 6
    tokens = {str(r["headers"].get("authorization", "")).removeprefix("Bearer ")
              for r in emu.control.requests() if r.get("platform") == "vertex"} - {""}
    assert tokens, "the Vertex calls should have used OAuth tokens from the emulator"
    captured = capsys.readouterr()
    for name, value in [*canaries.items(), *(("token", t) for t in tokens)]:
        for file_name, data in files.items():
            assert value.encode() not in data, f"{name} leaked into {file_name}"
        assert value.encode() not in out.read_bytes(), f"{name} in the raw zip"
        assert value not in captured.out + captured.err
    manifest = json.loads(files["manifest.json"])
    prompts = {g["prompt"] for g in manifest["generations"]}
    assert "oops [REDACTED]" in prompts  # scrubbed, the rest of the text kept


def test_pack_secrets_reads_the_service_account_file(canaries: dict[str, str]) -> None:
    found = pack_secrets(load_settings())
    assert canaries["key"] in found and canaries["private_key_id"] in found
    assert canaries["private_key_line"] in found


# Credential-shaped samples are assembled at run time, so none sits in the repository as is.
_PEM = "-----{} PRIVATE KEY-----"


@pytest.mark.parametrize("text", [
    "key=" + "AI" + "za" + "SyD-0123456789abcdefghijklmnopqrstu",
    '{"private_key_id": "0123abcd", "type": "service_account"}',
    "Authorization: Bearer " + "ya" + "29.a0AfB_byC-token-value",
    _PEM.format("BEGIN") + "\nMIIE\n" + _PEM.format("END"),
])
def test_credential_shapes_are_scrubbed_without_knowing_them(text: str) -> None:
    scrubbed = redact_text(text)
    assert "[REDACTED]" in scrubbed
    assert not re.search(r"AIza[0-9A-Za-z]{10}|0123abcd|ya29\.a0|MIIE", scrubbed)
    assert redact_text(scrubbed) == scrubbed
