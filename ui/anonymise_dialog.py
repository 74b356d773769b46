"""Choose what to hide before an image is kept: rectangles drawn by hand, or the detected face.

The dialog only collects the choice (regions in image pixels, blur or mask, keep the original or
not); applying it to a copy of the image is the capture layer's work, done off the main thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

Rect = tuple[int, int, int, int]  # x, y, width, height in image pixels
MIN_SIDE = 4
#: The picture drawn on is at most this long: plenty for a screen, and a 12 MP photo whole would be
#: 36 MB to convert and scale at each paint. The rectangles are kept in the full image's pixels.
DISPLAY_LONG_SIDE = 1600


@dataclass
class AnonymiseChoice:
    regions: list[Rect] = field(default_factory=list)
    mode: str = "blur"  # "blur" | "mask"
    keep_original: bool = False


class RegionCanvas(QWidget):
    """The image, fitted; drag to add a rectangle; the rectangles are kept in the pixels of the full
    image, ``full_size`` (the image shown may be a reduced copy of it)."""

    regions_changed = Signal()

    def __init__(self, image: QImage, parent: QWidget | None = None, *, full_size: QSize | None = None) -> None:
        super().__init__(parent)
        self.image = image
        self.full = QSize(full_size) if full_size is not None else image.size()
        self.regions: list[Rect] = []
        self._start: QPointF | None = None
        self._current: QRectF | None = None
        self.setMinimumSize(QSize(480, 360))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def _target(self) -> QRectF:
        size = self.full.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRectF(
            (self.width() - size.width()) / 2, (self.height() - size.height()) / 2, size.width(), size.height()
        )

    def to_image(self, rect: QRectF) -> Rect:
        """A rectangle of the widget in image pixels, clipped to the image."""
        target = self._target()
        scale = self.full.width() / target.width()
        mapped = QRectF(
            (rect.x() - target.x()) * scale,
            (rect.y() - target.y()) * scale,
            rect.width() * scale,
            rect.height() * scale,
        ).normalized()
        clipped = mapped.toAlignedRect().intersected(QRect(0, 0, self.full.width(), self.full.height()))
        return clipped.x(), clipped.y(), clipped.width(), clipped.height()

    def shown_to_full(self, region: Rect) -> Rect:
        """A rectangle in the pixels of the picture shown, in the full image's."""
        across, down = self.full.width() / self.image.width(), self.full.height() / self.image.height()
        x, y, width, height = region
        rect = QRect(round(x * across), round(y * down), round(width * across), round(height * down))
        clipped = rect.intersected(QRect(0, 0, self.full.width(), self.full.height()))
        return clipped.x(), clipped.y(), clipped.width(), clipped.height()

    def to_widget(self, region: Rect) -> QRectF:
        target = self._target()
        scale = target.width() / self.full.width()
        x, y, w, h = region
        return QRectF(target.x() + x * scale, target.y() + y * scale, w * scale, h * scale)

    def add_region(self, region: Rect) -> None:
        if region[2] >= MIN_SIDE and region[3] >= MIN_SIDE:
            self.regions.append(region)
            self.regions_changed.emit()
            self.update()

    def clear(self) -> None:
        self.regions.clear()
        self.regions_changed.emit()
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._start = event.position()
            self._current = QRectF(self._start, self._start)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is not None:
            self._current = QRectF(self._start, event.position()).normalized()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._start is not None and event.button() == Qt.MouseButton.LeftButton:
            rect = QRectF(self._start, event.position()).normalized()
            self._start = self._current = None
            self.add_region(self.to_image(rect))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#202020"))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(self._target(), self.image)
        pen = QPen(QColor("#ffeb3b"), 2)
        painter.setPen(pen)
        painter.setBrush(QColor(0, 0, 0, 110))
        for region in self.regions:
            painter.drawRect(self.to_widget(region))
        if self._current is not None:
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self._current)
        painter.end()


class AnonymiseDialog(QDialog):
    """Draw rectangles or find the face; the result is :meth:`choice` once accepted, in the pixels of
    the full image (``full_size``) of which ``image`` may be a reduced copy."""

    def __init__(self, image: QImage, parent: QWidget | None = None, *, full_size: QSize | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Anonymiser l'image"))
        layout = QVBoxLayout(self)
        help_text = QLabel(
            self.tr(
                "Tracez un rectangle sur chaque zone à cacher (visage, tatouage, bijou, "
                "document…), ou laissez l'application trouver le visage."
            )
        )
        help_text.setWordWrap(True)
        layout.addWidget(help_text)
        self.canvas = RegionCanvas(image, full_size=full_size)
        layout.addWidget(self.canvas, 1)

        row = QHBoxLayout()
        self.blur = QRadioButton(self.tr("&Flouter"))
        self.mask_choice = QRadioButton(self.tr("&Masquer (noir)"))
        self.blur.setChecked(True)
        self.find_face = QPushButton(self.tr("Masquer le &visage"))
        self.clear_button = QPushButton(self.tr("&Effacer les zones"))
        for widget in (self.blur, self.mask_choice, self.find_face, self.clear_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)

        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.keep_original = QCheckBox(self.tr("Garder aussi l'image d'origine, non anonymisée"))
        layout.addWidget(self.keep_original)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("&Appliquer"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Annuler"))
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.find_face.clicked.connect(self.detect_face)
        self.clear_button.clicked.connect(self.canvas.clear)
        self.canvas.regions_changed.connect(self._update_state)
        self._update_state()

    def detect_face(self) -> None:
        """Add the faces the detector finds; say so when it finds none (draw by hand then)."""
        from capture.anonymise import find_faces

        faces = find_faces(qimage_to_rgb(self.canvas.image))  # in the pixels of the picture shown
        for face in faces:
            self.canvas.add_region(self.canvas.shown_to_full(tuple(int(v) for v in face)))  # type: ignore[arg-type]
        if faces:
            self.status.setText(self.tr("Visage trouvé : vérifiez le rectangle, ajoutez-en si besoin."))
        else:
            self.status.setText(self.tr("Aucun visage trouvé : tracez le rectangle à la main."))

    def _update_state(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.canvas.regions))

    def choice(self) -> AnonymiseChoice:
        return AnonymiseChoice(
            regions=list(self.canvas.regions),
            mode="mask" if self.mask_choice.isChecked() else "blur",
            keep_original=self.keep_original.isChecked(),
        )


def rgb_to_qimage(pixels: np.ndarray) -> QImage:
    """H×W×3 RGB pixels as a QImage of its own (copied: the array may go)."""
    height, width = pixels.shape[:2]
    pixels = np.ascontiguousarray(pixels)
    return QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_RGB888).copy()


def qimage_to_rgb(image: QImage) -> np.ndarray:
    """The pixels of ``image`` as an H×W×3 RGB array (a copy of its own).

    Copied while the converted image lives: its buffer is freed with it, and an array left reading it (a
    view, as ``ascontiguousarray`` returns when the rows have no padding, as with most photos' widths) read
    freed memory — whatever was put there next went into the anonymised copy, or the window crashed."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    buffer = np.frombuffer(rgb.constBits(), np.uint8, count=stride * height).reshape(height, stride)
    return np.array(buffer[:, : width * 3].reshape(height, width, 3), copy=True)
