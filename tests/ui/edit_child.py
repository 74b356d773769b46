"""Child process of the kill-mid-edit test: opens the window, creates a case, types a question
key by key, waits past the autosave pause, says so, and then waits to be killed."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.support.ui import type_text
from ui import application
from ui.case_editor import SAVE_DELAY_MS
from ui.main_window import MainWindow
from ui.tasks import wait_writes

app = application.make_application([])
store = application.open_store()
window = MainWindow(store)
window.show()
QTest.qWaitForWindowExposed(window)
window.new_case()  # created by the writer thread, then opened
while window.case_page.case is None:
    QTest.qWait(20)
editor = window.case_page.editor
editor.consent_given.setFocus()
QTest.keyClick(editor.consent_given, Qt.Key.Key_Space)
print(window.case_page.case.id, flush=True)
type_text(editor.question, sys.argv[1])
QTest.qWait(SAVE_DELAY_MS + 300)
while editor.pending() or not wait_writes(0):  # the autosave asked and done by the writer thread
    QTest.qWait(20)
print("typed", flush=True)
while True:  # the parent kills us here, mid-session, window open
    QTest.qWait(50)
