"""The device folder: the images a retinograph or camera dropped there, to pick and import.

While a case is open, :class:`DeviceFolderMonitor` watches the folder and says when a new image
has arrived (complete, not half-written). Nothing is imported by itself: the folder may hold
another patient's exports, so the user ticks this patient's images in :class:`DeviceFolderDialog`,
where the new ones come ticked, but for a DICOM whose device recorded it for another patient than the
case's (its line says for whom) or gave her names only, without a birth date nor an INS (a mother and her
daughter share them), and for a photo taken hours before the newest of them (an SD card still
holding the previous patient's photos: its line says when). Images exported to subfolders (one per day or
exam) are listed with their path under the folder.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget
from shiboken6 import isValid

from app import clock
from app.device_patient import names_only, recorded_for_another, recorded_words
from app.fsutil import open_ordinary_file
from app.i18n import date_words
from app.model import DevicePatient, Patient
from app.moments import clock_set_ahead
from app.validation import EARLIER_SESSION, MAX_IMAGES
from capture.watch import FolderWatcher, Seen, pending_files, recorded_patient
from ui.image_tile import OTHER_PATIENT_COLOUR
from ui.tasks import run_task
from ui.widgets import announce, fit_on_screen, readable
from ui.worklist import local_time

if TYPE_CHECKING:
    from app.model import Case
    from app.store import Store

#: Seconds between two looks at the folder; a file counts once two looks in a row agree on it.
WATCH_INTERVAL = 2.0
#: The dialog shows the newest images only: each one listed is opened to check it is an image, on the
#: window's thread, and a device share may hold years of exports.
SHOWN_AT_MOST = 200
# Among the new images, one taken EARLIER_SESSION before the newest of them is of an earlier session (the send
# checklist's rule too): an SD card still holding the previous patient's photos, copied whole once this case was
# open. Both times are the camera's own clock: one never set does not matter.
#: A photo taken on an earlier day than today, by a camera whose clock looks set (within this long before
#: the computer's), is of an earlier session too: the card may hold the previous patient's photos only,
#: the newest of them as old as the rest. A camera whose clock was never set (its photos years old) says
#: nothing so.
CLOCK_SET = timedelta(days=30)


#: Bytes of the files not ticked read at most (newest first) to tell those already in a case: a share may
#: hold years of exports, each read over the network.
HELD_READ_AT_MOST = 256 * 2**20

#: Where an image already is, given the hashes it may be stored under: (its number there, whether it is
#: in this case; else in another patient's), or None.
Held = Callable[[set[str]], "tuple[int, bool] | None"]


def stored_hashes(path: pathlib.Path) -> set[str]:
    """The hashes an image file may be stored under once imported (as the import keeps them, its
    ``sha1`` or its ``source_sha1``): its own bytes' (a DICOM, a file kept as it came) and, for a JPEG or a
    PNG, its bytes without their metadata (a photo that needs no turning). Empty when it cannot be read."""
    from app.fsutil import read_ordinary_file
    from app.store import sha1_b64
    from capture.metadata import MalformedImage, strip_jpeg, strip_png
    from capture.sniff import MAX_BYTES, sniff

    try:
        data = read_ordinary_file(path, limit=MAX_BYTES, follow_links=False)
    except OSError:
        return set()
    found = {sha1_b64(data)}
    kind = sniff(data[:132])
    try:
        if kind == "jpeg":
            found.add(sha1_b64(strip_jpeg(data)))
        elif kind == "png":
            found.add(sha1_b64(strip_png(data)))
    except MalformedImage:
        pass  # damaged: the import refuses it, its own bytes say the rest
    return found


def held_in(store: Store, case: Case) -> Held:
    """Where an image already is, for ``case`` (:data:`Held`), as the import asks it
    (:meth:`app.store.Store.copy_held`), on the window's thread."""
    import sqlite3

    from app.case_record import CaseImage
    from app.errors import StorageError
    from app.store import NewImage

    def held(hashes: set[str]) -> tuple[int, bool] | None:
        try:
            for digest in sorted(hashes):
                found = store.copy_held(case.id, NewImage(CaseImage(sha1=digest), b"", None, digest), case.patient)
                if found is not None:
                    return found[1], found[2]
        except (sqlite3.Error, StorageError):  # the store closed meanwhile (the window quitting), or busy
            return None  # (the import asks again, and refuses a copy)
        return None

    return held


def taken_at(path: pathlib.Path) -> datetime | None:
    """When a photo was taken, by its camera's clock (its EXIF, as the camera wrote it, its zone left
    out: the images compared come from one camera); None for a file without that time (a DICOM, a
    scan) or that cannot be read. The header only is read, never through a link."""
    from PIL import Image

    from capture.heif_child import MAX_FILE_BYTES, heif_photo_facts
    from capture.importer import DECODE_ERRORS
    from capture.metadata import photo_facts
    from capture.sniff import sniff

    try:
        descriptor = open_ordinary_file(path, follow_links=False)[0]
    except OSError:
        return None
    try:
        with os.fdopen(descriptor, "rb") as handle:
            if sniff(handle.read(64)) == "heic":
                # A phone's HEIC is read in a child process (capture/heif_child.py): a damaged one crashed
                # libheif, and with it the whole program as soon as the folder's list was shown.
                handle.seek(0)
                facts = heif_photo_facts(handle.read(MAX_FILE_BYTES))
                captured = facts.captured_at if facts is not None else None
            else:
                handle.seek(0)
                with Image.open(handle) as image:
                    captured = photo_facts(image).captured_at
    except (*DECODE_ERRORS, Image.DecompressionBombError):
        # (A damaged AVIF made Pillow raise RuntimeError here: the device folder's list did not open.)
        return None
    try:
        return datetime.fromisoformat(captured[:19]) if captured and len(captured) >= 19 else None
    except ValueError:
        return None


def earlier_session(
    paths: Iterable[pathlib.Path],
    now: datetime | None = None,
    moments: Mapping[pathlib.Path, datetime | None] | None = None,
) -> dict[pathlib.Path, tuple[datetime, bool]]:
    """The photos among ``paths`` that look like an earlier session's (a previous patient's left on the
    camera's card), with when each was taken and whether it is for being of an earlier day than today
    (True) or for being taken :data:`EARLIER_SESSION` before the newest of them (False). The camera's
    clock on both sides; an earlier day counts only when the clock looks set (:data:`CLOCK_SET`).
    ``moments``: their times (:func:`taken_at`) read already, not read again."""
    now = now or clock.now().replace(tzinfo=None)
    read = moments if moments is not None else {path: taken_at(path) for path in paths}
    # A clock set ahead (the checklist's « date dans le futur »), neither the newest nor earlier: as at sending.
    taken = {
        path: moment for path in paths if (moment := read.get(path)) is not None and not clock_set_ahead(moment, now)
    }
    newest = max(taken.values(), default=None)
    found: dict[pathlib.Path, tuple[datetime, bool]] = {}
    for path, moment in taken.items():
        if newest is not None and newest - moment > EARLIER_SESSION:
            found[path] = (moment, False)
        elif moment.date() < now.date() and now - moment < CLOCK_SET:
            found[path] = (moment, True)
    return found


def earlier_session_words(paths: Iterable[pathlib.Path]) -> str:
    """What to say of the photos picked by hand in « Importer un fichier… » that look like an earlier
    session's (:func:`earlier_session`): which ones, when each was taken, and to check they are this
    patient's (they are imported: she chose them); "" when none does."""
    found = earlier_session(paths)
    if not found:
        return ""

    def when(moment: datetime) -> str:
        return f"{date_words(moment.date().isoformat())} {moment:%H:%M}"

    if len(found) == 1:
        path, (moment, day) = next(iter(found.items()))
        if day:
            text = QCoreApplication.translate(
                "DeviceFolderDialog",
                "⚠ « {name} » a été prise le {when}, un jour précédent : elle peut être d'un patient précédent, "
                "restée sur la carte de l'appareil. Vérifiez qu'elle est bien de ce patient, sinon supprimez-la.",
            )
        else:
            text = QCoreApplication.translate(
                "DeviceFolderDialog",
                "⚠ « {name} » a été prise le {when}, des heures avant les autres images choisies : elle peut être "
                "d'un patient précédent, restée sur la carte de l'appareil. Vérifiez qu'elle est bien de ce "
                "patient, sinon supprimez-la.",
            )
        return text.format(name=path.name, when=when(moment))
    # Each name quoted as the language quotes it: « a.jpg » in French, “a.jpg” in English (it said « a.jpg »
    # in the English sentence).
    named = QCoreApplication.translate("DeviceFolderDialog", "« {name} » ({when})")
    names = ", ".join(named.format(name=path.name, when=when(moment)) for path, (moment, _day) in sorted(found.items()))
    return QCoreApplication.translate(
        "DeviceFolderDialog",
        "⚠ Prises un jour précédent ou des heures avant les autres images choisies : {names}. Elles peuvent "
        "être d'un patient précédent, restées sur la carte de l'appareil. Vérifiez qu'elles sont bien de ce "
        "patient, sinon supprimez-les.",
    ).format(names=names)


class DeviceFolderMonitor(QObject):
    """Emits ``arrived`` with each image that appears in the device folder after :meth:`watch`."""

    # Paths, not text: a file name that is not UTF-8 (a device's Latin-1 name) went through Qt's string
    # as another name, and could not be imported.
    arrived = Signal(object)
    reachable = Signal(bool)  # the folder can (again) or can no longer be read
    #: A file the rest of a copy under way when the watch began brought (the previous case's): not new.
    held_back = Signal(object)
    #: From the watcher's thread, queued to this object's (the window's): the watcher still current is
    #: checked there, when it is handled. Checked in the watcher's thread only, a file seen by the
    #: previous case's watch reached the slot after the next case had opened, and was announced there.
    _found = Signal(object, object)
    _reach = Signal(object, bool)
    _held = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher: FolderWatcher | None = None
        self._found.connect(self._arrived_from)
        self._reach.connect(self._reachable_from)
        self._held.connect(self._held_back_from)

    def watch(self, folder: pathlib.Path) -> None:
        """Watch ``folder`` (the files already there are not new); stops any earlier watch."""
        self.stop()
        watcher = FolderWatcher(
            folder,
            lambda path: self._hand_over(watcher, path),
            interval=WATCH_INTERVAL,
            only_new=True,
            on_reachable=lambda reachable: self._say_reachable(watcher, reachable),
            on_held_back=lambda path: self._hold_back(watcher, path),
        )
        self._watcher = watcher
        watcher.start()

    def _hand_over(self, watcher: FolderWatcher, path: pathlib.Path) -> None:
        self._pass_on(self._found, watcher, path)

    def _hold_back(self, watcher: FolderWatcher, path: pathlib.Path) -> None:
        self._pass_on(self._held, watcher, path)

    def _pass_on(self, signal: SignalInstance, watcher: FolderWatcher, path: pathlib.Path) -> None:
        # Runs in the watcher's thread; the signal reaches the window's thread queued.
        if watcher is self._watcher:
            try:
                signal.emit(watcher, path)
            except RuntimeError:  # the panel was closed meanwhile
                watcher.stop(timeout=0)

    def _held_back_from(self, watcher: object, path: pathlib.Path) -> None:
        if watcher is self._watcher:
            self.held_back.emit(path)

    def _say_reachable(self, watcher: FolderWatcher, reachable: bool) -> None:
        if watcher is self._watcher:
            try:
                self._reach.emit(watcher, reachable)
            except RuntimeError:  # the panel was closed meanwhile
                watcher.stop(timeout=0)

    def _arrived_from(self, watcher: object, path: pathlib.Path) -> None:
        if watcher is self._watcher:  # a watcher replaced since (another case opened) says nothing
            self.arrived.emit(path)

    def _reachable_from(self, watcher: object, reachable: bool) -> None:
        if watcher is self._watcher:
            self.reachable.emit(reachable)

    def stop(self) -> None:
        """Stop watching, without waiting: a slow network share must not hold the window."""
        if self._watcher is not None:
            self._watcher.stop(timeout=0)
            self._watcher = None

    def watching(self) -> bool:
        return self._watcher is not None


def shown_path(path: pathlib.Path, folder: pathlib.Path) -> str:
    """How the dialog names a file: its path under the device folder (``2026-12-02/DUPONT_123/IMG0001.jpg``),
    the folders an exam was exported to helping to tell whose image it is."""
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.name


class DeviceFolderDialog(QDialog):
    """Lists the device folder's images, newest first, to tick; returns the ticked ones."""

    def __init__(
        self,
        folder: pathlib.Path,
        parent: QWidget | None = None,
        *,
        ticked: set[pathlib.Path] | None = None,
        patient: Patient | None = None,
        held: Held | None = None,
        copied_before: set[pathlib.Path] | None = None,
        site_system: str = "",
        in_case: int | None = None,
    ) -> None:
        """``ticked``: the files to come ticked (the new ones), unless a DICOM's device recorded it for
        another patient than ``patient``, the case's, or it is already in a case (``held`` says where).
        ``copied_before``: the files a copy under way when the case opened brought (not ticked, said so).
        ``site_system``: the site's patient-id system, the issuer its worklist may write with her file
        number (``capture.dicom.device_patient``). ``in_case``: the images the case holds (or is receiving):
        more ticked than still fit are refused here, the list kept open with its ticks."""
        super().__init__(parent)
        self._folder = folder
        self._in_case = in_case
        self._patient = patient
        self._site_system = site_system
        self._held = held
        self.setWindowTitle(self.tr("Dossier de l'appareil"))
        fit_on_screen(self, 560, 420)
        layout = QVBoxLayout(self)
        ticked = ticked or set()
        found = pending_files(folder, at_most=SHOWN_AT_MOST, always=ticked)
        self.files = found or []
        if found is None:
            text = self.tr(
                "Le dossier de l'appareil ({folder}) est inaccessible : vérifiez que l'appareil, la clé USB ou "
                "le partage réseau est bien branché, puis rouvrez cette fenêtre."
            ).format(folder=folder.name)
        elif self.files:
            text = self.tr("Cochez les images de ce patient à importer (les plus récentes en premier).")
            if any(path.parent != folder for path in self.files):
                text += " " + self.tr(
                    "Une image rangée dans un sous-dossier est montrée avec son chemin (date, examen, nom du "
                    "patient selon l'appareil) : vérifiez qu'elle est bien de ce patient."
                )
            if len(self.files) >= SHOWN_AT_MOST:
                text += " " + self.tr(
                    "Seules les {n} images les plus récentes sont montrées : pour une plus ancienne, utilisez "
                    "« Importer un fichier… »."
                ).format(n=SHOWN_AT_MOST)
        else:
            text = self.tr(
                "Aucune image dans le dossier de l'appareil ({folder}) : vérifiez que l'appareil "
                "a bien exporté les clichés."
            ).format(folder=folder.name)
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Fichiers du dossier de l'appareil"))
        # A line may say for whom the device recorded a file: wrapped to the list's width, never cut.
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        #: Each file's size and modification time as listed: one changed before it is imported is refused
        #: (ui/capture_work.py ``import_file``).
        self.listed: dict[pathlib.Path, Seen] = {}
        self._items: dict[pathlib.Path, QListWidgetItem] = {}
        #: The files whose device recorded them for another patient than the case's (not ticked for it).
        self.other_patients: set[pathlib.Path] = set()
        self._reading = False  # the headers of the files not ticked are being read
        for path in list(self.files):
            seen = Seen.of(path)
            if seen is None:  # taken away since the listing (the device, a colleague): not offered
                self.files.remove(path)
                continue
            when = local_time(datetime.fromtimestamp(seen.mtime_ns / 1e9).astimezone().isoformat())
            self.listed[path] = seen
            item = QListWidgetItem(f"{shown_path(path, folder)} — {when}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if path in ticked else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, path)  # the Path itself (see ``arrived``)
            self.list.addItem(item)
            self._items[path] = item
        layout.addWidget(self.list, 1)
        # A new photo taken hours before the newest of the others: an earlier session's, not ticked.
        # (Each new photo's time read once, here: a phone's HEIC is read whole for it.)
        moments = {path: taken_at(path) for path in self.files if path in ticked}
        earlier = earlier_session(list(moments), moments=moments)
        for path, (moment, day) in earlier.items():
            self._say_earlier(path, moment, day=day)
        # The other new ones (a few: read here) say when their camera took them as the files already there do
        # (_say_taken): found in review, a card copied while the case was open brought a photo its camera
        # dated years ago, ticked (a clock never set, for CLOCK_SET), its line the copy's time alone.
        for path in [path for path in moments if path not in earlier]:
            self._say_taken(path, moments[path])
        for path in [path for path in self.files if path in (copied_before or set()) and path not in ticked]:
            self._add_line(
                self._items[path],
                self.tr(
                    "⚠ Arrivée pendant une copie commencée avant l'ouverture de ce dossier : elle peut être du "
                    "patient précédent. Non cochée : cochez-la seulement si elle est bien de ce patient."
                ),
                True,
            )
        # Who each DICOM's device recorded it for, from its header only: at once for the files that would
        # come ticked (a few new ones: none is ticked for another patient, even for a moment), on a worker
        # for the others (a share may hold a couple of hundred, each read over the network).
        # And whether it is already in a case: the same at once for those, on the worker for the others (their
        # bytes read up to :data:`HELD_READ_AT_MOST`, newest first).
        # And, for the others, when the camera took each photo: a card copied before the case was opened
        # lists every photo at the copy's minute, years-old ones too (_say_taken).
        if patient is not None or held is not None:
            for path in [path for path in self.files if path in ticked]:
                self._say_recorded(path, recorded_patient(path, site_system) if patient is not None else None)
                self._say_held(path, stored_hashes(path) if held is not None else set())
        others = [path for path in self.files if path not in ticked]
        if others:
            self._reading = True
            run_task(
                lambda: self._read_others(others, patient is not None, held is not None),
                self._headers_read,
                lambda _exc: self._headers_read([]),
            )
        #: Why « Importer » did not close the list (more ticked than the case still takes), said above the buttons.
        self.refusal = QLabel()
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet(
            f"color: {readable('#c62828', self.palette().color(QPalette.ColorRole.Window)).name()}; font-weight: bold;"
        )
        self.refusal.hide()
        layout.addWidget(self.refusal)
        self.list.itemChanged.connect(self._ticks_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Importer"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def reading(self) -> bool:
        """Whether the headers of the files not ticked are still being read."""
        return self._reading

    def accept(self) -> None:
        """Imported, unless more are ticked than the case still takes: the import refused them all (by what
        the case holds) and the list closed, her ticks gone; she opened it and ticked again. Said here, the
        list kept open with her ticks."""
        ticked = len(self.chosen())
        if self._in_case is not None and self._in_case + ticked > MAX_IMAGES:
            self.refusal.setText(self._too_many_words(ticked, self._in_case))
            self.refusal.show()
            announce(self.refusal, self.refusal.text(), urgent=True)
            return
        super().accept()

    def _ticks_changed(self, _item: QListWidgetItem) -> None:
        if self.refusal.isVisible() and self._in_case is not None and self._in_case + len(self.chosen()) <= MAX_IMAGES:
            self.refusal.hide()  # as many ticked as fit now: nothing left to say

    def _too_many_words(self, ticked: int, held: int) -> str:
        """Why ``ticked`` images are not imported into a case holding (or receiving) ``held``: as the panel's
        line says it for files chosen (« … celui-ci en a déjà 6 … Choisissez-en 2 au plus »), the case named
        (« ce dossier » alone, in the device folder's list, read as that folder)."""
        if held == 0:
            return self.tr(
                "{n} images cochées : le dossier d'un patient contient {max} images au plus. Aucune n'est importée "
                "pour l'instant : cochez-en {max} au plus."
            ).format(n=ticked, max=MAX_IMAGES)
        if held >= MAX_IMAGES:
            return self.tr(
                "{n} images cochées : le dossier d'un patient contient {max} images au plus, celui de ce patient "
                "en a déjà {held}. Aucune n'est importée : pour en ajouter, supprimez d'abord une image du dossier "
                "du patient."
            ).format(n=ticked, held=held, max=MAX_IMAGES)
        return self.tr(
            "{n} images cochées : le dossier d'un patient contient {max} images au plus, celui de ce patient en a "
            "déjà {held}. Aucune n'est importée pour l'instant : cochez-en {room} au plus."
        ).format(n=ticked, held=held, max=MAX_IMAGES, room=MAX_IMAGES - held)

    def _read_others(
        self, others: list[pathlib.Path], headers: bool, hashes: bool
    ) -> list[tuple[pathlib.Path, DevicePatient | None, set[str], datetime | None]]:
        """(On a worker.) Who each device recorded the file for, the hashes it may be stored under, and when
        its camera took it."""
        found: list[tuple[pathlib.Path, DevicePatient | None, set[str], datetime | None]] = []
        budget = HELD_READ_AT_MOST
        for path in others:
            hashed: set[str] = set()
            if hashes and budget > 0:
                hashed = stored_hashes(path)
                budget -= self.listed[path].size if path in self.listed else 0
            found.append((path, recorded_patient(path, self._site_system) if headers else None, hashed, taken_at(path)))
        return found

    def _headers_read(self, found: list[tuple[pathlib.Path, DevicePatient | None, set[str], datetime | None]]) -> None:
        if not isValid(self):  # closed meanwhile
            return
        self._reading = False
        for path, recorded, hashed, taken in found:
            self._say_taken(path, taken)
            self._say_recorded(path, recorded)
            self._say_held(path, hashed)

    def _say_taken(self, path: pathlib.Path, taken: datetime | None) -> None:
        """A photo its camera took on another day than its file's (a card copied at the practice, minutes or
        years after): its first line says both, the file's time (the list's order) and the camera's. Listed
        with the copy's time alone, a years-old photo, perhaps a previous patient's, read as this morning's.
        Not one a line says already was taken on an earlier day (``_say_earlier``)."""
        item = self._items.get(path)
        seen = self.listed.get(path)
        if item is None or seen is None or taken is None:
            return
        written = datetime.fromtimestamp(seen.mtime_ns / 1e9)
        if taken.date() == written.date():
            return
        when = local_time(written.astimezone().isoformat())
        first = self.tr("{name} — fichier du {written}, photo prise le {taken} (horloge de l'appareil)").format(
            name=shown_path(path, self._folder),
            written=when,
            taken=f"{date_words(taken.date().isoformat())} {taken:%H:%M}",
        )
        lines = item.text().split("\n")
        item.setText("\n".join([first, *lines[1:]]))

    def _say_held(self, path: pathlib.Path, hashes: set[str]) -> None:
        """A file already imported: in this case (not ticked, its line says which image it is), or in
        another patient's (not ticked, its line says so: the import refuses it there)."""
        item = self._items.get(path)
        where = self._held(hashes) if item is not None and hashes and self._held is not None else None
        if item is None or where is None:
            return
        number, here = where
        item.setCheckState(Qt.CheckState.Unchecked)
        if here:
            self._add_line(
                item,
                self.tr("Déjà importée dans le dossier de ce patient (image n° {n}) : non cochée.").format(n=number),
                False,
            )
        else:
            self._add_line(
                item,
                self.tr("⚠ Déjà dans le dossier d'un autre patient : non cochée, elle ne peut pas être importée ici."),
                True,
            )

    def _add_line(self, item: QListWidgetItem, why: str, warn: bool) -> None:
        """A line added under the file's (each reason its line), in the warning colour if ``warn``."""
        item.setText(item.text() + "\n" + why)
        item.setToolTip("\n".join(filter(None, (item.toolTip(), why))))
        if warn:
            base = self.list.palette().color(QPalette.ColorRole.Base)
            item.setForeground(QBrush(readable(OTHER_PATIENT_COLOUR, base)))

    def _say_earlier(self, path: pathlib.Path, moment: datetime, *, day: bool) -> None:
        """A new photo of an earlier session (``day``: of an earlier day than today): not ticked, its line
        saying when it was taken and why."""
        item = self._items[path]
        item.setCheckState(Qt.CheckState.Unchecked)
        when = f"{date_words(moment.date().isoformat())} {moment:%H:%M}"
        if day:
            why = self.tr(
                "⚠ Prise le {when}, un jour précédent : elle peut être d'un patient précédent, restée sur la "
                "carte de l'appareil. Non cochée : cochez-la seulement si elle est bien de ce patient."
            ).format(when=when)
        else:
            why = self.tr(
                "⚠ Prise le {when}, des heures avant les autres nouvelles images : elle peut être d'un patient "
                "précédent, restée sur la carte de l'appareil. Non cochée : cochez-la seulement si elle est "
                "bien de ce patient."
            ).format(when=when)
        self._add_line(item, why, True)

    def _say_recorded(self, path: pathlib.Path, recorded: DevicePatient | None) -> None:
        """A file whose device recorded it for another patient than the case's, or gave her names only (no
        birth date nor INS: never a match): not ticked (the nurse may tick it once she has checked), and its
        line says for whom, to the nurse at the workstation only."""
        item = self._items.get(path)
        if item is None or recorded is None or self._patient is None:
            return
        if names_only(recorded, self._patient):
            # Her names, but no birth date nor INS: a mother and her daughter share them (never a match).
            item.setCheckState(Qt.CheckState.Unchecked)
            why = self.tr(
                "⚠ L'appareil l'a enregistrée pour {who}, sans date de naissance ni INS à comparer avec ceux du "
                "dossier : le nom seul ne dit pas que c'est ce patient (une mère et sa fille peuvent porter les "
                "mêmes noms). Non cochée : cochez-la seulement si vous avez vérifié que c'est bien lui."
            ).format(who=recorded_words(recorded))
            self._add_line(item, why, True)
            return
        if not recorded_for_another(recorded, self._patient):
            return
        self.other_patients.add(path)
        item.setCheckState(Qt.CheckState.Unchecked)
        why = self.tr(
            "⚠ L'appareil l'a enregistrée pour {who}, pas pour le patient de ce dossier : non cochée. "
            "Cochez-la seulement si vous avez vérifié que c'est bien lui."
        ).format(who=recorded_words(recorded))
        self._add_line(item, why, True)

    def chosen(self) -> list[pathlib.Path]:
        return [
            pathlib.Path(self.list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]
