"""A sealed stream: bytes cut into 1 MiB chunks, each sealed with AES-GCM, that cannot be cut short.

Each chunk's nonce is its number (11 bytes) and a final-chunk flag; the stream's header (given by
the caller) is every chunk's associated data. A changed header, a reordered, altered or missing
chunk, and a truncation (no chunk carries the final flag) all fail to open. Backups are written
this way (app/backup.py).
"""

from __future__ import annotations

import io
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHUNK = 1 << 20
TAG = 16


def _nonce(counter: int, final: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class SealedWriter(io.RawIOBase):
    """Cuts what is written into chunks and seals each one (AES-GCM, header as associated data)."""

    def __init__(self, out: IO[bytes], key: bytes, header: bytes) -> None:
        super().__init__()
        self._out, self._aead, self._aad = out, AESGCM(key), header
        self._buffer = bytearray()
        self._counter = 0

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        """How many bytes were written (before sealing): what a writer such as tarfile counts from.
        Every chunk sealed before ``finish`` holds exactly ``CHUNK`` of them."""
        return self._counter * CHUNK + len(self._buffer)

    def write(self, data: Any) -> int:
        """A chunk is sealed once more than a chunk is waiting, so the last one, sealed by ``finish``, is
        never empty unless the stream is. Whole chunks are sealed from ``data`` itself: a photo is
        copied once into the cipher, not into a buffer first (and the buffer never shifts its rest)."""
        view = memoryview(data).cast("B")
        size, start = len(view), 0
        if self._buffer:
            room = CHUNK - len(self._buffer)
            if size <= room:
                self._buffer += view
                return size
            self._buffer += view[:room]
            self._seal(self._buffer, final=False)
            self._buffer.clear()
            start = room
        while size - start > CHUNK:
            self._seal(view[start : start + CHUNK], final=False)
            start += CHUNK
        self._buffer += view[start:]
        return size

    def finish(self) -> None:
        """Seal what is left as the final chunk (possibly empty): its flag is the end mark."""
        self._seal(self._buffer, final=True)
        self._buffer.clear()

    def _seal(self, chunk: bytes | bytearray | memoryview, *, final: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._counter, final), chunk, self._aad))
        self._counter += 1


class Damaged(Exception):
    """The sealed stream does not authenticate, or ends before its final chunk."""


class SealedReader(io.RawIOBase):
    """Opens the chunks one by one; refuses a stream that is altered or ends early."""

    def __init__(self, source: IO[bytes], key: bytes, header: bytes) -> None:
        super().__init__()
        self._in, self._aead, self._aad = source, AESGCM(key), header
        self._plain = b""
        self._pos = 0  # what read() has handed out of _plain: slicing the rest would copy it each time
        self._opened = 0  # plain bytes of all the chunks opened so far
        self._counter = 0
        self._done = False
        self._next = self._in.read(CHUNK + TAG)

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        """How many plain bytes were read so far (what tarfile asks to know where a member is)."""
        return self._opened - (len(self._plain) - self._pos)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Forward only, by reading on: tarfile's plain read mode seeks to where it already is, or past a
        member's padding. (Its stream mode, which never seeks, copies every byte three more times.)"""
        target = offset if whence == io.SEEK_SET else self.tell() + offset if whence == io.SEEK_CUR else -1
        if target < self.tell():
            raise io.UnsupportedOperation("a sealed stream is read forward only")
        while (left := target - self.tell()) > 0:
            if not self.read(min(left, CHUNK)):
                break
        return self.tell()

    def read(self, size: int | None = -1) -> bytes:
        want = size if size is not None and size >= 0 else None
        while not self._done and (want is None or len(self._plain) - self._pos < want):
            self._open_next()
        end = len(self._plain) if want is None else min(len(self._plain), self._pos + want)
        out = self._plain[self._pos : end]
        self._pos = end
        return out

    def _open_next(self) -> None:
        sealed = self._next
        if len(sealed) < TAG:
            raise Damaged("ends before its final chunk")
        self._next = self._in.read(CHUNK + TAG)
        final = not self._next
        try:
            plain = self._aead.decrypt(_nonce(self._counter, final), sealed, self._aad)
        except InvalidTag as exc:
            raise Damaged(f"chunk {self._counter} does not authenticate") from exc
        self._plain, self._pos = self._plain[self._pos :] + plain, 0
        self._opened += len(plain)
        self._counter += 1
        self._done = final

    def at_end(self) -> bool:
        """True once the final chunk was read and nothing but the tar stream's zero padding follows."""
        while not self._done:
            self._open_next()
        return not self._plain[self._pos :].strip(b"\0")
