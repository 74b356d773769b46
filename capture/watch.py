"""The device folder: where a retinograph or a camera drops its exports, picked up by itself.

The folder is scanned periodically (network shares and USB sticks do not deliver change events
reliably). A file is taken only once its size and modification time have stayed the same over two
scans in a row (and, for a JPEG or a PNG, once it has its end), so a retinograph still writing a
large file is never read half-written. Each file is taken once, and the originals always stay where
they are: the window only announces an arrival, and the user chooses what to import (the folder may
hold another patient's images).

What was in the folder when the watch began is never new, whatever its size then (an export of the
previous patient still being copied is that patient's); nor is what is there when an unreachable
folder comes back (a share offline, a USB stick taken to the device and plugged back): only files
that appear while the folder is seen count.
"""

from __future__ import annotations

import logging
import os
import pathlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from stat import S_ISREG

from capture.sniff import sniff

log = logging.getLogger(__name__)

#: Names devices and copy tools give to files still being written.
_PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", "~")
_SNIFF_BYTES = 132
_TAIL_BYTES = 64 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # absent on Windows, where links need privileges


def _candidate(path: pathlib.Path) -> bool:
    name = path.name.lower()
    return not name.startswith(".") and not name.endswith(_PARTIAL_SUFFIXES)


def is_image_file(path: pathlib.Path) -> bool:
    """Whether the file's first bytes are those of an image we import (whatever its name).

    A symbolic link is not followed: it is not an image the device wrote.
    """
    try:
        handle = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return False
    try:
        return sniff(os.read(handle, _SNIFF_BYTES)) is not None
    except OSError:
        return False
    finally:
        os.close(handle)


def listing(folder: pathlib.Path) -> list[pathlib.Path] | None:
    """The regular files of ``folder`` that may be images (not hidden, not being written), by name;
    None when the folder cannot be read (unplugged, a share offline), which is not an empty folder.

    Symbolic links are left alone: anyone who can write to a shared device folder could otherwise
    point one at a file of this workstation (another patient's export, a private document) and
    have it offered, imported and sent as this patient's image.
    """
    try:
        with os.scandir(folder) as entries:
            return sorted(
                pathlib.Path(entry.path)
                for entry in entries
                if entry.is_file(follow_symlinks=False) and _candidate(pathlib.Path(entry.name))
            )
    except OSError:
        return None


def looks_complete(path: pathlib.Path) -> bool:
    """Whether a JPEG or a PNG has its end (a copy stalled half-way keeps its size for a while); other
    kinds cannot be told from their bytes and count as complete."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head.startswith(b"\xff\xd8"):
                handle.seek(0)
                return _jpeg_complete(handle.read())
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - _TAIL_BYTES))
            tail = handle.read()
    except OSError:
        return False
    if head.startswith(b"\x89PNG"):
        return b"IEND" in tail
    return True


def _jpeg_complete(data: bytes) -> bool:
    """Whether the JPEG's image reaches its end marker: the segments are walked to the image's first
    scan (an EXIF thumbnail's own end marker, inside its segment, does not count), then the end is
    looked for after it. What may follow it (a phone's motion photo, megabytes of video) is not read."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return False  # no marker where one is due: cut short or damaged
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            at += 2
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if marker == 0xDA:  # the first scan: its data runs to the end marker
            return data.find(b"\xff\xd9", at + 2 + length) != -1
        at += 2 + length
    return False


@dataclass(frozen=True)
class _Seen:
    """A file's size and modification time at one look."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: pathlib.Path) -> _Seen | None:
        try:
            stat = path.lstat()
        except OSError:
            return None
        if not S_ISREG(stat.st_mode):  # replaced by a link or a folder since the listing
            return None
        return cls(stat.st_size, stat.st_mtime_ns)

    def key(self, name: str) -> str:
        """What marks the file as handed over: the same name rewritten counts as a new file."""
        return f"{name}|{self.size}|{self.mtime_ns}"


def pending_files(folder: pathlib.Path) -> list[pathlib.Path] | None:
    """The images in ``folder`` (not being written, not hidden), newest first; None when it cannot be read."""
    found = listing(folder)
    if found is None:
        return None
    stamped = [(seen.mtime_ns, path) for path in found if (seen := _Seen.of(path)) is not None]
    return [path for _, path in sorted(stamped, reverse=True) if is_image_file(path)]


#: Scans in a row over which a file must keep its size and time before it is handed over.
STABLE_SCANS = 2


class FolderWatcher:
    """Hands each new, complete image of ``folder`` to ``on_file`` once.

    With ``only_new``, the files already there when the thread starts are left alone (read in the
    thread: a network share can be slow to list).
    """

    def __init__(
        self,
        folder: pathlib.Path,
        on_file: Callable[[pathlib.Path], object],
        *,
        interval: float = 2.0,
        only_new: bool = False,
        on_reachable: Callable[[bool], object] | None = None,
    ) -> None:
        self.folder = folder
        self.interval = interval
        self._on_file = on_file
        self._on_reachable = on_reachable
        self._history: dict[str, list[_Seen]] = {}
        self._taken: set[str] = set()
        #: With ``only_new``, the files present when the folder was (last) seen coming into view, with
        #: how they were then (None: still changing at the second look, a copy under way: old for good).
        self._old: dict[str, _Seen | None] | None = None if only_new else {}
        self._settled: set[str] = set()  # old files found whole at the second look
        self._only_new = only_new
        self.reachable: bool | None = None
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def _seen_reachable(self, reachable: bool) -> None:
        if reachable != self.reachable:
            if not reachable:
                log.warning("device folder cannot be read")
            self.reachable = reachable
            if self._on_reachable is not None:
                self._on_reachable(reachable)

    def scan_once(self) -> list[pathlib.Path]:
        """One scan: hand over every file that has become stable; returns them."""
        handed: list[pathlib.Path] = []
        present: set[str] = set()
        found = listing(self.folder)
        if found is None:
            if self._only_new:
                self._old = None  # what is there when it comes back is not new either
            self._seen_reachable(False)
            return handed
        self._seen_reachable(True)
        names = {path.name for path in found}
        first_look = self._old is None
        if self._old is None:
            self._old = {path.name: _Seen.of(path) for path in found}
        # A name the device uses again once its file is gone (a folder emptied) is a new file.
        self._old = {name: seen for name, seen in self._old.items() if name in names}
        self._settled &= names
        for path in found:
            if path.name in self._old and (first_look or not self._rewritten(path)):
                continue
            seen = _Seen.of(path)
            if seen is None:
                continue
            present.add(path.name)
            history = self._history.setdefault(path.name, [])
            history.append(seen)
            del history[:-STABLE_SCANS]
            key = seen.key(path.name)
            stable = len(history) == STABLE_SCANS and len(set(history)) == 1 and seen.size > 0
            if not stable or key in self._taken or not is_image_file(path) or not looks_complete(path):
                continue
            self._taken.add(key)
            self._on_file(path)
            handed.append(path)
        for gone in set(self._history) - present:
            del self._history[gone]
        return handed

    def _rewritten(self, path: pathlib.Path) -> bool:
        """Whether an old file has since been written again (a device writing to one fixed name): it is
        then a new export. One still changing at the second look was a copy under way when the watch
        began (the previous patient's): it stays old."""
        assert self._old is not None
        before = self._old[path.name]
        if before is None:
            return False
        now = _Seen.of(path)
        if path.name not in self._settled:
            if now == before and looks_complete(path):
                self._settled.add(path.name)
            else:
                self._old[path.name] = None
            return False
        if now == before:
            return False
        del self._old[path.name]
        self._settled.discard(path.name)
        return True

    def start(self) -> None:
        """Scan every ``interval`` seconds in a background thread."""
        if self._thread is not None:
            return
        self._halt.clear()
        self._thread = threading.Thread(target=self._run, name="device-folder", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop scanning (a file being imported is finished first)."""
        self._halt.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._halt.is_set():
            self.scan_once()
            self._halt.wait(self.interval)
