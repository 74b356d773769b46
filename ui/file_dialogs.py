"""File dialogs that start where a user keeps such files and leave no trace of where they went.

Qt's file dialog starts in the program's working folder unless told otherwise, and on closing writes
the folders it browsed (history, last folder, sidebar) to ``QtProject.conf`` in the user's settings.
A folder named after a patient must not stay there: each dialog here starts in the user's pictures
or documents folder, and the browsed folders are taken out of Qt's settings as soon as it closes. A
file saved is proposed next in the folder the last one went to, and images are taken from the folder the
last ones came from: remembered in memory, for the session.

The dialog is Qt's own, never the system's: GTK's file chooser (which Qt uses on a GNOME desktop) adds
each file chosen to the desktop's recent files (``recently-used.xbel``), and Windows' to its recent
items, a photo's name, a patient's folder, a report, beyond the reach of anything here.

Each file's icon and « Type » are told by its name, never by reading it (:class:`NameOnlyIcons`): Qt's
own would read the first bytes of every file of the folder shown, and closing those files dropped every
lock the window's SQLite held on its base when the data folder was shown (POSIX locks belong to the
process: any close of the file drops them all); a command run beside the window then took the base for
its own alone (a tester's « database disk image is malformed »). Reading every file is slow on a network
drive too. The dialogs are made here, not by ``QFileDialog``'s static functions, to set it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QFileInfo, QMimeDatabase, QSettings, QStandardPaths
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QDialog, QFileDialog, QFileIconProvider, QWidget
from shiboken6 import delete

from ui.lock import CLOSED_BY_LOCK, say_after_the_lock

#: Qt's own dialog, whatever the desktop (see above).
_OWN_DIALOG = QFileDialog.Option.DontUseNativeDialog

#: What Qt's file dialog records of the folders it went through (group "FileDialog" of QtProject).
_BROWSED = ("history", "lastVisited", "shortcuts")


def start_folder(kind: QStandardPaths.StandardLocation) -> str:
    """The user's pictures or documents folder, else the home folder (never the program's)."""
    for location in (kind, QStandardPaths.StandardLocation.HomeLocation):
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir():
            return folder
    return str(Path.home())


def forget_browsed_folders() -> None:
    """Remove from Qt's own settings the folders its file dialog went through."""
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    settings.beginGroup("FileDialog")
    for key in _BROWSED:
        settings.remove(key)
    settings.endGroup()
    settings.sync()


class NameOnlyIcons(QFileIconProvider):
    """A file's icon and type from its name alone (its extension), never from its first bytes; folders
    and drives as Qt gives them, without a folder's own custom icon (a file read inside each)."""

    def __init__(self) -> None:
        super().__init__()
        self.setOptions(QAbstractFileIconProvider.Option.DontUseCustomDirectoryIcons)

    @staticmethod
    def _named(info: QFileInfo) -> str | None:
        """The MIME type of a regular file, by its name; None for anything else (Qt's own answer then)."""
        if not info.isFile():
            return None
        return QMimeDatabase().mimeTypeForFile(info, QMimeDatabase.MatchMode.MatchExtension).name()

    def icon(self, what: QFileInfo | QAbstractFileIconProvider.IconType) -> QIcon:  # type: ignore[override]
        # Both of Qt's overloads come here: a file's, and a kind's (folder, drive…).
        if isinstance(what, QFileInfo) and (named := self._named(what)) is not None:
            mime = QMimeDatabase().mimeTypeForName(named)
            for name in (mime.iconName(), mime.genericIconName()):
                if QIcon.hasThemeIcon(name):
                    return QIcon.fromTheme(name)
            return super().icon(QAbstractFileIconProvider.IconType.File)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        named = self._named(info)
        if named is None:
            return super().type(info)
        mime = QMimeDatabase().mimeTypeForName(named)
        return mime.comment() or mime.name()


@functools.cache
def name_only_icons() -> NameOnlyIcons:
    """The one provider of every dialog here, kept for the process's life: Qt's thread that lists a folder
    calls it, and a dialog does not own it."""
    return NameOnlyIcons()


def _dialog(
    parent: QWidget, title: str, start: str, filters: str, mode: QFileDialog.FileMode, options: QFileDialog.Option
) -> QFileDialog:
    """A dialog as ``QFileDialog``'s static functions make it, Qt's own (``options``), naming files by
    their names (:class:`NameOnlyIcons`)."""
    dialog = QFileDialog(parent, title, start, filters)
    dialog.setOptions(options)  # first: Qt's own widgets, and the model the provider is given to, exist then
    dialog.setIconProvider(name_only_icons())
    dialog.setFileMode(mode)
    return dialog


def _answer(dialog: QFileDialog, not_done: str = "") -> tuple[list[str], str]:
    """Show ``dialog`` until it is answered: the files (or folder) chosen and the filter, nothing when
    cancelled. The dialog is destroyed at once after: Qt writes the folders browsed to its settings as a
    dialog is destroyed, and they are forgotten just after (:func:`forget_browsed_folders`).

    Closed by the window's lock (it closes every dialog as if cancelled, ui/main_window.py), ``not_done`` is
    said once unlocked: the dialog went without a word, and the nurse back at the desk believed her report
    saved or her photos imported (found in review)."""
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            if dialog.property(CLOSED_BY_LOCK) and not_done:
                say_after_the_lock(dialog.parentWidget(), dialog.windowTitle(), not_done)
            return [], ""
        return dialog.selectedFiles(), dialog.selectedNameFilter()
    finally:
        delete(dialog)


# The three below stand for QFileDialog's static functions of the same names (same arguments, same answers, but
# for the extension a save adds to a name typed without one).


def _get_open_file_names(
    parent: QWidget, title: str, folder: str, filters: str, options: QFileDialog.Option
) -> tuple[list[str], str]:
    not_done = QCoreApplication.translate(
        "FileDialogs",
        "La fenêtre de choix des fichiers a été fermée par le verrouillage : aucune image n'a été importée. "
        "Recommencez l'import.",
    )
    return _answer(_dialog(parent, title, folder, filters, QFileDialog.FileMode.ExistingFiles, options), not_done)


def _first_suffix(filters: str) -> str:
    """The extension of the first filter's first pattern (« pdf » of « PDF (*.pdf) »), "" for « * »."""
    first = filters.split(";;")[0]
    listed = re.search(r"\(([^()]*)\)\s*$", first)
    patterns = (listed.group(1) if listed else first).split()
    found = re.fullmatch(r"\*\.(\w+)", patterns[0]) if patterns else None
    return found.group(1) if found else ""


def _get_save_file_name(
    parent: QWidget, title: str, start: str, filters: str, options: QFileDialog.Option
) -> tuple[str, str]:
    dialog = _dialog(parent, title, start, filters, QFileDialog.FileMode.AnyFile, options)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    # A name typed without an extension gets the first filter's (« rapport » saved as « rapport.pdf »: without
    # it, no program opened the file on a double click). QFileDialog's static function adds none.
    if suffix := _first_suffix(filters):
        dialog.setDefaultSuffix(suffix)
    not_done = QCoreApplication.translate(
        "FileDialogs",
        "La fenêtre d'enregistrement a été fermée par le verrouillage : rien n'a été enregistré. "
        "Recommencez l'enregistrement.",
    )
    names, chosen = _answer(dialog, not_done)
    return (names[0] if names else ""), chosen


def _get_existing_directory(parent: QWidget, title: str, start: str, options: QFileDialog.Option) -> str:
    # (Nothing said here when the lock closes it: the Settings dialog it was opened from is closed with it.)
    names, _chosen = _answer(_dialog(parent, title, start, "", QFileDialog.FileMode.Directory, options))
    return names[0] if names else ""


#: What the import dialogs list first (any file may still be chosen: the format is read from the bytes).
IMAGE_PATTERNS = (
    "*.jpg *.jpeg *.jfif *.mpo *.png *.tif *.tiff *.heic *.heif *.avif *.webp "
    "*.bmp *.dib *.jp2 *.j2k *.jpf *.jpx *.gif *.ppm *.pgm *.pnm *.dcm"
)


def _last_or(remembered: list[Path], location: QStandardPaths.StandardLocation) -> Path:
    """The folder remembered for this session while it is there, else the user's folder for ``location``."""
    last = next((folder for folder in remembered if folder.is_dir()), None)
    return last if last is not None else Path(start_folder(location))


#: The folder the last images were taken from in this session (in memory, as ``_saved_in``).
_opened_in: list[Path] = []


def open_images(parent: QWidget, title: str, filters: str) -> list[Path]:
    """Image files chosen by the user, from the folder the last ones came from in this session (found from
    outside: each import started again in the pictures, else the home folder, and the nurse browsed back
    to the camera's card every time), else from the pictures folder."""
    folder = str(_last_or(_opened_in, QStandardPaths.StandardLocation.PicturesLocation))
    try:
        names, _chosen = _get_open_file_names(parent, title, folder, filters, options=_OWN_DIALOG)
    finally:
        forget_browsed_folders()
    if names:
        _opened_in[:] = [Path(names[0]).parent]
    return [Path(name) for name in names]


#: The folder the last file was saved in, for this session only (in memory: never in Qt's settings file).
#: Its folder, not its name: the nurse may have named the file after the patient.
_saved_in: list[Path] = []


def save_file(parent: QWidget, title: str, name: str, filters: str) -> Path | None:
    """Where to save ``name``, proposed in the folder the last file went to in this session (found from
    outside: each report started again in the documents, else the home folder, and the nurse browsed back
    to hers every time), else in the documents folder; None when cancelled."""
    folder = _last_or(_saved_in, QStandardPaths.StandardLocation.DocumentsLocation)
    try:
        target, _chosen = _get_save_file_name(parent, title, str(folder / name), filters, options=_OWN_DIALOG)
    finally:
        forget_browsed_folders()
    if not target:
        return None
    _saved_in[:] = [Path(target).parent]
    return Path(target)


def existing_folder(parent: QWidget, title: str, current: str) -> str:
    """A folder chosen by the user, starting from ``current`` (or the home folder); "" when cancelled."""
    start = (
        current if current and Path(current).is_dir() else start_folder(QStandardPaths.StandardLocation.HomeLocation)
    )
    try:
        return _get_existing_directory(parent, title, start, options=_OWN_DIALOG | QFileDialog.Option.ShowDirsOnly)
    finally:
        forget_browsed_folders()
