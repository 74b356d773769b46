"""The Aide menu's windows: the user guide (the installed docs, shown inside Teleavis, offline) and
"À propos" (version, licence, data folder, platform)."""

from __future__ import annotations

import html
import platform
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

import app
from app.i18n import language
from app.store import Store
from ui import resources


def tr(text: str) -> str:
    return QCoreApplication.translate("Help", text)


class UserGuide(QDialog):
    """The guide as installed with the program, rendered (headings, tables, screenshots)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Guide d'utilisation — Teleavis"))
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        guide = resources.user_guide(language())
        if guide is None:
            self.browser.setPlainText(tr("Le guide d'utilisation n'est pas installé avec ce programme."))
        else:
            self.browser.setSource(QUrl.fromLocalFile(str(guide)))  # .md: shown rendered, images beside it
        screen = self.screen().availableGeometry() if self.screen() else None
        self.resize(min(900, screen.width() - 40) if screen else 900, min(700, screen.height() - 80) if screen else 700)


def licences_folder() -> Path | None:
    """Where the installed program keeps the licences of its parts (packaging/licenses.py writes it
    beside the program); None when run from the sources."""
    folder = Path(sys.executable).resolve().parent / "licenses"
    return folder if (folder / "THIRD-PARTY.txt").is_file() else None


def about_text(store: Store, licences: Path | None = None) -> str:
    rows = [
        (tr("Version"), app.__version__),
        (tr("Licence"), tr("propriétaire") if app.__license__ == "LicenseRef-Proprietary" else app.__license__),
        (tr("Dossier des données"), str(store.data_dir)),
        (tr("Système"), f"{platform.system()} {platform.release()} ({platform.machine()})"),
        (tr("Python, Qt"), f"{sys.version.split()[0]}, {qVersion()}"),
    ]
    if licences is not None:
        rows.append((tr("Composants tiers"), html.escape(str(licences / "THIRD-PARTY.txt"))))
    lines = "".join(f"<tr><td><b>{name}</b>&nbsp;</td><td>{value}</td></tr>" for name, value in rows)
    what = tr("demandes de télé-expertise et leurs réponses")
    parts = tr(
        "Teleavis utilise Qt (LGPL-3.0), OpenCV (Apache-2.0), Python et d'autres logiciels libres, chacun "
        "sous sa licence : la liste et les textes sont installés avec le programme."
    )
    return f"<p><b>Teleavis</b> — {what}</p><table>{lines}</table><p>{parts}</p>"


def show_about(parent: QWidget, store: Store) -> None:
    QMessageBox.about(parent, tr("À propos de Teleavis"), about_text(store, licences_folder()))
