"""What a screen reader is given of the window's page stack: the page shown, not the others.

Qt's own accessible interface of a ``QStackedWidget`` gives every page to a screen reader, shown or not; the
worklist's rows are not even said invisible. Under the lock that was the patients' names and the expert's
answer, there to walk through with a screen reader's object navigation behind the lock screen. The stack
named ``pages`` is given this interface instead: its one child is the page shown (the lock screen, when
locked), as a person sees it. A module of its own, loaded at the first lock: QAccessible's types are not
built while the window starts (tests/ui/test_start_imports.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QStackedWidget, QWidget

#: The object name of the stacks given the page shown only (the main window's).
PAGES = "pages"


class ShownPageOnly(QAccessibleWidget):
    """A stack whose one accessible child is its page shown."""

    def __init__(self, stack: QStackedWidget) -> None:
        super().__init__(stack, QAccessible.Role.LayeredPane)
        self.stack = stack

    def childCount(self) -> int:
        return 0 if self.stack.currentWidget() is None else 1

    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]  # Qt's nullptr: none
        shown = self.stack.currentWidget()
        return QAccessible.queryAccessibleInterface(shown) if index == 0 and shown is not None else None

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        return 0 if child is not None and child.object() is self.stack.currentWidget() else -1


#: The interfaces made, kept alive on the Python side as long as Qt's cache holds them.
_made: list[ShownPageOnly] = []
_installed = False


def _factory(_key: str, thing: Any) -> QAccessibleInterface | None:
    if isinstance(thing, QStackedWidget) and thing.objectName() == PAGES:
        face = ShownPageOnly(thing)
        _made.append(face)
        thing.destroyed.connect(lambda: _made.remove(face) if face in _made else None)
        return face
    return None


def show_readers_the_page_shown(stack: QStackedWidget) -> None:
    """From now on, ``stack`` (named :data:`PAGES`) gives a screen reader its page shown only. Its interface
    made earlier by Qt (a screen reader walked the window before the first lock) is made again, and those of
    the pages not shown are let go (:func:`_forget_hidden_pages`)."""
    global _installed
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed = True
    face = QAccessible.queryAccessibleInterface(stack)
    if face is not None and not isinstance(face, ShownPageOnly):
        QAccessible.deleteAccessibleInterface(QAccessible.uniqueId(face))
        del face
        QAccessible.queryAccessibleInterface(stack)
    _forget_hidden_pages(stack)


def _forget_hidden_pages(stack: QStackedWidget) -> None:
    """The interfaces Qt made for the pages not shown, and for everything in them, let go: a screen reader
    keeps the objects it met by their id (AT-SPI's object paths, UI Automation's runtime ids) and asks them
    again without walking from the window, so a worklist's row met before the lock still said its patient
    under it (found in review). Made again, with new ids, when a screen reader meets them once unlocked. (Qt
    has no way to ask whether one was made: one is made to be let go, for each widget, at the lock only.)"""
    shown = stack.currentWidget()
    for number in range(stack.count()):
        page = stack.widget(number)
        if page is None or page is shown:
            continue
        for widget in [page, *page.findChildren(QWidget)]:
            face = QAccessible.queryAccessibleInterface(widget)
            if face is not None and not isinstance(face, ShownPageOnly):
                QAccessible.deleteAccessibleInterface(QAccessible.uniqueId(face))
            del face  # (its wrapper not left to a new interface made where it was)
