"""Deleting a draft never sent, in the window (found from an outside newcomer test: Ctrl+N then « ← Liste
des dossiers » left a « (patient sans nom) » draft in « À terminer » for good, with no way to remove it).

Offered on the case page, in Dossiers > Supprimer le brouillon…, in the row's context menu and with the
Delete key; asked first, naming the patient and the photos, « Garder » by default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.model import CaseState
from app.store import Store
from tests.app.test_store import make_case, new_image
from tests.support.french import fr_spaced
from tests.support.ui import activate, open_from_list
from ui import tasks
from ui.main_window import MainWindow

WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def french(qapp: QApplication) -> None:
    """As the window starts in French: its plural forms (« 3 images », « 1 image ») from teleavis_fr.qm."""
    from ui.application import install_language

    install_language(qapp, "fr")


class Answer:
    """Answers the deletion's question once it is up: notes it, then presses ``button`` (its text), or
    Return / Escape (``key``)."""

    def __init__(self, *, button: str | None = None, key: Qt.Key | None = None) -> None:
        self.button, self.key = button, key
        self.texts: list[str] = []
        self.default: str | None = None
        QTimer.singleShot(30, self._look)

    def _look(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(30, self._look)
            return
        self.texts = [box.windowTitle(), box.text(), box.informativeText()]
        self.default = box.defaultButton().text() if box.defaultButton() is not None else None
        if self.key is not None:
            from PySide6.QtTest import QTest

            QTest.keyClick(box, self.key)
            return
        next(b for b in box.buttons() if b.text() == self.button).click()


def files_of(store: Store, case_id: str) -> list[Path]:
    ids = [b for image in store.get_case(case_id).images for b in (image.blob, image.thumb_blob) if b]
    return [store.objects.root / blob[:2] / blob for blob in ids]


def ids_listed(window: Any) -> list[str]:
    model = window.worklist.model
    return [model.summary(n).id for n in range(model.rowCount())]


def test_a_draft_made_by_mistake_is_deleted_from_its_page(qtbot: Any, window: Any, store: Store) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.case_page
    assert page.case is not None and window.pages.currentWidget() is page
    case_id = page.case.id
    assert page.delete_draft.isVisible()
    menu = window.menuBar().actions()[0].menu()
    menu.aboutToShow.emit()
    assert window.delete_action.isEnabled() and window.delete_action in menu.actions()

    # Enter at the question keeps it: « Garder le brouillon » is the default.
    kept = Answer(key=Qt.Key.Key_Return)
    window.delete_action.trigger()
    assert kept.texts[1] == fr_spaced("Supprimer définitivement ce brouillon sans nom de patient (0 image) ?")
    assert kept.default == "Garder le brouillon"
    assert store.state(case_id) == CaseState.DRAFT and window.pages.currentWidget() is page

    gone = Answer(button="Supprimer le brouillon")
    qtbot.mouseClick(page.delete_draft, Qt.MouseButton.LeftButton)
    assert gone.texts
    assert window.pages.currentWidget() is window.worklist
    assert store.list_cases() == [] and window.worklist.model.rowCount() == 0
    assert window.worklist.filter_buttons["to-finish"].text() == "À terminer (0)"
    assert window.statusBar().currentMessage() == "Brouillon supprimé."
    assert window.focusWidget() is window.worklist.table  # (given back once the window is active again)
    assert page.case is None and not page.editor.pending()
    # Nothing of it comes back: leaving, locking, quitting save nothing more.
    window.show_worklist()
    assert store.list_cases() == []


def test_from_the_list_by_its_context_menu_and_the_delete_key(qtbot: Any, window: Any, store: Store) -> None:
    first = store.create_case(make_case("ARNAUD", "Léa"), [new_image(9)])
    martin = store.create_case(make_case("MARTIN", "Paul"), [new_image(0), new_image(1), new_image(2)])
    last = store.create_case(make_case("ZOLA", "Émile"), [])
    sent = store.create_case(make_case("DURAND", "Jean"), [new_image(4)])
    store.queue(sent)
    files = files_of(store, martin)
    activate(qtbot, window)
    worklist = window.worklist
    worklist.set_filter("all")
    table = worklist.table

    # A case once queued: nothing offers to delete it, and the Delete key says why.
    menu = worklist.row_menu_for(worklist.model.index(worklist.model.row_of(sent), 0))
    delete = next(a for a in menu.actions() if a.text().startswith("&Supprimer"))
    assert not delete.isEnabled()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert "ne peut pas être supprimé" in window.statusBar().currentMessage()
    assert store.state(sent) == CaseState.QUEUED

    row = worklist.model.row_of(martin)
    menu = worklist.row_menu_for(worklist.model.index(row, 0))
    assert worklist.selected_id() == martin  # the row right-clicked is the one acted on
    delete = next(a for a in menu.actions() if a.text().startswith("&Supprimer"))
    assert delete.isEnabled()
    asked = Answer(button="Supprimer le brouillon")
    delete.trigger()
    assert asked.texts[1] == fr_spaced("Supprimer définitivement le brouillon de MARTIN Paul (3 images) ?")
    assert "MARTIN" not in asked.texts[2] and martin[:8] in asked.texts[2]
    assert martin not in ids_listed(window)
    assert not any(f.exists() for f in files)
    # The row that took its place is selected, the keyboard still on the list.
    assert worklist.selected_id() == ids_listed(window)[min(row, len(ids_listed(window)) - 1)]
    assert window.focusWidget() is table  # (the window has it back once active again: offscreen never is)

    # The Delete key, then Escape: kept.
    activate(qtbot, window)  # (offscreen, the window is not given back its activation after a dialog)
    table.selectRow(worklist.model.row_of(first))
    kept = Answer(key=Qt.Key.Key_Escape)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert kept.texts[1] == fr_spaced("Supprimer définitivement le brouillon de ARNAUD Léa (1 image) ?")
    assert first in ids_listed(window) and store.state(first) == CaseState.DRAFT
    assert {first, last, sent} == {c.id for c in store.list_cases()}
    audit = store.conn.execute("SELECT action, detail FROM audit WHERE case_id=? ORDER BY seq", (martin,)).fetchall()
    assert [tuple(r) for r in audit][-1] == ("deleted", "draft, 3 image(s)")


def test_the_menu_offers_it_for_a_draft_only(qtbot: Any, window: Any, store: Store) -> None:
    draft = store.create_case(make_case(), [])
    sent = store.create_case(make_case("DURAND", "Jean"), [])
    store.queue(sent)
    activate(qtbot, window)
    worklist = window.worklist
    worklist.set_filter("all")
    menu = window.menuBar().actions()[0].menu()
    for case_id, offered in ((draft, True), (sent, False)):
        worklist.table.selectRow(worklist.model.row_of(case_id))
        menu.aboutToShow.emit()
        assert window.delete_action.isEnabled() is offered
    # The page of a case that has left has no deletion either.
    open_from_list(qtbot, window, sent)
    assert not window.case_page.delete_draft.isVisible()
    menu.aboutToShow.emit()
    assert not window.delete_action.isEnabled()


def test_the_deletion_is_written_by_the_writer_thread(
    qtbot: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.test_main_thread_writes import watching

    tasks.set_runner(None)  # the real pool and writer thread, as in use
    case_id = store.create_case(make_case(), [new_image(0)])
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    main_writes = watching(store)
    try:
        window.worklist.table.selectRow(window.worklist.model.row_of(case_id))
        monkeypatch.setattr("ui.draft_deletion.confirm_draft_deletion", lambda *_a: True)
        window.delete_draft()
        qtbot.waitUntil(lambda: window.worklist.model.rowCount() == 0, timeout=WAIT_MS)
    finally:
        store.conn.set_trace_callback(None)
        window.shutdown()
        tasks.set_runner(None)
    assert main_writes == [], main_writes
    assert store.list_cases() == []


@pytest.fixture
def english(qapp: QApplication) -> Any:
    from ui.application import install_language

    install_language(qapp, "en")
    yield
    install_language(qapp, "fr")


def test_the_question_in_english(qtbot: Any, window: Any, store: Store, english: None) -> None:
    from ui.draft_deletion import DraftDeletionQuestion

    box = DraftDeletionQuestion(window, "MARTIN Paul", 3, "0123456789")
    assert box.text() == "Delete the draft of MARTIN Paul (3 images) for good?"
    assert box.defaultButton().text() == "Keep draft" and box.escapeButton() is box.keep_button
    assert "Case 01234567." in box.informativeText()
    one = DraftDeletionQuestion(window, "", 1, "0123456789")
    assert one.text() == "Delete this draft with no patient name (1 image) for good?"
    draft = store.create_case(make_case(), [])
    window.worklist.refresh()
    menu = window.worklist.row_menu_for(window.worklist.model.index(window.worklist.model.row_of(draft), 0))
    assert [a.text() for a in menu.actions() if a.text()] == ["&Open", "&Delete draft…"]


def test_the_menu_offers_sending_for_a_draft_on_screen_only(qtbot: Any, window: Any, store: Store) -> None:
    """« Envoyer à l'expert » on a case already sent did nothing at all: it is greyed there, and on the list."""
    sent = store.create_case(make_case("DURAND", "Jean"), [])
    store.queue(sent)
    activate(qtbot, window)
    menu = window.menuBar().actions()[0].menu()
    menu.aboutToShow.emit()
    assert not window.send_action.isEnabled(), "nothing on the list's page to send"
    menu.aboutToHide.emit()
    assert window.send_action.isEnabled(), "its shortcut works again once the menu is closed"
    open_from_list(qtbot, window, sent)
    menu.aboutToShow.emit()
    assert not window.send_action.isEnabled()
    menu.aboutToHide.emit()
    qtbot.keyClick(window.case_page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.case_page.editing()
    menu.aboutToShow.emit()
    assert window.send_action.isEnabled()


def test_the_edit_menu_offers_the_draft_actions_on_a_draft_only(qtbot: Any, window: Any, store: Store) -> None:
    """« Élément manquant suivant » and « Prendre la photo » did nothing on the list or a case already sent."""
    sent = store.create_case(make_case("DURAND", "Jean"), [])
    store.queue(sent)
    activate(qtbot, window)
    menu = window.menuBar().actions()[1].menu()
    actions = (window.next_missing_action, window.capture_action)
    menu.aboutToShow.emit()
    assert not any(a.isEnabled() for a in actions)
    menu.aboutToHide.emit()
    assert all(a.isEnabled() for a in actions), "F6 works again once the menu is closed"
    open_from_list(qtbot, window, sent)
    menu.aboutToShow.emit()
    assert not any(a.isEnabled() for a in actions)
    menu.aboutToHide.emit()
    qtbot.keyClick(window.case_page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    menu.aboutToShow.emit()
    assert window.next_missing_action.isEnabled()
    assert not window.capture_action.isEnabled(), "no photo before the consent"
