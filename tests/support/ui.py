"""Helpers for driving the window: a site, and typing the way a user does."""

from __future__ import annotations

from app.model import Requester

REQUESTER = Requester(rpps="10101010105", family="DURAND", given=["Anne"], role="Médecin généraliste",
                      finess="750000010", organization="Centre de santé de Saint-Martin",
                      patient_id_system="urn:oid:1.2.250.1.999.1.1")


def type_text(widget: object, text: str) -> None:
    """Type ``text`` into ``widget`` key by key, accents included (QTest only knows ASCII keys)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        key = ord(char.upper()) if char.isascii() and char.isalnum() else (
            Qt.Key.Key_Space if char == " " else Qt.Key.Key_unknown)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)  # type: ignore[arg-type]
