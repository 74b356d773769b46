"""Child of the one-window test: the window as ``teleavis`` opens it, then put out of sight as a nurse
leaves it (``hidden``: in the tray; ``minimised``: in the task bar); prints ``READY`` once it is, then,
when something brings it back, how it came back (and, ``told``, once it said something: what), and quits."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from ui import application
from ui.main_window import MainWindow

how = sys.argv[1]
wait_told = sys.argv[2:] == ["told"]
told: list[str] = []
MainWindow.tell = lambda _self, _kind, _title, text: told.append(text)  # type: ignore[method-assign,assignment]


def window() -> MainWindow:
    (found,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    return found


def out_of_sight() -> None:
    shown = window()
    if how == "minimised":
        shown.showMaximized()
        shown.showMinimized()
    else:
        shown.hide()
    QTimer.singleShot(300, ready)  # (the window listens for a second start from its first turn)


def ready() -> None:
    print("READY", flush=True)
    watch.start()


def back() -> bool:
    shown = window()
    return shown.isVisible() and not shown.windowState() & Qt.WindowState.WindowMinimized


def look() -> None:
    if back() and (told or not wait_told):
        shown = window()
        maximised = bool(shown.windowState() & Qt.WindowState.WindowMaximized)
        said = {"told": told} if wait_told else {}
        print(json.dumps({"back": True, "locked": shown.locked(), "maximised": maximised, **said}), flush=True)
        watch.stop()
        QApplication.quit()


app = application.make_application([])
watch = QTimer(interval=50)
watch.timeout.connect(look)
QTimer.singleShot(0, out_of_sight)
QTimer.singleShot(60_000, QApplication.quit)  # nothing came: the test says so
raise SystemExit(application.run([]))
