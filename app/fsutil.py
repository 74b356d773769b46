"""Crash-proof file writes, and the translation of OS errors into what a user can act on."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from app import messages as M
from app.errors import StorageError

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in ``path`` durable (no-op where directories cannot be opened)."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_raw(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write ``data`` to ``path`` so that after a power cut the file is either old or new, whole.

    Temp file in the same folder, fsync, rename over, fsync of the folder. ``data`` may be a
    function that writes the content to the open file, so large content can be streamed. An
    ``OSError`` is raised as it is, after the temp file is removed (see ``atomic_write``).
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """``atomic_write_raw`` with the OS error turned into a ``StorageError`` a user can act on."""
    try:
        atomic_write_raw(path, data)
    except OSError as exc:
        raise storage_error(exc) from exc


def storage_error(exc: OSError) -> StorageError:
    """A ``StorageError`` with the right sentence for an OS error on the data directory."""
    if exc.errno in _DISK_FULL:
        return StorageError(M.tr("storage.full"))
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageError(M.tr("storage.readonly"))
    return StorageError(M.tr("storage.io", reason=exc.strerror or type(exc).__name__))
