"""The lock: after the idle delay (setting ``lock.minutes``) patient data hides behind the lock
screen until the PIN or the session passphrase is typed."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.store import Store

PIN_SETTING = "state.lock_pin"
_PIN_ROUNDS = 200_000


@functools.cache
def _input_events() -> frozenset[QEvent.Type]:
    return frozenset((QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                      QEvent.Type.Wheel, QEvent.Type.TouchBegin))


def hash_pin(pin: str, salt: bytes | None = None) -> dict[str, Any]:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, _PIN_ROUNDS)
    return {"salt": salt.hex(), "hash": digest.hex(), "rounds": _PIN_ROUNDS}


def pin_matches(stored: dict[str, Any], pin: str) -> bool:
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), bytes.fromhex(stored["salt"]),
                                 int(stored.get("rounds", _PIN_ROUNDS)))
    return hmac.compare_digest(digest.hex(), stored["hash"])


def passphrase_matches(store: Store, secret: str) -> bool:
    """Whether ``secret`` opens this data directory's key (only when it has a passphrase)."""
    from app.errors import DataLocked
    from app.keystore import KeyStore

    try:
        return KeyStore(store.data_dir).passphrase_opens(secret)
    except DataLocked:  # key file missing or unreadable: no passphrase can match
        return False


def secret_matches(store: Store, secret: str) -> bool:
    stored = store.settings.get(PIN_SETTING)
    if stored and pin_matches(stored, secret):
        return True
    return passphrase_matches(store, secret)


class IdleWatcher(QObject):
    """Emits ``idle`` after the configured minutes without keyboard or mouse input in the app.

    It sees the input through an event filter on the whole application, installed by ``watch()`` once
    the window is on screen: every event then passes through Python, and the first ones make PySide6
    build the Python types of many Qt classes (some 30 ms), which the first paint need not wait for.
    """

    idle = Signal()

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.minutes = 0
        self.watching = False
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.idle)

    def watch(self) -> None:
        app = QApplication.instance()
        if app is not None and not self.watching:
            app.installEventFilter(self)
            self.watching = True

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.timer.stop()
        if minutes > 0:
            self.timer.setInterval(minutes * 60_000)
            self.timer.start()

    def poke(self) -> None:
        """Start counting again (after unlocking)."""
        if self.minutes > 0:
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.timer.isActive() and event.type() in _input_events():
            self.timer.start()
        return False


class LockScreen(QWidget):
    unlocked = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.store = store
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel(self.tr("Teleavis est verrouillé"), objectName="caseHeader")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        hint = QLabel(self.tr("Les dossiers sont masqués. Tapez votre code ou la phrase secrète pour reprendre."))
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        self.secret = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(self.tr("Code ou phrase secrète"))
        self.secret.setMinimumWidth(self.secret.fontMetrics().horizontalAdvance(self.secret.placeholderText()) + 60)
        self.secret.setMaximumWidth(360)
        self.secret.returnPressed.connect(self.try_unlock)
        layout.addWidget(self.secret, 0, Qt.AlignmentFlag.AlignHCenter)
        button = QPushButton(self.tr("Déverrouiller"))
        button.clicked.connect(self.try_unlock)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.problem = QLabel()
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.problem)
        layout.addStretch(2)

    def reset(self) -> None:
        self.secret.clear()
        self.problem.clear()
        self.secret.setFocus()

    def try_unlock(self) -> None:
        if secret_matches(self.store, self.secret.text()):
            self.secret.clear()
            self.problem.clear()
            self.unlocked.emit()
        else:
            self.secret.clear()
            self.problem.setText(self.tr("Code ou phrase secrète incorrect."))
