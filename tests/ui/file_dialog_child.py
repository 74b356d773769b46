"""Child process of the file-dialog test (its own HOME and XDG_CONFIG_HOME, read by Qt once per
process): the window opens a case; the nurse clicks "Importer un fichier…", goes into a folder named
after the patient and picks a photo; then exports the PDF report there, and again. Prints where each
dialog started."""

from __future__ import annotations

import faulthandler
import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from app.store import Store
from tests.support.images import jpeg_bytes, skin_photo
from tests.support.ui import REQUESTER, complete_case
from ui import application
from ui.main_window import MainWindow

patient_folder = Path(sys.argv[1])
# Never the parent's five-minute timeout with nothing to show: after two minutes, every thread's
# stack and the open dialog's state go to stderr and the process ends.
faulthandler.dump_traceback_later(150, exit=True)
app = application.make_application([])
store = application.open_store()
from dataclasses import asdict  # noqa: E402

store.settings.set("site.requester", asdict(REQUESTER))
case_id = complete_case(store, patient_folder)
# Another photo of the patient's, there to import (one of the case's own would not be imported twice).
(patient_folder / "dos-nouveau.jpg").write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=11)))
window = MainWindow(store)
window.show()
QTest.qWaitForWindowExposed(window)
window.open_case(case_id)
panel = window.case_page.capture.ensure()
started: list[str] = []


def same_file(chosen: list[str], wanted: Path) -> bool:
    """Whether the dialog's selection is ``wanted`` (compared as real paths: /tmp may be a link)."""
    return len(chosen) == 1 and Path(chosen[0]).resolve() == wanted.resolve()


def report_and_exit(why: str) -> None:
    """Say what is on screen and end the child: the parent's assertion shows it."""
    modal = QApplication.activeModalWidget()
    print(f"stuck: {why}; modal={type(modal).__name__ if modal else None}", file=sys.stderr)
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            text = widget.text() if hasattr(widget, "text") else ""
            print(f"  window {type(widget).__name__} {widget.windowTitle()!r} {text!r}", file=sys.stderr)
    if isinstance(modal, QFileDialog):
        print(f"  directory={modal.directory().absolutePath()} selected={modal.selectedFiles()}", file=sys.stderr)
    sys.stderr.flush()
    os._exit(3)


def choose(folder: Path, name: str | None = None, tries: int = 600) -> None:
    """In the open file dialog: go to ``folder``, pick ``name`` (or keep the proposed name), accept."""
    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, QFileDialog):
        if not tries:
            report_and_exit("no file dialog came")
        QTimer.singleShot(50, lambda: choose(folder, name, tries - 1))
        return
    started.append(dialog.directory().absolutePath())
    dialog.setDirectory(str(folder))  # the nurse browses to the patient's folder
    if name:
        dialog.selectFile(str(folder / name))
    QTimer.singleShot(100, lambda: accept(dialog, folder, name))


def accept(dialog: QFileDialog, folder: Path, name: str | None, tries: int = 600) -> None:
    """Pick ``name`` and accept; or, keeping the proposed name, accept once the dialog is in ``folder``
    (its listing comes in the background)."""
    if not tries:
        report_and_exit(f"the dialog never showed {name or 'the proposed name'} in {folder}")
    chosen = dialog.selectedFiles()
    if name:
        # The folder's listing comes in the background: on a busy machine the file may not be
        # selected yet, and accepting then would only open the folder. Select it again and wait.
        if not same_file(chosen, folder / name):
            # As a person does: type the name in the dialog's name field. (``selectFile`` leaves that
            # field alone while it has the focus, which it gets on a slow machine: nothing selected.)
            field = dialog.findChild(QLineEdit, "fileNameEdit")
            if field is not None:
                field.setText(name)
            else:
                dialog.selectFile(str(folder / name))
            QTimer.singleShot(100, lambda: accept(dialog, folder, name, tries - 1))
            return
    elif len(chosen) != 1 or Path(chosen[0]).parent.resolve() != folder.resolve():
        QTimer.singleShot(100, lambda: accept(dialog, folder, name, tries - 1))
        return
    dialog.accept()
    # Accepting while the listing changes may only open a folder: still there, try again.
    QTimer.singleShot(500, lambda: dialog.isVisible() and accept(dialog, folder, name, tries - 1))


QTimer.singleShot(50, lambda: choose(patient_folder, "dos-nouveau.jpg"))
QTest.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
deadline = 200
while len(list(store.images(case_id))) < 3 and deadline:
    QTest.qWait(100)
    deadline -= 1
QTimer.singleShot(50, lambda: choose(patient_folder))
window.export_report(case_id)
report = patient_folder / f"teleavis-{case_id[:8]}.pdf"
deadline = 600
while not report.exists() and deadline:
    QTest.qWait(100)
    deadline -= 1
# The report saved again (a second copy, for the GP): the dialog starts where the first went, and keeps
# the case's name (the first file's name is not remembered: the nurse may have named it after the patient).
QTimer.singleShot(50, lambda: choose(patient_folder, "copie-medecin.pdf"))
window.export_report(case_id)
again = patient_folder / "copie-medecin.pdf"
deadline = 600
while not again.exists() and deadline:
    QTest.qWait(100)
    deadline -= 1
print("status:", window.statusBar().currentMessage(), file=sys.stderr)
print(
    json.dumps(
        {
            "started": started,
            "images": len(list(store.images(case_id))),
            "report": report.exists(),
            "again": again.exists(),
        }
    ),
    flush=True,
)
window.show_worklist()  # the case page hidden: the camera stops
QTest.qWait(200)
window.shutdown()
window.close()
store.close()
assert isinstance(store, Store)
QApplication.processEvents()
# Out now: Qt's settings are written (shutdown), and a worker thread still winding down at the
# interpreter's exit would abort the process and hide this test's verdict.
os._exit(0)
