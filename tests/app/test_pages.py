"""AppTest for every page, in demo mode and with scripted failures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from playground.app import frame
from playground.app import runtime as runtime_module

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT = 60


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh server-wide runtime in demo mode (no credentials), instant emulator."""
    monkeypatch.setenv("PLAYGROUND_EMULATOR_PROFILE", "instant")
    # AppTest resets Streamlit's legacy pages/ routing before every run, so pages run outside
    # the app frame each time; the frame guard's rerun would drop button clicks. The guard is
    # covered by the browser test of a deep link on a fresh server (test_bench_browser).
    monkeypatch.setattr(frame, "require_app_frame", lambda: None)
    runtime_module.clear_runtime()
    rt = runtime_module.get_runtime()
    yield rt
    if rt.emulator is not None:
        rt.emulator.stop()
    runtime_module.clear_runtime()


def page(path: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if path:
        at.switch_page(path).run()
    return at


def generate_and_wait(at: AppTest) -> AppTest:
    """Click Generate, wait for the session's run to finish (a condition, not a sleep), rerun:
    what a user sees once the live panel has handed over to the results."""
    at.button(key="generate").click().run()
    try:
        job = at.session_state["gen_job"]
    except KeyError:  # the click was refused before a run started
        job = None
    if job is not None:
        assert job.wait(TIMEOUT)
        at.run()
    return at


def shown(markdown: str) -> str:
    """What a reader sees: Markdown's backslash escapes removed (untrusted text is escaped)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [s.value for s in at.subheader] + [t.value for t in at.title]
    parts += [t.value for t in at.text]
    return shown("\n".join(str(p) for p in parts))


def test_generate_both_in_demo_mode(demo: Any) -> None:
    at = page()
    assert not at.exception
    assert "Demo mode" in texts(at)
    at.text_area(key="prompt").input("a red fox in snow").run()
    generate_and_wait(at)
    assert not at.exception, at.exception
    body = texts(at)
    assert "AI Studio · demo (emulator)" in body and "Vertex AI · demo (emulator)" in body
    assert "| Format (real) | JPEG |" in body and "| Format (real) | PNG |" in body
    assert "1024×1024" in body
    assert "Why the sizes differ" in body
    assert len(at.get("download_button")) == 2
    assert len(at.image) == 2
    assert demo.store.count() == 2


def test_empty_prompt_is_stopped_before_any_request(demo: Any) -> None:
    at = page()
    generate_and_wait(at)
    assert any("prompt is empty" in e.value for e in at.error)
    assert demo.store.count() == 0


def test_scripted_429_ends_in_the_hint(demo: Any) -> None:
    demo.emulator.control.script("429", platform="vertex", count=10, retry_delay_s=0.05)
    at = page(prompt="a fox", backend="Vertex AI", retries="1")
    generate_and_wait(at)
    assert not at.exception
    errors = shown(" ".join(e.value for e in at.error))
    assert "429" in errors and "Quota or capacity exhausted" in errors
    assert demo.store.list()[0].status == "error"


def test_ai_studio_disables_vertex_only_options(demo: Any) -> None:
    at = page(backend="AI Studio")
    assert at.selectbox(key="mime").disabled
    assert "Vertex-only" in texts(at)


def test_url_opens_the_same_setup(demo: Any) -> None:
    at = page(prompt="shared prompt", backend="Vertex AI", model="gemini-3.1-flash-image",
              ratio="4:1", size="512")
    assert at.text_area(key="prompt").value == "shared prompt"
    assert at.segmented_control(key="backend").value == "Vertex AI"
    assert at.selectbox(key="model").value == "gemini-3.1-flash-image"
    assert at.selectbox(key="ratio").value == "4:1" and at.selectbox(key="size").value == "512"


def test_send_raw_reproduces_the_role_400(demo: Any) -> None:
    at = page(prompt="a fox")
    at.button(key="raw_send").click().run()
    assert not at.exception
    errors = shown(" ".join(e.value for e in at.error))
    assert "Please use a valid role: user, model." in errors and "role" in errors


def test_history_lists_and_opens_details(demo: Any) -> None:
    at = page(prompt="history fox")
    generate_and_wait(at)
    ids = [r.id for r in demo.store.list()]
    at = page("pages/history.py")
    assert not at.exception
    assert "2 generations" in texts(at)
    at = page("pages/history.py", id=str(ids[0]))
    assert not at.exception
    assert "history fox" in texts(at)
    at.button(key="hist-delete").click().run()
    at.button(key="hist-delete-yes").click().run()
    assert demo.store.count() == 1


def test_settings_shows_sources_never_secrets(demo: Any) -> None:
    at = page("pages/settings.py")
    assert not at.exception
    body = texts(at)
    assert "demo (built-in emulator)" in body and "throwaway service account" in body
    assert demo.settings.aistudio.api_key.reveal() not in body
    at.button(key="test-aistudio").click().run()
    at.button(key="test-vertex").click().run()
    assert len(at.success) == 2, [e.value for e in at.error]


def test_compare_page_defaults_to_the_latest_both_run(demo: Any) -> None:
    at = page()
    at.text_area(key="prompt").input("compare fox").run()
    generate_and_wait(at)
    at = page("pages/compare.py")
    assert not at.exception, at.exception
    body = texts(at)
    assert "AI Studio" in at.selectbox(key="cmp_a").format_func(at.selectbox(key="cmp_a").value)
    assert "Vertex AI" in at.selectbox(key="cmp_b").format_func(at.selectbox(key="cmp_b").value)
    assert [m.label for m in at.metric][:2] == ["PSNR", "SSIM"]
    assert "Why is one bigger?" in body
    for view_name in ("side", "peeper", "heatmap", "blink"):
        at.segmented_control(key="cmp_view").set_value(view_name).run()
        assert not at.exception, (view_name, at.exception)
    assert at.query_params["view"] == ["blink"] or at.query_params["view"] == "blink"


def test_compare_page_with_empty_history(demo: Any) -> None:
    at = page("pages/compare.py")
    assert not at.exception
    assert "Compare needs two images" in texts(at)


def test_compression_lab_recommends_a_jpeg_quality(demo: Any) -> None:
    import time

    from playground.app.analysis_cache import task_runner

    at = page()
    at.text_area(key="prompt").input("lab fox").run()
    at.segmented_control(key="backend").set_value("Vertex AI").run()
    generate_and_wait(at)
    at = page("pages/compression_lab.py")
    assert not at.exception, at.exception
    deadline = time.monotonic() + 120
    while not all(t.is_done for t in list(task_runner()._tasks.values())):
        assert time.monotonic() < deadline, "the sweep did not finish"
        time.sleep(0.2)
    at.run()
    assert not at.exception, at.exception
    assert any("Suggested JPEG quality" in s.value for s in at.success)
    assert any("smallest file with SSIM" in m.value for m in at.markdown)
    assert at.query_params["img"]


def test_blocked_result_shows_its_reason_not_an_empty_frame(demo: Any) -> None:
    demo.emulator.control.script("image_safety", platform="vertex", count=1)
    at = page(prompt="a fox", backend="Both")
    generate_and_wait(at)
    assert not at.exception
    assert len(at.image) == 1  # AI Studio's image only: no empty frame for Vertex
    warnings = shown(" ".join(w.value for w in at.warning))
    assert "IMAGE_SAFETY" in warnings and "Rephrase" in warnings


def test_benchmark_page_small_demo_run(demo: Any) -> None:
    import time

    from playground.app.bench_view import active_runs

    at = page("pages/benchmark.py")
    assert not at.exception, at.exception
    at.text_area(key="bench_prompts").input("a fox\na lighthouse").run()
    at.selectbox(key="bench_profile").select("instant").run()
    assert not at.exception, at.exception
    assert any("= 4 requests" in i.value for i in at.info)
    at.button(key="bench-start").click().run()
    assert not at.exception, at.exception
    (launched,) = active_runs().values()
    deadline = time.monotonic() + 120
    while launched.phase != "over":
        assert time.monotonic() < deadline, "the run did not finish"
        time.sleep(0.2)
    at = page("pages/benchmark.py", run=launched.run_id)
    assert not at.exception, at.exception
    assert "4 of 4 tasks" in texts(at)
    assert any("[95% CI]" in str(df.value.columns.tolist()) or "p50" in str(df.value.columns.tolist())
               for df in at.dataframe)
    assert len(at.get("download_button")) == 2
    active_runs().clear()


def test_a_run_in_another_process_is_followed_not_resumed(demo: Any) -> None:
    """Another replica (or the CLI) runs it: the page counts its saved tasks from the shared
    history and offers no Resume; once that process is gone, Resume is offered."""
    import subprocess
    import sys

    from playground.bench.matrix import BenchSpec, plan_run
    from playground.bench.store import BenchStore
    from playground.history.owner import process_started, this_process
    from tests.bench.test_run_owner import own

    bench = BenchStore(demo.store)
    run = bench.create_run(plan_run(BenchSpec(prompts=("a fox", "a lighthouse"))))
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        own(bench, run.id, other.pid, this_process().host, process_started(other.pid))
        at = page("pages/benchmark.py", run=run.id)
        assert not at.exception, at.exception
        notice = " ".join(i.value for i in at.info)
        assert f"in progress in process {other.pid}" in notice and "0 of 4 so far" in notice
        assert not [b for b in at.button if b.key == "bench-resume"]
    finally:
        other.kill()
        other.wait()
    at = page("pages/benchmark.py", run=run.id)
    assert not at.exception, at.exception
    assert "stopped (tasks missing)" in texts(at)
    assert [b for b in at.button if b.key == "bench-resume"]
    # A host name comes from the database: shown as text, never as Markdown.
    import time

    from playground.app.text import plain

    own(bench, run.id, 4242, "**replica** [b](http://x)", "x:1", updated_at=time.time())
    at = page("pages/benchmark.py", run=run.id)
    notice = " ".join(i.value for i in at.info)
    assert plain("**replica** [b](http://x)") in notice and "**replica**" not in notice


def test_benchmark_page_rejects_bad_input(demo: Any) -> None:
    at = page("pages/benchmark.py")
    at.multiselect(key="bench_backends").set_value([]).run()
    errors = shown(" ".join(e.value for e in at.error))
    assert "Add at least one prompt" in errors and "Pick at least one backend" in errors


def test_the_history_caption_says_which_page_and_rows_are_shown() -> None:
    from playground.app.history_view import list_caption

    assert list_caption(None, {}, False, 50, 3, 24) == (  # type: ignore[arg-type]
        "50 generations, newest first. Page 3 of 3: 49–50.")
    assert list_caption(None, {}, False, 50, 1, 24).endswith("Page 1 of 3: 1–24.")  # type: ignore[arg-type]
    assert list_caption(None, {}, False, 7, 1, 24) == "7 generations, newest first."  # type: ignore[arg-type]
