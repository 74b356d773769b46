"""The views (or retina fields) the specialty expects, ticked as images are labelled."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.i18n import language
from app.model import CaseImage

log = logging.getLogger(__name__)


class ViewChecklist(QListWidget):
    """One line per expected view: ✓ present, ✗ missing; optional ones say so."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(True)

    def show_views(self, specialty: str, images: list[CaseImage]) -> None:
        self.clear()
        try:
            from capture.checklist import view_checklist
        except ImportError:  # capture layer not finished on this build: no list rather than no editor
            log.warning("capture.checklist is missing; the view checklist stays empty")
            return
        for entry in view_checklist(specialty, images, language()):
            present = bool(_field(entry, "present", "done", "ok", default=False))
            required = bool(_field(entry, "required", default=True))
            label = str(_field(entry, "label", "text", "name", default=""))
            suffix = "" if required else self.tr(" (facultatif)")
            item = QListWidgetItem(f"{'✓' if present else '✗'} {label}{suffix}")
            item.setData(Qt.ItemDataRole.UserRole, present)
            item.setForeground(Qt.GlobalColor.darkGreen if present
                               else (Qt.GlobalColor.darkRed if required else Qt.GlobalColor.darkGray))
            self.addItem(item)

    def marks(self) -> dict[str, bool]:
        """Each line's text and whether its view is present."""
        return {self.item(i).text(): bool(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())}


def _field(entry: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(entry, dict) and name in entry:
            return entry[name]
        if hasattr(entry, name):
            return getattr(entry, name)
    return default
