"""Child process of the dialog-size test: each dialog as it first shows on the screen the platform
describes; prints the screen's available area, and each dialog's frame and the buttons it shows."""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QWidget, QWizard

from app.store import Store
from tests.support.ui import REQUESTER
from ui import application, tasks

app = application.make_application([])
tasks.set_runner(tasks.SyncRunner())
store = Store.open(Path(tempfile.mkdtemp()))
store.settings.set("site.requester", asdict(REQUESTER))


def make(name: str) -> QWidget:
    if name == "wizard":
        from ui.setup_wizard import SetupWizard

        return SetupWizard(store)
    if name == "settings":
        from ui.settings_dialog import SettingsDialog

        return SettingsDialog(store)
    if name == "diagnostic":
        from ui.diagnostic_dialog import DiagnosticDialog

        return DiagnosticDialog()
    if name == "device-folder":
        from ui.capture_folder import DeviceFolderDialog

        return DeviceFolderDialog(Path(tempfile.mkdtemp()))
    if name == "start-lock":
        from ui.start_lock import StartLockDialog

        return StartLockDialog(store)
    raise ValueError(name)


def scrolled(widget: QWidget, top: QWidget) -> bool:
    """Whether ``widget`` is inside a scroll area of ``top`` (reached by scrolling, not by the screen)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


area = app.primaryScreen().availableGeometry()
seen: dict[str, object] = {"area": [area.x(), area.y(), area.width(), area.height()]}
for name in sys.argv[1:]:
    dialog = make(name)
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    QTest.qWait(100)
    pages: list[int | None] = [None]
    if isinstance(dialog, QWizard):  # every page of the first start, with its own buttons
        pages = list(dialog.pageIds())
    for page in pages:
        if isinstance(dialog, QWizard) and page is not None:
            dialog.setCurrentId(page)
            QTest.qWait(50)
        frame = dialog.frameGeometry()
        buttons = {}
        for button in dialog.findChildren(QAbstractButton):
            if button.isVisible() and not scrolled(button, dialog):
                corner = button.mapToGlobal(QPoint(0, 0))
                buttons[button.text() or type(button).__name__] = [
                    corner.x(),
                    corner.y(),
                    button.width(),
                    button.height(),
                ]
        seen[f"{name}:{page}"] = {"frame": [frame.x(), frame.y(), frame.width(), frame.height()], "buttons": buttons}
    dialog.close()
print(json.dumps(seen), flush=True)
store.close()
