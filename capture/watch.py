"""The device folder: where a retinograph or a camera drops its exports, picked up by itself.

The folder is scanned periodically (network shares and USB sticks do not deliver change events
reliably). A file is taken only once its size and modification time have stayed the same over two
scans in a row (and, for a JPEG or a PNG, once it has its end; for a DICOM, once its pixel data are
whole), so a retinograph still writing a large file is never read half-written. Each file is taken
once, and the originals always stay where they are: the window only announces an arrival, and the
user chooses what to import (the folder may hold another patient's images).

What was in the folder when the watch began is never new, whatever its size then (an export of the
previous patient still being copied is that patient's); nor is what is there when an unreachable
folder comes back (a share offline, a USB stick taken to the device and plugged back): only files
that appear while the folder is seen count. A folder that is a mount point does not become unreadable
when its disk or share is unmounted: an empty folder takes its place. Another folder at the same path
(another device and inode) is therefore the folder going away or coming back, under the same rule.
A copy under way at the first look (a file then still changing, or a temporary name renamed once whole,
or an image come by the second look just after another) is the previous case's to its end: what arrives
while it goes on, without a still pause of :data:`COPY_PAUSE` seconds (a slow stick or share stops for a few
seconds mid-copy), is old too.

Devices often export one subfolder per exam or per day (``2026-12-02/DUPONT_123/IMG0001.jpg``), or
as DICOM media (a DICOMDIR beside ``DICOM/PA000000/ST000000/SE000000/IM000000``, without extension): the
folder is read down to :data:`MAX_DEPTH` levels of subfolders, under the same rules (a file is known by
its path under the folder, so ``IMG0001.jpg`` of two exams are two files). The walk is bounded
(:data:`MAX_ENTRIES` entries a look, symbolic links never followed), and leaves out hidden and system
folders (a recycle bin holds another patient's deleted exports) and DICOMDIR indexes.
"""

from __future__ import annotations

import logging
import os
import pathlib
import threading
import time
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass
from stat import S_ISREG

from app.fsutil import open_ordinary_file
from app.model import DevicePatient
from capture.sniff import NETPBM_HEADER_BYTES, bmp_complete, heif_complete, netpbm_complete, sniff

log = logging.getLogger(__name__)

#: Names devices and copy tools give to files still being written.
_PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", "~")
_SNIFF_BYTES = 132
_TAIL_BYTES = 64 * 1024

#: Levels of subfolders read below the device folder (``day/exam/image.jpg`` is two; a DICOM media export,
#: ``DICOM/PA000000/ST000000/SE000000/IM000000`` beside its DICOMDIR, is four, five under a day folder).
MAX_DEPTH = 5
#: Entries (files and folders) of the subfolders taken at one look at most: a huge share must not hold
#: the watch. Newest names are taken first (dates and exam numbers grow). The device folder's own
#: files are all taken.
MAX_ENTRIES = 10_000
#: Folders that hold no export: recycle bins, system and indexing folders (compared in lower case;
#: hidden folders, ``.Trash-1000`` and the like, are left out too).
_SYSTEM_FOLDERS = frozenset(
    {
        "$recycle.bin",
        "recycler",
        "recycled",
        "system volume information",
        "__macosx",
        "lost+found",
        "@eadir",
        "#recycle",
    }
)
#: A DICOMDIR is the index of a DICOM export, not an image.
_INDEX_FILES = frozenset({"dicomdir"})
_REPARSE_POINT = 0x400  # stat.FILE_ATTRIBUTE_REPARSE_POINT: a junction, Windows' link to a folder


def _candidate(path: pathlib.Path) -> bool:
    name = path.name.lower()
    return not name.startswith(".") and not name.endswith(_PARTIAL_SUFFIXES) and name not in _INDEX_FILES


def _folder_to_read(entry: os.DirEntry[str]) -> bool:
    """Whether to look inside a subfolder: not a link (nor, on Windows, a junction), not hidden, not a
    system folder."""
    lowered = entry.name.lower()
    if lowered.startswith((".", "$")) or lowered in _SYSTEM_FOLDERS:
        return False
    if not entry.is_dir(follow_symlinks=False):
        return False
    if os.name != "nt":  # (only Windows has junctions; elsewhere no stat per folder and per look)
        return True
    attributes = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
    return not attributes & _REPARSE_POINT


def _walk(folder: pathlib.Path, others: list[pathlib.Path] | None = None) -> tuple[list[pathlib.Path], bool] | None:
    """The candidate files of ``folder`` and its subfolders (breadth first, see :data:`MAX_DEPTH`), and
    whether the look was whole (False: :data:`MAX_ENTRIES` reached, or a subfolder could not be read);
    None when ``folder`` itself cannot be read. ``others``: where to put the files that are no candidate
    (hidden, or a temporary name: a copy under way)."""
    found: list[pathlib.Path] = []
    budget = MAX_ENTRIES
    whole = True
    queue: deque[tuple[pathlib.Path, int]] = deque([(folder, 0)])
    while queue:
        directory, depth = queue.popleft()
        try:
            with os.scandir(directory) as listed:
                # Every name is read (names are cheap) and sorted before any is left out: the order a disk
                # lists them in is not the order they came in.
                entries = sorted(listed, key=lambda entry: entry.name, reverse=True)
        except OSError:
            if depth == 0:
                return None
            whole = False  # a subfolder out of reach for now: its files are not gone
            continue
        if depth > 0:  # the device folder itself is read whole, as it always was; its subfolders share the budget
            if len(entries) > budget:
                entries, whole = entries[:budget], False
            budget -= len(entries)
        for entry in entries:
            try:
                if entry.is_file(follow_symlinks=False):
                    if _candidate(pathlib.Path(entry.name)):
                        found.append(pathlib.Path(entry.path))
                    elif others is not None:
                        others.append(pathlib.Path(entry.path))
                elif depth < MAX_DEPTH and _folder_to_read(entry):
                    queue.append((pathlib.Path(entry.path), depth + 1))
            except OSError:
                whole = False
        if budget <= 0 and queue:
            whole = False
            break
    return sorted(found), whole


def _identity(folder: pathlib.Path) -> tuple[int, int] | None:
    """The folder's device and inode: a disk or share mounted there, or unmounted, changes them. (Only the
    device on Windows, where a share may give a folder no stable file number.)"""
    try:
        stat = folder.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino if os.name != "nt" else 0


def is_image_file(path: pathlib.Path) -> bool:
    """Whether the file's first bytes are those of an image we import (whatever its name).

    A symbolic link is not followed: it is not an image the device wrote.
    """
    handle = _open_ordinary(path)
    if handle is None:
        return False
    try:
        return sniff(os.read(handle, _SNIFF_BYTES)) is not None
    except OSError:
        return False
    finally:
        os.close(handle)


#: The tags of who a DICOM's device recorded the image for (its character set to read a name right).
_PATIENT_TAGS = (
    "SpecificCharacterSet",
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "PatientSex",
    "OtherPatientIDsSequence",  # (an INS a worklist gave: capture.dicom.device_patient)
    # Whose number the Patient ID is (found in review: left out, another structure's number was read here
    # as the site's file number, its file ticked, while its import said the names only).
    "IssuerOfPatientID",
    "IssuerOfPatientIDQualifiersSequence",
)


def recorded_patient(path: pathlib.Path, site_system: str = "") -> DevicePatient | None:
    """Who a DICOM's device recorded it for, read from its header only (``stop_before_pixels`` and the
    patient's tags: a few kilobytes of a file of megabytes); None for a file that is no DICOM, has no
    such tags or its placeholder, or cannot be read. Patient data: never logged."""
    handle = _open_ordinary(path)
    if handle is None:
        return None
    try:
        try:
            if sniff(os.read(handle, _SNIFF_BYTES)) != "dicom":
                return None
            os.lseek(handle, 0, os.SEEK_SET)
        except OSError:
            return None
        # Imported here: pydicom's import is slow, and most device folders hold photos only.
        from capture.dicom import READ_ERRORS, device_patient, read_header

        try:
            with os.fdopen(os.dup(handle), "rb") as stream:
                ds = read_header(stream, _PATIENT_TAGS)  # (under the import's lock: capture.dicom._switch_off)
            return device_patient(ds, site_system)
        except (*READ_ERRORS, AttributeError):  # a damaged header says nothing of its patient
            return None
    finally:
        os.close(handle)


def _open_ordinary(path: pathlib.Path) -> int | None:
    """A descriptor on ``path`` if it is an ordinary file, else None: never through a link, never blocked
    by a named pipe put there (found from outside: one held the watch for ever), never a device."""
    try:
        return open_ordinary_file(path, follow_links=False)[0]
    except OSError:  # (NotOrdinaryFile is one)
        return None


def listing(folder: pathlib.Path) -> list[pathlib.Path] | None:
    """The regular files of ``folder`` and its subfolders that may be images (not hidden, not being
    written), by path; None when the folder cannot be read (unplugged, a share offline), which is not an
    empty folder.

    Symbolic links are left alone: anyone who can write to a shared device folder could otherwise
    point one at a file of this workstation (another patient's export, a private document) and
    have it offered, imported and sent as this patient's image. A link to a folder is not entered.
    """
    walked = _walk(folder)
    return None if walked is None else walked[0]


def looks_complete(path: pathlib.Path) -> bool:
    """Whether a JPEG or a PNG has its end, a JPEG 2000 its end marker, a BMP or a binary PPM/PGM the size
    its header declares, a HEIC or an AVIF all its boxes whole, or a DICOM its whole pixel data (a copy
    stalled half-way keeps its size for a while); other kinds cannot be told from their bytes and count as
    complete."""
    descriptor = _open_ordinary(path)
    if descriptor is None:
        return False
    try:
        with os.fdopen(descriptor, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
            if head.startswith(b"\xff\xd8"):
                handle.seek(0)
                return _jpeg_complete(handle.read())
            if head[128:132] == b"DICM":
                # Imported here: pydicom's import is slow, and most device folders hold only JPEGs.
                from capture.dicom import pixels_complete

                handle.seek(0)
                return pixels_complete(handle)
            if sniff(head) in ("heic", "avif"):
                # Its boxes say their sizes: a copy stalled half-way leaves the last one short.
                handle.seek(0)
                return heif_complete(handle.read())
            if sniff(head) == "pnm":  # its header's comments may run past the first bytes
                handle.seek(0)
                head = handle.read(NETPBM_HEADER_BYTES)
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - _TAIL_BYTES))
            tail = handle.read()
    except OSError:
        return False
    if head.startswith(b"\x89PNG"):
        return b"IEND" in tail
    kind = sniff(head)
    if kind == "bmp":
        return bmp_complete(head, size)
    if kind == "pnm":
        return netpbm_complete(head, size)
    if kind == "jpeg2000":
        return tail.rstrip(b"\x00").endswith(b"\xff\xd9")
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
class Seen:
    """A file's size and modification time at one look."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: pathlib.Path) -> Seen | None:
        try:
            stat = path.lstat()
        except OSError:
            return None
        if not S_ISREG(stat.st_mode):  # replaced by a link or a folder since the listing
            return None
        return cls(stat.st_size, stat.st_mtime_ns)

    def key(self, name: str) -> str:
        """What marks the file as handed over (``name``: its path under the folder): the same name
        rewritten counts as a new file."""
        return f"{name}|{self.size}|{self.mtime_ns}"


def pending_files(
    folder: pathlib.Path, *, at_most: int | None = None, always: Collection[pathlib.Path] = ()
) -> list[pathlib.Path] | None:
    """The images in ``folder`` (not being written, not hidden), newest first; None when it cannot be read.

    ``at_most``: only the newest so many are opened to check they are images (a share holding years of
    exports would otherwise be read file by file), and those of ``always`` (the arrivals to tick,
    whatever time the copy kept) besides."""
    found = listing(folder)
    if found is None:
        return None
    stamped = [(seen.mtime_ns, path) for path in found if (seen := Seen.of(path)) is not None]
    images: list[pathlib.Path] = []
    for _, path in sorted(stamped, reverse=True):
        if at_most is not None and len(images) >= at_most and path not in always:
            continue
        if is_image_file(path):
            images.append(path)
    return images


#: Scans in a row over which a file must keep its size and time before it is handed over.
STABLE_SCANS = 2
#: Seconds without a file coming, going or being written after which a copy under way when the watch
#: began is over (besides :data:`STABLE_SCANS` looks): a slow USB stick or a network share stops for
#: several seconds in the middle of a copy (flushing its cache, reconnecting), and two looks (4 s) ended
#: it, the rest of the previous patient's photos then coming ticked. The nurse's own photos arriving
#: within this time are only held back unticked, their line saying why.
COPY_PAUSE = 60.0


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
        on_held_back: Callable[[pathlib.Path], object] | None = None,
    ) -> None:
        self.folder = folder
        self.interval = interval
        self._on_file = on_file
        self._on_reachable = on_reachable
        self._on_held_back = on_held_back  # told each file the copy under way at the first look brought
        self._telling = on_held_back is not None  # (not after the folder came back: no case opened then)
        self._looked_once = False
        self._history: dict[str, list[Seen]] = {}
        self._taken: set[str] = set()
        #: With ``only_new``, the files present when the folder was (last) seen coming into view, with
        #: how they were then (None: still changing at the second look, a copy under way: old for good).
        self._old: dict[str, Seen | None] | None = None if only_new else {}
        self._settled: set[str] = set()  # old files found whole at the second look
        self._first_look_whole = True  # False: the first look was cut short, see _there_before
        self._first_look_ns = 0
        self._cut_said = False
        self._only_new = only_new
        #: With ``only_new``, whether a copy was under way at the first look, and goes on (see
        #: :meth:`_copy_going_on`): "unknown" until the second look, "on", then "off" for good.
        self._copy = "off"
        self._looked: dict[str, Seen | None] = {}  # every file (temporary names too) at the last look
        self._still_looks = 0
        self._last_change = 0.0  # (time.monotonic) when the copy was last seen going on
        self._identity: tuple[int, int] | None = None  # the folder's (device, inode) at the last look
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

    def _name(self, path: pathlib.Path) -> str:
        """A file's name in the watch: its path under the folder (each exam folder has its IMG0001.jpg)."""
        return path.relative_to(self.folder).as_posix()

    def scan_once(self) -> list[pathlib.Path]:
        """One scan: hand over every file that has become stable; returns them."""
        handed: list[pathlib.Path] = []
        present: set[str] = set()
        others: list[pathlib.Path] | None = (
            [] if self._only_new and (self._old is None or self._copy != "off") else None
        )
        walked = _walk(self.folder, others)
        if walked is None:
            if self._only_new:
                self._old = None  # what is there when it comes back is not new either
            self._seen_reachable(False)
            return handed
        self._seen_reachable(True)
        identity = _identity(self.folder)
        if self._only_new and self._identity is not None and identity is not None and identity != self._identity:
            self._old = None  # another folder in its place: a disk unmounted (its empty mount point) or back
        if identity is not None:
            self._identity = identity
        found, whole = walked
        if not whole and not self._cut_said:
            log.warning("device folder too large or partly unreadable: read in part")
        self._cut_said = not whole
        names = {self._name(path) for path in found}
        first_look = self._old is None
        if self._old is None:
            self._old = {self._name(path): Seen.of(path) for path in found}
            self._first_look_whole, self._first_look_ns = whole, time.time_ns()
            self._copy, self._still_looks = "unknown", 0
            self._telling = self._telling and not self._looked_once
            self._looked_once = True
            self._looked = self._every_file(found, others or [])
        elif self._copy != "off":
            self._copy_going_on(self._every_file(found, others or []))
        if whole:
            # A name the device uses again once its file is gone (a folder emptied) is a new file. A look
            # cut short says nothing of the files it did not reach: they are not gone.
            self._old = {name: seen for name, seen in self._old.items() if name in names}
            self._settled &= names
        for path in found:
            name = self._name(path)
            if name in self._old and (first_look or not self._rewritten(path, name)):
                continue
            if name not in self._old and self._copy == "on":
                # The rest of a copy under way when the watch began (the previous patient's, copied while
                # that case was open): old, as the file it was copying then.
                self._old[name] = Seen.of(path)
                if self._telling and self._on_held_back is not None:
                    self._on_held_back(path)
                continue
            if name not in self._old and not self._first_look_whole and self._there_before(path):
                # Out of reach of a first look cut short (too many files, a subfolder unreadable then):
                # there before the watch, so old.
                self._old[name] = Seen.of(path)
                continue
            seen = Seen.of(path)
            if seen is None:
                continue
            present.add(name)
            history = self._history.setdefault(name, [])
            history.append(seen)
            del history[:-STABLE_SCANS]
            key = seen.key(name)
            stable = len(history) == STABLE_SCANS and len(set(history)) == 1 and seen.size > 0
            if not stable or key in self._taken or not is_image_file(path) or not looks_complete(path):
                continue
            self._taken.add(key)
            self._on_file(path)
            handed.append(path)
        for gone in set(self._history) - present:
            del self._history[gone]
        return handed

    def _every_file(self, found: list[pathlib.Path], others: list[pathlib.Path]) -> dict[str, Seen | None]:
        return {self._name(path): Seen.of(path) for path in (*found, *others)}

    def _copy_going_on(self, looked: dict[str, Seen | None]) -> None:
        """Follow a copy under way when the watch began: one is when, at the second look, an image written a
        moment before the first is not whole (:meth:`_stalled`), an image has come just after another
        (:meth:`_next_of_a_copy`), or a file there at the first has changed or gone (a temporary name renamed
        once whole: rsync's ``.IMG.JPG.k3J9aQ``, a ``.part``; an image being written; not a log, see
        :meth:`_copying`); it goes on while each look
        finds a file come or gone, or an image still being written (not yet whole: a log the device keeps
        appending to is no copy), and is over after :data:`STABLE_SCANS` looks in a row without, and
        :data:`COPY_PAUSE` seconds (then for good)."""
        before, self._looked = self._looked, looked
        now = time.monotonic()
        if self._copy == "unknown":
            changed = [name for name, seen in before.items() if looked.get(name) != seen]
            stalled = self._stalled(before)
            come = self._next_of_a_copy(before, looked)
            self._copy = "on" if stalled or come or any(self._copying(name) for name in changed) else "off"
            self._last_change = now
        elif looked.keys() != before.keys() or any(
            seen != before[name] and not looks_complete(self.folder / name) for name, seen in looked.items()
        ):
            self._still_looks, self._last_change = 0, now
        else:
            self._still_looks += 1
            if self._still_looks >= STABLE_SCANS and now - self._last_change >= COPY_PAUSE:
                self._copy = "off"
        if self._copy == "off":
            self._looked = {}

    def _copying(self, name: str) -> bool:
        """Whether a file there at the first look and changed or gone at the second is a copy's: gone (a
        temporary name renamed once whole), or an image by its bytes, under its name or a temporary one
        (rsync's, a ``.part``: being written). A log the device wrote to between the two looks, or the
        hidden ``.DS_Store`` a Mac's Finder rewrites, is no copy: taken for one, it held the nurse's own
        photos back unticked for as long as they kept coming."""
        path = self.folder / name
        return Seen.of(path) is None or is_image_file(path)

    def _next_of_a_copy(self, before: dict[str, Seen | None], looked: dict[str, Seen | None]) -> bool:
        """Whether an image has come between the first two looks while one of the first was written (or
        copied: its change time) less than :data:`COPY_PAUSE` seconds before it: a copy between two files at
        the first look, as it mostly is (a photo is written in a fraction of a second). Found in review:
        taken for a still folder, the next photo and the rest of the previous patient's copy came ticked. An
        image come after a folder long still (a camera writing as the nurse takes this patient) is none."""
        recent = self._first_look_ns - int(COPY_PAUSE * 1e9)
        copying = any(
            not self._there_before(self.folder / name, recent) and is_image_file(self.folder / name)
            for name, seen in before.items()
            if seen is not None
        )
        return copying and any(is_image_file(self.folder / name) for name in looked.keys() - before.keys())

    def _stalled(self, looked: dict[str, Seen | None]) -> bool:
        """Whether an image of the first look, written less than :data:`COPY_PAUSE` seconds before it, is
        not whole: a copy stalled as the watch began (a slow stick, a share), the same at the first two
        looks, is under way all the same. One cut short long ago (a copy that failed) is none. (Only the
        files written a moment ago are read: a share may hold years of exports.)"""
        recent = self._first_look_ns - int(COPY_PAUSE * 1e9)
        for name, seen in looked.items():
            if seen is None or seen.mtime_ns < recent:
                continue
            path = self.folder / name
            if is_image_file(path) and not looks_complete(path):
                return True
        return False

    def _there_before(self, path: pathlib.Path, moment_ns: int | None = None) -> bool:
        """Whether a file was written (or copied, or moved: its change time) before the first look (or
        ``moment_ns``)."""
        try:
            stat = path.lstat()
        except OSError:
            return True
        return max(stat.st_mtime_ns, stat.st_ctime_ns) < (self._first_look_ns if moment_ns is None else moment_ns)

    def _rewritten(self, path: pathlib.Path, name: str) -> bool:
        """Whether an old file has since been written again (a device writing to one fixed name): it is
        then a new export. One still changing at the second look was a copy under way when the watch
        began (the previous patient's): it stays old."""
        assert self._old is not None
        before = self._old[name]
        if before is None:
            return False
        now = Seen.of(path)
        if name not in self._settled:
            if now == before and looks_complete(path):
                self._settled.add(name)
            else:
                self._old[name] = None
                if self._telling and self._on_held_back is not None:  # (copied as the watch began: the previous case's)
                    self._on_held_back(path)
            return False
        if now == before:
            return False
        del self._old[name]
        self._settled.discard(name)
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
