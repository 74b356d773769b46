"""What the window does under its lock once the person who locked has gone: nothing printed from a dialog
the lock could not close, and no message box of work ending meanwhile shown above the lock screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.model import Answer
from app.store import Store
from tests.conftest import PASSPHRASE
from tests.support.french import fr_spaced
from tests.support.ui import answered_case, type_text
from tests.ui.test_answer_shown_whole import letter
from ui.main_window import MainWindow


def made_window(qtbot: Any, store: Store) -> MainWindow:
    store.settings.set("lock.minutes", 5)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot: Any, store: Store, sync_runner: None) -> Iterator[MainWindow]:
    made = made_window(qtbot, store)
    yield made
    made.shutdown()


def unlock(qtbot: Any, window: MainWindow) -> None:
    field = window.lock_screen.secret
    field.setFocus()
    type_text(field, PASSPHRASE)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert not window.locked()


def answer_boxes(seen: list[tuple[bool, str]], window: MainWindow) -> None:
    """Every message box shown, with whether the window was locked then; answered at once."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            seen.append((window.locked(), widget.text()))
            widget.accept()
    if not window._closed:
        QTimer.singleShot(20, lambda: answer_boxes(seen, window))


def test_print_pressed_in_a_dialog_left_open_under_the_lock_prints_nothing(
    qtbot: Any, store: Store, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by an attacker's pass: Windows' own print dialog is not a Qt window, so the lock cannot close
    it. Left open when the idle lock came, its « Imprimer » pressed by whoever passed printed the
    expert's letter, the patient's name on it, at the printer down the corridor."""
    import PySide6.QtPrintSupport as print_support
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo

    from app.report_pdf import pdf_page_count

    blob = store.objects.put(letter("Kératose actinique."))
    answer = Answer(conclusion="Kératose actinique.", pdf_blobs=[blob], files=[{"blob": blob, "title": "Compte rendu"}])
    case_id = answered_case(store, answer=answer)
    window.open_case(case_id)
    view = window.case_page.follow
    qtbot.waitUntil(lambda: view.print_pdf.isVisible() and view.print_pdf.isEnabled(), timeout=10_000)

    printed = tmp_path / "spool.pdf"

    class ToFile(QPrinter):  # the printer's spool, as a file this test can look at
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.setOutputFileName(str(printed))

    # No printer is installed where the tests run, and Windows' dialog is not there to open: it is stood
    # in for by what it does, the lock coming while it is open, then its « Imprimer » pressed.
    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: [QPrinterInfo()]))
    monkeypatch.setattr(print_support, "QPrinter", ToFile)
    monkeypatch.setattr(QPrintDialog, "exec", lambda _dialog: window.lock() or 1)
    qtbot.mouseClick(view.print_pdf, Qt.MouseButton.LeftButton)
    assert window.locked()
    assert not printed.exists(), "nothing printed, nothing spooled, under the lock"

    unlock(qtbot, window)
    monkeypatch.setattr(QPrintDialog, "exec", lambda _dialog: 1)
    qtbot.mouseClick(view.print_pdf, Qt.MouseButton.LeftButton)
    assert pdf_page_count(printed.read_bytes()) == 1, "unlocked, it prints"


def test_the_end_of_training_said_by_a_save_ending_under_the_lock_waits_for_the_unlock(
    qtbot: Any, store: Store
) -> None:
    """Found by an attacker's pass: the settings' save ending under the lock (a slow disk, the lid closed
    just after « Enregistrer ») showed « Fin du mode formation » above the lock screen, to whoever passed.
    It waits for the unlock, then says the same."""
    from tests.sync.sync_helpers import make_case
    from ui import tasks
    from ui.settings_dialog import SettingsDialog

    tasks.set_runner(None)  # the real writer thread: the save's wait lets the window's timers run
    case_id = make_case(store)  # queued in training mode (no platform set)
    window = made_window(qtbot, store)
    seen: list[tuple[bool, str]] = []

    def look_for_a_box() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append((window.locked(), widget.text()))
                widget.accept()
        if not window._closed:
            QTimer.singleShot(20, look_for_a_box)

    def save_then_lock() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(20, save_then_lock)
            return
        (dialog,) = dialogs
        dialog.platform.url.setText("https://plateforme.example/fhir")
        dialog.platform.real.setChecked(True)
        dialog.platform_code.setText(PASSPHRASE)  # where the cases go changes: asked
        QTimer.singleShot(0, window.lock)  # comes while the save is written
        dialog.save()  # (« Enregistrer »)

    try:
        QTimer.singleShot(0, save_then_lock)
        QTimer.singleShot(0, look_for_a_box)
        window.open_settings()
        tasks.wait_writes()
        assert window.locked(), "the lock came during the save"
        assert store.settings.get("platform.url") == "https://plateforme.example/fhir", "the save was made"
        qtbot.wait(200)
        assert seen == [], "nothing shown above the lock screen"

        unlock(qtbot, window)
        qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
        ((locked, text),) = seen
        assert not locked and fr_spaced("Dossiers préparés en mode formation et pas encore partis : 1") in text
        assert case_id
    finally:
        window.shutdown()
        tasks.runner().wait_writes()
        tasks.set_runner(None)
