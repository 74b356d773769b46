"""The device folder: where a retinograph or a camera drops its exports, picked up by itself.

The folder is scanned periodically (network shares and USB sticks do not deliver change events
reliably). A file is taken only once its size and modification time have stayed the same over two
scans in a row, so a retinograph still writing a large DICOM is never read half-written. Each file
is taken once, and the originals always stay where they are: the window only announces an
arrival, and the user chooses what to import (the folder may hold another patient's images).
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


def _entries(folder: pathlib.Path) -> list[pathlib.Path]:
    """The regular files of ``folder`` that may be images (not hidden, not being written), by name.

    Symbolic links are left alone: anyone who can write to a shared device folder could otherwise
    point one at a file of this workstation (another patient's export, a private document) and
    have it offered, imported and sent as this patient's image.
    """
    try:
        with os.scandir(folder) as listing:
            return sorted(
                pathlib.Path(entry.path)
                for entry in listing
                if entry.is_file(follow_symlinks=False) and _candidate(pathlib.Path(entry.name))
            )
    except OSError:
        log.warning("device folder cannot be read")
        return []


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


def pending_files(folder: pathlib.Path) -> list[pathlib.Path]:
    """The images in ``folder`` (not being written, not hidden), newest first."""
    stamped = [(seen.mtime_ns, path) for path in _entries(folder) if (seen := _Seen.of(path)) is not None]
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
    ) -> None:
        self.folder = folder
        self.interval = interval
        self._on_file = on_file
        self._history: dict[str, list[_Seen]] = {}
        self._taken: set[str] = set()
        self._skip_present = only_new
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def skip_present(self) -> None:
        """Treat every file now in the folder as already handed over: only later arrivals count.

        A file still being written is skipped at its current size; once finished it counts as new.
        """
        for path in _entries(self.folder):
            seen = _Seen.of(path)
            if seen is not None:
                self._taken.add(seen.key(path.name))

    def scan_once(self) -> list[pathlib.Path]:
        """One scan: hand over every file that has become stable; returns them."""
        handed: list[pathlib.Path] = []
        present: set[str] = set()
        for path in _entries(self.folder):
            seen = _Seen.of(path)
            if seen is None:
                continue
            present.add(path.name)
            history = self._history.setdefault(path.name, [])
            history.append(seen)
            del history[:-STABLE_SCANS]
            key = seen.key(path.name)
            stable = len(history) == STABLE_SCANS and len(set(history)) == 1 and seen.size > 0
            if not stable or key in self._taken or not is_image_file(path):
                continue
            self._taken.add(key)
            self._on_file(path)
            handed.append(path)
        for gone in set(self._history) - present:
            del self._history[gone]
        return handed

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
        if self._skip_present:
            self.skip_present()
        while not self._halt.is_set():
            self.scan_once()
            self._halt.wait(self.interval)
