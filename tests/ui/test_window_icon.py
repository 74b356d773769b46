"""Teleavis's icon on its windows (title bar, task bar), set once the main window has drawn its first frame.

Set before it, QIcon's Python type (its 151 theme icons, an enumeration PySide6 builds with the type) and
Qt's SVG icon engine cost each start ~1.5 ms before the window could show (tests/ui/test_start_imports.py
checks that the start no longer builds QIcon): the window sets the application's icon once drawn, and a
window shown before it (the first-start wizard, the start's lock, a message) sets it before it shows.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication, QIcon

from app.store import Store
from tests.support.ui import REQUESTER
from ui import resources


@pytest.fixture
def no_icon_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """The application as a start makes it: no window icon (another test of this process may have set it)."""
    monkeypatch.setattr(resources, "_icon_set", False)
    QGuiApplication.setWindowIcon(QIcon())


def has_teleavis_icon(icon: QIcon) -> bool:
    return not icon.isNull() and not icon.pixmap(32, 32).isNull()


def test_the_window_shows_teleavis_icon_once_it_has_drawn_its_first_frame(
    qtbot: Any, store: Store, sync_runner: None, no_icon_yet: None
) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(store)
    qtbot.addWidget(window)
    try:
        assert window.windowIcon().isNull()  # nothing drawn yet: the start has not paid for the icon
        window.resize(960, 600)
        window.show()
        qtbot.waitUntil(lambda: has_teleavis_icon(window.windowIcon()), timeout=5000)
        assert has_teleavis_icon(QGuiApplication.windowIcon())  # the dialogs opened later have it too
    finally:
        window.shutdown()


def test_a_started_window_never_drawn_still_gets_its_icon_a_second_later(
    qtbot: Any, store: Store, sync_runner: None, no_icon_yet: None
) -> None:
    from ui import main_window
    from ui.main_window import MainWindow

    window = MainWindow(store)  # not shown: nothing draws it (as where no frame ever comes)
    qtbot.addWidget(window)
    try:
        window.start()
        qtbot.wait(main_window.ICON_AT_LATEST_MS // 2)
        assert QGuiApplication.windowIcon().isNull()
        qtbot.waitUntil(lambda: has_teleavis_icon(QGuiApplication.windowIcon()), timeout=main_window.ICON_AT_LATEST_MS)
    finally:
        window.shutdown()


def test_the_first_start_wizard_shows_with_teleavis_icon(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch, qapp: Any, no_icon_yet: None
) -> None:
    from ui import application
    from ui.setup_wizard import SetupWizard

    seen: list[bool] = []

    def exec_(wizard: SetupWizard) -> int:
        seen.append(has_teleavis_icon(wizard.windowIcon()))
        return 0  # cancelled: no window follows

    monkeypatch.setattr(SetupWizard, "exec", exec_)
    with Store.open(teleavis_home) as store:
        assert application.open_first_window(store, []) is None
    assert seen == [True]


def test_a_window_that_starts_locked_in_training_asks_its_code_under_teleavis_icon(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch, qapp: Any, no_icon_yet: None
) -> None:
    from ui import application
    from ui.start_lock import StartLockDialog

    seen: list[bool] = []

    def exec_(dialog: StartLockDialog) -> int:
        seen.append(has_teleavis_icon(dialog.windowIcon()))
        return 0  # cancelled

    monkeypatch.setattr(StartLockDialog, "exec", exec_)
    monkeypatch.setattr(application, "starts_locked", lambda _store: True)
    with Store.open(teleavis_home) as store:
        store.settings.set("site.requester", asdict(REQUESTER))
        assert application.open_first_window(store, ["--training"]) is None
    assert seen == [True]
