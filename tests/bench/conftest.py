"""Benchmarks print their figures; pytest would swallow the output of a passing test, so each
benchmark's printed lines are shown on the terminal (CI's log) once it has run."""

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
