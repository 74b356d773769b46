"""Child of the typed-at-the-end test for an image's site: the window as ``teleavis`` opens it, the case given
(``argv[2]``, a photo in it) opened, the photo's body site typed key by key over the stored one; then ``TYPED``
at once, before the pause that saves it, and waits for the system to end it (``argv[1]``: ``sigterm``), or the
session ends as Qt tells it and the process is killed right after (``session``)."""

from __future__ import annotations

import os
import signal
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QSessionManager
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.support.ui import type_text
from ui import application
from ui.main_window import MainWindow

ENDING, CASE_ID, SITE = sys.argv[1:4]

#: Read now: the window takes it out of the environment once it has opened the data.
PASSPHRASE = os.environ["TELEAVIS_PASSPHRASE"]


def start() -> None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if not shown:  # the store still opening (the passphrase's scrypt)
        QTimer.singleShot(50, start)
        return
    window = shown[0]
    if window.locked():  # (started with the passphrase from the environment: the lock asks it again)
        secret = window.lock_screen.secret
        secret.setFocus()
        type_text(secret, PASSPHRASE)
        QTest.keyClick(secret, Qt.Key.Key_Return)
        QTimer.singleShot(50, start)
        return
    window.open_case(CASE_ID)
    wait_for_the_photo(window)


def wait_for_the_photo(window: MainWindow) -> None:
    panel = window.case_page.capture.panel
    if panel is None or panel.labels.image is None:
        QTimer.singleShot(20, lambda: wait_for_the_photo(window))
        return
    site = panel.labels.body_site
    site.setFocus()
    site.selectAll()
    type_text(site, SITE)
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
