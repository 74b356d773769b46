"""The expert's report handed out of Teleavis from the window is in the audit log, as ``case export --pdf`` is.

Found from outside (review 34): « Ouvrir le compte rendu » (a decrypted copy handed to another program) and
« Imprimer le compte rendu » (the letter, the patient's name and INS on it, on paper) left no line: the log
said the report was never out of the workstation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QDesktopServices

from app import audit
from app.model import Answer
from app.store import Store
from tests.support.ui import answered_case
from tests.ui.test_answer_shown_whole import letter
from ui.main_window import MainWindow
from ui.tasks import wait_writes


def _entries(store: Store, case_id: str) -> list[tuple[str, str]]:
    rows = store.conn.execute("SELECT action, detail FROM audit WHERE case_id=? ORDER BY seq", (case_id,))
    return [(str(action), str(detail)) for action, detail in rows]


def _answered(qtbot: Any, store: Store, window: MainWindow) -> str:
    blob = store.objects.put(letter("Kératose actinique."))
    answer = Answer(conclusion="Kératose actinique.", pdf_blobs=[blob], files=[{"blob": blob, "title": "Compte rendu"}])
    case_id = answered_case(store, answer=answer)
    window.open_case(case_id)
    view = window.case_page.follow
    qtbot.waitUntil(lambda: view.print_pdf.isVisible() and view.print_pdf.isEnabled(), timeout=10_000)
    return case_id


def test_the_report_opened_in_another_program_is_audited_and_not_when_none_took_it(
    qtbot: Any, store: Store, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = _answered(qtbot, store, window)
    view = window.case_page.follow
    before = _entries(store, case_id)

    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.warning", lambda *_args: None)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)  # no viewer on this computer
    view._open_external()
    assert wait_writes()
    assert _entries(store, case_id) == before

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: True)
    view._open_external()
    assert wait_writes()
    qtbot.waitUntil(lambda: len(_entries(store, case_id)) > len(before), timeout=5_000)
    assert _entries(store, case_id)[len(before) :] == [("exported", "pdf report opened in another program")]
    assert audit.verify(store.conn, store.key).ok


def test_the_printed_report_is_audited_and_not_when_the_dialog_is_cancelled(
    qtbot: Any, store: Store, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import PySide6.QtPrintSupport as print_support
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo

    case_id = _answered(qtbot, store, window)
    view = window.case_page.follow
    before = _entries(store, case_id)
    paper = tmp_path / "paper.pdf"

    class ToFile(QPrinter):  # the printer the dialog chose, as a file here (no printer on a test machine)
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.setOutputFileName(str(paper))

    monkeypatch.setattr(print_support, "QPrinter", ToFile)
    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: [QPrinterInfo()]))
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: 0)  # « Annuler »
    view._print()
    assert wait_writes()
    assert _entries(store, case_id) == before and not paper.exists()

    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: 1)  # « Imprimer »
    view._print()
    assert paper.stat().st_size > 0
    qtbot.waitUntil(lambda: len(_entries(store, case_id)) > len(before), timeout=5_000)
    pages = view.pdf_document.pageCount()
    assert _entries(store, case_id)[len(before) :] == [("exported", f"pdf report printed, {pages} pages")]
    assert audit.verify(store.conn, store.key).ok
