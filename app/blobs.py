"""The object store: encrypted blobs (images, thumbnails, PDFs) in ``objects/``.

Each blob is named by a random id and written atomically; its content is AES-GCM under the data
key, bound to its id. A blob is written before the database row that refers to it, so a crash
leaves at worst an unreferenced file, which ``collect_orphans`` removes later.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from app import messages as M
from app.crypto import DataKey, DecryptionFailed
from app.errors import DataAltered, StorageError
from app.fsutil import atomic_write, fsync_dir, storage_error

_MAGIC = b"TVB1"


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

        def write(handle: BinaryIO) -> None:
            handle.write(_MAGIC)
            self._key.seal_to(data, b"blob:" + blob_id.encode(), handle)

        atomic_write(self._path(blob_id), write)
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
        if not sealed.startswith(_MAGIC):
            raise StorageError(M.tr("blob.damaged"))
        try:
            return self._key.open(memoryview(sealed)[len(_MAGIC) :], b"blob:" + blob_id.encode())
        except DecryptionFailed as exc:
            # A whole file that does not open under its id is most often another one put in its place (an
            # image or an answer's attachment of another case): said altered, as the store says a row moved.
            raise DataAltered(M.tr("data.altered")) from exc

    def exists(self, blob_id: str) -> bool:
        return self._path(blob_id).exists()

    def delete(self, blob_id: str) -> None:
        path = self._path(blob_id)
        try:
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
                        os.unlink(entry)
                        removed += 1
                except FileNotFoundError:
                    continue  # removed meanwhile (an image replaced in a window)
        return removed
