"""The device folder: the images a retinograph or camera dropped there, to pick and import."""

from __future__ import annotations

import pathlib
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".dcm"}


def pending_files(folder: pathlib.Path) -> list[pathlib.Path]:
    """The images waiting in ``folder``, newest first (the watch module decides what is new)."""
    try:
        from capture import watch  # type: ignore[attr-defined]
    except ImportError:
        watch = None
    if watch is not None and hasattr(watch, "pending_files"):
        return list(watch.pending_files(folder))
    try:
        files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES]
    except OSError:
        return []
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


class DeviceFolderDialog(QDialog):
    """Lists the device folder's images, newest first and pre-checked; returns the chosen ones."""

    def __init__(self, folder: pathlib.Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Dossier de l'appareil"))
        layout = QVBoxLayout(self)
        self.files = pending_files(folder)
        if self.files:
            text = self.tr("Cochez les images de ce patient à importer (les plus récentes en premier).")
        else:
            text = self.tr("Aucune image dans le dossier de l'appareil ({folder}) : vérifiez que l'appareil "
                           "a bien exporté les clichés.").format(folder=folder.name)
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.list = QListWidget()
        for path in self.files:
            when = datetime.fromtimestamp(path.stat().st_mtime).strftime("%d/%m/%Y %H:%M")
            item = QListWidgetItem(f"{path.name} — {when}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Importer"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> list[pathlib.Path]:
        return [pathlib.Path(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]
