"""A drop-down list that shows each choice by its short name when closed.

Its own module, not with the small helpers of ``ui.widgets``: it draws itself with ``QStyle``, whose
types PySide6 builds when first imported (about 15 ms), and nothing on the way to the first window
needs it (the cold-start benchmark measured the difference).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent, QPaintEvent
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter, QWidget


class WheelOnceClicked(QObject):
    """Leaves the wheel to the page around ``widget`` (a drop-down, a number) until she clicks it: passing under the
    pointer while she scrolls, it changed its value unseen (and it was saved). One the keyboard came to (F6, the
    next missing item; Tab) took the wheel too (found from outside: F6 to « Type de diabète », then the form
    scrolled, « Autre » chosen unseen). Its list closed, or the window come back to, it stays as it was; the
    keyboard (the arrows) still changes it."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # (not WheelFocus: the wheel gave it the keyboard)
        self.clicked = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FocusIn and isinstance(event, QFocusEvent):
            if event.reason() not in (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason):
                self.clicked = event.reason() == Qt.FocusReason.MouseFocusReason
        elif kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self.clicked = True
        elif kind == QEvent.Type.Wheel and not (isinstance(watched, QWidget) and watched.hasFocus() and self.clicked):
            event.ignore()  # to the scroll area around it
            return True
        return False


class ChoiceBox(QComboBox):
    """A drop-down list whose closed box shows each choice by its short name.

    A choice may explain itself ("Provisoire (pièce d'identité non contrôlée)", "III — peau
    intermédiaire, brûle parfois…"): the open list shows it whole, wide enough for the longest; the
    closed box, sized for a small screen's column, shows the part before the explanation
    ("Provisoire", "III — peau intermédiaire") or the short name given with ``set_short``, and its
    tooltip the whole choice. Nothing is cut with an ellipsis in the middle of a word."""

    SHORT = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The wheel scrolls the page it is on; it turns the choice only once clicked.
        WheelOnceClicked(self)
        self.currentIndexChanged.connect(self._explain)

    def set_short(self, index: int, short: str) -> None:
        self.setItemData(index, short, self.SHORT)
        self._explain()

    def closed_text(self, index: int | None = None) -> str:
        """What the closed box shows for the choice at ``index`` (the current one by default)."""
        index = self.currentIndex() if index is None else index
        short = self.itemData(index, self.SHORT)
        if isinstance(short, str) and short:
            return short
        text = self.itemText(index)
        return text.split(" (", 1)[0].split(", ", 1)[0]

    def _explain(self, *_args: object) -> None:
        whole = self.currentText()
        self.setToolTip(whole if whole != self.closed_text() else "")

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        option.currentText = self.closed_text()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    def showPopup(self) -> None:
        view = self.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + 24)  # the choices whole
        super().showPopup()
