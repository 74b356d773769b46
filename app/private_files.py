"""Decrypted files handed to another program (the expert's PDF opened in the system's viewer).

They go in a private folder of this user: ``teleavis-<uid>`` under ``$XDG_RUNTIME_DIR`` (per user,
in memory, emptied at logout), else under ``/dev/shm`` (in memory), else the temp folder, used only
when it is a real folder (not a link) owned by this user and closed to others (0700); otherwise a new
private folder is made. Each process writes in a folder of its own there (``<pid>-<random>``), holding
its lock file locked for its whole life: two windows of the same user run at once on two data folders
(the real one and a training one), and the second's start deleted the files the first had in use (the
expert's report open in the viewer, a letter being printed). Each file is created exclusively, without
following a link, readable by this user only (0600), and deleted when Teleavis exits and, should it
crash, at the next start (the system released its lock), with the thumbnails a desktop made of it
meanwhile (:func:`forget_thumbnails`); those, and a file of the temp folder (on the disk), are written over
before they are unlinked.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

_written: set[Path] = set()
_lock = threading.Lock()
_registered = False
#: This process's own folders (one per place it wrote in: the first of :func:`_bases`), with the descriptor
#: of each one's lock file, kept open (and locked) until the process ends; and the process they were made
#: by (a child made by ``fork`` makes its own).
_own: dict[Path, tuple[Path, int]] = {}
_own_pid = 0
#: Files a window's start deleted, whose thumbnails are forgotten once the window shows (``hashlib``).
_thumbnails_later: list[Path] = []

#: The lock file of a process's folder: locked while the process runs (``flock`` on POSIX; on Windows,
#: held open, which keeps any other process from deleting it).
LOCK_NAME = "lock"
_OPEN_FLAGS = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _uid() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else "user"


#: Linux's shared memory, where no ``$XDG_RUNTIME_DIR`` is set (a session opened without logind: a
#: cart's kiosk, ``su``, ``ssh -X``): a file there is never written to a disk, where the temp folder's
#: would stay in its free blocks once deleted, and after a power cut until the next start.
MEMORY_FOLDER = Path("/dev/shm")  # noqa: S108 - only through private_folder(): owner and mode checked


def _in_memory(folder: Path) -> bool:
    """A real folder (not a link) where anyone may create files and delete only their own (sticky)."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and bool(info.st_mode & stat.S_ISVTX)


def _in_memory_folder(path: Path) -> bool:
    """Whether ``path`` lies in one of the folders in memory :func:`_bases` offers (gone at logout or shutdown)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    memory = [Path(runtime)] if runtime else []
    if os.name == "posix":
        memory.append(MEMORY_FOLDER)
    return any(path.is_relative_to(folder) for folder in memory)


def _bases() -> list[Path]:
    bases = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and _is_private(Path(runtime), exact=False):
        bases.append(Path(runtime))
    if os.name == "posix" and _in_memory(MEMORY_FOLDER):
        bases.append(MEMORY_FOLDER)
    bases.append(Path(tempfile.gettempdir()))
    return bases


def _is_private(folder: Path, *, exact: bool = True) -> bool:
    """A real folder (not a link), owned by this user, that no one else may enter or change."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if os.name == "nt":  # the temp folder is the user's own there
        return True
    if info.st_uid != os.getuid():
        return False
    return (stat.S_IMODE(info.st_mode) & 0o077) == 0 if exact else (stat.S_IMODE(info.st_mode) & 0o022) == 0


def private_folder() -> Path:
    """This process's own folder for decrypted files, in this user's private folder, made when needed
    (``OSError`` if impossible)."""
    global _own_pid
    base = _bases()[0]
    with _lock:
        if _own_pid != os.getpid():
            _own.clear()
            _own_pid = os.getpid()
        if base not in _own or not _still_held(*_own[base]):
            if base in _own:  # deleted from outside (systemd-tmpfiles, a logout): a new one, or nothing opened
                with contextlib.suppress(OSError):
                    os.close(_own.pop(base)[1])
            _own[base] = _make_own_folder(_shared_folder(base))
        return _own[base][0]


def _still_held(folder: Path, fd: int) -> bool:
    """Whether this process's folder is still there with its lock: a window open for days saw it deleted
    from outside (the temp folder's periodic clean-up, the runtime folder removed at a logout), and every
    report after failed to open, every letter to print."""
    try:
        if os.name == "nt":
            return stat.S_ISDIR(os.lstat(folder).st_mode)
        return os.path.samestat(os.fstat(fd), os.lstat(folder / LOCK_NAME))
    except OSError:
        return False


def _make_own_folder(shared: Path) -> tuple[Path, int]:
    """A new folder of ``shared`` with its lock file, created and locked (made again under another name
    should another process's purge take it meanwhile: see :func:`_claim`)."""
    for _attempt in range(10):
        folder = shared / f"{os.getpid()}-{os.urandom(4).hex()}"
        try:
            os.mkdir(folder, 0o700)
            fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_EXCL | _OPEN_FLAGS, 0o600)
        except (FileExistsError, FileNotFoundError):  # the name taken, or the folder purged meanwhile
            continue
        if os.name == "nt":  # held open: no other process can delete it
            return folder, fd
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.path.samestat(os.fstat(fd), os.lstat(folder / LOCK_NAME)):
                return folder, fd
        except OSError:  # a purge holds it, or took it and let it go
            pass
        os.close(fd)
    raise OSError("no folder of its own could be made in the private folder")


def _shared_folder(base: Path) -> Path:
    """This user's private folder in ``base``, shared by all its processes."""
    folder = base / f"teleavis-{_uid()}"
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    if _is_private(folder):
        return folder
    # Someone else's folder, a link, or one opened to others: not used, and not touched.
    log.warning("the private folder for opened files is not safe; a new one is made")
    return Path(tempfile.mkdtemp(prefix=f"teleavis-{_uid()}-", dir=base))


def write_private(name: str, data: bytes) -> Path:
    """Write ``data`` to a new file of the private folder (name ``<stem>-<random><suffix>``)."""
    import secrets

    stem, dot, suffix = Path(name).name.rpartition(".")
    target = private_folder() / (f"{stem}-{secrets.token_hex(4)}.{suffix}" if dot else f"{name}-{secrets.token_hex(4)}")
    flags = (
        os.O_WRONLY
        | os.O_CREAT
        | os.O_EXCL
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_CLOEXEC", 0)
        | getattr(os, "O_BINARY", 0)
    )
    fd = os.open(target, flags, 0o600)
    _remember(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        remove(target)
        raise
    return target


#: Where the system's libraries look for their temp folder: ``TMPDIR`` (CUPS's ``cupsTempFd``, Qt's
#: ``QDir::tempPath`` on Linux and macOS), ``TMP`` and ``TEMP`` (Windows). Only those of this system are
#: set: each variable added to the environment while other threads may read it is one more chance of a
#: race in the C library's ``setenv``.
_TEMP_VARIABLES = ("TMP", "TEMP") if os.name == "nt" else ("TMPDIR",)


@contextlib.contextmanager
def temp_folder_for_printing() -> Iterator[Path]:
    """A new folder of the private folder, named to the system as its temp folder while printing, then
    deleted with what was written in it (``OSError`` if it cannot be made).

    Qt's CUPS engine writes the whole document to print, the expert's letter with the patient's name and
    INS on it, to a file of the temp folder (``$TMPDIR``, else ``/tmp``: on the disk), and hands it to
    CUPS; a computer switched off meanwhile kept it there in clear. Python's own temp folder is not
    changed (``tempfile`` read it once, at its first use).
    """
    folder = Path(tempfile.mkdtemp(prefix="print-", dir=private_folder()))
    before = {name: os.environ.get(name) for name in _TEMP_VARIABLES}
    for name in _TEMP_VARIABLES:
        os.environ[name] = str(folder)
    try:
        yield folder
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        with contextlib.suppress(OSError):
            for entry in folder.rglob("*"):
                if entry.is_file() or entry.is_symlink():
                    remove(entry)
        shutil.rmtree(folder, ignore_errors=True)  # what could not go now goes at the next start


def _remember(path: Path) -> None:
    global _registered
    with _lock:
        _written.add(path)
        if not _registered:
            atexit.register(_remove_own_folders)
            _registered = True


#: Where the Thumbnail Managing Standard (freedesktop.org) keeps the thumbnails of each size, under
#: ``$XDG_CACHE_HOME/thumbnails``; those a thumbnailer failed to make are under ``fail/<program>/``.
_THUMBNAIL_SIZES = ("normal", "large", "x-large", "xx-large")


def _thumbnail_cache() -> Path | None:
    if os.name != "posix" or sys.platform == "darwin":
        return None
    cache = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(cache) if os.path.isabs(cache) else Path.home() / ".cache"  # (relative: ignored, as the standard says)
    return base / "thumbnails"


def forget_thumbnails(path: Path) -> None:
    """Delete the thumbnails a desktop made of ``path``. Found from outside: a file manager's « Recent »
    view, or the viewer itself, thumbnails the expert's report while it is open; its first page, the
    patient's name in the header, stayed in ``~/.cache/thumbnails`` for months after the file was gone.
    They are named by the MD5 of the file's URI as the desktop writes it: GLib (GNOME) and Qt (KDE) leave
    the characters a path may hold unescaped (« IMG_0001 (2).jpg »), which Python's ``as_uri`` escapes (found
    in review: that photo's thumbnail stayed)."""
    import hashlib
    from urllib.parse import quote

    cache = _thumbnail_cache()
    if cache is None:
        return
    uri = "file://" + quote(os.fsencode(path.absolute()), safe="/!$&'()*+,:=@")
    name = hashlib.md5(uri.encode(), usedforsecurity=False).hexdigest() + ".png"
    folders = [cache / size for size in _THUMBNAIL_SIZES]
    with contextlib.suppress(OSError):
        folders += [entry for entry in (cache / "fail").iterdir() if entry.is_dir()]
    from app.fsutil import write_over

    for folder in folders:
        # Written over first (on the disk, in ~/.cache): unlinked only, its blocks kept the page whole.
        write_over(folder / name)
        with contextlib.suppress(OSError):
            (folder / name).unlink(missing_ok=True)


def _write_over_on_disk(path: Path) -> None:
    """``path`` written over before it is unlinked when it is on the disk (the temp folder, where no folder in
    memory is at hand): unlinked only, its blocks kept the document whole and in clear."""
    if not _in_memory_folder(path):
        from app.fsutil import write_over

        write_over(path)


def remove(path: Path) -> None:
    """Delete ``path`` (and its thumbnails); one that cannot be deleted now (held open by a viewer, on
    Windows) stays remembered, to be deleted at the next lock, at exit or at the next start. One on the disk
    (the temp folder, where no folder in memory is at hand) is written over first: unlinked only, its blocks
    kept the document whole and in clear. (Not one in memory: a viewer still reading it would show zeros.)"""
    _write_over_on_disk(path)  # (best effort: one a viewer holds on Windows is neither written over nor deleted now)
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        return
    forget_thumbnails(path)
    with _lock:
        _written.discard(path)


def remove_written() -> None:
    """Delete the files this process wrote (at the lock, at exit)."""
    with _lock:
        paths = list(_written)
    for path in paths:
        remove(path)


def _remove_own_folders() -> None:
    """At exit: this process's folders, when nothing is left in them but their lock (what could not be
    deleted now goes at the next start, once this process's lock is released)."""
    remove_written()
    with _lock:
        if _own_pid != os.getpid():
            return
        for base, (folder, fd) in list(_own.items()):
            with contextlib.suppress(OSError):
                if [entry.name for entry in folder.iterdir()] == [LOCK_NAME]:
                    del _own[base]
                    _release(folder, fd)
                    if folder.parent.name != f"teleavis-{_uid()}":
                        folder.parent.rmdir()  # (a new private folder made where the usual one was not safe)


#: The age from which a command of the command line deletes what a crashed window left (``purge_leftovers``):
#: a window still open may be showing a report that old in a viewer, and is not asked.
STALE_FOR_COMMANDS_S = 12 * 3600.0


def purge_leftovers(older_than_s: float | None = None, *, thumbnails_later: bool = False) -> int:
    """Delete what an earlier run left (a crash skips the exit's clean-up); returns how many files.

    Only this user's own private folders are looked at, and in them only what no running Teleavis
    process owns: another window's folder stays while its lock is held (a crashed one's was released by
    the system). ``older_than_s``: only what was written at least that long ago (a command of the command
    line: found from outside, a crashed window's decrypted report stayed until the window was started
    again, however many times the command line ran meanwhile). ``thumbnails_later``: the thumbnails of
    what was deleted are forgotten at :func:`forget_purged_thumbnails` (a window's start: once it shows).
    """
    before = time.time() - older_than_s if older_than_s is not None else None
    with _lock:
        busy = set(_written)
        mine = {folder for folder, _fd in _own.values()} if _own_pid == os.getpid() else set()
    deleted: list[Path] = []
    for base in _bases():
        try:
            candidates = list(base.glob(f"teleavis-{_uid()}*"))
        except OSError:
            continue
        for shared in candidates:
            if not _is_private(shared):
                continue
            try:
                entries = list(shared.iterdir())
            except OSError:
                continue
            for entry in entries:
                if entry in mine:  # this process's own: what it no longer remembers (and not its lock)
                    _empty(entry, busy | {entry / LOCK_NAME}, before, deleted)
                elif entry.is_dir() and not entry.is_symlink():
                    _purge_if_unowned(entry, before, deleted)
                else:  # (written by a version before each process had its folder)
                    _delete(entry, before, deleted)
            if shared.name != f"teleavis-{_uid()}":
                with contextlib.suppress(OSError):
                    shared.rmdir()  # (a new private folder made where the usual one was not safe)
    if thumbnails_later:
        with _lock:
            _thumbnails_later.extend(deleted)
    else:
        for path in deleted:
            forget_thumbnails(path)
    return len(deleted)


def forget_purged_thumbnails() -> None:
    """The thumbnails of what :func:`purge_leftovers` deleted at a window's start (``thumbnails_later``)."""
    with _lock:
        paths = list(_thumbnails_later)
        _thumbnails_later.clear()
    for path in paths:
        forget_thumbnails(path)


def _purge_if_unowned(folder: Path, before: float | None, deleted: list[Path]) -> None:
    fd = _claim(folder)
    if fd is None:
        return  # a running process's
    try:
        _empty(folder, {folder / LOCK_NAME}, before, deleted)
        if os.name == "nt":
            os.close(fd)  # (an open file cannot be deleted there; its name keeps others out meanwhile)
            fd = -1
        with contextlib.suppress(OSError):
            if [entry.name for entry in folder.iterdir()] == [LOCK_NAME]:
                held, fd = fd, -1  # closed by _release, even when it fails (never twice: another thread's)
                _release(folder, held)
    finally:
        if fd >= 0:
            os.close(fd)


def _claim(folder: Path) -> int | None:
    """The lock of another process's folder, taken when that process has ended (its descriptor), or
    ``None`` while it runs. A folder with no lock (its process ended before making it, or still making
    it) is given one: that process, finding its lock taken, makes another folder."""
    lock = folder / LOCK_NAME
    if os.name == "nt":
        try:
            os.unlink(lock)  # refused while its process holds it open
        except FileNotFoundError:
            pass
        except OSError:
            return None
        try:
            return os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL | _OPEN_FLAGS, 0o600)
        except OSError:
            return None
    import fcntl

    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | _OPEN_FLAGS, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _release(folder: Path, fd: int) -> None:
    """Delete a folder's lock and the folder, then let the lock go: the lock's name goes first, so that
    no process takes the lock in between and finds its folder gone."""
    try:
        (folder / LOCK_NAME).unlink(missing_ok=True)
        folder.rmdir()
    finally:
        if fd >= 0:
            os.close(fd)


def _empty(folder: Path, keep: set[Path], before: float | None, deleted: list[Path]) -> None:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry not in keep:
            _delete(entry, before, deleted)


def _delete(entry: Path, before: float | None, deleted: list[Path]) -> None:
    """Delete a leftover file, or folder with what it holds (``before``: only if not changed since)."""
    try:
        if before is not None and entry.lstat().st_mtime > before:
            return
        if entry.is_dir() and not entry.is_symlink():
            files = [path for path in entry.rglob("*") if not path.is_dir() or path.is_symlink()]
            for path in files:
                _write_over_on_disk(path)  # (a printing's folder: the letter Qt wrote there)
            shutil.rmtree(entry)
            deleted.extend(files)  # (a printing's folder: what Qt or CUPS wrote in it)
        else:
            _write_over_on_disk(entry)  # a crashed window's: on the disk the longest of all
            entry.unlink()
            deleted.append(entry)
    except OSError:
        log.warning("a leftover opened file could not be deleted")
