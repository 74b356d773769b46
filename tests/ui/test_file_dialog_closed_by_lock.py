"""A file dialog closed by the window's lock says so once unlocked: nothing was saved (or imported).

The lock closes every dialog as if cancelled (nothing of a patient stays above the lock screen). The save
dialog of « Rapport PDF du dossier » (also reached by « Enregistrer le PDF… » when no printer is installed)
went without a word: back at the desk, the nurse believed the report saved, and looked for it in vain.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from app.store import Store
from tests.support.ui import answered_case
from tests.ui.test_under_the_lock import answer_boxes, made_window, unlock
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: Any, store: Store, sync_runner: None) -> Iterator[MainWindow]:
    made = made_window(qtbot, store)
    yield made
    made.shutdown()


def test_the_report_save_dialog_closed_by_the_lock_says_nothing_was_saved(
    qtbot: Any, store: Store, window: MainWindow
) -> None:
    case_id = answered_case(store)
    seen: list[tuple[bool, str]] = []
    dialogs: list[QFileDialog] = []

    def lock_over_the_dialog() -> None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()]
        if not shown:
            QTimer.singleShot(20, lock_over_the_dialog)
            return
        dialogs.extend(shown)
        window.lock()  # the idle lock comes while she chooses where to save

    QTimer.singleShot(0, lock_over_the_dialog)
    QTimer.singleShot(0, lambda: answer_boxes(seen, window))
    window.export_report(case_id)
    assert dialogs, "the save dialog was shown"
    assert window.locked()
    qtbot.wait(200)
    assert seen == [], "nothing shown above the lock screen"

    unlock(qtbot, window)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    ((locked, text),) = seen
    assert not locked
    assert "fermée par le verrouillage" in text and "rien n'a été enregistré" in text


def test_the_save_dialog_cancelled_by_the_nurse_says_nothing(qtbot: Any, store: Store, window: MainWindow) -> None:
    """« Annuler » is her own choice: no message then."""
    case_id = answered_case(store)
    seen: list[tuple[bool, str]] = []

    def cancel() -> None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()]
        if not shown:
            QTimer.singleShot(20, cancel)
            return
        shown[0].reject()

    QTimer.singleShot(0, cancel)
    QTimer.singleShot(0, lambda: answer_boxes(seen, window))
    window.export_report(case_id)
    qtbot.wait(200)
    assert seen == []


def test_lock_over_a_save_dialog_with_news_and_her_kept_words_loses_nothing_and_says_it_once(
    qtbot: Any, store: Store, window: MainWindow, tmp_path: Any
) -> None:
    """The lock falls while the report's save dialog is open, her words kept from a case that moved waiting in
    their box, and news comes under the lock. Once unlocked: the news on the pages, her words back, and the
    dialog's words said once, after the unlock (none of it above the lock screen)."""
    from app.model import CaseState
    from tests.support.ui import type_text
    from tests.ui.test_typing_kept_when_moved import _moved_by_the_poll, _refused_after_posting

    moved = _refused_after_posting(store, tmp_path / "moved")
    answered = answered_case(store)
    window.open_case(moved)
    page = window.case_page
    type_text(page.editor.question, " Urgent ?")
    _moved_by_the_poll(window, store, moved)
    qtbot.waitUntil(lambda: page.kept_typing is not None and page.kept_typing.isVisible(), timeout=10_000)
    kept = page.kept_typing
    seen: list[tuple[bool, str]] = []

    def lock_over_the_dialog() -> None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()]
        if not shown:
            QTimer.singleShot(20, lock_over_the_dialog)
            return
        window.lock()
        window.sync.case_state.emit(answered, CaseState.ANSWERED.value, "")  # news under the lock

    QTimer.singleShot(0, lock_over_the_dialog)
    QTimer.singleShot(0, lambda: answer_boxes(seen, window))
    window.export_report(answered)
    assert window.locked() and not kept.isVisible()
    assert window._news_under_lock == [answered]
    qtbot.wait(200)
    assert seen == []

    unlock(qtbot, window)
    assert window._news_under_lock == []
    qtbot.waitUntil(lambda: bool(seen) and kept.isVisible(), timeout=5_000)
    qtbot.wait(200)
    ((locked, text),) = seen  # said once
    assert not locked and "fermée par le verrouillage" in text
    assert "Urgent ?" in kept.typed.toPlainText()
