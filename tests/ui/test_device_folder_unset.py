"""« Dossier de l'appareil… » with no device folder set says where the folder is set, by the names the
window shows: it sent the nurse to « les paramètres », a menu Teleavis does not have (it is
Édition > Réglages…, tab Prise de vue, « Dossier surveillé »)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QTabWidget

from tests.support.french import fr_spaced
from ui.application import install_language
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog


def _said_and_shown(qtbot: Any, window: MainWindow) -> tuple[str, list[str], list[str]]:
    window.new_case()
    qtbot.waitUntil(lambda: window.case_page.case is not None)
    capture = window.case_page.capture.ensure()
    capture.choose_from_device_folder()
    menus = [action.text().replace("&", "") for action in window.menuBar().actions()]
    menus += [a.text().replace("&", "") for m in window.menuBar().actions() if m.menu() for a in m.menu().actions()]
    dialog = SettingsDialog(window.store, window)
    qtbot.addWidget(dialog)
    tabs = dialog.findChild(QTabWidget)
    assert tabs is not None
    return capture.status.text(), menus, [tabs.tabText(n) for n in range(tabs.count())]


def test_the_french_line_names_the_menu_the_tab_and_the_field(qtbot: Any, window: MainWindow) -> None:
    said, menus, tabs = _said_and_shown(qtbot, window)
    assert "paramètres" not in said
    assert "Édition" in menus and "Réglages…" in menus and "Prise de vue" in tabs
    assert (
        "Édition > Réglages…" in said and "onglet Prise de vue" in said and fr_spaced("« Dossier surveillé »") in said
    )


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    install_language(qapp, "en")
    yield
    install_language(qapp, "fr")


def test_the_english_line_names_them_too(qtbot: Any, english: None, window: MainWindow) -> None:
    said, menus, tabs = _said_and_shown(qtbot, window)
    assert "Edit" in menus and "Settings…" in menus and "Capture" in tabs
    assert "Edit > Settings…" in said and "Capture tab" in said and "“Watched folder”" in said
