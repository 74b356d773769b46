"""The capture panel of the case editor: live camera, stills, imports, quality, views, labels.

The panel is thin: the pipeline, quality checks, checklist and anonymisation are in ``capture``,
storing is ``app.store``. Frames come from :class:`CameraBridge`; stills and imports are
processed and stored in the thread pool (:class:`ImageJobs`), so the window never waits for them.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import pathlib
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QImage, QKeySequence, QPalette, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.device_patient import recorded_words
from app.errors import StorageError, TeleavisError
from app.model import EDITABLE_STATES, EYES, Case, CaseImage
from app.site import site_patient_system
from app.store import Store
from app.validation import MAX_IMAGES, names_only_image, recorded_for_another
from app.views import missing_views, photographed_eyes
from capture import rechecks
from ui import capture_work as work
from ui.anonymise_dialog import DISPLAY_LONG_SIDE, AnonymiseChoice, AnonymiseDialog, rgb_to_qimage
from ui.capture_camera import LiveCamera
from ui.capture_checklist import ViewChecklist
from ui.capture_cue import CaptureCue
from ui.capture_labels import ImageLabels
from ui.fields import SAVE_RETRY_MS
from ui.file_dialogs import IMAGE_PATTERNS, open_images
from ui.image_jobs import ImageJobs
from ui.image_strip import ImageStrip
from ui.image_tile import ImageTile
from ui.lock import CLOSED_BY_LOCK, say_after_the_lock
from ui.tasks import run_task
from ui.widgets import announce, readable, see_through

if TYPE_CHECKING:
    from capture.watch import Seen
    from ui.capture_folder import DeviceFolderMonitor

log = logging.getLogger(__name__)

QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's « no maximum »

#: The device folder button while new images wait there.
# Its own dark words on its amber: the theme's (white on a dark or high-contrast theme) did not read on it.
_WAITING_STYLE = (
    "QPushButton { background-color: #ffe08a; color: #1a1a1a; border: 1px solid #b58900; border-radius: 3px; }"
)


#: How long after the last change of specialty its images are checked again: the arrow keys go through
#: several specialties, and the switch's own work (the editor's form, the camera) comes first.
CHECK_AGAIN_MS = 300


def eye_asked(case: Case) -> str:
    """The eye the case asks for next, what the demo retinograph draws: one no image is labelled with yet
    (right first; the one photographed when the case says why one eye only), else one a required field still
    lacks, else the right one."""
    taken = photographed_eyes(case.images)
    if len(taken) == 1 and case.single_eye_reason.strip():  # one eye only, and why said: that eye again
        return taken[0]
    missing = [view.eye for view in missing_views(case.specialty, case.images, case.single_eye_reason) if view.eye]
    return next((eye for eye in EYES if eye not in taken), None) or next(iter(missing), "right")


class CapturePanel(QWidget):
    """Images of one case: take, import, check, label, anonymise, retake, delete."""

    images_changed = Signal()
    #: A photo's labels (site, eye, view, note) not saved (a full disk): the words, as the case's own are said.
    labels_save_failed = Signal(str)
    labels_saved = Signal()  # … then saved, by a later edit or by the try again

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._case: Case | None = None
        self._retake_id: str | None = None
        #: The images being turned, and the quarter turns asked on each meanwhile (done once it is back).
        self._turning: dict[str, int] = {}
        self._opening_anonymise = False  # a stored photo to anonymise is being read and decoded
        #: What went wrong for a case after the user had opened another (an import refused, labels not
        #: saved): said when that case is shown again, never on the case then shown.
        self._said_later: dict[str, str] = {}
        #: The labels a save refused (a full disk), by case and image: kept on screen (read back from the store,
        #: what she had just typed vanished), shown again when the case is, and saved again by themselves.
        self._unsaved_labels: dict[str, dict[str, CaseImage]] = {}
        self._labels_retry = QTimer(self, singleShot=True, interval=SAVE_RETRY_MS)
        self._labels_retry.timeout.connect(self._retry_labels)
        # Whether the line above the photos speaks of the images as a whole or of the selected one (its
        # tile's sentence): then it follows the selection, so it never contradicts the selected tile.
        self._line_follows = False
        self._prefetched: str | None = None  # the case whose thumbnails are being read ahead (prefetch)
        self._new_in_folder: list[pathlib.Path] = []  # arrived in the device folder since the case opened
        #: Files chosen for each case (its id) not yet stored or refused: counted as its images already.
        self._arriving: dict[str, int] = {}
        self._copied_before: set[pathlib.Path] = set()  # brought by a copy under way when it opened
        self._folder_monitor: DeviceFolderMonitor | None = None  # made when first needed
        self._watched_folder: pathlib.Path | None = None  # the device folder being watched, if any
        self._folder_out = False  # the device folder could not be read at the last look
        self._live_after_thumbnails = False  # the camera starts once the case's thumbnails are shown
        self._list_after_thumbnails = False  # and the cameras are listed again then
        self._check_after_thumbnails = False  # and the images of older checks checked again then
        self.jobs = ImageJobs(store, self)
        #: The case whose images are checked again for its new specialty, once it is chosen.
        self._to_check: Case | None = None
        #: Set when the checks running are for a specialty the case no longer has: they stop at the next image.
        self._checks_stop: threading.Event | None = None
        #: The case whose images are being checked again, and those checks' stop: until their verdicts are
        #: written, the case waits to be sent (:meth:`checks_pending`).
        self._checking: tuple[str, threading.Event] | None = None
        #: The cases whose last checks made again failed (a write refused, a full disk): their older verdicts
        #: stand, and are checked again before they are sent (:meth:`check_again_if_failed`).
        self._checks_failed: set[str] = set()
        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_AGAIN_MS)
        self._check_timer.timeout.connect(self._check_again)
        self.cue = CaptureCue(self)
        self._build()
        self._connect()
        self.set_case(None)

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.live = LiveCamera(self._store)
        self.camera, self.camera_choice = self.live.bridge, self.live.choice
        self.banner, self.preview = self.live.banner, self.live.preview
        self.capture_button = QPushButton(self.tr("Prendre la photo (Espace, F8)"))
        self.import_button = QPushButton(self.tr("&Importer un fichier…"))
        self.folder_button = QPushButton(self.tr("Dossier de l'a&ppareil…"))  # Alt+D: the menu « &Dossiers »
        self.anonymise_first = QCheckBox(self.tr("Anonymiser avant d'enregistrer"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Its two lines kept, said or not: a line appearing took its room from the camera's view, which moved.
        self.status.setMinimumHeight(3 * self.status.fontMetrics().lineSpacing())

        # A grid, not a row: the four controls side by side need more width than a 1366 px screen
        # leaves this panel, and their words were cut.
        actions = QGridLayout()
        actions.addWidget(self.capture_button, 0, 0, 1, 2)
        actions.addWidget(self.import_button, 1, 0)
        actions.addWidget(self.folder_button, 1, 1)
        actions.addWidget(self.anonymise_first, 2, 0, 1, 2)
        left = QVBoxLayout()
        left.addWidget(self.live, 1)
        left.addLayout(actions)
        left.addWidget(self.status)

        self.checklist = ViewChecklist()
        checklist_box = self._checklist_box = QGroupBox(self.tr("Vues attendues"))
        inside = QVBoxLayout(checklist_box)
        # Tight above and below its lines: the selected photo's findings, under it, need the room at 1366 × 768.
        sides = inside.contentsMargins()
        inside.setContentsMargins(sides.left(), sides.top() // 2, sides.right(), sides.bottom() // 2)
        inside.addWidget(self.checklist)
        self.labels = ImageLabels()
        column = QWidget()
        right = QVBoxLayout(column)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(2)  # (each group has its title above it)
        right.addWidget(checklist_box)
        right.addWidget(self.labels)
        right.addStretch(1)
        # On a short screen (Full HD at 150 %: 720 px) this column scrolls instead of squeezing its fields.
        self.right_column = QScrollArea()
        self.right_column.setWidgetResizable(True)
        self.right_column.setFrameShape(QScrollArea.Shape.NoFrame)
        self.right_column.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.right_column.setWidget(column)
        # Its height is the camera's side's: asking for its labels' whole height made the panel taller than
        # a 1366 × 768 screen in training mode leaves it, and the panel scrolled, the new photo's tile cut.
        self.right_column.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        see_through(self.right_column)
        self.right_column.setMinimumWidth(
            column.minimumSizeHint().width() + self.right_column.verticalScrollBar().sizeHint().width()
        )

        top = QHBoxLayout()
        top.addLayout(left, 3)
        top.addWidget(self.right_column, 2)
        # Beside the camera where the panel has the room, under it where it has not (set_stacked).
        self._top = top
        self._column = column
        self.stacked = False
        column.installEventFilter(self)
        self.right_column.installEventFilter(self)

        self.strip = ImageStrip(self._store)

        layout = QVBoxLayout(self)
        # No room lost above and below (the case page has its own margins): at 1366 × 768 in training
        # mode the selected photo's findings lacked it, and the column beside the camera scrolled.
        sides = layout.contentsMargins()
        layout.setContentsMargins(sides.left(), 0, sides.right(), 0)
        layout.setSpacing(2)
        layout.addLayout(top, 1)
        layout.addWidget(self.strip)

        shortcut = QShortcut(QKeySequence(Qt.Key.Key_F8), self)
        # Set apart: PySide6 ignores the ``context`` keyword when a callable is given, and a window-wide
        # F8 here would clash with the editor's.
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.capture_still)
        self.setTabOrder(self.preview, self.capture_button)
        self.setTabOrder(self.capture_button, self.import_button)
        self.setTabOrder(self.import_button, self.folder_button)
        self.setTabOrder(self.folder_button, self.anonymise_first)
        self.setTabOrder(self.anonymise_first, self.labels)

    def set_stacked(self, stacked: bool) -> None:
        """The expected views and the selected image's labels under the camera (``stacked``), or beside it.

        Found in the real window at 1280 × 720 and 125 %: side by side they need more width than the case
        page leaves the panel (about 370 px), and the panel scrolled sideways, the camera, « Image
        sélectionnée » and the eye never in sight together. Stacked, the panel is as narrow as the camera's
        view and scrolls only downwards, the column showing all its lines (no scroll of its own)."""
        if stacked == self.stacked:
            return
        self.stacked = stacked
        self._top.setDirection(QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight)
        self.right_column.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff if stacked else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        self._fit_column()

    def _fit_column(self) -> None:
        """Stacked, the column is as tall as its lines at its width; beside the camera, as tall as the
        camera's side (it scrolls)."""
        if not self.stacked:
            self.right_column.setMinimumHeight(0)
            self.right_column.setMaximumHeight(QWIDGETSIZE_MAX)
            return
        column = self._column
        width = self.right_column.viewport().width()
        height = column.heightForWidth(width) if column.hasHeightForWidth() else -1
        height = max(height, column.minimumSizeHint().height(), column.sizeHint().height() if height < 0 else 0)
        if self.right_column.minimumHeight() != height or self.right_column.maximumHeight() != height:
            self.right_column.setFixedHeight(height)

    def lay_out_column_now(self) -> None:
        """Give the column beside the camera its size for the case just written, before the page is painted.

        Its lines changed (another case's expected views and findings): Qt lays the column out, then its scroll
        area resizes it, each a turn of the loop later, the second after the page's first paint: every case
        opened painted the column and the 34 widgets under and around it twice, the first time at the last
        case's height (372 then 344 pixels in tests/bench/test_wait_bench.py's window)."""
        layout = self._column.layout()
        if layout is None or not self.isVisible():
            return
        layout.activate()  # (its minimum height now; the scroll area is told by a posted request)
        QApplication.sendPostedEvents(self.right_column.viewport(), QEvent.Type.LayoutRequest)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Stacked, the column's height follows its lines (a finding, a wrapped line more) and its width."""
        if self.stacked and (
            (watched is self._column and event.type() == QEvent.Type.LayoutRequest)
            or (watched is self.right_column and event.type() == QEvent.Type.Resize)
        ):
            self._fit_column()
        return super().eventFilter(watched, event)

    def _connect(self) -> None:
        self.preview.capture_requested.connect(self.capture_still)
        self.capture_button.clicked.connect(self.capture_still)
        self.import_button.clicked.connect(self.choose_files)
        self.folder_button.clicked.connect(self.choose_from_device_folder)
        self.strip.selected.connect(self._on_selected)
        self.strip.delete_requested.connect(self.delete_image)
        self.labels.edited.connect(self._save_labels)
        self.labels.retake_requested.connect(self.start_retake)
        self.labels.anonymise_requested.connect(self.anonymise_image)
        self.labels.rotate_requested.connect(self.rotate_image)
        self.labels.delete_requested.connect(self.delete_image)
        self.jobs.busy_changed.connect(self._on_busy)
        self.strip.thumbnails_shown.connect(self._thumbnails_shown)

    # -- the case ----------------------------------------------------------------------------

    def prefetch(self, case: Case) -> None:
        """Start reading ``case``'s thumbnails before the rest of its page is written (the editor's
        fields): they are back for the page's first paint, instead of filling the tiles after it."""
        self.strip.forget_thumbnails()
        self._prefetched = case.id
        self.strip.load(case.images)

    def set_case(self, case: Case | None) -> None:
        """Show ``case``'s images; its specialty decides the views, its state whether it can change."""
        self._case = case
        self._retake_id = None
        self._labels_retry.stop()  # (another case's labels: tried again when it is shown again)
        if case is not None:
            self._with_unsaved_labels(case.images)  # refused, then the case left: still hers, on screen
        self._live_after_thumbnails = False
        self._check_after_thumbnails = False
        if case is None or self._prefetched != case.id:
            self.strip.forget_thumbnails()
        self._prefetched = None
        editable = case is not None and case.state in EDITABLE_STATES
        for widget in (self.capture_button, self.import_button, self.folder_button, self.anonymise_first, self.live):
            widget.setEnabled(editable)
        self.labels.set_specialty(case.specialty if case else "")
        self.status.clear()
        self._line_follows = False
        self._forget_new_files()
        self._copied_before.clear()  # (another case's watch: what its copy brought is said in it only)
        # Each case watches the device folder from its own opening: what came during the previous
        # case's is not announced as this patient's.
        self._stop_watching()
        if case is None:
            self.stop_camera()
            self._stop_watching()
            self._show_images([])
            return
        self._show_images(case.images)
        later = self._said_later.pop(case.id, None)
        if later is not None:
            self._fail(later)
        if not editable:
            self._stop_watching()
            self.live.stop(self.tr("Cette demande n'est plus modifiable : les images ne peuvent plus changer."))
            return
        # The cameras listed again once the thumbnails are shown: the worker listing them took Python's
        # lock from the one decoding them (issue 18.1).
        self._list_after_thumbnails = self.strip.loading()
        self.live.fill(case.specialty, list_again=not self._list_after_thumbnails)
        if self.isVisible():
            self._start_live()
            self._watch_device_folder()

    def specialty_changed(self) -> None:
        """The case's specialty was changed in the editor: its views (or eye and field), the demo camera's
        picture and the checks of the next images follow at once, without reopening the case."""
        case = self._case
        if case is None:
            return
        self.labels.set_specialty(case.specialty)
        self._on_selected(self.labels.image)  # the selected image, shown with the new labels
        self._update_checklist()
        if not self._editable():
            return
        self._to_check = case
        self._stop_checks()  # those of the specialty before, if running: a core and Python's lock for nothing
        self._check_timer.start()  # once the specialty is chosen (arrow keys go through several)
        before = self.live.choice.currentData()
        self.live.fill(case.specialty)
        if self.live.choice.currentData() != before and self.isVisible():
            # In a slice of its own, after the new fields are drawn: together they stalled the preview.
            QTimer.singleShot(0, self, self._restart_camera)

    def check_again_when_shown(self) -> None:
        """The case's images whose verdict is of older checks (and any of another specialty's) checked again,
        as for a change of specialty, once its thumbnails are shown: decoded and checked meanwhile, they took
        Python's lock from the worker decoding them (tests/bench/test_wait_bench.py)."""
        case = self._case
        if case is None or not self._editable():
            return
        self._to_check = case
        if self.strip.loading():
            self._check_after_thumbnails = True
        else:
            self._check_timer.start()

    def checks_pending(self, case_id: str) -> bool:
        """Whether ``case_id``'s images are to be checked again or being checked: their verdicts may change."""
        case = self._case
        waiting = (
            case is not None and case.id == case_id and (self._check_after_thumbnails or self._check_timer.isActive())
        )
        return waiting or (self._checking is not None and self._checking[0] == case_id)

    def check_again_if_failed(self, case_id: str) -> bool:
        """Whether ``case_id``'s images are checked again now, their last checks having failed: sent now, it
        would leave judged by the older checks (``case send`` refuses it so). Failing again, it is said again."""
        if case_id not in self._checks_failed or self._case is None or self._case.id != case_id:
            return False
        self._checks_failed.discard(case_id)
        if not self._editable():
            return False
        self._to_check = self._case
        self._check_timer.start()
        return True

    def _stop_checks(self) -> None:
        if self._checks_stop is not None:
            self._checks_stop.set()
            self._checks_stop = None

    @Slot()
    def _check_again(self) -> None:
        """The images' checks made again for the case's new specialty (a skin photo's verdict in an eye case
        was a skin photo's), or by this release's checks (a verdict of older ones). The images are read by the
        writer thread (after the imports and labels asked before), checked on the thread pool, their findings
        written by the writer; their tiles follow. A newer change of specialty stops them at the next image,
        and nothing of them is written then."""
        case, self._to_check = self._to_check, None
        if case is None:
            return
        case_id, specialty = case.id, case.specialty
        self._stop_checks()
        stop = self._checks_stop = threading.Event()
        self._checking = (case_id, stop)
        self._checks_failed.discard(case_id)
        fail = self._fail_for(case_id)

        def over() -> None:
            if self._checking is not None and self._checking[1] is stop:
                self._checking = None

        def failed(message: str) -> None:
            over()
            self._checks_failed.add(case_id)
            fail(message)

        def read(images: list[tuple[CaseImage, bytes | None]] | None) -> None:
            if images and not stop.is_set():
                self.jobs.run(lambda _store: rechecks.checks_again(images, specialty, stop.is_set), checked, failed)
            else:
                over()

        def checked(done: list[rechecks.CheckedAgain] | None) -> None:
            if done and not stop.is_set():
                self.jobs.run(
                    lambda store: rechecks.store_checks(store, case_id, done, stop.is_set), stored, failed, write=True
                )
            else:
                over()

        def stored(written: tuple[list[CaseImage], set[str]] | None) -> None:
            over()
            # (Shown even when stopped since: what is written is what the tiles must say.)
            if written is None or self._case is None or self._case.id != case_id:
                return
            images, changed = written
            self._case.images[:] = self._with_unsaved_labels(images)  # the editor's Case object sees the same list
            if not self.isVisible():  # the page left, or the window closed (its store perhaps with it):
                return  # the findings are stored, and the case is read again when it is shown
            if self.strip.update_images(images, changed):
                self._update_checklist()
            else:
                self._show_images(self._case.images)  # an image came or went meanwhile: every tile
            selected = self.labels.image
            if selected is not None and selected.id in changed:  # its findings, as checked now
                self._on_selected(next((image for image in images if image.id == selected.id), None))
            self.images_changed.emit()

        self.jobs.run(lambda store: rechecks.to_check_again(store, case_id, specialty), read, failed, write=True)

    @Slot()
    def _restart_camera(self) -> None:
        if self._editable() and self.isVisible():
            self.live.stop()
            self.start_camera()

    def focus_item(self, field: str) -> None:
        """The keyboard goes where ``field`` (a checklist finding's) is fixed: an image's label, or the
        live preview (where Space and F8 take the missing photo)."""
        match = re.fullmatch(r"images\[(\d+)\]\.(\w+)", field)
        images = self._case.images if self._case else []
        if match and int(match.group(1)) < len(images):
            image = images[int(match.group(1))]
            self.select_image(image.id)
            labels = self.labels
            target = {
                "eye": labels.eye,
                "view": labels.view,
                "body_site": labels.body_site,
                "quality": labels.retake_button,
                "patient": labels.delete_button,  # another patient's image: removed, unless confirmed
                "captured_at": labels.delete_button,  # an earlier session's photo: the same
                "device": labels.delete_button,  # a demo camera's still in a real case: removed
            }.get(match.group(2), labels.view)
            self.right_column.ensureWidgetVisible(target)
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        self.preview.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def case(self) -> Case | None:
        return self._case

    def _editable(self) -> bool:
        return self._case is not None and self._case.state in EDITABLE_STATES

    def _reload(self, select: str | None = None) -> None:
        """Read the images back from the store; the editor's Case object sees the same list."""
        if self._case is None:
            return
        self._case.images[:] = self._with_unsaved_labels(list(self._store.images(self._case.id)))
        self._show_images(self._case.images, select=select)
        self.images_changed.emit()

    def _show_images(self, images: list[CaseImage], select: str | None = None) -> None:
        if self._editable():  # (found by looking: an image whose file is gone read « Bonne qualité » on its tile)
            images = self._store.files_gone_said(images)
        self.strip.show_images(images, select, self._other_patients(images), self._names_only(images))
        self._update_checklist()

    def _other_patients(self, images: list[CaseImage]) -> set[str]:
        """The images their device recorded for another patient than the case's as it is now: the
        checklist's comparison (app/validation.py), made again as the identity is typed."""
        patient = self._case.patient if self._case is not None else None
        return {image.id for image in images if patient is not None and recorded_for_another(image, patient)}

    def _names_only(self, images: list[CaseImage]) -> set[str]:
        """The images their device recorded under the case's names alone, as the identity is now
        (``app.validation.names_only_image``)."""
        patient = self._case.patient if self._case is not None else None
        return {image.id for image in images if patient is not None and names_only_image(image, patient)}

    def follow_identity(self) -> None:
        """The case's identity was edited: the tiles (and the selected image's findings) say again which
        images their device recorded for another patient, compared with the identity as typed. Nothing is
        read nor decoded again: a tile whose answer did not change is left as it is."""
        if self._case is None:
            return
        other, names = self._other_patients(self._case.images), self._names_only(self._case.images)
        selected = self.labels.image
        was = selected is not None and (
            selected.id in self.strip.other_patients(),
            selected.id in self.strip.names_only(),
        )
        self.strip.set_other_patients(other, names)
        if selected is not None and (selected.id in other, selected.id in names) != was:
            self.labels.show_image(selected, self._case.patient)

    def _names_only_words(self, image_id: str) -> str:
        """What to say of the image ``image_id`` just imported when its device wrote the case's names only,
        without a birth date, an INS nor the site's file number (``app.validation.names_only_image``); ""
        otherwise. Said to the nurse at the workstation: the device's identity is named."""
        image = next((image for image in self._case.images if image.id == image_id), None) if self._case else None
        if image is None or self._case is None or not names_only_image(image, self._case.patient):
            return ""
        assert image.device_patient is not None
        return self.tr(
            "⚠ Image {n} : l'appareil l'a enregistrée pour {who}, sans date de naissance ni INS à comparer avec "
            "ceux du dossier : le nom seul ne dit pas que c'est ce patient (une mère et sa fille peuvent porter les "
            "mêmes noms). Vérifiez sur l'appareil qu'elle est bien la sienne, sinon supprimez-la."
        ).format(n=self.strip.number(image_id), who=recorded_words(image.device_patient))

    def _site_filled_in(self, image: CaseImage | None) -> bool:
        """Whether ``image``'s site is the one a new photo is given from the photo before it (``_labels_for``)."""
        images = self._case.images if self._case is not None and image is not None else []
        index = next((i for i, other in enumerate(images) if image is not None and other.id == image.id), 0)
        return (
            index > 0 and image is not None and bool(image.body_site) and images[index - 1].body_site == image.body_site
        )

    def tile(self, image_id: str) -> ImageTile:
        return self.strip.tile(image_id)

    def tiles(self) -> list[ImageTile]:
        return self.strip.tiles()

    def select_image(self, image_id: str) -> None:
        self.strip.select(image_id)

    @Slot(object)
    def _on_selected(self, image: CaseImage | None) -> None:
        if self._line_follows:
            self._say_selected()
        self.labels.show_image(
            image, self._case.patient if self._case is not None else None, site_filled_in=self._site_filled_in(image)
        )
        # An image being turned is replaced by another when the turn is done: an edit of it meanwhile
        # would be lost (found in review), so its labels wait for the turned image.
        self.labels.setEnabled(image is not None and self._editable())
        self.labels.hold_edits(image is not None and image.id in self._turning)

    def _update_checklist(self) -> None:
        if self._case is None:
            self.checklist.clear()
        else:
            self.checklist.show_views(self._case)
            self._ask_eye()
        # « Autre spécialité » expects no view: its box, shown empty, looked as if its lines had failed to load.
        self._checklist_box.setVisible(self.checklist.count() > 0)

    def _ask_eye(self) -> None:
        """The eye the demo retinograph draws: a retaken photo's, as its label is kept for the new one (found in
        review: the right eye retaken once the left was asked for came as a left fundus labelled « œil droit »),
        else the one the case asks for next."""
        case = self._case
        if case is None:
            return
        retaken = next((image for image in case.images if image.id == self._retake_id), None)
        self.live.set_eye(retaken.eye if retaken is not None and retaken.eye else eye_asked(case))

    def refresh_views(self) -> None:
        """The case changed outside the panel (its single-eye reason): tick the expected views again."""
        self._update_checklist()

    # -- camera ------------------------------------------------------------------------------

    def start_camera(self) -> None:
        """Start the chosen camera's live preview (the demo camera when nothing else is there)."""
        if self._editable():
            self.live.start()

    def _start_live(self) -> None:
        """Start the preview once the case is on screen: while its thumbnails are decoded, starting the
        camera's threads (and the frames they make) would only delay them, and the case is what the
        user is waiting for."""
        if not self._editable() or self.camera.is_running():
            return
        if self.strip.loading():
            self._live_after_thumbnails = True
            self.live.starting()
            return
        self.start_camera()

    @Slot()
    def _thumbnails_shown(self) -> None:
        if self._check_after_thumbnails:
            self._check_after_thumbnails = False
            self._check_timer.start()
        if self._list_after_thumbnails:
            self._list_after_thumbnails = False
            self.live.list_again()
        if self._live_after_thumbnails:
            self._live_after_thumbnails = False
            if self.isVisible():
                self._start_live()

    def stop_camera(self) -> None:
        """Free the camera (the editor closes or the window locks)."""
        self.live.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._editable() and not self.camera.is_running():
            self._start_live()
        if self._editable():
            self._watch_device_folder()
            if self.labels_unsaved():
                self._labels_retry.start()

    def hideEvent(self, event: QHideEvent) -> None:
        # A hidden panel keeps no camera busy (and its light off), and watches no folder.
        self._live_after_thumbnails = False
        self.camera.stop()
        self._stop_watching()
        super().hideEvent(event)

    # -- stills ------------------------------------------------------------------------------

    @Slot()
    def capture_still(self) -> None:
        """Take a still at the camera's full resolution; it is checked and stored in the background.

        Unless it is to be anonymised first (a dialog, on this thread), the worker that waits for the
        still goes on with it: checks, thumbnail, storing, without a round trip through the window's
        thread, which is busy drawing the preview."""
        if not self._editable():
            return
        if self.anonymise_first.isChecked():
            take = self.camera.ask_still()
            asked = take is not None
            if take is not None and self._case is not None:
                self._still_to_anonymise(take, self._case.id)
        else:
            take = self.camera.ask_still()
            asked = take is not None
            if take is not None:
                self._keep_still(take)
        if not asked:
            self._say(self.tr("Aucune caméra n'est active : choisissez-en une, ou importez une image."))
            return
        self.preview.flash()
        self.cue.play()

    def _keep_still(self, take: Callable[[], np.ndarray | None], anonymise: AnonymiseChoice | None = None) -> None:
        """Store the still ``take`` gives (it may wait for it, on the worker), anonymised first if asked."""
        case = self._case
        assert case is not None
        replaces, self._retake_id = self._retake_id, None
        labels = self._labels_for(replaces)
        specialty, device = case.specialty, self.camera.device_name

        def job(store: Store) -> work.Kept | None:
            frame = take()
            if frame is None:
                return None
            return work.keep_still(
                store,
                case.id,
                frame,
                specialty=specialty,
                device=device,
                labels=labels,
                replaces=replaces,
                anonymise=anonymise,
            )

        def no_still() -> None:
            if self._case is case and self._retake_id is None:
                self._retake_id = replaces  # the retake still waits for its photo
            self._on_still_failed()

        self._run(job, self.tr("Analyse de la photo…"), nothing=no_still)

    def _still_to_anonymise(self, take: Callable[[], np.ndarray | None], case_id: str) -> None:
        """Wait for the still off this thread, then anonymise it here; each still knows its case (two
        quick presses, or a press in another case meanwhile, never swap them)."""

        def delivered(still: np.ndarray | None) -> None:
            if not isValid(self):
                return
            if still is not None:
                self._on_still(still, case_id)
            elif self._case is not None and self._case.id == case_id:
                self._on_still_failed()

        run_task(take, delivered)

    def _on_still(self, frame: np.ndarray, case_id: str) -> None:
        case = self._case
        if case is None or not self._editable():
            return
        if case_id != case.id:
            # Asked in another patient's case (the user opened this one meanwhile): never kept here, and
            # said in that case when it is shown again, not in this one.
            self._fail_for(case_id)(self.tr("Photo abandonnée : rien n'a été enregistré."))
            return
        if self.anonymise_first.isChecked() and not self.isVisible():
            # Taken just before the window locked (or the case was left): its anonymising dialog would
            # open above the lock screen, and the photo could be stored from there.
            self._say(self.tr("Photo abandonnée : rien n'a été enregistré."))
            return
        anonymise: AnonymiseChoice | None = None
        if self.anonymise_first.isChecked():
            from ui.camera_bridge import to_qimage

            height, width = frame.shape[:2]
            anonymise = self._ask_anonymisation(to_qimage(frame, DISPLAY_LONG_SIDE), QSize(width, height))
            if anonymise is None:
                self._say(self.tr("Photo abandonnée : rien n'a été enregistré."))
                return
        self._keep_still(lambda: frame, anonymise)

    def _ask_anonymisation(self, shown: QImage, full: QSize) -> AnonymiseChoice | None:
        """What to hide of a picture of size ``full`` (``shown``: its reduced copy); None when cancelled.
        The dialog is deleted once closed: parented to the panel, each one (and its picture) was kept
        for as long as the window stayed open."""
        dialog = AnonymiseDialog(shown, self, full_size=full)
        try:
            return dialog.choice() if dialog.exec() == AnonymiseDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    @Slot()
    def _on_still_failed(self) -> None:
        self._fail(self.tr("La caméra n'a pas donné d'image : vérifiez-la puis reprenez la photo."))

    def _labels_for(self, replaces: str | None) -> work.Labels:
        """A retake keeps the replaced image's labels; a new photo the site of the last one."""
        images = self._case.images if self._case else []
        for image in images:
            if image.id == replaces:
                return work.Labels.of(image)
        return work.Labels(body_site=images[-1].body_site if images else "")

    @Slot(str)
    def start_retake(self, image_id: str) -> None:
        """The next still replaces ``image_id`` (with its labels)."""
        self._retake_id = image_id
        self._ask_eye()
        number = self.strip.number(image_id)
        self._say(self.tr("Reprise de l'image {n} : prenez la nouvelle photo (Espace ou F8).").format(n=number))
        self.preview.setFocus()

    # -- imports -----------------------------------------------------------------------------

    @Slot()
    def choose_files(self) -> None:
        paths = open_images(
            self,
            self.tr("Importer des images"),
            self.tr("Images ({patterns});;Tous les fichiers (*)").format(patterns=IMAGE_PATTERNS),
        )
        if paths:
            # A photo of an earlier session picked by hand is imported (she chose it), and said as
            # « Dossier de l'appareil » says it.
            from ui.capture_folder import earlier_session_words

            self.import_files(paths, warning=earlier_session_words(paths))

    @Slot()
    def choose_from_device_folder(self) -> None:
        from ui.capture_folder import DeviceFolderDialog, held_in

        folder = self._device_folder()
        if folder is None:
            self._say(self._no_folder_words())
            return
        patient = self._case.patient if self._case is not None else None
        held = held_in(self._store, self._case) if self._case is not None else None
        dialog = DeviceFolderDialog(
            folder,
            self,
            ticked=set(self._new_in_folder),
            patient=patient,
            held=held,
            copied_before=self._copied_before,
            site_system=site_patient_system(self._store.settings),
            in_case=self._held_for_import(),
        )
        shown = list(self._new_in_folder)
        accepted = dialog.exec() == DeviceFolderDialog.DialogCode.Accepted
        if not dialog.property(CLOSED_BY_LOCK):
            # Seen in the list, they are no longer new; those that came while it was open still are. Closed by
            # the lock, she saw nothing: they stay ticked for the list opened again once unlocked (they were
            # forgotten as the list opened, and it came back with nothing marked).
            self._forget_new_files(shown)
        if accepted:
            self.import_files(dialog.chosen(), from_device_folder=True, as_listed=dialog.listed)
        elif dialog.property(CLOSED_BY_LOCK):
            # Closed by the window's lock as if cancelled: said once unlocked, as the file dialogs say it (the
            # nurse back at the desk believed the images she had ticked imported).
            say_after_the_lock(
                self,
                dialog.windowTitle(),
                self.tr(
                    "La fenêtre « Dossier de l'appareil » a été fermée par le verrouillage : aucune image n'a "
                    "été importée. Rouvrez « Dossier de l'appareil » et cochez de nouveau les images de ce patient."
                ),
            )

    def _no_folder_words(self) -> str:
        return self.tr(
            "Aucun dossier d'appareil n'est réglé : indiquez le dossier où le rétinographe ou "
            "l'appareil dépose ses images dans Édition > Réglages…, onglet Prise de vue, « Dossier surveillé »."
        )

    def settings_saved(self) -> None:
        """The settings were saved while this case is open: a device folder set or changed there is
        watched from now on (it was only once the case was opened again, and what the device dropped
        meanwhile was never announced), and the line that said none was set goes."""
        folder = self._device_folder()
        if folder != self._watched_folder:
            self._stop_watching()
            self._forget_new_files()
            self._copied_before.clear()
            if self._editable() and self.isVisible():
                self._watch_device_folder()
        if folder is not None and self.status.text() == self._no_folder_words():
            self.status.clear()

    def _device_folder(self) -> pathlib.Path | None:
        folder = str(self._store.settings.get("watch.folder") or "")
        return pathlib.Path(folder) if folder else None

    def _watch_device_folder(self) -> None:
        """Say when the retinograph or camera drops a new image, while this case is open."""
        folder = self._device_folder()
        if folder is None or (self._folder_monitor is not None and self._folder_monitor.watching()):
            return
        self._folder_out = False
        if self._folder_monitor is None:
            from ui.capture_folder import DeviceFolderMonitor

            self._folder_monitor = DeviceFolderMonitor(self)
            self._folder_monitor.arrived.connect(self._on_new_in_folder)
            self._folder_monitor.held_back.connect(self._copied_before.add)
            self._folder_monitor.reachable.connect(self._on_folder_reachable)
        self._folder_monitor.watch(folder)
        self._watched_folder = folder

    def _stop_watching(self) -> None:
        self._watched_folder = None
        if self._folder_monitor is not None:
            self._folder_monitor.stop()

    @Slot(object)
    def _on_new_in_folder(self, path: pathlib.Path) -> None:
        if not self._editable():
            return
        self._new_in_folder.append(path)
        # The button keeps its words (no room for more at 150 %) and turns amber; the line below says
        # what came.
        self.folder_button.setStyleSheet(_WAITING_STYLE)
        self.folder_button.setToolTip(self._new_files_words())
        self._say(
            self.tr(
                "Nouvelle image reçue de l'appareil : « {name} ». Cliquez sur « Dossier de "
                "l'appareil » pour l'ajouter à ce patient."
            ).format(name=path.name)
        )

    @Slot(bool)
    def _on_folder_reachable(self, reachable: bool) -> None:
        """Said when the device folder can no longer be read, and when it can again: what came meanwhile
        is not announced (it may be another patient's), it is in the folder's list to pick from."""
        was_out, self._folder_out = self._folder_out, not reachable
        if not self._editable():
            return
        if not reachable:
            self._say(
                self.tr(
                    "Le dossier de l'appareil est inaccessible (appareil, clé USB ou partage réseau débranché) : "
                    "les nouvelles images ne peuvent pas être annoncées."
                ),
                error=True,
            )
        elif was_out:
            self._say(
                self.tr(
                    "Dossier de l'appareil de nouveau accessible. Les images arrivées entre-temps ne sont pas "
                    "annoncées : ouvrez « Dossier de l'appareil » pour choisir celles de ce patient."
                )
            )

    def _new_files_words(self) -> str:
        count = len(self._new_in_folder)
        return self.tr("%n nouvelle(s) image(s) reçue(s) de l'appareil depuis l'ouverture de ce dossier", "", count)

    def _forget_new_files(self, shown: list[pathlib.Path] | None = None) -> None:
        """No image is new any more (``shown``: only these, seen in the list)."""
        self._new_in_folder = [path for path in self._new_in_folder if shown is not None and path not in shown]
        if self._new_in_folder:  # came while the list was open: still new, counted again
            self.folder_button.setToolTip(self._new_files_words())
            return
        self.folder_button.setStyleSheet("")
        self.folder_button.setToolTip("")

    def import_files(
        self,
        paths: list[pathlib.Path],
        *,
        from_device_folder: bool = False,
        as_listed: dict[pathlib.Path, Seen] | None = None,
        warning: str = "",
    ) -> None:
        """Import each file in the background; a refused file is reported and the others go on.
        ``warning``: said once they are all done (in place of their count), if it is still this case.

        Files from the device folder are removed once stored if the user chose so in the settings.
        ``as_listed``: each file's size and time as the device folder's list showed them; one changed
        since is refused.
        """
        case = self._case
        if case is None or not self._editable():
            return
        held = self._held_for_import() or 0  # (the case is shown)
        if held + len(paths) > MAX_IMAGES:
            # A whole folder chosen (Ctrl+A on a card of 200 photos): each one was imported, for minutes,
            # then the checklist asked to remove all but 8, one at a time. Counted with the images the case
            # holds already (6 there and 3 chosen were all stored, one to remove): none is imported, and
            # the line says how many still fit. Not the first ones only: the dialog's order is not hers.
            self._say(self._too_many_words(len(paths), held), error=True)
            return
        remove = from_device_folder and bool(self._store.settings.get("watch.delete_originals"))
        # Prepared in parallel, numbered in the order chosen (the dialog's, the device folder list's).
        in_turn = work.InTurn()
        left, stored = [len(paths)], [0]
        self._arriving[case.id] = held + len(paths) - len(case.images)
        unconfirmed: dict[int, str] = {}  # each file stored whose device wrote the case's names only: what it says

        def one_done(index: int, image_id: str | None) -> None:
            # Several files: their sentences are not said one after the other (the last one's stayed
            # beside another selected tile); a refusal stays said; the count is said at the end.
            in_turn.release(index)  # (a job that never began never took its turn: the next files go on)
            left[0] -= 1
            arriving = self._arriving.get(case.id, 1) - 1
            if arriving > 0:
                self._arriving[case.id] = arriving
            else:
                self._arriving.pop(case.id, None)
            stored[0] += image_id is not None
            if image_id is not None and self._case is not None and self._case.id == case.id:
                said = self._names_only_words(image_id)
                if said:
                    unconfirmed[index] = said
            if left[0] or self._case is None or self._case.id != case.id:
                return
            # Identity vigilance before the count: an image the device gave her names only for is no
            # match (« Dossier de l'appareil » holds it unticked); the nurse checks it on the device.
            names = " ".join(unconfirmed[i] for i in sorted(unconfirmed))
            if warning and 0 < stored[0] < len(paths):  # a refusal said stays said, the warning after it
                self._say(" ".join(filter(None, (self.status.text(), warning, names))), error=True)
            elif warning and stored[0]:
                self._say(" ".join(filter(None, (warning, names))), urgent=True)
            elif stored[0] == len(paths) and len(paths) > 1:
                said = self.tr("{n} images importées.").format(n=stored[0])
                self._say(" ".join(filter(None, (said, names))), urgent=bool(names))
                self._line_follows = not names
            elif names:  # one file (its tile's sentence just said), or some refused (their refusal said)
                self._say(f"{self.status.text()} {names}".strip(), error=stored[0] < len(paths), urgent=True)
                self._line_follows = False

        for index, path in enumerate(paths):
            labels = self._labels_for(None)

            def job(store: Store, p: pathlib.Path = path, lb: work.Labels = labels, i: int = index) -> work.Kept:
                with in_turn.turn(i) as wait_turn:
                    return work.import_file(
                        store,
                        case.id,
                        p,
                        specialty=case.specialty,
                        patient=case.patient,
                        labels=lb,
                        remove_after=remove,
                        before_storing=wait_turn,
                        follow_links=not from_device_folder,  # a link left there is not the device's
                        as_listed=(as_listed or {}).get(p),
                    )

            self._run(
                job,
                self.tr("Import de « {name} »…").format(name=path.name),
                then=functools.partial(one_done, index),
                quiet=len(paths) > 1,
            )

    def _held_for_import(self) -> int | None:
        """The images the case shown holds, with the files chosen for it still on their way."""
        case = self._case
        if case is None:
            return None
        if not self.jobs.pending():
            self._arriving.clear()  # (none can be on its way: never a count left behind)
        return len(case.images) + self._arriving.get(case.id, 0)

    def _too_many_words(self, chosen: int, held: int) -> str:
        """Why ``chosen`` files are not imported into a case holding (or receiving) ``held`` images."""
        if held == 0:
            return self.tr(
                "{n} fichiers choisis : un dossier contient {max} images au plus. Aucun n'est importé ; ce "
                "qui est déjà dans le dossier est gardé. Choisissez les photos de ce patient, {max} au plus."
            ).format(n=chosen, max=MAX_IMAGES)
        if held >= MAX_IMAGES:
            return self.tr(
                "{n} fichiers choisis : un dossier contient {max} images au plus, celui-ci en a déjà {held}. "
                "Aucun n'est importé ; ce qui est déjà dans le dossier est gardé. Pour en ajouter, supprimez "
                "d'abord une image."
            ).format(n=chosen, held=held, max=MAX_IMAGES)
        return self.tr(
            "{n} fichiers choisis : un dossier contient {max} images au plus, celui-ci en a déjà {held}. Aucun "
            "n'est importé ; ce qui est déjà dans le dossier est gardé. Choisissez-en {room} au plus."
        ).format(n=chosen, held=held, max=MAX_IMAGES, room=MAX_IMAGES - held)

    # -- labels, delete, anonymise -----------------------------------------------------------

    @Slot(object)
    def _save_labels(self, edited: CaseImage) -> None:
        """One image's labels, saved alone (the case's content is the editor's to save)."""
        case = self._case
        if case is None:
            return
        for image in case.images:  # the editor's Case object sees the same labels, at once
            if image.id == edited.id:
                image.body_site, image.eye, image.view, image.note, image.owner_checked = (
                    edited.body_site,
                    edited.eye,
                    edited.view,
                    edited.note,
                    edited.owner_checked,
                )
        if self.strip.number(edited.id):
            self.strip.tile(edited.id).set_caption(edited)
            if self._line_follows and self.strip.current == edited.id:
                self._say_selected()  # « Image de bonne qualité. » or the eye to check, as the tile now says
        self._update_checklist()

        self._labels_retry.stop()  # this save is the try: planned again only if it is refused too

        def saved(_none: None) -> None:
            # (the writer takes them in turn: any refused before this one is older, and this one holds it)
            unsaved = self._unsaved_labels.get(case.id)
            if unsaved is not None:
                unsaved.pop(edited.id, None)
            if unsaved is not None and not unsaved:  # the last refused now written: said so
                del self._unsaved_labels[case.id]
                if self._case is case:
                    self._labels_retry.stop()
                    self.labels_saved.emit()
            elif unsaved and self._case is case and self.isVisible() and not self._labels_retry.isActive():
                self._labels_retry.start()  # another image's, refused before this one was written: still tried
            self.images_changed.emit()

        refusal: list[TeleavisError] = []

        def write(store: Store) -> None:
            try:
                store.update_image_labels(case.id, edited)
            except TeleavisError as exc:
                refusal.append(exc)  # (told apart below: only the disk's refusal is tried again)
                raise

        def refused(message: str) -> None:
            if refusal and not isinstance(refusal[0], StorageError):
                # Refused for good (the case sent or changed beside the window, the image gone): never tried
                # again, nor kept on its tile as if hers were still to be saved (found in review: a case sent
                # from a terminal showed, once followed as sent, the site she had typed); read back as stored.
                unsaved = self._unsaved_labels.get(case.id)
                if unsaved is not None:
                    unsaved.pop(edited.id, None)
                    if not unsaved:
                        del self._unsaved_labels[case.id]
                if self._case is not case:
                    self._fail_for(case.id)(message)
                    return
                self._fail(message)
                if self.isVisible():  # (the window closed, its store perhaps with it: read when shown again)
                    self._reload()  # back to what is stored
                return
            # Kept on screen, not read back from the store (what she had just typed vanished: lost), said
            # « Non enregistré » as the case's fields are, and tried again by itself while the case is shown.
            self._unsaved_labels.setdefault(case.id, {})[edited.id] = edited
            if self._case is not case:
                self._fail_for(case.id)(message)  # the labels of a case left: said when it is back
                return
            self._fail(message)
            self.labels_save_failed.emit(message)
            if self.isVisible():  # not once the case is left for the list or the lock (tried when shown)
                self._labels_retry.start()

        # Stored by the writer thread; the case page reads the images back once it is done.
        self.jobs.run(write, saved, refused, write=True)

    def _with_unsaved_labels(self, images: list[CaseImage]) -> list[CaseImage]:
        """``images`` as read from the store, with the labels a save refused as she typed them; each is tried
        again when the panel is shown."""
        unsaved = self._unsaved_labels.get(self._case.id, {}) if self._case is not None else {}
        for gone in set(unsaved) - {image.id for image in images}:
            del unsaved[gone]  # (the image deleted: nothing of it to save)
        for image in images:
            typed = unsaved.get(image.id)
            if typed is not None:
                image.body_site, image.eye, image.view, image.note, image.owner_checked = (
                    typed.body_site,
                    typed.eye,
                    typed.view,
                    typed.note,
                    typed.owner_checked,
                )
        if unsaved and self.isVisible():
            self._labels_retry.start()
        return images

    def labels_retrying(self) -> bool:
        """Whether labels a save refused are to be saved again by themselves."""
        return self._labels_retry.isActive()

    def labels_unsaved(self) -> bool:
        """Whether the case shown has labels a save refused, not saved since."""
        return self._case is not None and bool(self._unsaved_labels.get(self._case.id))

    def unsaved_labels(self) -> list[CaseImage]:
        """Copies of the case shown's images whose labels a save refused, as she typed them: written with the
        case when it is sent (ui/case_page.py), before its next try has come."""
        case = self._case
        if case is None:
            return []
        unsaved = self._unsaved_labels.get(case.id, {})
        return [dataclasses.replace(image) for image in case.images if image.id in unsaved]

    def labels_written(self, case_id: str, image_ids: list[str]) -> None:
        """The labels of ``image_ids`` a save had refused, written since (with the case sent)."""
        unsaved = self._unsaved_labels.get(case_id)
        if unsaved is None:
            return
        for image_id in image_ids:
            unsaved.pop(image_id, None)
        if not unsaved:
            del self._unsaved_labels[case_id]
            if self._case is not None and self._case.id == case_id:
                self._labels_retry.stop()

    @Slot()
    def save_unsaved_labels(self) -> None:
        """The labels of the case shown a save refused, saved again (the try again, the case left)."""
        case = self._case
        if case is None or not self._editable():
            return
        unsaved = self._unsaved_labels.get(case.id, {})
        for image in list(case.images):
            if image.id in unsaved:
                self._save_labels(dataclasses.replace(image))

    def _retry_labels(self) -> None:
        if self.isVisible():  # the case still on screen: left, they are tried when it is shown again
            self.save_unsaved_labels()

    @Slot(str)
    def delete_image(self, image_id: str) -> None:
        """Delete an image of the case, after asking."""
        number = self.strip.number(image_id)
        if self._case is None or not self._editable() or not number:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Supprimer l'image"),
            self.tr("Supprimer définitivement l'image {n} de ce dossier ?").format(n=number),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        case_id = self._case.id

        def deleted(_none: None) -> None:
            if self._case is None or self._case.id != case_id:
                return
            self.strip.forget(image_id)
            if self._retake_id == image_id:
                self._retake_id = None
            self._reload()
            self._say(self.tr("Image {n} supprimée.").format(n=number))

        self.jobs.run(lambda store: store.delete_image(case_id, image_id), deleted, self._fail_for(case_id), write=True)

    @Slot(str)
    def anonymise_image(self, image_id: str) -> None:
        """Hide regions of a stored image in a copy; the original is removed unless kept. The photo is
        read, decrypted and decoded on a worker, and the dialog opens once it is: a 12 MP photo held the
        window's thread (and the camera's preview) a fifth of a second."""
        case = self._case
        if case is None or not self._editable() or not self.strip.number(image_id) or self._opening_anonymise:
            return
        image = self.strip.tile(image_id).image
        case_id = case.id

        def decoded(store: Store) -> tuple[np.ndarray, np.ndarray] | None:
            from capture import decode

            pixels = decode.rgb(store.image_bytes(image))
            return None if pixels is None else (pixels, decode.within(pixels, DISPLAY_LONG_SIDE))

        def ready(result: tuple[np.ndarray, np.ndarray] | None) -> None:
            self._opening_anonymise = False
            if self._case is None or self._case.id != case_id or not self._editable():
                return  # another case was opened meanwhile: nothing opens over it
            if not self.isVisible() or not self.strip.number(image_id):
                self._say("")  # the window locked, or the image was deleted meanwhile
                return
            if result is None:
                self._say(
                    self.tr(
                        "Cette image (DICOM) ne peut pas être anonymisée ici : anonymisez-la sur l'appareil ou "
                        "reprenez-la."
                    )
                )
                return
            self._say("")
            pixels, shown = result
            height, width = pixels.shape[:2]
            choice = self._ask_anonymisation(rgb_to_qimage(shown), QSize(width, height))
            if choice is not None:
                self.apply_anonymisation(image_id, choice, pixels)

        def failed(message: str) -> None:
            self._opening_anonymise = False
            self._fail_for(case_id)(message)

        self._opening_anonymise = True
        self._say(self.tr("Ouverture de l'image…"))
        self.jobs.run(decoded, ready, failed)

    def apply_anonymisation(self, image_id: str, choice: AnonymiseChoice, rgb: np.ndarray) -> None:
        """Store the anonymised copy of ``image_id`` (its full RGB pixels, ``rgb``) in the background."""
        case = self._case
        assert case is not None
        image = self.strip.tile(image_id).image
        self._run(
            lambda store: work.anonymise_copy(store, case.id, image, rgb, specialty=case.specialty, choice=choice),
            self.tr("Anonymisation…"),
        )

    @Slot(str, int)
    def rotate_image(self, image_id: str, quarter_turns: int) -> None:
        """Turn a stored photo a quarter to the left (1) or right (-1): the turned image replaces it, with
        its labels, and is uploaded again if the platform had the old one (a case back for correction)."""
        case = self._case
        if case is None or not self.strip.number(image_id):
            return
        if not self._editable():
            self._say(self.tr("Cette demande n'est plus modifiable : les images ne peuvent plus changer."), error=True)
            return
        if self.strip.tile(image_id).image.content_type == "application/dicom":
            self._say(
                self.tr(
                    "Cette image (DICOM) ne peut pas être pivotée ici : pivotez-la sur l'appareil "
                    "et importez-la à nouveau, ou reprenez-la."
                ),
                error=True,
            )
            return
        if image_id in self._turning:
            # Clicked again before the turned photo is back: that turn is added to it once it is.
            self._turning[image_id] += quarter_turns
            return
        if self._retake_id == image_id:
            self._retake_id = None  # the turned photo is another image: the retake is asked again on it
        self._turning[image_id] = 0
        if self.labels.image is not None and self.labels.image.id == image_id:
            self.labels.hold_edits(True)

        def then(turned_id: str | None) -> None:
            more = self._turning.pop(image_id, 0) % 4
            if turned_id is not None and more:
                self.rotate_image(turned_id, more)
            shown = self.labels.image
            self.labels.hold_edits(shown is not None and shown.id in self._turning)

        # On the writer thread: after the labels just edited are saved, whose words the turned image keeps.
        self._run(
            lambda store: work.turn(store, case.id, image_id, quarter_turns=quarter_turns, specialty=case.specialty),
            self.tr("Rotation de l'image…"),
            write=True,
            then=then,
        )

    # -- background work ---------------------------------------------------------------------

    def _run(
        self,
        job: Callable[[Store], work.Kept | None],
        message: str,
        nothing: Callable[[], None] | None = None,
        *,
        write: bool = False,
        then: Callable[[str | None], None] | None = None,
        quiet: bool = False,
    ) -> None:
        """``job`` stores an image off the main thread; its tile then shows at once, its thumbnail
        already decoded and the case's images already read by the same worker. ``nothing`` is called
        when the job had nothing to store (the camera gave no still). ``write``: on the writer thread,
        after the writes asked before it (an image's labels). ``then``: told the stored image's id once
        it is shown (None when the job failed or the case was left). ``quiet``: the stored image's sentence
        is not said (one of several files: ``then`` says what they came to)."""
        if self._case is None:
            return
        case_id = self._case.id
        self._say(message)

        def done(shown: work.Shown | None) -> None:
            if self._case is None or self._case.id != case_id:
                if then is not None:
                    then(None)
                return  # stored in its own case (the tile shows when it is opened); nothing to say here
            if shown is None:
                if nothing is not None:
                    nothing()
                return
            self._case.images[:] = self._with_unsaved_labels(shown.images)  # the editor's Case object sees it too
            self.strip.add_thumbnail(shown.image_id, shown.thumbnail)
            self._show_images(self._case.images, select=shown.image_id)
            self.images_changed.emit()
            if not quiet:
                self._say_selected()
            if then is not None:
                then(shown.image_id)

        fail = self._fail_for(case_id)

        def failed(message: str) -> None:
            fail(message)
            if then is not None:
                then(None)

        def stored(store: Store) -> work.Shown | None:
            kept = job(store)
            return None if kept is None else work.shown_after(store, case_id, kept)

        self.jobs.run(stored, done, failed, write=write)

    def _fail_for(self, case_id: str) -> Callable[[str], None]:
        """A failure of work started for ``case_id``: said now if it is shown, else when it is again."""

        def fail(message: str) -> None:
            if self._case is not None and self._case.id == case_id:
                self._fail(message)
            else:
                self._said_later[case_id] = message  # (_fail words an empty one when it is said)

        return fail

    @Slot(str)
    def _fail(self, message: str) -> None:
        self._say(
            message or self.tr("Une erreur inattendue est survenue ; elle a été notée dans le journal."), error=True
        )

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _say(self, text: str, *, error: bool = False, urgent: bool = False) -> None:
        """The line under the camera, said to a screen reader too (at once for an error, or ``urgent``)."""
        self._line_follows = False
        red = readable("#c62828", self.status.palette().color(QPalette.ColorRole.Window)).name()
        self.status.setStyleSheet(f"color: {red}; font-weight: bold;" if error else "")
        if text != self.status.text():
            announce(self.status, text, urgent=error or urgent)
        self.status.setText(text)

    def _say_selected(self) -> None:
        """The selected image's tile sentence (« Image de bonne qualité. », « … floue »), and the line
        follows the selection from then on; an unusable image's is said to a screen reader at once."""
        current = self.strip.current
        tile = self.strip.tile(current) if current else None
        self._say(tile.said() if tile else "", urgent=tile is not None and tile.level == "blocking")
        self._line_follows = True

    def closeEvent(self, event: Any) -> None:
        self.stop_camera()
        self._stop_watching()
        self.jobs.wait()
        super().closeEvent(event)
