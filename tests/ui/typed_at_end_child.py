"""Child of the typed-at-the-end test: the window as ``teleavis`` opens it (``application.run``, its signals
handled as in use); a new case, its consent ticked, then the nurse's words typed key by key into the question,
the clinical summary, a field of the specialty's form and a treatment's cell still being edited. Prints the
case's id, then, with ``sigterm``, ``TYPED`` at once, before the autosave's pause has passed, and waits for the
system to end it; with ``session``, the desktop's session ends as Qt tells it (``commitDataRequest`` then
``saveStateRequest``, on the application's own session manager) and the process is killed right after, in the
same turn of the loop, as a session manager or the display going may end it.
"""

from __future__ import annotations

import os
import signal
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QSessionManager
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from tests.support.ui import type_text
from ui import application
from ui.main_window import MainWindow
from ui.tasks import wait_writes

ENDING, QUESTION, SUMMARY, DURATION, TREATMENT = sys.argv[1:6]


def window() -> MainWindow:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    return found[0]


#: Read now: the window takes it out of the environment once it has opened the data.
PASSPHRASE = os.environ["TELEAVIS_PASSPHRASE"]


def start() -> None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if not shown:  # the store still opening (the passphrase's scrypt)
        QTimer.singleShot(50, start)
        return
    if shown[0].locked():  # (started with the passphrase from the environment: the lock asks it again)
        secret = shown[0].lock_screen.secret
        secret.setFocus()
        type_text(secret, PASSPHRASE)
        QTest.keyClick(secret, Qt.Key.Key_Return)
        QTimer.singleShot(50, start)
        return
    shown[0].new_case()
    wait_for_case()


def wait_for_case() -> None:
    page = window().case_page if window()._case_page is not None else None
    if page is None or page.case is None:
        QTimer.singleShot(20, wait_for_case)
        return
    editor = page.editor
    editor.consent_given.setFocus()
    QTest.keyClick(editor.consent_given, Qt.Key.Key_Space)
    while editor.pending() or not wait_writes(0):  # the consent saved: what follows is all unsaved
        QTest.qWait(20)
    print(page.case.id, flush=True)
    type_text(editor.question, QUESTION)
    type_text(editor.summary, SUMMARY)
    type_text(editor.bindings["form.lesion-duration"].widget, DURATION)
    add = next(b for b in editor.treatments_box.findChildren(QPushButton) if b.text().startswith("Ajouter"))
    add.click()  # the new row's first cell opens for typing, as a click on « Ajouter un traitement » does
    cell = editor.treatments.findChild(QLineEdit)
    assert cell is not None, "no cell being edited"
    type_text(cell, TREATMENT)  # still in the cell's editor: not yet in the table
    if ENDING == "session":
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        manager = app.findChild(QSessionManager)
        app.commitDataRequest.emit(manager)
        app.saveStateRequest.emit(manager)
        os.kill(os.getpid(), signal.SIGKILL)
    print("TYPED", flush=True)


app = application.make_application([])
QTimer.singleShot(500, start)
QTimer.singleShot(60_000, app.quit)  # nothing came: the test says so
raise SystemExit(application.run([]))
