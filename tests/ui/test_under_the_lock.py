"""What the window does under its lock once the person who locked has gone: nothing printed from a dialog
the lock could not close, and no message box of work ending meanwhile shown above the lock screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.model import Answer
from app.store import Store
from tests.conftest import PASSPHRASE
from tests.support.ui import answered_case, type_text
from ui.main_window import MainWindow


def letter() -> bytes:
    """An expert's letter, the patient's name on it, as the training platform writes it."""
    from datetime import date

    from sync.sandbox.letter import AnswerLetter, render_letter

    return render_letter(
        AnswerLetter(
            expert_name="Hélène MOREAU",
            expert_title="Dermatologue",
            patient_name="Paul MARTIN",
            patient_birth_date="03/02/1950",
            requester_name="Anne DURAND",
            specialty_label="Dermatologie",
            question="Lésion pigmentée évolutive du dos : avis sur exérèse ?",
            conclusion="Kératose actinique.",
            follow_up="Pas de consultation en présentiel nécessaire.",
            issued=date(2026, 11, 24),
        )
    )


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


def test_print_pressed_in_a_dialog_left_open_under_the_lock_prints_nothing(
    qtbot: Any, store: Store, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by an attacker's pass: Windows' own print dialog is not a Qt window, so the lock cannot close
    it. Left open when the idle lock came, its « Imprimer » pressed by whoever passed printed the
    expert's letter, the patient's name on it, at the printer down the corridor."""
    import PySide6.QtPrintSupport as print_support
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo

    from app.report_pdf import pdf_page_count

    blob = store.objects.put(letter())
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
