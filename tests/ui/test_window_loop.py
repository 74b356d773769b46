"""The whole loop, driven as a user would: a case from scratch, blocked by the checklist, photos
from the demo camera, fixed, sent to the training sandbox, answered, notified; then a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from app.model import CaseState
from app.store import Store
from tests.conftest import PASSPHRASE
from tests.support.ui import activate, fill_request, pick, type_text
from ui.main_window import MainWindow

LOOP_MS = 60_000


def take_photo(qtbot: Any, window: MainWindow, view: str, site: str = "dos") -> None:
    """F8 from the editor, then the photo's labels in the capture panel."""
    page = window.case_page
    panel: Any = page.capture.ensure()
    before = len(page.case.images)
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=LOOP_MS)
    panel.preview.setFocus()
    qtbot.keyClick(panel.preview, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: len(page.case.images) == before + 1, timeout=LOOP_MS)
    image = page.case.images[-1]
    qtbot.mouseClick(panel.tile(image.id), Qt.MouseButton.LeftButton)
    labels = panel.labels
    labels.body_site.setFocus()
    labels.body_site.clear()
    type_text(labels.body_site, site)
    qtbot.keyClick(labels.body_site, Qt.Key.Key_Return)
    pick(qtbot, labels.view, view)
    qtbot.waitUntil(lambda: page.case.images[-1].view == view, timeout=LOOP_MS)


def test_new_case_blocked_captured_sent_answered_and_still_there_after_restart(
    qtbot: Any, store: Store, teleavis_home: Path, sync_runner: None
) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    window.start()
    assert window.banner.isVisible(), "no platform configured: training mode, and it says so"

    # A case from scratch (Ctrl+N), and "Envoyer" straight away: the checklist blocks it.
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.case_page
    assert window.pages.currentWidget() is page and page.editing()
    case_id = page.case.id
    qtbot.mouseClick(page.checklist.send, Qt.MouseButton.LeftButton)
    assert store.state(case_id) == CaseState.DRAFT
    assert "Pas encore envoyé" in page.checklist.message.text()
    assert any("consentement" in f.message for f in page.findings)
    assert not page.editor.identity_box.isEnabled(), "consent comes first"

    # Fill it in, with a mistyped INS first: the editor says so under the field, as it is typed.
    fill_request(qtbot, page.editor, ins="150028512345600")
    problem = page.editor.problems["patient.ins"]
    assert problem.isVisible() and "clé de contrôle" in problem.text()
    page.editor.ins.selectAll()
    type_text(page.editor.ins, "150028512345615")
    assert not problem.isVisible()

    # Photos from the demo camera (no camera on the test machine), labelled far and close-up.
    take_photo(qtbot, window, "far")
    take_photo(qtbot, window, "close-up")
    blocking = [f.message for f in page.findings if f.blocks_sending()]
    assert blocking == [], blocking
    assert "complet" in page.checklist.title.text()

    # Send (Ctrl+Entrée): queued at once, then the sync thread sends it to the sandbox.
    window.showMinimized()
    qtbot.keyClick(page.editor.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert store.state(case_id) in (CaseState.QUEUED, CaseState.SENDING, CaseState.SENT)
    assert not page.editing(), "a case that has left shows its progress, not the editor"
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.ANSWERED, timeout=LOOP_MS)

    # The answer arrives while the window is minimised: a notification and a badge.
    qtbot.waitUntil(lambda: any(title == "Réponse de l'expert" for title, _ in window.notifier.shown), timeout=LOOP_MS)
    window.showNormal()
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion
    page.follow.refresh()
    assert page.follow.conclusion.text() == answer.conclusion
    assert page.follow.pdf_document.pageCount() >= 1
    window.show_worklist()
    window.worklist.set_filter("answered")
    assert window.worklist.model.rowCount() == 1
    assert window.worklist.filter_buttons["answered"].text().endswith("(1)")

    # Restart: everything as it was. (A new process gets the passphrase again: the window took it out of
    # its environment once the key was loaded, so that nothing it opens inherits it.)
    typed = store.get_case(case_id)
    window.close()
    store.close()
    with Store.open(teleavis_home, passphrase=lambda _confirm: PASSPHRASE) as again:
        second = MainWindow(again)
        qtbot.addWidget(second)
        second.show()
        second.worklist.set_filter("answered")
        assert second.worklist.model.summary(0).id == case_id
        second.open_case(case_id)
        assert second.case_page.follow.conclusion.text() == answer.conclusion
        reopened = again.get_case(case_id)
        assert (reopened.question, reopened.summary, reopened.patient, reopened.form) == (
            typed.question,
            typed.summary,
            typed.patient,
            typed.form,
        )
        assert [(i.view, i.body_site) for i in reopened.images] == [("far", "dos"), ("close-up", "dos")]
        second.shutdown()
