"""The case's images as a row of tiles, one of them selected."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QWidget
from shiboken6 import isValid

from app.blobs import ObjectStore
from app.errors import TeleavisError
from app.model import CaseImage
from app.store import Store
from ui.image_tile import THUMB_SIZE, ImageTile, decode_thumbnail
from ui.tasks import run_task
from ui.widgets import see_through

log = logging.getLogger(__name__)


class ImageStrip(QScrollArea):
    """Tiles in case order; thumbnails are decrypted and decoded once per image (off the main thread) and
    kept while the case is shown."""

    selected = Signal(object)  # CaseImage | None
    delete_requested = Signal(str)
    thumbnails_shown = Signal()  # every tile shows its thumbnail (or says it has none)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # It takes the focus on its way to the tiles (each named by its verdict): a screen reader says what it is.
        self.setAccessibleName(self.tr("Photos du dossier"))
        self._store = store
        self._tiles: dict[str, ImageTile] = {}
        self._pool: list[ImageTile] = []  # every tile made, in layout order; those beyond the images hidden
        self._thumbs: dict[str, QImage | None] = {}
        self._loading: set[str] = set()  # thumbnails asked of a worker, not back yet
        #: The images their device recorded for another patient than the case's as it is now.
        self._other_patients: set[str] = set()
        #: Those it recorded under the case's names alone (no birth date nor INS to confirm them).
        self._names_only: set[str] = set()
        self.current: str | None = None
        self.setWidgetResizable(True)
        # A tile's picture and about six lines of words (badge, sentence, caption), and the scroll bar:
        # the rest of the panel's height goes to the preview and the selected image's labels.
        self.setMinimumHeight(THUMB_SIZE.height() + 8 * self.fontMetrics().lineSpacing())
        self._row = QWidget()
        self._layout = QHBoxLayout(self._row)
        self._layout.setContentsMargins(6, 2, 6, 2)  # the room is the tiles' words (a 1366 × 768 screen)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.empty_label = QLabel(self.tr("Aucune image pour l'instant : prenez une photo ou importez-en une."))
        self.setWidget(self._row)
        see_through(self)
        # The tiles laid out again (the strip shown at last, their thumbnails come, the window resized): the
        # selected one is brought into view where it now stands. A scroll of the user's changes no range.
        self.horizontalScrollBar().rangeChanged.connect(self._bring_into_view_soon)

    def loading(self) -> bool:
        """Whether thumbnails asked of a worker are not shown yet."""
        return bool(self._loading)

    def forget_thumbnails(self) -> None:
        self._thumbs.clear()
        self._loading.clear()

    def show_images(
        self,
        images: list[CaseImage],
        select: str | None = None,
        other_patients: set[str] | None = None,
        names_only: set[str] | None = None,
    ) -> None:
        """Tiles at once; the thumbnails not yet in hand are read, decrypted and decoded off the main
        thread and fill in as they come (opening a case never waits for them on the main thread).
        ``other_patients``: the images their device recorded for another patient than the case's;
        ``names_only``: those it recorded under the case's names alone."""
        self._other_patients = set(other_patients or ())
        self._names_only = set(names_only or ())
        self._tiles.clear()
        self._layout.removeWidget(self.empty_label)
        self.empty_label.hide()
        for number, image in enumerate(images, start=1):
            thumbnail, pending = self._thumbs.get(image.id), image.id not in self._thumbs
            said = {"other_patient": image.id in self._other_patients, "names_only": image.id in self._names_only}
            if number <= len(self._pool):  # tiles are reused: made and styled once, not at each case
                tile = self._pool[number - 1]
                tile.show_image(image, number, thumbnail, pending=pending, **said)
            else:
                tile = ImageTile(image, thumbnail, number, self._row, pending=pending, **said)
                tile.clicked.connect(self.select)
                tile.delete_requested.connect(self.delete_requested)
                self._layout.insertWidget(len(self._pool), tile)
                self._pool.append(tile)
            tile.show()
            self._tiles[image.id] = tile
        for spare in self._pool[len(images) :]:
            spare.hide()
        if not images:
            self._layout.addWidget(self.empty_label)
            self.empty_label.show()
        self._fit_scroll_bar()
        wanted = select if select in self._tiles else (self.current if self.current in self._tiles else None)
        self.select(wanted or (images[-1].id if images else ""))
        self.load(images)

    def _fit_scroll_bar(self) -> None:
        """The scroll bar under the tiles, shown exactly when they are wider than the strip, decided now.
        Left to Qt (« as needed »), it was shown or hidden a turn of the event loop after the tiles changed:
        the strip then lost or took back the bar's height and the whole case page was laid out a second
        time, each tile resized again, at every case opened with more tiles than the one before, or fewer
        (tests/bench/test_wait_bench.py)."""
        wide = self._row.minimumSizeHint().width() > self.maximumViewportSize().width()
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOn if wide else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        if self.horizontalScrollBarPolicy() != policy:
            self.setHorizontalScrollBarPolicy(policy)
            if not self.isVisible():  # (Qt places the bar and the tiles' view at once only when shown)
                self.setViewportMargins(self.viewportMargins())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_scroll_bar()  # (a wider window holds more tiles)
        self._bring_into_view_soon()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._bring_into_view_soon()  # (filled in while the case's page was being built, off screen)

    def update_images(self, images: list[CaseImage], changed: set[str]) -> bool:
        """The ``changed`` images' tiles say their new verdict (their checks were made again; their bytes and
        thumbnails are the same); the other tiles, the selection and the labels shown are left as they are.
        ``False`` (nothing done) when the tiles are not those of ``images``, in their order."""
        if [image.id for image in images] != list(self._tiles):
            return False
        for number, image in enumerate(images, start=1):
            if image.id in changed:
                self._tiles[image.id].show_image(
                    image,
                    number,
                    self._thumbs.get(image.id),
                    pending=image.id not in self._thumbs,
                    other_patient=image.id in self._other_patients,
                    names_only=image.id in self._names_only,
                )
        return True

    def load(self, images: list[CaseImage]) -> None:
        """Read, decrypt and decode the thumbnails not yet in hand nor asked, on a worker thread."""
        missing = [image for image in images if image.id not in self._thumbs and image.id not in self._loading]
        if not missing:
            return
        self._loading.update(image.id for image in missing)
        objects = self._store.objects  # files and the data key only: safe from a worker thread
        run_task(
            lambda: [(image.id, decode_thumbnail(self._read(objects, image))) for image in missing],
            self._thumbnails_ready,
            lambda exc: self._thumbnails_failed([image.id for image in missing], exc),
        )

    @staticmethod
    def _read(objects: ObjectStore, image: CaseImage) -> bytes | None:
        if not image.thumb_blob:
            return None
        try:
            return objects.get(image.thumb_blob)
        except TeleavisError:  # a damaged thumbnail must not hide the image's tile
            log.warning("the thumbnail of an image could not be read")
            return None

    def _thumbnails_ready(self, decoded: list[tuple[str, QImage | None]]) -> None:
        if not isValid(self):  # the window closed meanwhile
            return
        for image_id, picture in decoded:
            if image_id not in self._loading:  # forgotten meanwhile (another case, a deleted image)
                continue
            self._loading.discard(image_id)
            self._thumbs[image_id] = picture
            tile = self._tiles.get(image_id)
            if tile is not None:
                tile.set_thumbnail(picture)
        if not self._loading:
            self.thumbnails_shown.emit()

    def _thumbnails_failed(self, image_ids: list[str], exc: BaseException) -> None:
        log.error("thumbnails could not be decoded", exc_info=(type(exc), exc, exc.__traceback__))
        self._thumbnails_ready([(image_id, None) for image_id in image_ids])

    def other_patients(self) -> set[str]:
        """The images whose tiles say their device recorded them for another patient."""
        return set(self._other_patients)

    def names_only(self) -> set[str]:
        """The images whose tiles say their device recorded them under the case's names alone."""
        return set(self._names_only)

    def set_other_patients(self, image_ids: set[str], names_only: set[str] | None = None) -> None:
        """The images their device recorded for another patient than the case's (and ``names_only``, those
        under its names alone), as its identity is now (typed or corrected since they were imported): their
        tiles say it, the others no longer do. Only a tile whose answer changed is redrawn (called at each
        keystroke of the identity)."""
        self._other_patients = set(image_ids)
        self._names_only = set(names_only or ())
        for image_id, tile in self._tiles.items():
            tile.set_other_patient(image_id in self._other_patients, image_id in self._names_only)

    @Slot(str)
    def select(self, image_id: str) -> None:
        self.current = image_id if image_id in self._tiles else None
        for tile_id, tile in self._tiles.items():
            tile.set_selected(tile_id == self.current)
        # Its tile comes into view: an image selected out of sight (the last one imported, the one F6 goes
        # to) had its eye and field offered beside other tiles, the ones a nurse then thought she was filing.
        # Tiles just laid out have their places only once the strip's layout has run: hence the next turn too.
        self._bring_into_view()
        QTimer.singleShot(0, self, self._bring_into_view)
        self.selected.emit(self._tiles[self.current].image if self.current else None)

    @Slot()
    def _bring_into_view_soon(self) -> None:
        QTimer.singleShot(0, self, self._bring_into_view)

    def _bring_into_view(self) -> None:
        tile = self._tiles.get(self.current or "")
        if tile is not None and tile.isVisible():
            self.ensureWidgetVisible(tile, 6, 0)

    def tile(self, image_id: str) -> ImageTile:
        return self._tiles[image_id]

    def tiles(self) -> list[ImageTile]:
        return list(self._tiles.values())

    def number(self, image_id: str) -> int:
        """The image's number as the tiles show it (1-based), 0 when not shown."""
        return list(self._tiles).index(image_id) + 1 if image_id in self._tiles else 0

    def add_thumbnail(self, image_id: str, picture: QImage | None) -> None:
        """The thumbnail of an image just stored, decoded by the worker that made it: its tile shows it
        at once, without reading it back."""
        self._loading.discard(image_id)
        self._thumbs[image_id] = picture

    def forget(self, image_id: str) -> None:
        self._thumbs.pop(image_id, None)
        self._loading.discard(image_id)
