"""The views (or retina fields) the specialty expects, ticked as images are labelled (app/views.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from app.model import Case
from app.views import expected_views
from ui.widgets import readable


class ViewChecklist(QListWidget):
    """One line per expected view: ✓ present, ✗ missing; optional ones say so."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Each line wraps at the column's width and the list is as tall as its lines, with no scroll bar
        # of its own: at 1366 × 768 « œil droit : champ centré sur la papille (conseillé) » takes two
        # lines, and a height reckoned once, from the lines unwrapped, cut the list.
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def show_views(self, case: Case) -> None:
        """The views ``case``'s specialty expects, given its images and its single-eye reason.

        The lines already listed are rewritten in place (Qt leaves a line whose words and marks are the same
        untouched): cleared and added again at each case opened, the list was laid out again, its lines
        wrapped anew, after the page's first paint (tests/bench/test_wait_bench.py measures the wait)."""
        entries = expected_views(case.specialty, case.images, case.single_eye_reason)
        if len(entries) != self.count():
            self.clear()
            for _ in entries:
                self.addItem(QListWidgetItem())
        elif self.selectedItems():  # a line clicked under the case before is not carried over
            self.clearSelection()
        ground = self.palette().color(QPalette.ColorRole.Base)
        for row, entry in enumerate(entries):
            # A retina field not required is advised by the screening (the checklist says so too).
            suffix = "" if entry.required else self.tr(" (conseillé)") if entry.eye else self.tr(" (facultatif)")
            item = self.item(row)
            item.setText(f"{'✓' if entry.present else '✗'} {entry.label}{suffix}")
            item.setData(Qt.ItemDataRole.UserRole, entry.present)
            item.setData(Qt.ItemDataRole.UserRole + 1, entry.key)
            item.setData(Qt.ItemDataRole.UserRole + 2, entry.required)
            item.setToolTip(entry.label if entry.present else entry.missing_text)
            colour = (
                Qt.GlobalColor.darkGreen
                if entry.present
                else (Qt.GlobalColor.darkRed if entry.required else Qt.GlobalColor.darkGray)
            )
            item.setForeground(readable(QColor(colour), ground))
        self._fit_height()

    def updateGeometries(self) -> None:
        """Called once the lines are laid out (again) at the list's width: the height follows them."""
        super().updateGeometries()
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its lines as wrapped at its width, no taller: the room below is for the selected
        image's findings."""
        rows = sum(self.visualItemRect(self.item(i)).height() for i in range(self.count()))
        height = max(rows, self.fontMetrics().lineSpacing()) + 2 * self.frameWidth() + 4
        if height != self.maximumHeight() or height != self.minimumHeight():
            self.setFixedHeight(height)

    def marks(self) -> dict[str, bool]:
        """Each line's text and whether its view is present."""
        return {self.item(i).text(): bool(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())}

    def missing_required(self) -> set[str]:
        """The keys (``view:far``, ``left:macula``) of the required lines still unticked."""
        items = [self.item(i) for i in range(self.count())]
        return {
            str(item.data(Qt.ItemDataRole.UserRole + 1))
            for item in items
            if item.data(Qt.ItemDataRole.UserRole + 2) and not item.data(Qt.ItemDataRole.UserRole)
        }
