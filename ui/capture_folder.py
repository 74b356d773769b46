"""The device folder: the images a retinograph or camera dropped there, to pick and import."""

from __future__ import annotations

import pathlib
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from capture.watch import pending_files


class DeviceFolderDialog(QDialog):
    """Lists the device folder's images, newest first, to tick; returns the ticked ones."""

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
