"""Ctrl+N makes a draft at once (it is saved as it is typed). Found at the cart: pressed again on that new
draft, still empty (the first press seemed to do nothing: the page looked the same), it made a second one,
and the list kept « (patient sans nom) » drafts to delete one by one, each with its question."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.store import Store
from tests.support.ui import activate, type_text


def test_ctrl_n_on_a_new_draft_still_empty_makes_no_second_one(qtbot: Any, store: Store, sync_runner: None) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.case_page, timeout=5_000)
    first = window.case_page.case.id
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(100)
    assert [summary.id for summary in store.list_cases()] == [first]
    assert window.case_page.case.id == first
    editor = window.case_page.editor
    assert QApplication.focusWidget() is editor.consent_given

    # Once something is typed in it, Ctrl+N makes a new case: the first is kept as typed.
    qtbot.keyClick(editor.consent_given, Qt.Key.Key_Space)
    editor.family.setFocus()
    type_text(editor.family, "MARTIN")
    qtbot.keyClick(editor.family, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.case_page.case.id != first, timeout=5_000)
    assert len(store.list_cases()) == 2
    assert store.get_case(first).patient.family == "MARTIN"
    window.shutdown()
