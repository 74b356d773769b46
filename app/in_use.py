"""Who has the data directory open: every opened store holds a shared lock on ``.in-use``; a key
rotation needs it alone (a window still open would go on sealing with the old key), and so does a
restore's swap (a window still open would go on writing into the database swapped out from under it).

POSIX ``flock``; on Windows the check is skipped (the rotation's help says to close the window).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from app import messages as M
from app.errors import StorageError

IN_USE_FILE = ".in-use"

M.add(
    {
        "in_use.busy": {
            "fr": "Teleavis est ouvert ailleurs sur cette machine (fenêtre ou commande) : fermez-le, puis recommencez. "
            "Rien n'a été changé.",
            "en": "Teleavis is open elsewhere on this machine (window or command): close it, then try again. "
            "Nothing was changed.",
        },
    }
)


def hold_shared(root: Path) -> int | None:
    """A shared lock held as long as the returned file descriptor stays open (``release``);
    ``None`` where not supported. A bare descriptor: a store dropped unclosed leaks no warning."""
    if sys.platform == "win32":
        return None
    import fcntl

    try:
        fd = os.open(root / IN_USE_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None  # a read-only folder: nothing can be rotated there anyway
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


@contextlib.contextmanager
def alone(handle: int | None) -> Iterator[None]:
    """Turn this store's shared lock into an exclusive one for the block, or ``StorageError`` when
    another process has the data open."""
    if handle is None:
        yield
        return
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        raise StorageError(M.tr("in_use.busy")) from exc
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_SH)
