"""Child process of the file-dialog test (its own HOME and XDG_CONFIG_HOME, read by Qt once per
process): the window opens a case; the nurse clicks "Importer un fichier…", goes into a folder named
after the patient and picks a photo; then exports the PDF report. Prints where each dialog started."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from app.store import Store
from tests.support.ui import REQUESTER, complete_case
from ui import application
from ui.main_window import MainWindow

patient_folder = Path(sys.argv[1])
app = application.make_application([])
store = application.open_store()
from dataclasses import asdict  # noqa: E402

store.settings.set("site.requester", asdict(REQUESTER))
case_id = complete_case(store, patient_folder)
window = MainWindow(store)
window.show()
QTest.qWaitForWindowExposed(window)
window.open_case(case_id)
panel = window.case_page.capture.ensure()
started: list[str] = []


def choose(folder: Path, name: str | None = None) -> None:
    """In the open file dialog: go to ``folder``, pick ``name`` (or keep the proposed name), accept."""
    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, QFileDialog):
        QTimer.singleShot(50, lambda: choose(folder, name))
        return
    started.append(dialog.directory().absolutePath())
    dialog.setDirectory(str(folder))  # the nurse browses to the patient's folder
    if name:
        dialog.selectFile(str(folder / name))
    QTimer.singleShot(100, lambda: accept(dialog, folder, name))


def accept(dialog: QFileDialog, folder: Path, name: str | None) -> None:
    """Pick ``name`` and accept; or, keeping the proposed name, accept once the dialog is in ``folder``
    (its listing comes in the background)."""
    chosen = dialog.selectedFiles()
    if name:
        # The folder's listing comes in the background: on a busy machine the file may not be
        # selected yet, and accepting then would only open the folder. Select it again and wait.
        if chosen != [str(folder / name)]:
            dialog.selectFile(str(folder / name))
            QTimer.singleShot(100, lambda: accept(dialog, folder, name))
            return
        dialog.accept()
        return
    if len(chosen) != 1 or Path(chosen[0]).parent != folder:
        QTimer.singleShot(100, lambda: accept(dialog, folder, name))
        return
    dialog.accept()


QTimer.singleShot(50, lambda: choose(patient_folder, "dos-proche.jpg"))
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
print("status:", window.statusBar().currentMessage(), file=sys.stderr)
print(
    json.dumps({"started": started, "images": len(list(store.images(case_id))), "report": report.exists()}), flush=True
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
