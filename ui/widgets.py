"""Small helpers shared by the window's widgets."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

W = TypeVar("W", bound=QObject)


def named(widget: W, name: str) -> W:
    """``widget`` with its object name set (the style sheet and the tests find it by that name).

    PySide6 takes ``objectName=`` as a keyword of any constructor, but its type stubs list only the
    class's own properties; setting it here keeps the constructors typed."""
    widget.setObjectName(name)
    return widget
