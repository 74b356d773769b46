"""How the window's first screen is built: work that shows nothing and costs every start.

Under the application's style sheet, a widget put in a parent after it was made goes through Qt's style
sheet style again, with each of its children: the worklist's page made on its own and then put in the
window, its table made on its own and then put in the page, cost the start ~1 ms and drew the same pixels.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from app.store import Store
from ui.main_window import MainWindow


class MovedWithChildren(QObject):
    """Records the widgets given a new parent while they already had widgets of their own."""

    def __init__(self) -> None:
        super().__init__()
        self.moved: list[QWidget] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QWidget) and event.type() == QEvent.Type.ParentChange and watched.findChildren(QWidget):
            self.moved.append(watched)
        return False


def test_the_worklist_page_and_its_parts_are_made_in_their_parents(
    qtbot: Any, qapp: QApplication, store: Store, sync_runner: None
) -> None:
    recorder = MovedWithChildren()
    qapp.installEventFilter(recorder)
    try:
        window = MainWindow(store)
    finally:
        qapp.removeEventFilter(recorder)
    qtbot.addWidget(window)
    page = window.worklist
    moved = [type(w).__name__ for w in recorder.moved if w is page or page.isAncestorOf(w)]
    assert moved == []
    # Where they were put all the same: the page in the window's pages, the table and the search in the page.
    assert window.pages.widget(0) is page and page.isAncestorOf(page.table) and page.isAncestorOf(page.search)


def test_the_start_makes_neither_the_sync_service_nor_the_hidden_news_button(
    qtbot: Any, qapp: QApplication, store: Store, sync_runner: None
) -> None:
    """Neither is on the first frame: the sync starts once the window shows (its service, QThread's type and
    its signals, ~3.4 M instructions of every start), and « ● n dossier(s) à lire » is hidden while nothing
    waits to be read (a button with a style sheet of its own, ~1.2 M). tests/ui/test_news_in_the_window.py
    sees the button said when there is a case to read, tests/ui/test_answer_read.py the sync start on its own."""
    from PySide6.QtWidgets import QAbstractButton

    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    assert [type(child).__name__ for child in window.children() if type(child).__name__ == "SyncService"] == []
    assert window.statusBar().findChildren(QAbstractButton) == []
    # Asked for, each is there: the sync's service with its news connected, the button hidden, left of the counters.
    window.sync.case_state.emit("0123456789abcdef", "answered", "")  # heard: the window's state slot runs
    assert [type(child).__name__ for child in window.children() if type(child).__name__ == "SyncService"] == [
        "SyncService"
    ]
    button = window.news_button
    assert window.statusBar().findChildren(QAbstractButton) == [button] and not button.isVisible()
    window.shutdown()


def test_the_start_says_the_training_banner_once(
    qtbot: Any, qapp: QApplication, store: Store, sync_runner: None, monkeypatch: Any
) -> None:
    """The banner's words (training mode read, the real platform's cases counted) were made twice as the window
    was built: by ``apply_settings`` and again by ``refresh_status`` just after (~0.2 M instructions). Once
    now, as the window shows it."""
    asked: list[str] = []
    followed_on = store.followed_on

    def counting(destination: str) -> int:
        asked.append(destination)
        return followed_on(destination)

    monkeypatch.setattr(store, "followed_on", counting)
    window = MainWindow(store)
    qtbot.addWidget(window)
    assert asked == ["platform"]
    assert not window.banner.isHidden() and window.banner.text().startswith("Mode formation")
