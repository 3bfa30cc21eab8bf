"""Hypothesis: any value in any URL parameter a page reads (ids, refs, views, zoom, crop
positions, form settings) opens the page without an exception or a traceback; a value the page
cannot use is said in a notice or a warning, never silently taken as something else."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app.test_pages import demo, generate_and_wait, page

__all__ = ["demo"]  # the fixture, used by name below

#: page → the parameters it reads from the URL.
PARAMS = {
    None: ["prompt", "backend", "model", "ratio", "size", "mime", "quality", "seed", "tier",
           "level", "person", "thoughts"],
    "pages/history.py": ["id"],
    "pages/compare.py": ["a", "b", "view", "zoom", "region", "x", "y"],
    "pages/compression_lab.py": ["img"],
    "pages/benchmark.py": ["run"],
}
# Text without lone surrogates: a URL is percent-encoded UTF-8, which cannot carry one.
VALUES = (st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
          | st.integers(min_value=-(2**80), max_value=2**80).map(str)
          | st.sampled_from(["1.1", "#1.1", "2.9", "1.1.1", "0", "-1", "1e309", "nan", "inf",
                             "99999999999999999999999", "Both", "4K", "auto", "image/png",
                             "blink", "peeper", "x" * 5000, "%00", "\x00", "../../etc"]))
CASE = st.sampled_from(sorted(PARAMS, key=str)).flatmap(
    lambda path: st.tuples(st.just(path),
                           st.dictionaries(st.sampled_from(PARAMS[path]), VALUES, min_size=1,
                                           max_size=4)))
FUZZ = settings(max_examples=20, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(case=CASE)
def test_any_url_parameter_opens_the_page(demo: Any, case: tuple[str | None, dict[str, str]]) -> None:
    path, query = case
    if not hasattr(test_any_url_parameter_opens_the_page, "seeded"):  # pages need images
        generate_and_wait(page())
        test_any_url_parameter_opens_the_page.seeded = True  # type: ignore[attr-defined]
    at = page(**query) if path is None else page(path, **query)
    assert not at.exception, (case, at.exception)
    for element in (*at.error, *at.warning):
        # the pages' error boundary turns an unexpected exception into this generic message
        assert "Something went wrong" not in str(element.value), (case, element.value)
        assert "Traceback" not in str(element.value), (case, element.value)
