"""Ctrl+, opens the settings, as the guide and the checklist (« Réglages (Ctrl+,) ») say: the key was on a
hidden action, whose shortcut Qt never fires, and the system's own key for settings is none on Linux."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog


def test_ctrl_comma_opens_the_settings_and_the_menu_shows_it(qtbot: Any, window: MainWindow) -> None:
    opened: list[object] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        opened.append(dialog)
        if dialog is not None:
            dialog.close()

    QTimer.singleShot(400, close_it)
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(opened), timeout=3000)
    assert isinstance(opened[0], SettingsDialog)
    (edit,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Édition"]
    (settings,) = [a for a in edit.actions() if a.text() == "&Réglages…"]
    assert settings.isVisible() and settings.shortcut() == QKeySequence("Ctrl+,")  # written in the menu
