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
