"""Child process of the real-start lock test: ``ui.application.run`` as ``teleavis`` runs it, on an
installation whose key is in the OS keyring and with a PIN set; prints, at the event loop's first
turn, whether the window is locked and whether the data key was already fetched."""

from __future__ import annotations

import json
from dataclasses import asdict

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app import screen_lock
from app.store import Store
from tests.support.keyring import memory_keyring
from tests.support.ui import REQUESTER
from ui import application
from ui.main_window import MainWindow

with memory_keyring():
    app = application.make_application([])
    with Store.open(application.data_dir()) as store:
        store.settings.set("site.requester", asdict(REQUESTER))
        screen_lock.set_pin(store, "4821")

    def first_turn() -> None:
        (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        print(json.dumps({"locked": window.locked(), "key_loaded": window.store.key.loaded}), flush=True)
        QApplication.quit()

    QTimer.singleShot(0, first_turn)
    raise SystemExit(application.run([]))
