"""Where printing writes the document before the printer has it: Qt's CUPS engine writes the whole PDF, the
expert's letter with the patient's name and INS on it, to a file of the temp folder (``cupsTempFd``:
``$TMPDIR``, else ``/tmp``, on the disk) and hands it to CUPS. It goes to the private folder in memory."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter

from app.model import Answer
from app.store import Store
from tests.support.french import fr_spaced
from tests.support.ui import answered_case
from tests.ui.test_answer_shown_whole import letter
from ui.main_window import MainWindow


def cups_printer() -> str:
    """A real CUPS queue to print to (cups-pdf: ``apt-get install cups printer-driver-cups-pdf``), else ''."""
    from PySide6.QtPrintSupport import QPrinterInfo

    names = [info.printerName() for info in QPrinterInfo.availablePrinters()]
    return next((name for name in names if "pdf" in name.lower()), "")


@pytest.fixture
def window(qtbot: Any, store: Store, sync_runner: None) -> Iterator[MainWindow]:
    made = MainWindow(store)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.shutdown()


def test_the_printed_letter_is_spooled_in_the_private_folder_then_removed(
    qtbot: Any, store: Store, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by reading Qt's CUPS engine: the letter printed lay in clear in ``/tmp`` while CUPS took it, and
    stayed there for good when the computer was switched off meanwhile (a cart's battery, a power cut)."""
    import PySide6.QtPrintSupport as print_support
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from app.private_files import private_folder

    name = cups_printer()
    if not name or shutil.which("lpstat") is None:
        pytest.skip("no CUPS PDF queue here (cups and printer-driver-cups-pdf): Qt's CUPS engine cannot run")
    disk = tmp_path / "disk"
    disk.mkdir()
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("TMPDIR", str(disk))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))

    blob = store.objects.put(letter("Kératose actinique."))
    answer = Answer(conclusion="Kératose actinique.", pdf_blobs=[blob], files=[{"blob": blob, "title": "Compte rendu"}])
    window.open_case(answered_case(store, answer=answer))
    view = window.case_page.follow
    qtbot.waitUntil(lambda: view.print_pdf.isVisible() and view.print_pdf.isEnabled(), timeout=10_000)

    class ToQueue(QPrinter):  # the real CUPS engine, to the PDF queue (what the dialog's « Imprimer » chooses)
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
            self.setPrinterName(name)

    seen: list[tuple[list[Path], list[Path]]] = []

    class Watching(QPainter):  # what lies where while the page is drawn into the spool file
        def drawImage(self, *args: Any) -> None:
            spooled = [p for p in Path(os.environ.get("TMPDIR", "/tmp")).rglob("*") if p.is_file()]
            seen.append(([p for p in disk.rglob("*") if p.is_file()], spooled))
            super().drawImage(*args)

    import ui.follow_view as follow_view

    def jobs() -> list[str]:  # the queue's jobs, done or not: the letter must reach it
        listed = subprocess.run(["lpstat", "-W", "all", "-o", name], capture_output=True, text=True, check=False)
        return listed.stdout.splitlines()

    before = jobs()
    monkeypatch.setattr(print_support, "QPrinter", ToQueue)
    monkeypatch.setattr(QPrintDialog, "exec", lambda _dialog: 1)
    monkeypatch.setattr(follow_view, "QPainter", Watching)
    qtbot.mouseClick(view.print_pdf, Qt.MouseButton.LeftButton)

    assert seen, "the letter was drawn for the printer"
    on_disk, spooled = seen[0]
    assert on_disk == [], f"nothing of the letter in the temp folder on the disk: {on_disk}"
    folder = private_folder()
    assert spooled, "the spool file was found where printing writes"
    assert all(folder in path.parents for path in spooled), f"spooled in the private folder: {spooled}"
    assert os.environ["TMPDIR"] == str(disk), "the temp folder is given back once printed"
    assert [p for p in folder.rglob("*")] == [], "nothing of the print left in the private folder"
    assert len(jobs()) == len(before) + 1, "and CUPS has the letter to print"


def test_what_qt_writes_while_printing_goes_to_the_private_folder_even_without_cups(
    qtbot: Any, store: Store, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, where no CUPS runs (Windows, a test machine): the temp folder Qt and CUPS name while the
    letter is drawn for the printer (``QDir::tempPath``, ``$TMPDIR``) is a new one of the private folder,
    deleted once printed."""
    import PySide6.QtPrintSupport as print_support
    from PySide6.QtCore import QDir
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo

    import ui.follow_view as follow_view
    from app.private_files import private_folder

    disk = tmp_path / "disk"
    disk.mkdir()
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("TMPDIR", str(disk))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    blob = store.objects.put(letter("Kératose actinique."))
    answer = Answer(conclusion="Kératose actinique.", pdf_blobs=[blob], files=[{"blob": blob, "title": "Compte rendu"}])
    window.open_case(answered_case(store, answer=answer))
    view = window.case_page.follow
    qtbot.waitUntil(lambda: view.print_pdf.isVisible() and view.print_pdf.isEnabled(), timeout=10_000)

    printed = tmp_path / "spool.pdf"

    class ToFile(QPrinter):  # the printer, as a file this test can look at
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.setOutputFileName(str(printed))

    named: list[Path] = []

    class Watching(QPainter):
        def drawImage(self, *args: Any) -> None:
            named.append(Path(QDir.tempPath()))
            super().drawImage(*args)

    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: [QPrinterInfo()]))
    monkeypatch.setattr(print_support, "QPrinter", ToFile)
    monkeypatch.setattr(QPrintDialog, "exec", lambda _dialog: 1)
    monkeypatch.setattr(follow_view, "QPainter", Watching)
    qtbot.mouseClick(view.print_pdf, Qt.MouseButton.LeftButton)

    assert printed.exists(), "printed"
    assert named, "the letter was drawn for the printer"
    folder = private_folder()
    assert named[0].parent == folder, f"the temp folder named while printing is the private one's: {named[0]}"
    assert not named[0].exists(), "and it is gone once printed"
    assert QDir.tempPath() == str(disk), "the temp folder is given back"


def test_without_a_private_folder_nothing_is_printed_and_it_is_said(
    qtbot: Any, store: Store, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No private folder to be had (a full /dev/shm, a runtime folder gone): printing through the disk's temp
    folder again would write the letter there; nothing goes to the printer, and the nurse is told why."""
    import PySide6.QtPrintSupport as print_support
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
    from PySide6.QtWidgets import QMessageBox

    import app.private_files as private_files

    blob = store.objects.put(letter("Kératose actinique."))
    answer = Answer(conclusion="Kératose actinique.", pdf_blobs=[blob], files=[{"blob": blob, "title": "Compte rendu"}])
    window.open_case(answered_case(store, answer=answer))
    view = window.case_page.follow
    qtbot.waitUntil(lambda: view.print_pdf.isVisible() and view.print_pdf.isEnabled(), timeout=10_000)
    printed = tmp_path / "spool.pdf"

    class ToFile(QPrinter):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.setOutputFileName(str(printed))

    def no_folder() -> Path:
        raise OSError(28, "No space left on device")

    said: list[str] = []
    monkeypatch.setattr(private_files, "private_folder", no_folder)
    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: [QPrinterInfo()]))
    monkeypatch.setattr(print_support, "QPrinter", ToFile)
    monkeypatch.setattr(QPrintDialog, "exec", lambda _dialog: 1)
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _parent, _title, text, *_a: said.append(text)))
    qtbot.mouseClick(view.print_pdf, Qt.MouseButton.LeftButton)
    assert not printed.exists(), "nothing printed"
    assert said == [
        fr_spaced(
            "Le document n'a pas pu être imprimé : le dossier privé de cet ordinateur n'accepte pas l'écriture. "
            "Rien n'a été envoyé à l'imprimante."
        )
    ]
