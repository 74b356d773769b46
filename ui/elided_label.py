"""A label that never cuts its words silently: what does not fit ends with « … », and the whole text is
in its tooltip."""

from __future__ import annotations

import math

from PySide6.QtCore import QSize
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette, QResizeEvent, QTextLayout
from PySide6.QtWidgets import QLabel, QWidget

from ui.widgets import PerWidth, set_qt

ELLIPSIS = "…"


def elided(text: str, font: QFont, width: int) -> str:
    """``text`` as ``QFontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, width)`` cuts it, by Qt's rule:
    whole where it fits, else the longest run of whole letters (with their accents) narrower than the room
    « … » leaves, measured as laid out in the whole text (a ligature's width counts at its first letter).
    Without naming ``Qt.TextElideMode``: the status bar's labels are cut before the window first shows, and
    naming it builds the whole ``Qt`` namespace (see ui.widgets.set_qt). tests/ui/test_small_screen.py checks
    both cut alike (a character of another font, an emoji, may differ by one letter)."""
    metrics = QFontMetricsF(font)
    if len(text) <= 1 or math.ceil(metrics.horizontalAdvance(text)) <= width:
        return text
    room = width - metrics.horizontalAdvance(ELLIPSIS)
    if room < 0:
        return ""
    layout = QTextLayout(text, font)
    ends = [layout.nextCursorPosition(0)]  # where each letter ends
    while ends[-1] < len(text):
        ends.append(layout.nextCursorPosition(ends[-1]))
    kept, over = 0, len(ends)  # letters: the first ``kept`` are narrower than the room, ``over`` are not
    while kept < over:
        middle = (kept + over) // 2
        if metrics.horizontalAdvance(text, ends[middle]) < room:
            kept = middle + 1
        else:
            over = middle
    return text[: ends[kept - 1] if kept else 0] + ELLIPSIS


class ElidedLabel(QLabel):
    """Plain text shown on at most ``max_lines`` lines, the last line of a paragraph cut with « … »
    (as QFontMetrics.elidedText) when the rest does not fit. Each paragraph (a ``\\n``-separated part) keeps
    at least its first line: a warning on a line of its own is never pushed out by the words before it.

    :meth:`text` stays the whole text (what screen readers and the code read); :meth:`shown_text` is
    what the screen shows. When it is cut, the tooltip holds the whole text, then the label's own
    tooltip (set with :meth:`setToolTip`), if any.

    ``width``: the width its lines are always given (a label in a fixed-width tile): its height is then
    known without asking it for each width a layout tries (:meth:`heightForWidth`, a Python call each)."""

    def __init__(self, max_lines: int = 1, parent: QWidget | None = None, *, width: int | None = None) -> None:
        super().__init__(parent)
        self._max_lines = max(1, max_lines)
        self._width = width
        self._own_tip = ""
        #: The lines and whether they are cut, for each width asked since the text or the font changed: a
        #: layout asks the same few widths again and again (heightForWidth), one case page ~200 times.
        self._fits = PerWidth(self, self._fit, most=64)
        self._line_count = 0  # the lines shown at the last resize
        #: The parts of a one-line text that may be cut first, (start, end) each, tried in their order: the rest
        #: kept whole while it fits.
        self._first_cut: tuple[tuple[int, int], ...] = ()
        set_qt(self, textFormat="PlainText")
        self.setWordWrap(False)

    # -- text and tooltip ----------------------------------------------------------------------

    def setText(self, text: str) -> None:
        if text == self.text():
            return
        super().setText(text)
        self._fits.clear()
        self._refit()

    def clear(self) -> None:
        self.set_text("")

    def set_text(self, text: str, first_cut: tuple[tuple[int, int], ...] = ()) -> None:
        """``text``, and on one line a part of it, (start, end), cut first with « … » where the whole does not
        fit: the first of ``first_cut`` whose cutting lets the rest fit whole (on the case page, the patient's
        given names, else the whole name: the code and the state after it stay in view)."""
        if first_cut != self._first_cut:
            self._first_cut = first_cut
            self._fits.clear()
        self.setText(text)
        self._refit()

    def setToolTip(self, tip: str) -> None:
        self._own_tip = tip
        self._show_tip()

    def shown_text(self) -> str:
        """The text as the label shows it, lines separated by ``\\n``."""
        return "\n".join(self._lines(self._room()))

    def elided(self) -> bool:
        """Whether some of the text is cut (wrapped lines alone are not)."""
        return self._fitted(self._room())[1]

    def _show_tip(self) -> None:
        parts = [self.text()] if self.elided() else []
        if self._own_tip:
            parts.append(self._own_tip)
        super().setToolTip("\n".join(parts))

    def _refit(self) -> None:
        self._show_tip()
        self.updateGeometry()
        self.update()

    # -- lines ---------------------------------------------------------------------------------

    def _room(self) -> int:
        return max(1, self.contentsRect().width() - 2 * self.margin())

    def _lines(self, width: int) -> list[str]:
        return self._fitted(width)[0]

    def _fitted(self, width: int) -> tuple[list[str], bool]:
        return self._fits(width)

    def _fit(self, width: int) -> tuple[list[str], bool]:
        if self._first_cut and self._max_lines == 1 and "\n" not in self.text():
            shortened = self._cut_first(width)
            if shortened is not None:
                return [shortened], shortened != self.text()
        cut = False
        lines: list[str] = []
        paragraphs = self.text().split("\n")
        for number, paragraph in enumerate(paragraphs):
            # What the paragraphs after this one leave it: one line each is kept for them.
            allowed = max(1, self._max_lines - len(lines) - (len(paragraphs) - number - 1))
            layout = QTextLayout(paragraph, self.font())
            layout.beginLayout()
            starts: list[int] = []
            while True:
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(width)
                starts.append(line.textStart())
            layout.endLayout()
            starts = starts or [0]
            for n, start in enumerate(starts[:allowed]):
                end = starts[n + 1] if n + 1 < len(starts) else len(paragraph)
                if n == allowed - 1 and end < len(paragraph):
                    # The last line room is given: the rest of the paragraph, cut with « … ».
                    rest = paragraph[start:].strip()
                    shown = elided(rest, self.font(), width)
                    lines.append(shown if shown.endswith(ELLIPSIS) else shown.rstrip() + ELLIPSIS)
                    cut = True
                else:
                    lines.append(paragraph[start:end].rstrip())
        return lines, cut

    def _cut_first(self, width: int) -> str | None:
        """The text on one line of ``width``, a part of ``first_cut`` cut; ``None`` when none lets the rest fit
        (then the text is cut at its end, as any)."""
        text = self.text()
        metrics = QFontMetricsF(self.font())
        if math.ceil(metrics.horizontalAdvance(text)) <= width:
            return text
        cuts = list(self._first_cut)
        for n, (start, end) in enumerate(cuts):
            before, part, after = text[:start], text[start:end], text[end:]
            room = width - math.ceil(metrics.horizontalAdvance(before) + metrics.horizontalAdvance(after)) - 1
            shown = elided(part, self.font(), room) if room > 0 else ""
            if shown and shown != ELLIPSIS:
                return before + shown + after
            if n < len(cuts) - 1:
                # Not enough: this part stays cut to « … » while the next gives way too (found in review: the
                # whole name was cut at its end from its original, the given names kept whole and the used
                # name lost). The later parts' bounds follow the shorter text.
                text = before + ELLIPSIS + after
                delta = len(part) - len(ELLIPSIS)
                cuts[n + 1 :] = [(s - delta if s >= end else s, e - delta if e >= end else e) for s, e in cuts[n + 1 :]]
        return None

    # -- size and paint ------------------------------------------------------------------------

    def _height_of(self, lines: int) -> int:
        margins = self.contentsMargins()
        return lines * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom() + 2 * self.margin()

    def hasHeightForWidth(self) -> bool:
        return self._width is None

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        room = max(1, width - margins.left() - margins.right() - 2 * self.margin())
        return self._height_of(len(self._lines(room)))

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(p) for p in self.text().split("\n")), default=0)
        margins = self.contentsMargins()
        return QSize(
            widest + margins.left() + margins.right() + 2 * self.margin(),
            self._height_of(len(self._lines(self._room() if self._width is None else self._width))),
        )

    def minimumSizeHint(self) -> QSize:
        # A few characters wide: the layout gives it what it can, the rest is cut with « … ».
        return QSize(4 * self.fontMetrics().horizontalAdvance("M"), self._height_of(min(1, len(self.text()))))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_tip()
        count = len(self._lines(self._room()))
        if count != self._line_count:  # as many lines as before: the layout need not be asked again
            self._line_count = count
            self.updateGeometry()

    def paintEvent(self, event: QPaintEvent) -> None:
        # Drawn with the palette rather than through the style: the status bar's label is painted before
        # the first window is ready, and naming QStyle then slows every start (tests/ui/test_start_imports.py).
        painter = QPainter(self)
        group = (
            QPalette.ColorGroup.Disabled
            if not self.isEnabled()
            else QPalette.ColorGroup.Active
            if self.isActiveWindow()
            else QPalette.ColorGroup.Inactive
        )
        painter.setPen(self.palette().color(group, self.foregroundRole()))
        rect = self.contentsRect().adjusted(self.margin(), self.margin(), -self.margin(), -self.margin())
        painter.drawText(rect, int(self.alignment()), self.shown_text())
        painter.end()
