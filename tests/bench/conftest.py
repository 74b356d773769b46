"""Benchmarks print their figures; pytest would swallow the output of a passing test, so each
benchmark's printed lines are shown on the terminal (CI's log) once it has run.

A benchmark that builds widgets runs with the window's look set as the application sets it at start
(ui.application.set_style): the style is part of what a user waits for (a style sheet set on the whole
application sent every widget through Qt's style sheet engine, which the benchmarks did not measure)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def show_figures(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    yield
    printed = capsys.readouterr().out.strip()
    if printed:
        with capsys.disabled():
            print(f"\n{printed}")


@pytest.fixture(autouse=True)
def the_applications_style(request: pytest.FixtureRequest) -> Iterator[None]:
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    from ui import resources
    from ui.application import set_style

    set_style(request.getfixturevalue("qapp"))
    yield
    resources.use_style(False)
