"""The window ended by the system closes as when the nurse quits.

SIGTERM is what ends a program at the session's end or the computer's shutdown under systemd, from a cart's
supervisor, or ``kill``. Python's default ended the process at once: no closing (the text typed since the
last autosave, the sync stopped cleanly) and no exit (the decrypted copy of the expert's report opened in
a viewer stayed in the private folder, ``/dev/shm`` where the session has no folder of its own: until the
computer restarted). Here it makes the application quit: its event loop ends, the window closes as usual
(``MainWindow.shutdown``) and what the process decrypted is deleted on the way out.

A signal's Python handler runs only when Python runs, and the window's thread waits in Qt's event loop: the
signal also writes a byte to a socket that the loop watches (``signal.set_wakeup_fd``), which wakes it.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket

from PySide6.QtCore import QCoreApplication, QSocketNotifier

log = logging.getLogger(__name__)

_kept: list[object] = []


def quit_on_terminate(app: QCoreApplication) -> None:
    """From now on, SIGTERM makes ``app`` quit (its loop ends, ``app.exec`` returns 0). Main thread only."""
    if not hasattr(signal, "SIGTERM"):
        return
    try:
        reader, writer = socket.socketpair()
        for end in (reader, writer):
            end.setblocking(False)
        signal.set_wakeup_fd(writer.fileno())
    except (OSError, ValueError) as exc:  # (ValueError: not the main thread)
        log.warning("the window cannot close itself when the system ends it: %s", exc)
        return
    asked: list[int] = []

    def received(number: int, _frame: object) -> None:
        asked.append(number)  # the wake-up byte does the rest, once Qt's loop turns

    signal.signal(signal.SIGTERM, received)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def woken() -> None:
        with contextlib.suppress(OSError):
            reader.recv(64)
        if asked:
            log.info("ended by the system (SIGTERM): closing")
            app.quit()

    notifier.activated.connect(woken)
    _kept[:] = [reader, writer, notifier]  # as long as the application
