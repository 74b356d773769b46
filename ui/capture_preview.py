"""The live preview: the newest camera frame, fitted to the widget, and the white flash of a still.

Frames come made at the widget's size (it says its size as it changes, see :attr:`CapturePreview.resized`):
painting one is a plain copy. Only a frame made before a change of size is scaled at paint (smoothly, a
frame or two while the window is resized): scaled at each paint, a 960-pixel frame took 1.7 ms of the
window's thread 30 times a second."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, QVariantAnimation, Signal, Slot
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

FLASH_MS = 250
_FRAMES_STOPPED_S = 0.1  # no frame for this long: the flash paints itself


class CapturePreview(QWidget):
    """Shows frames as they come; Space while it has the focus asks for a still."""

    capture_requested = Signal()
    resized = Signal(QSize, float)  # its size (logical pixels) and the screen's pixels per logical pixel

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
        self.setAccessibleName(self.tr("Aperçu de la caméra (Espace : prendre la photo)"))

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

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit(self.size(), self.devicePixelRatioF())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange:  # moved to a screen of another scale
            self.resized.emit(self.size(), self.devicePixelRatioF())
        return super().event(event)

    def frame_rect(self, frame: QImage) -> tuple[QRectF, bool]:
        """Where ``frame`` is painted, centred, and whether it is painted as it is (not scaled): when it
        was made at this widget's size (within a pixel of it one way, inside it the other)."""
        shown = frame.deviceIndependentSize()
        spare_w, spare_h = self.width() - shown.width(), self.height() - shown.height()
        if min(spare_w, spare_h) > -0.5 and min(spare_w, spare_h) < 1.5:
            # Placed on whole pixels, so that painting it is a copy; a fraction of a pixel over (a scale of
            # 150 %: 401.33 in 401) from the edge, not one whole pixel left of it.
            return QRectF(QPointF(max(0, int(spare_w // 2)), max(0, int(spare_h // 2))), shown), True
        size = frame.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        left, top = (self.width() - size.width()) / 2, (self.height() - size.height()) / 2
        return QRectF(left, top, size.width(), size.height()), False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.capture_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        target, as_is = self.frame_rect(self.frame) if self.frame is not None else (QRectF(), False)
        if as_is:  # black only around it: the frame covers the rest
            inside = target.toAlignedRect()
            width, height = self.width(), self.height()
            for band in (
                QRect(0, 0, width, inside.top()),
                QRect(0, inside.bottom() + 1, width, height - inside.bottom() - 1),
                QRect(0, inside.top(), inside.left(), inside.height()),
                QRect(inside.right() + 1, inside.top(), width - inside.right() - 1, inside.height()),
            ):
                if band.isValid():
                    painter.fillRect(band, QColor("black"))
        else:
            painter.fillRect(self.rect(), QColor("black"))
        if self.frame is not None and not self.frame.isNull():
            if as_is:
                painter.drawImage(target.topLeft(), self.frame)
            else:
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
