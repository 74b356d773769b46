"""Small helpers shared by the window's widgets."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QScrollArea, QWidget

W = TypeVar("W", bound=QObject)

FRAME_GUESS = (16, 40)  # a title bar and borders, before the window manager says


def room_on_screen(window: QWidget) -> QSize | None:
    """The most a top-level window may measure, title bar and borders guessed, on its screen's available
    area: 1366 × 768 under its task bar, but 911 × 512 to lay out at 150 % (Windows' display scaling).
    ``None`` where no screen is known."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return None
    area = screen.availableGeometry()
    return QSize(area.width() - FRAME_GUESS[0], area.height() - FRAME_GUESS[1])


def fit_on_screen(window: QWidget, width: int, height: int) -> None:
    """``window`` resized to ``width`` × ``height``, or less where its screen has less room: a dialog
    sized for 100 % went below the screen's edge at 150 %, its buttons out of reach."""
    room = room_on_screen(window)
    if room is not None:
        width, height = min(width, room.width()), min(height, room.height())
    window.resize(width, height)


def named(widget: W, name: str) -> W:
    """``widget`` with its object name set (the style sheet and the tests find it by that name).

    PySide6 takes ``objectName=`` as a keyword of any constructor, but its type stubs list only the
    class's own properties; setting it here keeps the constructors typed."""
    widget.setObjectName(name)
    return widget


def scrolling(body: QWidget) -> QScrollArea:
    """``body`` in a scroll area with no frame of its own: a form taller than a small screen (1366 × 768 at
    150 %, a larger system font) scrolls, where it was squeezed or pushed its dialog's buttons below the
    screen's edge. As tall as the form where the screen has the room: nothing changes there."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(body)
    return see_through(area)


def see_through(area: QScrollArea) -> QScrollArea:
    """``area`` with its viewport and its widget painting no background of their own: the page's shows
    through (the same colour, the window's).

    ``QScrollArea.setWidget`` makes the widget fill its background, so Qt counts it opaque. An opaque
    widget shown with its page (a case opened from the list) is painted once on its own, then again
    with the page over it: the case editor's sixty fields, twice at every opening. Seen through, it is
    painted once, with the page. (Scrolling then repaints what it shows instead of moving pixels; a
    column of fields repaints in a few milliseconds.)"""
    area.viewport().setAutoFillBackground(False)
    widget = area.widget()
    if widget is not None:
        widget.setAutoFillBackground(False)
    return area
