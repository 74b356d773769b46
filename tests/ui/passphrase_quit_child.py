"""Child of the test of the first start's passphrase dialog left: the window as ``teleavis`` opens it on a
fresh data folder with no keyring, where the dialog asking to choose the passphrase comes first. Once it
shows (the first turn of its loop), prints ``ASKED`` and the class of the dialog shown; with ``quit`` as its
argument, the nurse then presses its « Quitter »."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from ui import application


def asked() -> None:
    shown = QApplication.activeModalWidget()
    print(f"ASKED {type(shown).__name__}", flush=True)
    if sys.argv[1:] == ["quit"] and isinstance(shown, QDialog):
        shown.reject()  # (what its « Quitter » button does)


app = application.make_application([])
QTimer.singleShot(0, asked)
raise SystemExit(application.run([]))
