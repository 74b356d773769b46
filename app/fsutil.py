"""Crash-proof file writes, and the translation of OS errors into what a user can act on."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from collections.abc import Callable, Iterator
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


def fsync_file(path: Path) -> None:
    """Put a file already written and closed on disk (opened for writing: Windows flushes no other)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_raw(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write ``data`` to ``path`` so that after a power cut the file is either old or new, whole.

    Temp file in the same folder, fsync, rename over, fsync of the folder. ``data`` may be a
    function that writes the content to the open file, so large content can be streamed. The file
    is this user's only (0600: reports, exports and backups hold patient data) and made new (no
    link followed). Whatever interrupts the write (an ``OSError``, raised as it is, see
    ``atomic_write``; an exception of ``data``; Ctrl-C), the temp file is removed. Where the system
    allows it (Linux), the file has no name until it is whole (``O_TMPFILE``): a process killed while
    writing (``kill -9``, a power cut) leaves nothing of it, an export's patient data included, in the
    user's folder. Elsewhere, a temp file a killed process left is removed by the next write to the
    same path once it is stale.
    """
    import secrets

    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    remove_stale(path.parent, f".{_glob_escape(path.name)}.*.tmp")
    if _write_unnamed(path, tmp, data):
        return
    try:
        with create_private(tmp) as handle:
            _write_whole(handle, data)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


def _write_whole(handle: BinaryIO, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write ``data`` (bytes, or a function writing to the file) to ``handle`` and have it on disk."""
    if callable(data):
        data(handle)
    else:
        handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())


def _write_unnamed(path: Path, tmp: Path, data: bytes | Callable[[BinaryIO], None]) -> bool:
    """Write ``data`` to a file without a name in ``path``'s folder, then name it ``path`` once it is
    whole and on disk; ``False`` where the system or the file system has no such files (nothing done).
    Named ``path`` at once when there is none yet; written over one, through ``tmp`` renamed (a file
    whole: what a kill between the two leaves is removed by the next write, as elsewhere)."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        fd = os.open(path.parent, flag | os.O_WRONLY, 0o600)
    except OSError:  # (a file system without them: a network share, FAT)
        return False
    with os.fdopen(fd, "wb") as handle:
        _write_whole(handle, data)
        # (A folder given, so that Python asks linkat to follow the link of /proc to the file.)
        whole = f"/proc/self/fd/{handle.fileno()}"
        folder = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            try:
                os.link(whole, path.name, dst_dir_fd=folder, follow_symlinks=True)
            except FileExistsError:
                os.link(whole, tmp.name, dst_dir_fd=folder, follow_symlinks=True)
                try:
                    os.replace(tmp.name, path.name, src_dir_fd=folder, dst_dir_fd=folder)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp.name, dir_fd=folder)
                    raise
            except OSError:  # (no hard links there after all: written again, named as elsewhere)
                return False
            os.fsync(folder)
        finally:
            os.close(folder)
    return True


#: How much of a file :func:`write_over` writes at a time.
_OVER_CHUNK = 1 << 20


def write_over(path: Path) -> None:
    """Write zeros over the whole of ``path`` and put them on disk, before it is unlinked. Found from
    outside: a deleted draft's photos, a case purged by retention, the face an anonymised copy replaced
    were unlinked only, their sealed bytes left in the disk's free blocks, where a recovery tool finds
    them, and they open with the data key, which stays. (In place on the usual file systems of a
    workstation, ext4, NTFS, APFS aside; an SSD may keep the old cells until it reuses them: full-disk
    encryption is the answer there.) Best effort: a file that cannot be opened is only unlinked."""
    fd = _open_alone(path)
    if fd is not None:
        _zeroed(fd)


@contextlib.contextmanager
def written_over_after(path: Path) -> Iterator[None]:
    """What is done within (``path`` replaced by a new file, or unlinked), then the file ``path`` was
    written over with zeros: held open from the start, its blocks are still its own after a rename over
    it (a key rotation's re-sealed blob replacing the one under the old key). Not on Windows, where a
    file held open cannot be renamed over (the rename would fail): there the old file is only replaced."""
    fd = _open_alone(path) if os.name != "nt" else None
    try:
        yield
    except BaseException:  # not replaced: the file is still the one in use, never written over
        if fd is not None:
            os.close(fd)
        raise
    if fd is not None:
        _zeroed(fd)


def read_replaced(path: Path, tries: int = 20) -> bytes:
    """``path``'s bytes, read again when they were written over as it was read: a file replaced with
    :func:`written_over_after` (key.json at a passphrase change or a key rotation) is renamed over, then its
    old blocks zeroed; a reader that opened it just before the rename reads zeros (found by a test reading
    key.json while a rotation ran, on a loaded host). A text file of ours never holds a NUL, so NULs mean the
    old file: the name then leads to the new one."""
    import time

    data = path.read_bytes()
    for _ in range(tries):
        if b"\0" not in data:
            break
        time.sleep(0.005)
        data = path.read_bytes()
    return data


def _open_alone(path: Path) -> int | None:
    """``path`` open to be written over; None when it cannot be, or when it has another name (found in
    review: a copy of the data folder made with hard links, ``cp -al``, lost the photo or the key.json it
    shared): that name keeps its blocks, which this one's going does not free."""
    flags = os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        alone = os.fstat(fd).st_nlink <= 1
    except OSError:
        alone = False
    if not alone:
        os.close(fd)
        return None
    return fd


def _zeroed(fd: int) -> None:
    """The file open as ``fd`` written over with zeros, on disk, then closed."""
    try:
        left = os.fstat(fd).st_size
        zeros = bytes(min(left, _OVER_CHUNK))
        while left > 0:
            left -= os.write(fd, zeros[: min(left, _OVER_CHUNK)])
        os.fsync(fd)
    except OSError:
        pass  # (a full disk cannot refuse writing over what is there; a failing one: unlinked anyway)
    finally:
        os.close(fd)


def remove_original(path: Path, digest: bytes) -> bool:
    """Remove ``path``, a file of the device folder just imported, only while it still holds the bytes that
    were imported (``digest``: their SHA-256), written over as it goes when this name alone holds them (see
    :func:`write_over`); whether it is gone (one its folder does not let go is left whole). Read again through
    the descriptor that writes it over, never through a link: a device that writes one name for each exam may
    have written the next patient's image there meanwhile, with the same size within the same two seconds of a
    card's clock (FAT), which its size and time cannot tell: that one is kept whole, to be imported."""
    import hashlib
    import stat

    flags = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, os.O_RDWR | flags)
        writable = True
    except OSError:  # (read-only: removed unwritten over, as before, once its bytes are checked)
        try:
            fd = os.open(path, os.O_RDONLY | flags)
        except OSError:
            return False
        writable = False
    try:
        status = os.fstat(fd)
        same = stat.S_ISREG(status.st_mode)
        read = hashlib.sha256()
        while same:
            chunk = os.read(fd, _OVER_CHUNK)
            if not chunk:
                break
            read.update(chunk)
        same = same and read.digest() == digest and os.path.samestat(status, os.lstat(path))
    except OSError:
        same = False
    if not same:
        os.close(fd)
        return False
    # (Another name keeps its blocks, which this one's going does not free: not written over then.)
    alone = writable and status.st_nlink <= 1

    def written_over_and_closed() -> None:
        if not alone:
            os.close(fd)
            return
        try:
            os.lseek(fd, 0, os.SEEK_SET)
        except OSError:
            os.close(fd)
        else:
            _zeroed(fd)

    if os.name == "nt":  # (Windows deletes no file held open: written over first, then removed)
        written_over_and_closed()
    try:
        # Still the file checked, or another one now. Elsewhere removed first, then written over through the
        # descriptor still open (its blocks are its own until it is closed): found in review, a folder whose files
        # may be written but not removed (a share's « modify » without « delete », a sticky folder the device's
        # account owns) had the original written over with zeros, then its removal refused: the device's photo
        # lost, a file of zeros left in its place. Kept whole now.
        if not os.path.samestat(status, os.lstat(path)):
            raise FileNotFoundError(path)
        path.unlink()
    except OSError:
        if os.name != "nt":
            os.close(fd)
        return False
    if os.name != "nt":
        written_over_and_closed()
    return True


def create_private(path: Path) -> BinaryIO:
    """A new file open for writing, readable by this user only (0600), never through a link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    return os.fdopen(os.open(path, flags, 0o600), "wb")


#: A temp file, snapshot or staging folder not touched for this long belongs to a write that died.
STALE_S = 3600.0


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def remove_stale(folder: Path, pattern: str, older_than_s: float = STALE_S) -> int:
    """Remove what a killed write left in ``folder`` (``pattern``, untouched for ``older_than_s``)."""
    removed = 0
    limit = time.time() - older_than_s
    try:
        entries = list(folder.glob(pattern))
    except OSError:
        return 0
    for entry in entries:
        try:
            info = entry.lstat()
            if info.st_mtime >= limit:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                if not entry.is_symlink():
                    write_over(entry)  # (a snapshot of the database, a write cut short: patient data)
                entry.unlink()
            removed += 1
        except OSError:
            continue
    return removed


def atomic_write(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """``atomic_write_raw`` with the OS error turned into a ``StorageError`` a user can act on."""
    try:
        atomic_write_raw(path, data)
    except OSError as exc:
        raise storage_error(exc) from exc


def existing_ancestor(path: Path) -> Path:
    """``path`` or its nearest existing parent (where a new data folder would be created)."""
    current = path
    while not current.exists() and current.parent != current:
        current = current.parent
    return current


#: Less free space than this and the disk is full: SQLite cannot even make the small file it reads a
#: database with (its ``-shm``), and answers "disk I/O error" or "unable to open", not "disk is full".
NO_SPACE = 1024 * 1024


def no_space_left(path: Path) -> bool:
    """Whether the disk holding ``path`` is full (to tell a full disk from a broken one)."""
    try:
        return shutil.disk_usage(existing_ancestor(path)).free < NO_SPACE
    except OSError:
        return False


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) is a write refused for want of space."""
    seen: BaseException | None = exc
    for _ in range(10):  # a chain of causes is short
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno in _DISK_FULL:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def file_too_large(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) is a write refused because the file outgrew what the file
    system takes for one file (EFBIG: 4 GB less a byte on FAT32, the format of most USB drives), not for want
    of room: removing other files there changes nothing. (:func:`disk_full` counts it too.)"""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno == errno.EFBIG:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


_REASONS = {
    errno.ENOENT: "os.enoent",
    errno.ENOTDIR: "os.enotdir",
    errno.EISDIR: "os.eisdir",
    errno.EACCES: "os.eacces",
    errno.EPERM: "os.eacces",
    errno.EROFS: "os.erofs",
    errno.ENOSPC: "os.enospc",
    errno.EDQUOT: "os.enospc",
    errno.EEXIST: "os.eexist",
    errno.ENAMETOOLONG: "os.enametoolong",
    errno.EADDRNOTAVAIL: "os.eaddrnotavail",
    errno.EIO: "os.eio",
    errno.ETIMEDOUT: "os.unreachable",
    errno.EHOSTDOWN: "os.unreachable",
    errno.EHOSTUNREACH: "os.unreachable",
    errno.ENETDOWN: "os.unreachable",
    errno.ENETUNREACH: "os.unreachable",
}
M.add(
    {
        "os.eaddrnotavail": {
            "fr": "cette adresse n'est pas une adresse de cette machine",
            "en": "this address is not an address of this machine",
        },
        "os.enoent": {"fr": "ce fichier ou ce dossier n'existe pas", "en": "no such file or folder"},
        "os.enotdir": {"fr": "un élément du chemin n'est pas un dossier", "en": "a part of the path is not a folder"},
        "os.eisdir": {"fr": "c'est un dossier, pas un fichier", "en": "it is a folder, not a file"},
        "os.eacces": {"fr": "accès refusé", "en": "permission denied"},
        "os.erofs": {"fr": "support en lecture seule", "en": "read-only medium"},
        "os.enospc": {"fr": "disque plein", "en": "disk full"},
        "os.eexist": {"fr": "existe déjà", "en": "already exists"},
        "os.enametoolong": {"fr": "nom trop long", "en": "name too long"},
        # (The C library's words were said in a French sentence: « Connection timed out ».)
        "os.eio": {
            "fr": "le disque ne répond plus (débranché, ou abîmé)",
            "en": "the drive no longer answers (unplugged, or damaged)",
        },
        "os.unreachable": {
            "fr": "le partage réseau ne répond pas (délai dépassé)",
            "en": "the network share does not answer (timed out)",
        },
    }
)


M.add(
    {
        "os.write.nothing": {"fr": "Rien n'a été écrit.", "en": "Nothing was written."},
        "os.write.full": {
            "fr": "Rien n'a été écrit. Libérez de la place sur ce disque, ou choisissez-en un autre, puis recommencez.",
            "en": "Nothing was written. Free some space on this drive, or choose another one, then try again.",
        },
        "os.write.no_folder": {
            "fr": "Rien n'a été écrit. Vérifiez le chemin : le dossier où écrire doit déjà exister (créez-le, ou "
            "branchez la clé ou le disque), puis recommencez.",
            "en": "Nothing was written. Check the path: the folder to write into must already exist (create it, or "
            "plug in the USB stick or drive), then try again.",
        },
        "os.write.denied": {
            "fr": "Rien n'a été écrit. Choisissez un dossier où vous pouvez écrire (votre dossier personnel, une "
            "clé USB), puis recommencez.",
            "en": "Nothing was written. Choose a folder you can write into (your home folder, a USB stick), then "
            "try again.",
        },
        "os.write.unreachable": {
            "fr": "Rien n'a été écrit. Vérifiez que le disque est bien branché, ou que le réseau et le serveur de "
            "partage marchent, puis recommencez.",
            "en": "Nothing was written. Check that the drive is plugged in, or that the network and the share's "
            "server work, then try again.",
        },
        "os.write.shorter": {
            "fr": "Rien n'a été écrit. Choisissez un nom plus court, puis recommencez.",
            "en": "Nothing was written. Choose a shorter name, then try again.",
        },
    }
)


M.add(
    {
        # What to do for a write that tries again by itself (the window's scheduled backup): nothing for her to
        # « recommencer », only the cause to remove, one way out per cause.
        "os.retry.full": {
            "fr": "Pour qu'elle réussisse, libérez de la place sur le disque de sauvegarde, ou choisissez-en un autre.",
            "en": "For it to succeed, free some space on the backup drive, or choose another one.",
        },
        "os.retry.file_limit": {
            "fr": "Retirer des sauvegardes n'y changerait rien : pour qu'elle réussisse, choisissez un disque "
            "formaté en exFAT ou NTFS.",
            "en": "Removing backups would change nothing: for it to succeed, choose a drive formatted exFAT or NTFS.",
        },
        "os.retry.no_folder": {
            "fr": "Pour qu'elle réussisse, branchez la clé ou le disque de sauvegarde, ou choisissez un autre dossier.",
            "en": "For it to succeed, plug in the backup USB stick or drive, or choose another folder.",
        },
        "os.retry.read_only": {
            "fr": "La clé ou le disque n'accepte que la lecture : pour qu'elle réussisse, poussez le petit verrou "
            "de la clé ou de la carte (s'il y en a un), rebranchez-la, ou choisissez un autre dossier.",
            "en": "The stick or drive is read-only: for it to succeed, slide its small lock switch (if it has "
            "one), plug it in again, or choose another folder.",
        },
        "os.retry.denied": {
            "fr": "Votre session n'a pas le droit d'écrire dans ce dossier : pour qu'elle réussisse, choisissez un "
            "dossier où vous pouvez écrire, ou demandez ce droit au support informatique.",
            "en": "Your session may not write into this folder: for it to succeed, choose a folder you can write "
            "into, or ask IT support for that right.",
        },
        "os.retry.shorter": {
            "fr": "Pour qu'elle réussisse, choisissez un dossier au chemin plus court.",
            "en": "For it to succeed, choose a folder with a shorter path.",
        },
        "os.retry.unreachable": {
            "fr": "Le disque ou le partage réseau ne répond plus : pour qu'elle réussisse, vérifiez qu'il est "
            "bien branché, ou que le réseau et le serveur de partage marchent, ou choisissez un autre dossier.",
            "en": "The drive or network share no longer answers: for it to succeed, check that it is plugged in, "
            "or that the network and the share's server work, or choose another folder.",
        },
        "os.retry.other": {
            "fr": "Si cela se répète, choisissez un autre dossier ou appelez le support.",
            "en": "If it happens again, choose another folder or call support.",
        },
    }
)

#: A drive or a network share that stopped answering (unplugged mid-write, a share's server gone, Wi-Fi lost).
_UNREACHABLE = {
    code
    for code in (
        getattr(errno, name, None)
        for name in (
            "ETIMEDOUT",
            "EHOSTDOWN",
            "EHOSTUNREACH",
            "ENETDOWN",
            "ENETUNREACH",
            "ENETRESET",
            "ECONNABORTED",
            "ECONNRESET",
            "ECONNREFUSED",
            "ESTALE",
            "EIO",
            "ENODEV",
            "ENXIO",
            "ENOLINK",
            "EREMOTEIO",
        )
    )
    if code is not None
}


def write_cause(exc: OSError) -> str:
    """Why a file could not be written, as one of ``full``, ``file_limit`` (a drive's cap on one file, FAT32: no
    room to free would help), ``no_folder``, ``read_only``, ``denied``, ``shorter`` (a path too long: a path pasted
    twice), ``unreachable`` (a drive or share that stopped answering) or ``other``: the one reading of an OS error
    that ``write_advice`` and ``retry_advice`` each give their own words to."""
    if file_too_large(exc):
        return "file_limit"
    if disk_full(exc):
        return "full"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "no_folder"
    if exc.errno == errno.EROFS:
        return "read_only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "denied"
    if exc.errno == errno.ENAMETOOLONG:
        return "shorter"
    if exc.errno in _UNREACHABLE:
        return "unreachable"
    return "other"


def retry_advice(exc: OSError | None) -> str:
    """The way out of a write that Teleavis tries again by itself (the scheduled backup), one per cause, in the
    user's language: no « recommencez » (found in review: nothing is hers to do again), no advice of another
    cause's (found from outside: « libérez de la place, branchez-le, ou choisissez un autre dossier » for a
    read-only stick, every time). ``None``: the folder is not there (a drive not plugged in)."""
    return M.tr(f"os.retry.{'no_folder' if exc is None else write_cause(exc)}")


#: ``write_advice``'s words for each ``write_cause``: a drive's cap on one file has no room to free, a read-only
#: drive is refused as a folder one may not write into; a share timing out said « Rien n'a été écrit. » alone
#: (found in review), and so did a path pasted twice.
_WRITE_ADVICE = {
    "file_limit": "os.write.nothing",
    "full": "os.write.full",
    "no_folder": "os.write.no_folder",
    "read_only": "os.write.denied",
    "denied": "os.write.denied",
    "shorter": "os.write.shorter",
    "unreachable": "os.write.unreachable",
    "other": "os.write.nothing",
}


def write_advice(exc: OSError) -> str:
    """After a file that could not be written (an export, a backup): that nothing was, and the way out, in the
    user's language (found from outside: « disque plein. » alone left the technician with nothing to do)."""
    return M.tr(_WRITE_ADVICE[write_cause(exc)])


def os_reason(exc: OSError) -> str:
    """Why an OS call failed, in the user's language (the C library's own words are English)."""
    key = _REASONS.get(exc.errno or 0)
    return M.tr(key) if key else exc.strerror or type(exc).__name__


def storage_error(exc: OSError) -> StorageError:
    """A ``StorageError`` with the right sentence for an OS error on the data directory."""
    if exc.errno in _DISK_FULL:
        return StorageError(M.tr("storage.full"))
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageError(M.tr("storage.readonly"))
    return StorageError(M.tr("storage.io", reason=os_reason(exc)))


class NotOrdinaryFile(OSError):
    """A path that is not an ordinary file: ``kind`` is ``link`` (a symbolic link not to be followed),
    ``device``, ``pipe``, ``socket`` or ``folder``."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"not an ordinary file: {kind}")
        self.kind = kind


class FileTooLarge(OSError):
    """An ordinary file over the size asked for (``size``: what it weighs, or grew to while read)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"file too large: {size} bytes")
        self.size = size


def _kind(mode: int) -> str:
    import stat

    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"  # a character or block device (/dev/zero, a disk)


def open_ordinary_file(path: Path, *, follow_links: bool = True) -> tuple[int, os.stat_result]:
    """A descriptor on ``path`` (to close) and its status, when it is an ordinary file. Refused at once
    (:class:`NotOrdinaryFile`), without blocking: a named pipe (which holds ``open`` until someone writes
    to it), a device (/dev/zero never ends), a folder, and a symbolic link unless ``follow_links``. Opened
    without blocking and checked on the descriptor opened, so a file swapped for one of those meanwhile
    is too. Other failures are the ``OSError`` of the system."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
        try:  # (said as a link where O_NOFOLLOW is not: Windows, where links need privileges)
            mode = os.lstat(path).st_mode
        except OSError:
            mode = 0  # the open says why
        if stat.S_ISLNK(mode):
            raise NotOrdinaryFile("link")
    try:
        handle = os.open(path, flags)
    except OSError as exc:
        if not follow_links and exc.errno == errno.ELOOP:
            raise NotOrdinaryFile("link") from exc
        if exc.errno == errno.ENXIO:  # a socket, or a pipe on some systems
            raise NotOrdinaryFile("socket") from exc
        raise
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            raise NotOrdinaryFile(_kind(status.st_mode))
    except BaseException:
        os.close(handle)
        raise
    return handle, status


def read_ordinary_file(path: Path, *, limit: int, follow_links: bool = True) -> bytes:
    """An ordinary file's bytes, at most ``limit`` (:func:`open_ordinary_file` says what is refused).
    Over ``limit``: :class:`FileTooLarge`. Other failures are the ``OSError`` of the system."""
    handle, status = open_ordinary_file(path, follow_links=follow_links)
    try:
        if status.st_size > limit:
            raise FileTooLarge(status.st_size)
        chunks: list[bytes] = []
        read = 0
        while True:
            chunk = os.read(handle, min(1 << 20, limit + 1 - read))
            if not chunk:
                break
            chunks.append(chunk)
            read += len(chunk)
            if read > limit:  # it grew while read
                raise FileTooLarge(read)
        return b"".join(chunks)
    finally:
        os.close(handle)
