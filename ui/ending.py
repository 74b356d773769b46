"""The window ended by the system closes as when the nurse quits.

SIGTERM is what ends a program at the session's end or the computer's shutdown under systemd, from a cart's
supervisor, or ``kill``. Python's default ended the process at once: no closing (the text typed since the
last autosave, the sync stopped cleanly) and no exit (the decrypted copy of the expert's report opened in
a viewer stayed in the private folder, ``/dev/shm`` where the session has no folder of its own: until the
computer restarted). Here it makes the application quit: its event loop ends, the window closes as usual
(``MainWindow.shutdown``) and what the process decrypted is deleted on the way out.

SIGHUP too: the terminal it was started from closed, an ``ssh -X`` session cut, and above all the session's
end under logind, which stops the session's processes with SIGTERM followed at once by SIGHUP
(``SendSIGHUP=yes``). Left to Python's default, that second signal ended the process before its loop had
turned to quit, and the decrypted copy stayed as before (found from outside).

SIGINT too, Ctrl+C in the terminal that started the window: Python's default raised ``KeyboardInterrupt`` in
whatever of ours ran next, which said « internal error (KeyboardInterrupt) » on that terminal, and the window
went on as if nothing had been asked (found from outside). It quits as the others do.

A signal's Python handler runs only when Python runs, and the window's thread waits in Qt's event loop: the
signal also writes a byte to a socket that the loop watches (``signal.set_wakeup_fd``), which wakes it.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QSocketNotifier, Qt
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

_kept: list[object] = []
#: The ending signals received and not yet acted on: kept from the start's dialog's watcher to the window's.
_asked: list[int] = []


#: The signals that end the window as its « Quitter » does, those of this system (Windows has no SIGHUP).
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))


def quit_on_terminate(app: QCoreApplication, *, before_the_window: bool = False) -> None:
    """From now on, SIGTERM, SIGHUP and SIGINT (Ctrl+C) make ``app`` quit (its loop ends, ``app.exec`` returns
    0). Main thread only. ``before_the_window``: while a dialog of the start waits in its own loop, before
    ``app.exec`` (``quit`` does nothing then): every loop running ends, the dialog's answered as left."""
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
    # The start's dialog's, before the window: its notifier off, then its sockets closed.
    for earlier in sorted(_kept, key=lambda kept: not isinstance(kept, QSocketNotifier)):
        if isinstance(earlier, QSocketNotifier):
            earlier.setEnabled(False)
            earlier.deleteLater()
        elif isinstance(earlier, socket.socket):
            earlier.close()

    def received(number: int, _frame: object) -> None:
        _asked.append(number)  # the wake-up byte does the rest, once Qt's loop turns

    for number in ENDING_SIGNALS:
        if signal.getsignal(number) is not signal.SIG_IGN:  # (``nohup teleavis``: the user's wish kept)
            signal.signal(number, received)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def woken() -> None:
        with contextlib.suppress(OSError):
            reader.recv(64)
        if _asked:
            log.info("ended by the system (%s): closing", signal.Signals(_asked[0]).name)
            _asked.clear()
            if before_the_window:
                app.exit(0)
            else:
                app.quit()

    notifier.activated.connect(woken)
    _kept[:] = [reader, writer, notifier]  # as long as the application
    if _asked:
        # Received by the start's watcher after its dialog was answered (the data opening, the wizard's end), its
        # sockets closed above unread: acted on here (found in review: the window stayed, until the system killed
        # it, what was typed meanwhile lost).
        with contextlib.suppress(OSError):
            writer.send(b"\0")


def save_at_session_end(app: QGuiApplication, save: Callable[[], None]) -> None:
    """``save`` (what is typed written to the store, waited for) called when the desktop's session ends as
    Qt tells it (``commitDataRequest``, then ``saveStateRequest``: Windows' end of session, macOS's logout;
    an X11 session manager where Qt speaks XSMP). Nothing else is done then: the session manager may kill the
    process, or its display may go, right after, with no turn of the loop left for the autosave's pause; and
    the session's end may still be cancelled, so the window stays as it is.

    The handlers take no argument: PySide6 cannot hand Python the ``QSessionManager&`` these signals carry
    (a slot taking it crashed the process)."""

    def asked() -> None:
        log.info("the session ends: what was typed is saved")
        save()

    for request in (app.commitDataRequest, app.saveStateRequest):
        request.connect(asked, Qt.ConnectionType.DirectConnection)
