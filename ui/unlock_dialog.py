"""Asking for the session passphrase when the OS has no keyring (headless Linux, some carts)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget


class PassphraseDialog(QDialog):
    def __init__(self, confirm: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Déverrouiller Teleavis"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Choisissez la phrase secrète qui protège les dossiers de cette machine. "
                               "Sans elle, les données ne peuvent pas être lues : notez-la en lieu sûr.")
                       if confirm else
                       self.tr("Tapez la phrase secrète de Teleavis pour ouvrir les dossiers."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.first = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Phrase secrète :"), self.first)
        self.second: QLineEdit | None = None
        if confirm:
            self.second = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
            form.addRow(self.tr("Répétez-la :"), self.second)
        layout.addLayout(form)
        self.problem = QLabel(objectName="fieldProblem")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _check(self) -> None:
        if not self.first.text():
            self.problem.setText(self.tr("La phrase secrète est vide."))
            return
        if self.second is not None and self.second.text() != self.first.text():
            self.problem.setText(self.tr("Les deux phrases sont différentes."))
            return
        self.accept()

    def passphrase(self) -> str:
        return self.first.text()


def ask_passphrase(confirm: bool) -> str | None:
    dialog = PassphraseDialog(confirm)
    return dialog.passphrase() if dialog.exec() else None
