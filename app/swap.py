"""Putting a whole folder in place of the data directory (a restore) so that a power cut at any moment
leaves one of the two in place, whole.

Two renames cannot be made atomic together: the data directory goes aside, then the new folder takes
its place. Between them there is no data directory, and the next start would make a new, empty one
(a nurse then sees « Aucun dossier » and starts again, while the cases sit in a hidden folder that
is deleted a day later). So a journal beside the data directory names both folders before the first
rename, and is removed after the second; ``finish_swap``, at the start of every opening, completes a
swap it finds interrupted: forward when the new folder is there (it was verified before the swap
began), else back to the folder that was replaced.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from app.fsutil import atomic_write_raw, fsync_dir
from app.paths import log_dir

log = logging.getLogger(__name__)


def _journal(target: Path) -> Path:
    return target.parent / f".{target.name}.swap"


@contextlib.contextmanager
def _swapping(target: Path) -> Iterator[None]:
    """One process at a time swaps or finishes a swap of ``target`` (two starts after a crash, a window
    starting while a restore runs): an exclusive lock (POSIX; elsewhere nothing) on a file of this user's
    beside it, there only while it is held.

    It was a lock on the folder holding ``target``, which leaves no file, but which other accounts may
    open as well, and lock: that folder is often readable by them (``~/.local/share`` is 0755 on most
    desktops). Found from outside: another account locking it kept a restore waiting without end, and so
    would every start after a restore cut short, the window never opening."""
    if sys.platform == "win32":
        yield
        return
    path = target.parent / f".{target.name}.swap-lock"
    fd = _take(path)
    try:
        yield
    finally:
        if fd is not None:
            with contextlib.suppress(OSError):
                path.unlink()  # (under the lock: whoever waits on this file takes a new one, see _take)
            os.close(fd)


def _take(path: Path) -> int | None:
    """The lock file ``path`` opened and locked; ``None`` when there can be none of this user's (a folder
    this user may not write in, where no swap can be made either; another account's file, in a folder
    open to it): the swap then goes on unlocked rather than wait on another account."""
    import fcntl

    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        try:
            fd = os.open(path, flags, 0o600)
        except OSError as exc:
            log.warning("the data folder's swap goes on without its lock: %s", exc.strerror)
            return None
        info = os.fstat(fd)
        if info.st_uid != os.getuid():
            os.close(fd)
            log.warning("the data folder's swap goes on without its lock: its file is another account's")
            return None
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            now = os.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            now = None
        if now is not None and (now.st_dev, now.st_ino) == (info.st_dev, info.st_ino):
            return fd
        os.close(fd)  # removed by the process that held it, as it let go: the file there now is taken


def swap_in(staging: Path, target: Path, aside: Path | None = None) -> Path | None:
    """Put ``staging`` in place of ``target``; returns the folder it replaced (now beside it, for the
    caller to empty), or None when there was none. ``aside``: where the replaced folder goes when it is to
    be kept, named so by the swap's own rename (found in review: renamed after the swap, a crash in between
    left it under the hidden name that is removed a day later, the newer cases it held with it)."""
    import secrets

    with _swapping(target):
        if not target.exists():
            os.rename(staging, target)
            fsync_dir(target.parent)
            return None
        old = aside or target.parent / f".{target.name}.replaced-{secrets.token_hex(4)}"
        journal = _journal(target)
        atomic_write_raw(journal, json.dumps({"staging": staging.name, "old": old.name}).encode())
        os.rename(target, old)
        os.rename(staging, target)
        fsync_dir(target.parent)
        journal.unlink()
        fsync_dir(target.parent)
        return old


def _in_place(target: Path) -> bool:
    """Whether ``target`` holds a data directory: anything but the log folder a start may have made
    before the swap was finished (a record logged makes it)."""
    if not target.is_dir():
        return False
    return any(entry.name != log_dir(target).name for entry in target.iterdir())


def finish_swap(target: Path) -> None:
    """Complete a swap of ``target`` a crash interrupted (see the module's doc); nothing when none was."""
    if not _journal(target).exists():
        return
    with _swapping(target):
        _finish(target)


def _finish(target: Path) -> None:
    import secrets

    journal = _journal(target)
    try:
        names = json.loads(journal.read_bytes())
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        log.warning("an unreadable restore journal was left as it is")
        return
    staging, old = target.parent / str(names.get("staging")), target.parent / str(names.get("old"))
    if not _in_place(target):
        source = staging if staging.is_dir() else old if old.is_dir() else None
        if source is not None:
            shell = None
            if target.exists():  # only logs written since the crash: kept, in the folder put back
                shell = target.parent / f".{target.name}.shell-{secrets.token_hex(4)}"
                os.rename(target, shell)
            os.rename(source, target)
            fsync_dir(target.parent)
            if shell is not None:
                _keep_logs(shell, target)
            done = "completed" if source == staging else "undone: the data is as before it"
            log.warning("an interrupted restore was %s", done)
    journal.unlink()
    fsync_dir(target.parent)


def _keep_logs(shell: Path, target: Path) -> None:
    if _in_place(shell):  # more than logs after all: nothing is deleted, it stays beside
        log.warning("a folder set aside while finishing a restore holds data: kept as %s", shell.name)
        return
    logs = log_dir(target)
    logs.mkdir(exist_ok=True)
    for entry in log_dir(shell).glob("*"):
        name = f"{entry.name}.after-crash" if (logs / entry.name).exists() else entry.name
        with contextlib.suppress(OSError):
            shutil.move(str(entry), str(logs / name))
    shutil.rmtree(shell, ignore_errors=True)
