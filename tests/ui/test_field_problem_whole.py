"""A field's problem, under it in the editor, is shown whole: the birth place's sentence (seven lines in
the identity's column) was given five, its first and last lines cut off, as the nurse typed a date there."""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.support.ui import type_text
from ui.main_window import MainWindow


def test_the_birth_places_problem_is_given_all_its_lines(qtbot: Any, window: MainWindow) -> None:
    window.resize(1280, 740)  # the window as it opens on a 1366 × 768 screen
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = window.case_page.editor
    editor.consent_given.setFocus()
    qtbot.keyClick(editor.consent_given, Qt.Key.Key_Space)
    type_text(editor.family, "MARTIN")
    type_text(editor.birth_place, "03/02/1")  # the birth date typed one field too far
    for key in ("patient.birth_place", "patient.family"):
        problem = editor.problems[key]
        if key == "patient.family":
            type_text(editor.family, " épouse LEROY")
        QApplication.processEvents()
        qtbot.waitUntil(problem.isVisible)
        QApplication.processEvents()
        needed = problem.heightForWidth(problem.width()) if problem.hasHeightForWidth() else problem.sizeHint().height()
        lines = (
            problem.fontMetrics()
            .boundingRect(0, 0, problem.width(), 10_000, Qt.TextFlag.TextWordWrap, problem.text())
            .height()
        )
        # The room comes by the layouts' posted requests, one level at a time: a loaded machine may need more
        # than one turn of the loop (the nurse sees no difference); given for good, it is given at once after.
        with contextlib.suppress(qtbot.TimeoutError):
            qtbot.waitUntil(lambda: problem.height() >= lines, timeout=1000)  # noqa: B023
        assert problem.height() >= lines, (key, problem.height(), lines, needed, problem.text())
