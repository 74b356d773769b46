"""Ctrl+C in a command, once the command's change is made.

A command is interrupted while it works: « Interrompu. », exit 130, what it was writing removed
(``app.main.interrupted``). Once its change is made, it is not: found by CI, `backup FILE` interrupted just after
its archive took its name said « Interrompu. » of a backup made, and left no audit entry of it; `case import`
interrupted just after its commit said « Interrompu. » of a case made (imported again: a second case for the
expert); `restore` interrupted after its swap left the data it replaced under a hidden name removed a day later.

From :func:`finish_from_here` on, a Ctrl+C is noted in the log and dropped: the command finishes and says what
it did. The command's end (``app.main``) gives Ctrl+C back. Only in a command's main thread: the window's
threads (its scheduled backups) and code called directly (tests) are left as they are.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger(__name__)

_in_command = False
_before: Any = None


def command_begins() -> None:
    global _in_command
    _in_command = True


def command_ends() -> None:
    """Ctrl+C as it was before :func:`finish_from_here`."""
    global _in_command, _before
    _in_command = False
    if _before is not None:
        import signal

        signal.signal(signal.SIGINT, _before)
        _before = None


def finish_from_here() -> None:
    """Call just before the step that makes the command's change (a rename, a commit): from here the command
    runs to its end. A Ctrl+C that came before this call and is not yet handled is raised here, not dropped
    (``signal.signal`` runs the waiting handlers before it changes one): call it where what the command wrote
    so far is still removed on an interruption."""
    global _before
    if not _in_command or _before is not None or threading.current_thread() is not threading.main_thread():
        return
    import signal  # (here: the window's start loads no more than it shows, tests/ui/test_start_imports.py)

    _before = signal.signal(signal.SIGINT, _too_late)


def _too_late(_signum: int, _frame: Any) -> None:
    log.info("Ctrl+C once the command's change was made: the command finishes")
