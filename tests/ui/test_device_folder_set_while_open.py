"""A device folder set in the settings while a case is open is watched at once: it was watched only once
the case was opened again, so the retinographs the device dropped meanwhile were never announced, and the
line « Aucun dossier d'appareil n'est réglé » stayed under the buttons, saying the contrary of the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.support.images import jpeg_bytes, skin_photo
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog


def test_the_folder_set_in_the_settings_is_watched_without_reopening_the_case(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.capture_folder

    monkeypatch.setattr(ui.capture_folder, "WATCH_INTERVAL", 0.05)
    folder = tmp_path / "export-retinographe"
    folder.mkdir()
    window.new_case()
    qtbot.waitUntil(lambda: window.case_page.case is not None)
    editor = window.case_page.editor
    editor.consent_given.setFocus()
    qtbot.keyClick(editor.consent_given, Qt.Key.Key_Space)
    panel = window.case_page.capture.ensure()
    qtbot.waitUntil(panel.isVisible)
    panel.choose_from_device_folder()
    assert "Aucun dossier d'appareil" in panel.status.text()

    def set_folder_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SettingsDialog)
        dialog.watch.setText(str(folder))
        dialog.save()

    QTimer.singleShot(300, set_folder_and_save)
    window.open_settings()
    assert window.case_page.case is not None and panel.isVisible(), "the case is still open"
    assert "Aucun dossier d'appareil" not in panel.status.text()

    (folder / "OD.jpg").write_bytes(jpeg_bytes(skin_photo(800, 600, seed=6)))
    qtbot.waitUntil(lambda: "OD.jpg" in panel.status.text(), timeout=10_000)
    assert panel.folder_button.styleSheet(), "the button turns amber: a new image waits"
