"""One window per data folder: a second ``teleavis`` on the same data brings the first window to the front
(out of the tray, un-minimised, on its lock screen when locked) and ends without a word.

Two windows on one data folder each kept their own copy of the case on screen, each autosaved it over
the other's, each ran a sync engine, a lock and a tray: a nurse who double-clicked twice because
nothing seemed to happen lost what she typed in one of them.

The claim is a ``QLockFile`` beside the data folder (as the restore's journal is: it survives a restore's
swap, and it is there before the folder is made), taken before anything is read or purged; a lock left by
a process that died is taken over. The first window then listens on a local socket, under a name drawn at
random that it writes beside the lock, readable by this user only (in the user's session folder,
``$XDG_RUNTIME_DIR``, where there is one); the second reads it and asks the window to come to the front. A
name computed from the user and the folder could be taken first by another account of the machine, whose
program then answered the second start in the window's place. QtNetwork is loaded only then, once the first window
shows or in the second process: it costs the start some 6 to 20 ms. (This module itself imports no Qt at
its top: it is loaded before PySide6, app/commands/window.py, where it costs under a millisecond.)
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
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
    return _beside(root, ".window")


def _beside(root: Path, suffix: str) -> Path:
    """``.NAME`` + ``suffix`` beside the data folder; in this user's session folder instead when the folder
    holding the data folder cannot be written to (a data folder given to the user in a folder of the
    system's, ``/srv/teleavis``): no lock could be made there, and a second start opened a second window on
    the same data, each autosaving over the other's."""
    real = _real(root)
    beside = real.parent / f".{real.name}{suffix}"
    if not real.parent.is_dir() or os.access(real.parent, os.W_OK):
        return beside
    runtime = _runtime_folder()
    if runtime is None:
        return beside
    import hashlib

    return runtime / f"teleavis-{hashlib.sha256(os.fsencode(real)).hexdigest()[:32]}{suffix}"


def _real(root: Path) -> Path:
    try:
        return root.resolve()
    except (OSError, RuntimeError):  # a loop of links: as given
        return root


def name_path(root: Path) -> Path:
    """Where the window writes the name it listens under (this user's only: 0600): in this user's session
    folder where there is one, else beside its lock. Found in review: beside a data folder on a disk that
    keeps no Unix owners or modes (FAT, exFAT, NTFS, a Windows share), the file read back as 0644 or root's,
    was not believed, and a second start waited, then said only « déjà ouvert »."""
    runtime = _runtime_folder()
    if runtime is None:
        return _beside(root, ".window-name")
    import hashlib

    return runtime / f"teleavis-{hashlib.sha256(os.fsencode(_real(root))).hexdigest()[:32]}.window-name"


#: A name the window may have written: ``teleavis-`` and 32 hexadecimal digits, in a folder or not.
_NAME = r"(?:/[^\x00\n]*/)?teleavis-[0-9a-f]{32}"


#: The longest path a local socket may have (``sun_path`` holds 108 bytes on Linux, 104 on macOS).
_LONGEST_SOCKET_PATH = 100


def _runtime_folder() -> Path | None:
    """This user's session folder (``$XDG_RUNTIME_DIR``: made by the system for this user alone, 0700),
    used only when it is a real folder of this user's that no one else may enter; else ``None`` (Qt's own
    place: the temp folder, Windows' pipes)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if not runtime or os.name != "posix" or not os.path.isabs(runtime):
        return None
    try:
        info = os.lstat(runtime)
    except OSError:
        return None
    mine = stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not stat.S_IMODE(info.st_mode) & 0o077
    return Path(runtime) if mine else None


def new_server_name(root: Path) -> str:
    """A new name to listen under, drawn at random, written where only this user reads it (``OSError`` if it
    cannot be). It was a digest of the user's number and the folder's path, in the shared temp folder:
    another account computed it, listened there first, and answered a second start, which then ended
    without a word (the window, kept from that name, listened nowhere)."""
    import secrets

    name = f"teleavis-{secrets.token_hex(16)}"
    runtime = _runtime_folder()
    full = str(runtime / name) if runtime is not None else name
    if len(os.fsencode(full)) > _LONGEST_SOCKET_PATH:
        full = name
    target = name_path(root)
    draft = target.with_name(f"{target.name}.{secrets.token_hex(4)}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(draft, flags, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(full)
        os.replace(draft, target)  # (another account's file in a shared folder is not replaced: OSError)
    except BaseException:
        with contextlib.suppress(OSError):
            draft.unlink()
        raise
    return full


def server_name(root: Path) -> str | None:
    """The name the data folder's window listens under, as it wrote it; ``None`` when none can be believed:
    missing, a link, another account's, or readable by others."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(name_path(root), flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if os.name == "posix" and (info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077):
            return None
        try:
            name = handle.read(4096).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    import re

    return name if re.fullmatch(_NAME, name) else None


class WindowClaim:
    """This process's claim to be the data folder's one window, held until ``release``."""

    def __init__(self, root: Path) -> None:
        self.root = _real(root)
        self.server: QLocalServer | None = None
        self._lock: QLockFile | None = None
        self._name: str | None = None

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

        left = server_name(self.root)
        if left is not None and self._lock is not None:  # a dead window's socket (the lock is ours: it is gone)
            QLocalServer.removeServer(left)
        try:
            name = new_server_name(self.root)
        except OSError as exc:
            log.warning("the window cannot listen for a second start: its name cannot be written (%s)", exc.strerror)
            return
        server = QLocalServer(window)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
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
        self._name = name

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self._name is not None and server_name(self.root) == self._name:
            with contextlib.suppress(OSError):
                name_path(self.root).unlink()
        self._name = None
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

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if claim.take():
            return MINE
        name = server_name(claim.root)  # read again: the window may not have written it yet
        if name is None:
            time.sleep(0.2)
            continue
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
        "ou attend encore votre mot de passe : retrouvez-la dans la barre des tâches.",
    )
