"""The views (or retina fields) the specialty expects, ticked as images are labelled."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.i18n import language
from app.model import CaseImage
from capture.checklist import view_checklist


class ViewChecklist(QListWidget):
    """One line per expected view: ✓ present, ✗ missing; optional ones say so."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(True)

    def show_views(self, specialty: str, images: list[CaseImage]) -> None:
        self.clear()
        for entry in view_checklist(specialty, images, language()):
            suffix = "" if entry.required else self.tr(" (facultatif)")
            item = QListWidgetItem(f"{'✓' if entry.present else '✗'} {entry.label}{suffix}")
            item.setData(Qt.ItemDataRole.UserRole, entry.present)
            item.setToolTip(entry.message)
            item.setForeground(Qt.GlobalColor.darkGreen if entry.present
                               else (Qt.GlobalColor.darkRed if entry.required else Qt.GlobalColor.darkGray))
            self.addItem(item)
        # As tall as its lines, no taller: the room below is for the selected image's findings.
        rows = sum(self.sizeHintForRow(i) for i in range(self.count()))
        self.setMaximumHeight(max(rows, self.fontMetrics().lineSpacing()) + 2 * self.frameWidth() + 4)

    def marks(self) -> dict[str, bool]:
        """Each line's text and whether its view is present."""
        return {self.item(i).text(): bool(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())}

