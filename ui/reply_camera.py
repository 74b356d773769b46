"""The camera for a reply to the expert: its live preview, « Prendre la photo », « Terminer ».

Found at the telemedicine cart: the expert asked for « une vue rapprochée avec une règle » while the patient
was still in the room, and the reply offered only a file dialog; the cart's camera, which took the case's
photos, could not take this one. Each still taken here is handed to the reply (:attr:`ReplyCamera.taken`),
which checks it and joins it as it does an imported photo; the dialog stays open for the next one and says
how many were taken. Closed (« Terminer », Escape), it frees the camera.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.store import Store
from ui.capture_camera import LiveCamera


class ReplyCamera(QDialog):
    """The live camera for the reply begun; each still goes out by :attr:`taken`."""

    #: What waits for the still (to be called on a worker: it blocks until the camera gives it), and the
    #: camera's name (the device recorded with the photo).
    taken = Signal(object, str)

    def __init__(self, store: Store, specialty: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Photo pour l'expert"))
        self.camera = LiveCamera(store)
        self.camera.fill(specialty)
        self.shoot = QPushButton(self.tr("Prendre la photo (Espace)"))
        self.shoot.setAutoDefault(False)
        self.shoot.clicked.connect(self.take)
        self.finish = QPushButton(self.tr("Terminer"))
        self.finish.setAutoDefault(False)
        self.finish.clicked.connect(self.close)
        self.said = QLabel(self.tr("Cadrez la zone demandée par l'expert, puis prenez la photo."))
        self.said.setWordWrap(True)
        self.count = 0
        buttons = QHBoxLayout()
        buttons.addWidget(self.shoot, 1)
        buttons.addWidget(self.finish)
        layout = QVBoxLayout(self)
        layout.addWidget(self.camera, 1)
        layout.addWidget(self.said)
        layout.addLayout(buttons)
        self.camera.preview.capture_requested.connect(self.take)
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, self.take)
        self.resize(720, 560)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.camera.bridge.is_running():
            self.camera.start()
        self.camera.preview.setFocus()

    def take(self) -> None:
        """Ask the camera for a still; the reply joins it."""
        take: Callable[[], np.ndarray | None] | None = self.camera.bridge.ask_still()
        if take is None:
            self.said.setText(
                self.tr("Aucune caméra n'est active : choisissez-en une, ou fermez et importez une image.")
            )
            return
        self.camera.preview.flash()
        # Said joined once checked and written (:meth:`checked`): a photo its check refuses is said here.
        self.said.setText(self.tr("Photo prise : vérification…"))
        self.taken.emit(take, self.camera.bridge.device_name)

    def checked(self, joined: int, refused: list[str]) -> None:
        """What became of a still: ``joined`` to the reply, or ``refused`` (why, each): said here, the patient
        still in the room, to take it again now (found in review: « elle rejoint votre réponse » was said of a
        photo too dark to go, seen only once « Terminer » showed the reply)."""
        self.count += joined
        if refused:
            self.said.setText("\n".join([*refused, self.tr("Reprenez la photo, ou « Terminer ».")]))
            return
        self.said.setText(
            self.tr(
                "%n photo(s) prise(s) : elle(s) rejoigne(nt) votre réponse, sous le texte. "
                "Reprenez-en une, ou « Terminer ».",
                "",
                self.count,
            )
        )

    def hideEvent(self, event: QHideEvent) -> None:
        # Closed by « Terminer », Escape or the window's cross: the camera is freed for the case's panel.
        self.camera.stop()
        super().hideEvent(event)
