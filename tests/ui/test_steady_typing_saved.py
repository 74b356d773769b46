"""What a nurse types without ever pausing is saved as she types, not only at her first pause: a crash
or a power cut in the middle of a long clinical summary must not lose all of it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtTest import QTest

from app.store import Store
from tests.support.ui import type_text
from ui.case_editor import SAVE_AT_LEAST_EVERY_MS, SAVE_DELAY_MS

SUMMARY = "Lésion pigmentée du dos apparue il y a six mois, bords irréguliers, a grossi depuis l'été"


def test_a_summary_typed_without_a_pause_is_saved_while_it_is_typed(qtbot: Any, window: Any, store: Store) -> None:
    window.new_case()
    qtbot.waitUntil(lambda: window.case_page.case is not None)
    editor = window.case_page.editor
    case_id = window.case_page.case.id
    editor.consent_given.setFocus()
    QTest.keyClick(editor.consent_given, Qt.Key.Key_Space)  # the rest of the case opens
    qtbot.waitUntil(lambda: store.get_case(case_id).consent.given)
    editor.summary.setFocus()
    clock = QElapsedTimer()
    clock.start()
    typed = 0
    # A key every 150 ms (a steady typist), each well before the pause that saves, for longer than a save
    # may wait: the text stored by then is what a crash at that moment would leave.
    while clock.elapsed() < SAVE_AT_LEAST_EVERY_MS + 600:
        type_text(editor.summary, SUMMARY[typed])
        typed += 1
        QTest.qWait(SAVE_DELAY_MS // 3 + 17)
    stored = store.get_case(case_id).summary
    assert stored, "nothing typed was saved while the nurse kept typing"
    assert SUMMARY[:typed].startswith(stored)
