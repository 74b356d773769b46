"""The benchmarks measure the window with its look as the application sets it (tests/bench/conftest.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel

from ui.widgets import named


def test_a_bench_draws_a_problem_in_the_red_the_application_gives_it(qtbot: Any) -> None:
    """A field's problem, as the case page shows it in a bench: in the style's red (#a4161a), not in the
    theme's black; without the application's style, the benchmarks timed a window nobody sees."""
    label = named(QLabel("Date impossible"), "fieldProblem")
    qtbot.addWidget(label)
    label.show()
    picture = label.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    inks = {picture.pixel(x, y) for x in range(picture.width()) for y in range(picture.height())}
    assert QColor("#a4161a").rgb() in inks
