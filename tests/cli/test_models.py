"""`python -m playground models`: the live lists merged with the dated catalog, and Generate's
rule that a model the platform does not list is not sent by default."""

from __future__ import annotations

import json
from typing import Any

import pytest

from playground.cli.main import main
from playground.domain.offers import merge_models


def models_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["models", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in doc["models"]}


def test_demo_lists_nano_banana_21_and_the_lifecycle(capsys: pytest.CaptureFixture[str]) -> None:
    doc = models_json(capsys, "--demo")
    assert doc["demo"] and all(doc["lists"][p]["checked"] for p in ("aistudio", "vertex"))
    models = by_id(doc)
    nb21 = models["gemini-nano-banana-2.1"]
    assert nb21["nickname"] == "Nano Banana 2.1" and nb21["sizes"] == ["1K", "2K", "4K"]
    assert nb21["backends"]["aistudio"]["listed"] == "listed"
    assert nb21["price_per_image_usd"]["1K"] == pytest.approx(0.0336)
    flash25 = models["gemini-2.5-flash-image"]["backends"]
    assert flash25["aistudio"] == {"listed": "not listed", "lifecycle": "shut down",
                                   "dates": flash25["aistudio"]["dates"], "offered": False}
    assert "2026-10-02" in flash25["aistudio"]["dates"]
    assert flash25["vertex"]["listed"] == "listed" and flash25["vertex"]["offered"]
    flash31 = models["gemini-3.1-flash-image"]["backends"]["aistudio"]
    assert flash31["lifecycle"] == "deprecated" and "reported" in flash31["dates"]
    # the lists hold text models too; nothing is taken for (or ruled out as) an image model by
    # its name: a listed id the catalog does not know is shown as unknown, never hidden
    texts = [m for m in doc["lists"]["aistudio"]["models"] if "image" not in m and "banana" not in m]
    assert texts and all(not models[m]["known"] for m in texts)


def test_live_merge_with_an_unknown_and_a_missing_model(emu_env: dict[str, str], emu: Any,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    emu.control.set_lineup(extra_models=["aistudio:gemini-9-image-experimental"],
                           hidden_models=["aistudio:gemini-3-pro-image-preview"])
    models = by_id(models_json(capsys))
    unknown = models["gemini-9-image-experimental"]
    assert not unknown["known"] and "unknown to Banana Split" in unknown["note"]
    assert unknown["backends"]["aistudio"]["listed"] == "listed"
    assert unknown["backends"]["vertex"]["listed"] == "not listed"
    hidden = models["gemini-3-pro-image-preview"]["backends"]
    assert hidden["aistudio"]["listed"] == "not listed" and not hidden["aistudio"]["offered"]
    assert hidden["vertex"]["listed"] == "listed"


def test_not_checked_lists_fall_back_to_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    doc = models_json(capsys)  # no credentials at all: nothing could be asked
    assert not doc["lists"]["aistudio"]["checked"] and "GOOGLE_API_KEY" in doc["lists"]["aistudio"]["error"]
    flash25 = by_id(doc)["gemini-2.5-flash-image"]["backends"]["aistudio"]
    assert flash25["listed"] == "not checked" and not flash25["offered"]  # the catalog says gone


def test_merge_rows_follow_the_catalog_then_unknowns() -> None:
    rows = merge_models({"aistudio": frozenset({"zz-new", "gemini-nano-banana-2.1"}),
                         "vertex": None}, day="2026-12-01")
    assert rows[-1].id == "zz-new" and not rows[-1].known
    assert rows[0].offers["vertex"].listed == "not checked"
    assert rows[0].offers["vertex"].is_offered  # not checked, and the catalog says available


def test_generate_refuses_a_model_the_catalog_says_is_gone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--demo", "--backend", "aistudio", "--model",
                 "gemini-2.5-flash-image", "--prompt", "x"]) == 2
    err = capsys.readouterr().err
    assert "shut down on AI Studio" in err and "--allow-unlisted" in err
