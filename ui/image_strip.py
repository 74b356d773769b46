"""The case's images as a row of tiles, one of them selected."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QWidget

from app.errors import TeleavisError
from app.model import CaseImage
from app.store import Store
from ui.image_tile import THUMB_SIZE, ImageTile

log = logging.getLogger(__name__)


class ImageStrip(QScrollArea):
    """Tiles in case order; thumbnails are decrypted once per image and kept while the case is shown."""

    selected = Signal(object)  # CaseImage | None
    delete_requested = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._tiles: dict[str, ImageTile] = {}
        self._thumbs: dict[str, bytes | None] = {}
        self.current: str | None = None
        self.setWidgetResizable(True)
        # A tile's picture and about six lines of words (badge, sentence, caption), and the scroll bar:
        # the rest of the panel's height goes to the preview and the selected image's labels.
        self.setMinimumHeight(THUMB_SIZE.height() + 8 * self.fontMetrics().lineSpacing())
        self._row = QWidget()
        self._layout = QHBoxLayout(self._row)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.empty_label = QLabel(self.tr("Aucune image pour l'instant : prenez une photo ou importez-en une."))
        self.setWidget(self._row)

    def forget_thumbnails(self) -> None:
        self._thumbs.clear()

    def show_images(self, images: list[CaseImage], select: str | None = None) -> None:
        for tile in self._tiles.values():
            tile.hide()
            tile.deleteLater()
        self._tiles.clear()
        self._layout.removeWidget(self.empty_label)
        self.empty_label.hide()
        for number, image in enumerate(images, start=1):
            if image.id not in self._thumbs:
                self._thumbs[image.id] = self._thumbnail(image)
            tile = ImageTile(image, self._thumbs[image.id], number, self._row)
            tile.clicked.connect(self.select)
            tile.delete_requested.connect(self.delete_requested)
            self._layout.addWidget(tile)
            self._tiles[image.id] = tile
        if not images:
            self._layout.addWidget(self.empty_label)
            self.empty_label.show()
        wanted = select if select in self._tiles else (self.current if self.current in self._tiles else None)
        self.select(wanted or (images[-1].id if images else ""))

    def _thumbnail(self, image: CaseImage) -> bytes | None:
        if not image.thumb_blob:
            return None
        try:
            return self._store.objects.get(image.thumb_blob)
        except TeleavisError:  # a damaged thumbnail must not hide the image's tile
            log.warning("the thumbnail of an image could not be read")
            return None

    @Slot(str)
    def select(self, image_id: str) -> None:
        self.current = image_id if image_id in self._tiles else None
        for tile_id, tile in self._tiles.items():
            tile.set_selected(tile_id == self.current)
        self.selected.emit(self._tiles[self.current].image if self.current else None)

    def tile(self, image_id: str) -> ImageTile:
        return self._tiles[image_id]

    def tiles(self) -> list[ImageTile]:
        return list(self._tiles.values())

    def number(self, image_id: str) -> int:
        """The image's number as the tiles show it (1-based), 0 when not shown."""
        return list(self._tiles).index(image_id) + 1 if image_id in self._tiles else 0

    def forget(self, image_id: str) -> None:
        self._thumbs.pop(image_id, None)
