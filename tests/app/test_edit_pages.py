"""AppTest of editing on Generate and History: continue a Both run twice (each platform on its
own thread), variants with "Use this one", "Use as input" and the model's limits, regenerate at
2K beside a Lanczos resize, and the thread strip with its branch button."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from tests.app.test_pages import demo, generate_and_wait, page, texts

__all__ = ["demo"]  # the fixture, used by name below


def click(at: AppTest, label: str, n: int = 0) -> AppTest:
    buttons = [b for b in at.button if b.label == label]
    assert len(buttons) > n, f"no button {label!r}: {[b.label for b in at.button]}"
    buttons[n].click().run()
    return at


def prompt(at: AppTest, text: str) -> AppTest:
    at.text_area(key="prompt").input(text).run()
    return at


def test_continue_twice_each_platform_on_its_own_thread(demo: Any) -> None:
    at = generate_and_wait(prompt(page(), "a blue door"))
    assert not at.exception, at.exception
    first = {r.backend: r for r in demo.store.list(limit=2)}
    click(at, "Continue editing")
    assert not at.exception, at.exception
    assert "Continuing a conversation" in texts(at)
    assert at.text_area(key="prompt").value == ""  # ready for the next instruction
    generate_and_wait(prompt(at, "paint it red"))
    second = {r.backend: r for r in demo.store.list(limit=2)}
    for platform, r in second.items():
        assert r.ok and r.parent_id == first[platform].id and r.request.turn_index == 1
    click(at, "Continue editing")
    generate_and_wait(prompt(at, "add a brass knocker"))
    third = {r.backend: r for r in demo.store.list(limit=2)}
    for platform, r in third.items():
        assert r.ok and r.parent_id == second[platform].id and r.request.turn_index == 2
        assert [t.id for t in demo.store.thread(r.id)] == [
            first[platform].id, second[platform].id, r.id]
        # the replayed images are billed: the third turn's prompt counts two earlier answers
        assert r.usage.prompt_tokens > first[platform].usage.prompt_tokens
    body = texts(at)
    assert "Replayed 2 earlier turns" in body and "3 (continues #" in body
    # History: the strip of the thread, and a branch from its first turn back on Generate
    hist = page("pages/history.py", id=str(third["aistudio"].id))
    assert not hist.exception, hist.exception
    assert "Thread · 3 turns" in texts(hist)
    click(hist, "Branch from turn 1")
    assert not hist.exception, hist.exception
    state = hist.session_state["edit_state"]
    assert state.threads == {p: r.id for p, r in first.items()}


def test_variants_use_this_one_and_use_as_input(demo: Any) -> None:
    at = prompt(page(), "a paper crane")
    at.segmented_control(key="variants").set_value(3).run()
    generate_and_wait(at)
    assert not at.exception, at.exception
    results = demo.store.list(limit=6)
    assert len(results) == 6 and len({r.group_id for r in results}) == 1
    assert sorted(r.variant for r in results) == [1, 1, 2, 2, 3, 3]
    assert "6 variants" in texts(at) and "total cost $" in texts(at)
    click(at, "Use this one", 2)  # a variant: only its platform's thread continues
    state = at.session_state["edit_state"]
    assert len(state.threads) == 1
    chosen = demo.store.get(next(iter(state.threads.values())))
    assert chosen is not None and chosen.variant is not None
    click(at, "Start a new conversation")
    click(at, "Use as input")
    assert len(at.session_state["edit_state"].inputs) == 1
    assert "Input images (1 of at most 14" in " ".join(e.label for e in at.expander)


def test_too_many_inputs_for_the_model_is_said_before_sending(demo: Any) -> None:
    at = page()
    for subject in ("a teapot", "a kettle"):  # four different images (the same one is one input)
        generate_and_wait(prompt(at, subject))
        click(at, "Use as input", 0)
        click(at, "Use as input", 1)
    before = demo.store.count()
    state = at.session_state["edit_state"]
    assert len(state.inputs) == 4
    at.selectbox(key="model").set_value("gemini-2.5-flash-image").run()
    prompt(at, "combine them").button(key="generate").click().run()
    assert not at.exception, at.exception
    errors = " ".join(e.value for e in at.error)
    assert "at most 3" in errors, errors
    assert demo.store.count() == before  # nothing was sent


def test_regenerate_at_2k_beside_a_lanczos_resize(demo: Any) -> None:
    at = generate_and_wait(prompt(page(), "a lighthouse at dusk"))
    click(at, "Regenerate at 2K")
    job = at.session_state["gen_job"]
    assert job.wait(60)
    at.run()
    assert not at.exception, at.exception
    newest = demo.store.list(limit=1)[0]
    assert newest.request.image_size == "2K" and newest.request.derived_from
    assert [i.source for i in newest.request.inputs] == ["history"]
    body = texts(at)
    assert "Lanczos" in body and "SSIM" in body and "retired" in body
