"""The lock: after the idle delay the cases hide behind the lock screen; input postpones it; the PIN or
the session passphrase opens it again, anything else does not."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.model import Case, Patient
from app.store import Store
from tests.conftest import PASSPHRASE
from tests.support.ui import type_text
from ui.lock import PIN_SETTING, hash_pin
from ui.main_window import MainWindow

IDLE_MS = 600  # the setting counts in minutes; the test shortens the same timer


def locked_window(qtbot: Any, store: Store) -> MainWindow:
    store.create_case(Case(patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03")), [])
    store.settings.set("lock.minutes", 5)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.start()
    assert window.idle.timer.interval() == 5 * 60_000
    qtbot.waitUntil(lambda: window.idle.watching, timeout=2000)
    window.idle.timer.start(IDLE_MS)
    return window


def unlock_with(qtbot: Any, window: MainWindow, secret: str) -> None:
    field = window.lock_screen.secret
    field.setFocus()
    type_text(field, secret)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_idle_hides_the_cases_and_typing_postpones_it(qtbot: Any, store: Store, sync_runner: None) -> None:
    window = locked_window(qtbot, store)
    search = window.worklist.search
    for _ in range(4):  # input every 300 ms for 1.2 s: longer than the delay, and never locked
        qtbot.wait(IDLE_MS // 2)
        qtbot.keyClick(search, Qt.Key.Key_A)
        assert not window.locked()
    qtbot.waitUntil(window.locked, timeout=IDLE_MS * 3)
    assert not window.worklist.isVisible() and window.lock_screen.isVisible()
    assert not window.menuBar().isEnabled()
    window.shutdown()


def test_locking_closes_a_dialog_showing_a_photo(qtbot: Any, store: Store, sync_runner: None) -> None:
    from PySide6.QtGui import QImage

    from ui.anonymise_dialog import AnonymiseDialog

    window = locked_window(qtbot, store)
    picture = QImage(800, 600, QImage.Format.Format_RGB888)
    picture.fill(0x8a5a44)
    dialog = AnonymiseDialog(picture, window)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(window.locked, timeout=IDLE_MS * 3)
    assert not dialog.isVisible() and dialog.result() == AnonymiseDialog.DialogCode.Rejected
    window.shutdown()


def test_the_pin_or_the_passphrase_opens_it_nothing_else(qtbot: Any, store: Store, sync_runner: None) -> None:
    store.settings.set(PIN_SETTING, hash_pin("4821"))
    window = locked_window(qtbot, store)
    qtbot.waitUntil(window.locked, timeout=IDLE_MS * 3)

    unlock_with(qtbot, window, "1234")
    assert window.locked() and "incorrect" in window.lock_screen.problem.text()
    assert window.lock_screen.secret.text() == ""
    unlock_with(qtbot, window, "4821")
    assert not window.locked() and window.worklist.isVisible() and window.menuBar().isEnabled()

    window.lock()  # Ctrl+L, as when the nurse leaves the cart
    assert window.locked()
    unlock_with(qtbot, window, PASSPHRASE)
    assert not window.locked()
    assert window.idle.timer.isActive(), "counting again after unlocking"
    window.shutdown()
