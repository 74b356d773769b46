"""The object store: encrypted blobs (images, thumbnails, PDFs) in ``objects/``.

Each blob is named by a random id and written atomically; its content is AES-GCM under the data
key, bound to its id. A blob is written before the database row that refers to it, so a crash
leaves at worst an unreferenced file, which ``collect_orphans`` removes later.

Its file's size does not give its content's (``TVB2``): the content, after its length (8 bytes), is
padded with zeros so that the file is one of a few sizes, the steps of a geometric series of ratio
2^(1/8) (about 9 %) rounded up to 4 KiB. Found from outside: the exact byte size of a photo, in clear
as its file's size, told whoever held the folder and the photo (sent by mail, found on a phone) that
it is here. The padding costs about 5 % more on disk (measured: 5.2 % on 29 real cameras' photos of
7 kB to 2 MB, 4.5 % on sizes drawn from 300 kB to 12 MB; small files are in whole 4 KiB blocks on disk
anyway). Blobs of the format before (``TVB1``, unpadded) are still read;
migration 25 and a key rotation write them again padded.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from app import messages as M
from app.crypto import DataKey, DecryptionFailed
from app.errors import DataAltered, StorageError
from app.fsutil import atomic_write, fsync_dir, storage_error, write_over

#: The first format (its content unpadded) and the current one (padded, its length sealed first).
_MAGIC = b"TVB1"
_MAGIC_PADDED = b"TVB2"
_LENGTH = 8
#: The sizes a blob's file can have: 4 KiB, then the steps of a geometric series of this ratio.
_STEP_RATIO = 2 ** (1 / 8)
_BLOCK = 4096
_SEALED_OVERHEAD = len(_MAGIC_PADDED) + 1 + 12 + 16  # magic, version byte, nonce, tag


def padded_size(size: int) -> int:
    """The file size a blob of ``size`` content bytes is written at: the first step of the series
    (``_BLOCK`` times a power of ``_STEP_RATIO``, rounded up to a whole ``_BLOCK``) that holds it."""
    needed = size + _LENGTH + _SEALED_OVERHEAD
    step = 0
    while True:
        bound = -(-int(_BLOCK * _STEP_RATIO**step) // _BLOCK) * _BLOCK
        if bound >= needed:
            return bound
        step += 1


def write_sealed(key: DataKey, data: bytes | memoryview, blob_id: str, handle: BinaryIO) -> None:
    """A blob's file (``TVB2``): its content's length, the content, zeros up to its padded size, sealed."""
    size = len(data)
    padding = padded_size(size) - size - _LENGTH - _SEALED_OVERHEAD
    handle.write(_MAGIC_PADDED)
    key.seal_to([size.to_bytes(_LENGTH, "big"), data, bytes(padding)], b"blob:" + blob_id.encode(), handle)


def open_sealed(key: DataKey, sealed: bytes, blob_id: str) -> bytes:
    """A blob's content from its file, of either format; ``DecryptionFailed`` when it does not open
    under its id, ``ValueError`` when it is not a blob's file."""
    context = b"blob:" + blob_id.encode()
    if sealed.startswith(_MAGIC):
        return key.open(memoryview(sealed)[len(_MAGIC) :], context)
    if not sealed.startswith(_MAGIC_PADDED):
        raise ValueError("not a blob")
    plain = key.open(memoryview(sealed)[len(_MAGIC_PADDED) :], context)
    size = int.from_bytes(plain[:_LENGTH], "big")
    if len(plain) < _LENGTH + size:  # (authenticated: only a writer's fault could make it)
        raise ValueError("a blob shorter than its length")
    return plain[_LENGTH : _LENGTH + size]


def padded(sealed: bytes) -> bool:
    """Whether a blob's file is of the padded format (``TVB2``)."""
    return sealed.startswith(_MAGIC_PADDED)


def lost(exc: StorageError) -> bool:
    """Whether a blob's read failed for good (:meth:`ObjectStore.get`): its file gone (a folder in its place,
    or in its folder's), or no longer a blob's; not a read refused (:func:`refused`), nor one the disk failed
    (:func:`not_read`), nor one that does not open under its id (``DataAltered``, said otherwise)."""
    gone = (FileNotFoundError, NotADirectoryError, IsADirectoryError, ValueError)
    return isinstance(exc.__cause__, gone) and not isinstance(exc, DataAltered)


#: Windows' sharing and lock violations (a file held open by an antivirus, a backup tool): ``PermissionError``
#: there, yet over in a moment.
_HELD_OPEN = (32, 33)


def refused(exc: StorageError) -> bool:
    """Whether a blob's read was refused by the file's rights (EACCES, EPERM): they do not change by themselves,
    someone must give its access back. Not Windows' sharing violation, which passes (:func:`not_read`)."""
    cause = exc.__cause__
    return isinstance(cause, PermissionError) and getattr(cause, "winerror", None) not in _HELD_OPEN


def not_read(exc: StorageError) -> bool:
    """Whether a blob's file is there but its read failed otherwise (:func:`lost`, :func:`refused`): the disk's
    error (EIO: a bad sector, a USB disk or a network share gone), which may pass at another try."""
    cause = exc.__cause__
    return isinstance(cause, OSError) and not lost(exc) and not refused(exc) and not isinstance(exc, DataAltered)


class ObjectStore:
    def __init__(self, root: Path, key: DataKey) -> None:
        self.root = root
        self._key = key

    def _path(self, blob_id: str) -> Path:
        if not blob_id.isalnum():
            raise ValueError("bad blob id")
        return self.root / blob_id[:2] / blob_id

    def put(self, data: bytes) -> str:
        """Store ``data`` encrypted; returns its new id once it is durable on disk."""
        import secrets

        blob_id = secrets.token_hex(16)
        folder = self.root / blob_id[:2]
        if not folder.exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                fsync_dir(folder.parent)
            except OSError as exc:
                raise storage_error(exc) from exc

        atomic_write(self._path(blob_id), functools.partial(write_sealed, self._key, data, blob_id))
        return blob_id

    def get(self, blob_id: str) -> bytes:
        """The decrypted content, or ``StorageError`` when it is missing or damaged (``DataAltered`` when it
        does not open under its id: another blob's file copied over it)."""
        try:
            sealed = self._path(blob_id).read_bytes()
        except FileNotFoundError as exc:
            raise StorageError(M.tr("blob.missing")) from exc
        except OSError as exc:
            raise storage_error(exc) from exc
        try:
            return open_sealed(self._key, sealed, blob_id)
        except ValueError as exc:
            raise StorageError(M.tr("blob.damaged")) from exc
        except DecryptionFailed as exc:
            # A whole file that does not open under its id is most often another one put in its place (an
            # image or an answer's attachment of another case): said altered, as the store says a row moved.
            raise DataAltered(M.tr("data.altered")) from exc

    def exists(self, blob_id: str) -> bool:
        return self._path(blob_id).exists()

    def delete(self, blob_id: str) -> None:
        """Remove a blob's file, written over first (:func:`write_over`)."""
        path = self._path(blob_id)
        try:
            write_over(path)
            path.unlink(missing_ok=True)
            fsync_dir(path.parent)
        except OSError as exc:
            raise storage_error(exc) from exc

    def ids(self) -> Iterator[str]:
        if not self.root.exists():
            return
        for folder in self.root.iterdir():
            if folder.is_dir():
                for entry in folder.iterdir():
                    if not entry.name.startswith("."):
                        yield entry.name

    def collect_orphans(self, referenced: Iterable[str], older_than_s: float = 3600.0) -> int:
        """Remove temp files and blobs no row refers to, left by a crash; returns how many.

        Only files older than ``older_than_s`` go, so a blob being written now for a row about to
        be committed is never taken.
        """
        keep = set(referenced)
        limit = time.time() - older_than_s
        removed = 0
        if not self.root.exists():
            return 0
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                orphan = entry.name.startswith(".") or entry.name not in keep
                try:
                    if orphan and entry.stat().st_mtime < limit:
                        write_over(entry)
                        os.unlink(entry)
                        removed += 1
                except FileNotFoundError:
                    continue  # removed meanwhile (an image replaced in a window)
        return removed
