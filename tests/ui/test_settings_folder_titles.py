"""The Settings dialog's two « Choisir… » buttons (the watched folder, the backups' folder) opened a folder
dialog with no title of its own (Qt's default, « Find Directory »), the nurse left to guess which folder it
asked for. Each says which (found by review of the dialogs, session 37)."""

from __future__ import annotations

from typing import Any

from app.store import Store


def test_each_folder_picker_of_the_settings_says_which_folder_it_asks_for(
    qtbot: Any, store: Store, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QPushButton

    from ui import file_dialogs
    from ui.settings_dialog import SettingsDialog

    titles: list[str] = []

    def asked(_parent: Any, title: str, _start: str, options: Any) -> str:
        titles.append(title)
        return ""

    monkeypatch.setattr(file_dialogs, "_get_existing_directory", asked)
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    buttons = [b for b in dialog.findChildren(QPushButton) if b.text() == "Choisir…"]
    assert len(buttons) == 2
    for button in buttons:
        button.click()
    assert sorted(titles) == ["Choisir le dossier des sauvegardes", "Choisir le dossier surveillé"], titles
