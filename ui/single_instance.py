"""One window per data folder: a second ``teleavis`` on the same data brings the first window to the front
(out of the tray, un-minimised, on its lock screen when locked) and ends without a word.

Two windows on one data folder each kept their own copy of the case on screen, each autosaved it over
the other's, each ran a sync engine, a lock and a tray: a nurse who double-clicked twice because
nothing seemed to happen lost what she typed in one of them.

The claim is a ``QLockFile`` beside the data folder (as the restore's journal is: it survives a restore's
swap, and it is there before the folder is made), taken before anything is read or purged; a lock left by
a process that died is taken over. The first window then listens on a local socket named after the data
folder; the second asks it to come to the front. QtNetwork is loaded only then, once the first window
shows or in the second process: it costs the start some 6 to 20 ms. (This module itself imports no Qt at
its top: it is loaded before PySide6, app/commands/window.py, where it costs under a millisecond.)
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QLockFile
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

# How long a second start waits for the first window to answer (it may still be starting).
WAKE_TIMEOUT_S = 4.0
ASK = b"show\n"
ASK_TRAINING = b"show training\n"  # teleavis --training
ANSWER = b"shown\n"


def lock_path(root: Path) -> Path:
    """The window's lock beside the data folder, named after its real path: the same folder reached
    through a link (``TELEAVIS_HOME`` given as a shortcut) or ``..`` is the same lock."""
    real = _real(root)
    return real.parent / f".{real.name}.window"


def _real(root: Path) -> Path:
    try:
        return root.resolve()
    except (OSError, RuntimeError):  # a loop of links: as given
        return root


def server_name(root: Path) -> str:
    """The local socket's name: this user's, this data folder's (a path would be too long for a socket)."""
    import hashlib

    uid = os.getuid() if hasattr(os, "getuid") else 0
    digest = hashlib.sha256(f"{uid}:{_real(root)}".encode()).hexdigest()[:24]
    return f"teleavis-{digest}"


class WindowClaim:
    """This process's claim to be the data folder's one window, held until ``release``."""

    def __init__(self, root: Path) -> None:
        self.root = _real(root)
        self.server: QLocalServer | None = None
        self._lock: QLockFile | None = None

    def take(self) -> bool:
        """True when no other window has this data folder open (or when that cannot be known: a folder
        where no lock can be written must not keep Teleavis from opening)."""
        from PySide6.QtCore import QLockFile

        try:
            self.root.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return True
        lock = QLockFile(str(lock_path(self.root)))
        lock.setStaleLockTime(0)  # held as long as its process lives, however long
        if lock.tryLock(0):
            self._lock = lock
            return True
        return lock.error() != QLockFile.LockError.LockFailedError

    def serve(self, window: MainWindow) -> None:
        """Listen for a second start, and bring ``window`` to the front when one comes."""
        from PySide6.QtCore import QTimer
        from PySide6.QtNetwork import QLocalServer

        name = server_name(self.root)
        server = QLocalServer(window)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        QLocalServer.removeServer(name)  # a socket a crashed window left: the lock says it is ours now
        if not server.listen(name):
            log.warning("the window cannot listen for a second start: %s", server.errorString())
            return

        def arrived() -> None:
            socket = server.nextPendingConnection()
            while socket is not None:
                connection = socket

                def asked(connection: QLocalSocket = connection) -> None:
                    asked_for = bytes(connection.readAll().data())
                    if ASK.strip() in asked_for:
                        window.bring_to_front()
                        connection.write(ANSWER)
                        connection.flush()
                        connection.disconnectFromServer()
                        if b"training" in asked_for:  # (after the answer: it may open a message box)
                            QTimer.singleShot(0, window.training_asked)

                connection.readyRead.connect(asked)
                connection.disconnected.connect(connection.deleteLater)
                socket = server.nextPendingConnection()

        server.newConnection.connect(arrived)
        self.server = server

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


# What a start that found the data folder's window claimed does (take_or_wake).
MINE, SHOWN, SILENT = "mine", "shown", "silent"


def take_or_wake(claim: WindowClaim, *, training: bool = False, timeout_s: float = WAKE_TIMEOUT_S) -> str:
    """``MINE`` when this start is the data folder's window (no other, or the other one ended while this one
    waited: Teleavis quit and started again at once, its closing still saving); ``SHOWN`` when the other
    window came to the front; ``SILENT`` when it did not answer in time (still starting: its passphrase,
    the first-start wizard). ``training``: ``teleavis --training`` (the window says so if it is not in
    training mode)."""
    if claim.take():
        return MINE
    from PySide6.QtNetwork import QLocalSocket

    name = server_name(claim.root)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if claim.take():
            return MINE
        socket = QLocalSocket()
        socket.connectToServer(name)
        if socket.waitForConnected(250):
            socket.write(ASK_TRAINING if training else ASK)
            socket.flush()
            answer = b""
            while ANSWER not in answer and socket.waitForReadyRead(max(1, int((deadline - time.monotonic()) * 1000))):
                answer += bytes(socket.readAll().data())
            socket.abort()
            if ANSWER in answer:
                return SHOWN
        time.sleep(0.2)
    return MINE if claim.take() else SILENT


def already_open_words() -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate(
        "WindowClaim",
        "Teleavis est déjà ouvert sur ce poste. Sa fenêtre est peut-être cachée derrière une autre, "
        "ou attend encore votre mot de passe : retrouvez-la dans la barre des tâches.",
    )
