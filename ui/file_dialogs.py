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
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

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


#: What the import dialogs list first (any file may still be chosen: the format is read from the bytes).
IMAGE_PATTERNS = (
    "*.jpg *.jpeg *.jfif *.mpo *.png *.tif *.tiff *.heic *.heif *.avif *.webp "
    "*.bmp *.dib *.jp2 *.j2k *.jpf *.jpx *.gif *.dcm"
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
        names, _chosen = QFileDialog.getOpenFileNames(parent, title, folder, filters, options=_OWN_DIALOG)
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
        target, _chosen = QFileDialog.getSaveFileName(parent, title, str(folder / name), filters, options=_OWN_DIALOG)
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
        return QFileDialog.getExistingDirectory(
            parent, title, start, options=_OWN_DIALOG | QFileDialog.Option.ShowDirsOnly
        )
    finally:
        forget_browsed_folders()
