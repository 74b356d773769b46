"""The live preview: the newest camera frame, fitted to the widget, and the white flash of a still."""

from __future__ import annotations

import time

from PySide6.QtCore import QRectF, QSize, Qt, QVariantAnimation, Signal, Slot
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

FLASH_MS = 250
_FRAMES_STOPPED_S = 0.1  # no frame for this long: the flash paints itself


class CapturePreview(QWidget):
    """Shows frames as they come; Space while it has the focus asks for a still."""

    capture_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # Low enough that on a 1366 × 768 screen in training mode (its two lines above the case) the tiles
        # under it keep their height: at 240 px the panel scrolled, and the new photo's tile was cut.
        self.setMinimumSize(QSize(320, 144))
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.frame: QImage | None = None
        self.frames_shown = 0
        self._frame_at = 0.0  # time.monotonic() of the last frame shown
        self.placeholder = ""
        self._flash = 0.0
        self._flash_anim = QVariantAnimation(self)
        self._flash_anim.setStartValue(1.0)
        self._flash_anim.setEndValue(0.0)
        self._flash_anim.setDuration(FLASH_MS)
        self._flash_anim.valueChanged.connect(self._set_flash)
        self.setAccessibleName(self.tr("Aperçu de la caméra (Espace : prendre la photo)"))

    @Slot(QImage)
    def show_frame(self, frame: QImage) -> None:
        self.frame = frame
        self.frames_shown += 1
        self._frame_at = time.monotonic()
        self.update()

    def clear(self, placeholder: str = "") -> None:
        self.frame = None
        self.placeholder = placeholder
        self.update()

    def flash(self) -> None:
        """A white flash over the preview: the still was taken, whatever the sound does."""
        self._flash_anim.stop()
        self._set_flash(1.0)
        self._flash_anim.start()

    def flashing(self) -> bool:
        return self._flash > 0.0

    @Slot(object)
    def _set_flash(self, value: object) -> None:
        self._flash = float(value)  # type: ignore[arg-type]
        # While frames come they repaint the fading flash: the animation's own 60 steps a second
        # doubled the preview's painting on the window's thread just while the photo is being stored.
        if self._flash in (0.0, 1.0) or time.monotonic() - self._frame_at > _FRAMES_STOPPED_S:
            self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.capture_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("black"))
        if self.frame is not None and not self.frame.isNull():
            size = self.frame.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(
                (self.width() - size.width()) / 2, (self.height() - size.height()) / 2, size.width(), size.height()
            )
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, self.frame)
        elif self.placeholder:
            painter.setPen(QColor("white"))
            painter.drawText(
                self.rect().adjusted(16, 16, -16, -16),
                int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap),
                self.placeholder,
            )
        if self._flash > 0.0:
            painter.fillRect(self.rect(), QColor(255, 255, 255, round(230 * self._flash)))
        if self.hasFocus():
            painter.setPen(self.palette().highlight().color())
            painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()
