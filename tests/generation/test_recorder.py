"""Recorder's notes: on every row from the moment it is begun, and first on its result."""

from __future__ import annotations

from pathlib import Path

from playground.clients.base import platform_for
from playground.config import load_settings
from playground.domain.types import GenerationResult, ImageRequest
from playground.generation.fanout import plan_slots
from playground.generation.recorder import Recorder
from playground.history.store import HistoryStore


def test_notes_are_on_the_pending_rows_and_stay_first(tmp_path: Path) -> None:
    settings = load_settings(env={"PLAYGROUND_DATA_DIR": str(tmp_path)})
    store = HistoryStore(tmp_path)
    slots = plan_slots(ImageRequest(prompt="a fox"), [platform_for("aistudio", settings)],
                       variants=2)
    recorder = Recorder(store, slots, "g1", notes=["Via the gateway, key 'alice'."])
    rows = [store.get(i) for i in recorder.rows.values()]
    assert [(r.status, r.variant, r.notes) for r in rows if r] == [
        ("pending", 1, ["Via the gateway, key 'alice'."]),
        ("pending", 2, ["Via the gateway, key 'alice'."])]
    answer = GenerationResult(backend="aistudio", request=slots[0].check.request, status="error",
                              model="gemini-3-pro-image", variant=1, notes=["Timed out."])
    recorder.save(answer)
    saved = store.get(recorder.rows["aistudio#1"])
    assert saved is not None and saved.notes == ["Via the gateway, key 'alice'.", "Timed out."]
    recorder.save(answer)  # saving again does not repeat them
    assert answer.notes == ["Via the gateway, key 'alice'.", "Timed out."]
    assert Recorder(store, slots[:1], None).notes == ()
