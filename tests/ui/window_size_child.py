"""Child process of the window-size test: the window as it first shows on the screen the platform
describes; prints the screen's available area, the window's frame and the status bar's bottom."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest

from ui import application
from ui.main_window import MainWindow

app = application.make_application([])
store = application.open_store()
window = MainWindow(store)
window.show()
QTest.qWaitForWindowExposed(window)
QTest.qWait(100)
area = window.screen().availableGeometry()
frame = window.frameGeometry()
bar = window.statusBar()
bottom = bar.mapToGlobal(QPoint(0, bar.height())).y()
print(
    json.dumps(
        {
            "area": [area.x(), area.y(), area.width(), area.height()],
            "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
            "status_bottom": bottom,
            "status_visible": bar.isVisible(),
        }
    ),
    flush=True,
)
window.shutdown()
store.close()
