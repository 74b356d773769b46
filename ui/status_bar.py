"""The window's status bar: its messages end with « … » when the bar is too narrow for them, and are
whole in its tooltip (a 1366 × 768 screen cut them mid-word, against the counters on the right)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from ui.elided_label import ElidedLabel, elided


class StatusBar(QStatusBar):
    """A status bar whose temporary messages (:meth:`showMessage`) are cut with « … » to the room the
    bar paints them in; :meth:`currentMessage` stays the whole message, :meth:`shown_message` is what
    shows. Its labels are :class:`ElidedLabel`: make them with :meth:`label`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._whole = ""
        self._shown = ""  # the message as this bar last showed it (cut or not)
        self._until: float | None = None  # when the message goes (time.monotonic), None: it stays
        self._holding = False  # under the lock (:meth:`hold`)
        self._held: tuple[str, int | None] | None = None  # the last message said meanwhile
        self.messageChanged.connect(self._message_changed)

    def label(self) -> ElidedLabel:
        """A one-line label for the bar: as narrow as the bar needs, its words cut with « … »."""
        return ElidedLabel(max_lines=1)

    def showMessage(self, text: str, timeout: int | None = 0) -> None:
        if self._holding:
            self._held = (text, timeout)
            return
        self._whole = text
        self._until = time.monotonic() + timeout / 1000 if timeout else None
        self._show()

    def hold(self) -> None:
        """Under the lock: the message goes, its tooltip too, and the next ones wait for :meth:`release`.
        Found from outside: a report saved under the patient's name, « Rapport enregistré dans …/MARTIN
        Paul.pdf », stayed below the lock screen (the status bar is not hidden by it)."""
        self._holding = True
        self._held = None
        self.clearMessage()
        self.setToolTip("")

    def release(self) -> None:
        """Unlocked: the last message said under the lock is shown."""
        self._holding = False
        held, self._held = self._held, None
        if held is not None:
            self.showMessage(*held)

    def currentMessage(self) -> str:
        return self._whole if super().currentMessage() else ""

    def shown_message(self) -> str:
        return super().currentMessage()

    def message_room(self) -> int:
        """The width the bar paints its message in (QStatusBarPrivate::messageRect): from 6 px to the
        first permanent widget shown, or to 12 px from the right edge."""
        from PySide6.QtCore import Qt  # here: named at start, Qt's namespace costs ~14.5 ms (ui.widgets.set_qt)

        right = self.width() - 12
        for widget in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if widget.isVisible() and widget.x() > 6 and self._permanent(widget):
                right = min(right, widget.x() - 1)
        return max(0, right - 6)

    def _permanent(self, widget: QWidget) -> bool:
        # The permanent widgets are those laid out from the right: the ones told so when added.
        return bool(widget.property("teleavis_permanent"))

    def permanent_label(self) -> QLabel:
        """A label for the right of the bar (:meth:`addPermanentWidget`): when its words change its
        width, the message is cut again to the room left."""
        return _PermanentLabel(lambda: QTimer.singleShot(0, self._reshow))

    def addPermanentWidget(self, widget: QWidget, stretch: int | None = 0) -> None:
        widget.setProperty("teleavis_permanent", True)
        super().addPermanentWidget(widget, stretch or 0)

    def insertPermanentWidget(self, index: int, widget: QWidget, stretch: int | None = 0) -> int:
        widget.setProperty("teleavis_permanent", True)
        return super().insertPermanentWidget(index, widget, stretch or 0)

    def _reshow(self) -> None:
        if self._whole and super().currentMessage():
            self._show()

    def _show(self) -> None:
        text = self._whole
        shown = elided(text, self.font(), self.message_room()) or "…"
        remaining = 0
        if self._until is not None:
            remaining = max(1, round((self._until - time.monotonic()) * 1000))
        self._shown = shown
        super().showMessage(shown, remaining)
        self.setToolTip(text if shown != text else "")

    def _message_changed(self, shown: str) -> None:
        if shown != self._shown:  # gone (its time was up, or cleared), or put there by Qt (a status tip)
            self._whole = self._shown = shown
            self._until = None
            self.setToolTip("")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._whole and super().currentMessage():
            self._show()


class _PermanentLabel(QLabel):
    """A permanent label that says when its size changed: the message's room changed with it. (Not an
    event filter on the bar: a Python ``eventFilter`` makes PySide6 build the types of all of QtGui's
    event classes at the first event, some 5-10 ms before the first window shows.)"""

    def __init__(self, resized: Callable[[], None]) -> None:
        super().__init__()
        self._resized = resized

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._resized()
