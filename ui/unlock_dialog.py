"""Asking for the passphrase when the OS has no secure keyring (headless Linux, some carts): to open
the data at start (asked again after a wrong one), or to choose it on a new installation."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.widgets import named


class PassphraseDialog(QDialog):
    """``confirm``: choosing a new passphrase (typed twice, strength checked); else opening the data,
    with ``tries_left`` said after a wrong one (``wrong``)."""

    def __init__(
        self, confirm: bool, parent: QWidget | None = None, *, wrong: bool = False, tries_left: int = 0
    ) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(
            self.tr("Choisir la phrase secrète de Teleavis") if confirm else self.tr("Déverrouiller Teleavis")
        )
        layout = QVBoxLayout(self)
        # Wide enough for its sentences in a few lines: a dialog does not grow for wrapped text itself.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        intro = QLabel(
            self.tr(
                "Choisissez la phrase secrète qui protège les dossiers de cette machine. "
                "Sans elle, les données ne peuvent pas être lues : notez-la en lieu sûr. "
                "Quatre mots sans lien entre eux font une bonne phrase."
            )
            if confirm
            else self.tr("Tapez la phrase secrète de Teleavis pour ouvrir les dossiers.")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.first = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Phrase secrète :"), self.first)
        self.second: QLineEdit | None = None
        if confirm:
            self.second = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
            form.addRow(self.tr("Répétez-la :"), self.second)
        layout.addLayout(form)
        self.problem = named(QLabel(), "fieldProblem")
        self.problem.setWordWrap(True)
        if wrong:
            self._say(self.tr("Phrase secrète incorrecte. Encore %n essai(s).", "", tries_left))
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Enregistrer") if confirm else self.tr("Ouvrir")
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Quitter"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.confirm = confirm

    def _check(self) -> None:
        if not self.first.text():
            self._say(self.tr("La phrase secrète est vide."))
            return
        if self.second is not None and self.second.text() != self.first.text():
            self._say(self.tr("Les deux phrases sont différentes."))
            return
        if self.confirm:
            from app.passphrase_rules import weakness

            problem = weakness(self.first.text())
            if problem is not None:
                self._say(problem)
                return
        self.accept()

    def _say(self, problem: str) -> None:
        """Show ``problem`` whole: the dialog grows to the sentence's wrapped height (else it is cut)."""
        self.problem.setText(problem)
        # Not yet shown (the passphrase asked again after a typo), it has Qt's default 640 × 480, not its own
        # size: fitted against that, it opened four times as large as the first ask. ``showEvent`` fits it.
        if self.isVisible():
            self._fit()

    def _fit(self) -> None:
        """As tall as its wrapped sentences need at its width. (Its size hint is for a wider dialog: at
        the narrowest, with a desktop's fonts, the intro and the longest refusal were cut.)"""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        width = self.width()
        needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else self.sizeHint().height()
        self.resize(width, max(self.height(), needed))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    def passphrase(self) -> str:
        return self.first.text()


def ask_passphrase(confirm: bool, *, wrong: bool = False, tries_left: int = 0) -> str | None:
    dialog = PassphraseDialog(confirm, wrong=wrong, tries_left=tries_left)
    return dialog.passphrase() if dialog.exec() else None
