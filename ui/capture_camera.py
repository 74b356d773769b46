"""The live camera part of the capture panel: chooser, unplugged banner, preview."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.settings import is_training
from app.store import Store
from capture.camera import FrameSource
from ui.camera_bridge import DEMO_ID, CameraBridge, CameraChoice, available_cameras, open_source, plugged_cameras
from ui.capture_preview import CapturePreview
from ui.choice_box import WheelOnceClicked
from ui.tasks import on_own_connection, run_task, run_write

if TYPE_CHECKING:
    from capture.demo import DemoCamera

log = logging.getLogger(__name__)

#: While no camera is found (outside training), the system is asked again this often: the camera plugged
#: back in starts by itself, as the unplugged banner promises.
LOOK_AGAIN_MS = 2_000


class LiveCamera(QWidget):
    """Chooses a camera (kept in the settings), shows it live, says clearly when it is unplugged."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.bridge = CameraBridge(self)
        self.choice = QComboBox()
        self.choice.setAccessibleName(self.tr("Caméra"))
        # The wheel passing over it changed the camera (and the live picture) unseen: it turns only once clicked.
        WheelOnceClicked(self.choice)
        label = QLabel(self.tr("Ca&méra :"))  # Alt+C is the field's (« &Champ »)
        label.setBuddy(self.choice)
        self.banner = QLabel(self.tr("Caméra débranchée — rebranchez-la : la reprise est automatique"))
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #c62828; color: white; padding: 8px; font-weight: bold;")
        self.banner.setVisible(False)
        self.preview = CapturePreview()
        self._specialty = ""
        #: The eye the case asks for next: what the demo retinograph draws (``set_eye``).
        self._eye = "right"
        self._demo: DemoCamera | None = None  # the demo camera opened last, if it is the one shown
        self._plugged: list[CameraChoice] | None = None  # as last listed
        self._listing = False
        self._looking = QTimer(self)  # no camera found: asked again until one is plugged in
        self._looking.setInterval(LOOK_AGAIN_MS)
        self._looking.timeout.connect(self._look_again)

        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.choice, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.banner)
        layout.addWidget(self.preview, 1)
        self.setTabOrder(self.choice, self.preview)

        self.bridge.frame_ready.connect(self.preview.show_frame)
        self.preview.resized.connect(self.bridge.show_at)  # the camera's thread makes frames at its size
        self.bridge.camera_lost.connect(self._lost)
        self.bridge.camera_back.connect(self._back)
        self.choice.activated.connect(self._chosen)

    def _training(self) -> bool:
        return is_training(self._store.settings.get)

    def fill(self, specialty: str, *, list_again: bool = True) -> None:
        """List the cameras for ``specialty`` (the demo draws skin or a fundus), the saved one chosen.

        The plugged cameras are listed once here; after that, the list shown at once is the last one,
        and the system is asked again on a worker thread (a camera plugged in meanwhile is added as soon
        as it answers): listing them took a tenth of the window's work to open a case, more on Windows.
        Not ``list_again``: the caller asks it later (:meth:`list_again`)."""
        self._specialty = specialty
        if self._plugged is None:
            self._plugged = plugged_cameras()
        elif list_again:
            self.list_again()
        self._show_choices()

    def _show_choices(self, running: CameraChoice | None = None) -> None:
        """The cameras listed, the saved one chosen (else the first).

        With the ``running`` camera (a listing made while it previews): a real camera stays listed and
        chosen unless the saved one is back. Missing from one listing (a USB hub's reset, an enumeration
        that failed), it is not replaced by another camera, nor by the demo camera, under a patient's
        case; its own banner says when it is unplugged. The demo camera gives way to any camera found."""
        wanted = self._store.settings.get("camera.id")
        training = self._training()
        cameras = available_cameras(self._specialty, self._plugged or [], training=training)
        listed = {camera.id for camera in cameras}
        if running is not None and not running.id.startswith(DEMO_ID):
            if running.id not in listed:
                others = [camera for camera in cameras if training or not camera.id.startswith(DEMO_ID)]
                cameras = [running, *others]
            if wanted not in listed:
                wanted = running.id
        shown = [(self.choice.itemText(i), self.choice.itemData(i)) for i in range(self.choice.count())]
        if shown != [(camera.name, camera.id) for camera in cameras]:
            # (The same cameras are not listed again: at each case opened, the list was laid out anew.)
            self.choice.clear()
            for camera in cameras:
                self.choice.addItem(camera.name, camera.id)
        index = self.choice.findData(wanted)
        self.choice.setCurrentIndex(index if index >= 0 else 0)

    def list_again(self) -> None:
        """Ask the system for the plugged cameras on a worker; a camera plugged in meanwhile comes."""
        if self._listing:
            return
        self._listing = True

        def listed(found: list[CameraChoice]) -> None:
            if not isValid(self):  # the window closed meanwhile
                return
            self._listing = False
            if found == self._plugged:
                return
            self._plugged = found
            running = (
                CameraChoice(str(self.choice.currentData()), self.choice.currentText())
                if self.bridge.is_running() and self.choice.currentData()
                else None
            )
            self._show_choices(running)
            if running is not None and self.choice.currentData() != running.id:
                self.start()  # the saved camera is back, or a camera came where the demo was previewing
            elif running is None and self._looking.isActive() and self.isVisible() and self.choice.currentData():
                self.start()  # a camera plugged in where none was found

        def failed(exc: BaseException) -> None:
            if isValid(self):
                self._listing = False
            log.warning("the cameras could not be listed again: %s", type(exc).__name__)

        run_task(plugged_cameras, listed, failed)

    def start(self) -> None:
        """Start the chosen camera's live preview."""
        choice_id = self.choice.currentData()
        if choice_id and str(choice_id).startswith(DEMO_ID) and not self._training():
            # (Never listed outside training; a demo camera remembered or chosen there is not started.)
            choice_id = None
        if not choice_id:
            self.bridge.stop()
            self.banner.setVisible(False)
            self.preview.clear(self.no_camera())
            self._looking.start()
            return
        self._looking.stop()
        resolution = str(self._store.settings.get("camera.resolution") or "")
        self.starting()
        self.bridge.start(lambda: self._opened(open_source(choice_id, resolution)), self.choice.currentText())

    def _opened(self, source: FrameSource) -> FrameSource:
        """``source``, made on the camera's thread: a demo retinograph draws the eye asked for."""
        from capture.demo import DemoCamera

        if isinstance(source, DemoCamera):
            source.eye = self._eye
            self._demo = source
        return source

    def set_eye(self, eye: str) -> None:
        """The eye the case asks for next (``right`` or ``left``): the demo retinograph draws it from its next
        frame on (found from outside: it drew a right eye only, and every training left eye said « œil à
        vérifier »). A real camera shows what it sees."""
        self._eye = eye
        if self._demo is not None:
            self._demo.eye = eye

    def no_camera(self) -> str:
        """What the preview says when no camera is found (never the demo camera's drawings, outside training)."""
        return self.tr(
            "Aucune caméra trouvée. Branchez la caméra sur l'ordinateur : elle démarre dès qu'elle est "
            "reconnue. Sans caméra, importez les images avec « Importer un fichier… » ou « Dossier de "
            "l'appareil… »."
        )

    def starting(self) -> None:
        """Say that the preview is about to start."""
        self.banner.setVisible(False)
        self.preview.clear(self.tr("Démarrage de la caméra…"))

    def stop(self, message: str = "") -> None:
        self._looking.stop()
        self.bridge.stop()
        self.banner.setVisible(False)
        self.preview.clear(message or self.tr("Caméra arrêtée."))

    @Slot(int)
    def _chosen(self, index: int) -> None:
        choice_id = self.choice.itemData(index)
        if not choice_id:
            return
        if not str(choice_id).startswith(DEMO_ID):  # remembered for next time, by the writer thread
            run_write(
                on_own_connection(self._store, lambda own: own.settings.set("camera.id", choice_id)),
                error=lambda exc: log.warning("the chosen camera was not remembered: %s", type(exc).__name__),
            )
        self.start()

    @Slot(str)
    def _lost(self, reason: str) -> None:
        self.banner.setToolTip(reason)
        self.banner.setVisible(True)

    @Slot()
    def _look_again(self) -> None:
        if self.isVisible() and not self.bridge.is_running():
            self.list_again()
        else:  # hidden (its camera stopped with it: started again when shown) or a camera started meanwhile
            self._looking.stop()

    @Slot()
    def _back(self) -> None:
        self.banner.setVisible(False)
