"""First start: who requests (site), and where cases go (a platform, or training mode)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.store import Store
from ui.setup_forms import PlatformForm, SiteForm
from ui.tasks import on_own_connection, write_and_wait
from ui.widgets import fit_on_screen, named, scrolling


class _Page(QWizardPage):
    def __init__(self, title: str, body: QWidget, check: object = None) -> None:
        super().__init__()
        self.setTitle(title)
        layout = QVBoxLayout(self)
        # (No Tab stop of its own: QWizard gives a new page's focus to its first child that takes it.)
        layout.addWidget(scrolling(body))
        self._check = check

    def validatePage(self) -> bool:
        return bool(self._check()) if callable(self._check) else True


class SetupWizard(QWizard):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("Bienvenue dans Teleavis"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Suivant >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< Précédent"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Commencer"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Annuler"))
        fit_on_screen(self, 700, 560)
        welcome = QLabel(
            self.tr(
                "Teleavis envoie vos demandes de télé-expertise (dermatologie, rétinographie, plaies) à un "
                "médecin expert et vous rapporte sa réponse.\n\n"
                "Deux réglages suffisent pour commencer : qui demande l'avis (votre site), et où partent les "
                "dossiers. Sans plateforme, Teleavis démarre en mode formation : vous pouvez essayer tout le "
                "parcours avec une plateforme d'essai et une caméra de démonstration."
            )
        )
        welcome.setWordWrap(True)
        welcome.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)  # its page scrolls: not centred
        self.addPage(_Page(self.tr("Bienvenue"), welcome))
        self.site = SiteForm(store)
        self.addPage(_Page(self.tr("Votre site"), self.site, self.site.save))
        self.platform = PlatformForm(store)
        self.addPage(_Page(self.tr("Plateforme de télé-expertise"), self.platform, self.platform.save))
        # Where the key is in the OS keyring nothing is typed to start: the lock needs a code of its
        # own. (Where a passphrase protects the key, the passphrase opens the lock.)
        from app import screen_lock

        self.pin: PinForm | None = None
        if not screen_lock.available(store):
            self.pin = PinForm(store)
            self.addPage(_Page(self.tr("Code de verrouillage"), self.pin, self.pin.save))


class PinForm(QWidget):
    """The lock's code, typed twice, checked (app.screen_lock) and kept sealed."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Quand vous vous absentez, Teleavis se verrouille et masque les dossiers. Choisissez le code "
                "qui le déverrouillera (au moins 4 caractères). Il sera aussi demandé à chaque démarrage."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.first = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Code :"), self.first)
        self.second = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Répétez-le :"), self.second)
        layout.addLayout(form)
        self.problem = named(QLabel(), "fieldProblem")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        layout.addStretch(1)

    def save(self) -> bool:
        from app import screen_lock
        from app.errors import TeleavisError

        if self.first.text() != self.second.text():
            self.problem.setText(self.tr("Les deux codes sont différents."))
            return False
        pin = self.first.text()
        try:
            write_and_wait(on_own_connection(self.store, lambda own: screen_lock.set_pin(own, pin)))
        except TeleavisError as exc:
            self.problem.setText(exc.message)
            return False
        self.problem.clear()
        return True


class LockCodeDialog(QDialog):
    """The lock's code asked at the window's start where none opens the lock yet: a workstation set up
    by ``teleavis init`` (a technician's script) never went through the wizard's page for it, and its
    window would never lock. « Plus tard » leaves it to the settings, and it is asked again next start."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Code de verrouillage"))
        layout = QVBoxLayout(self)
        self.form = PinForm(store)
        layout.addWidget(self.form)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Enregistrer le code"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.later_button = buttons.addButton(self.tr("Plus tard"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def _save(self) -> None:
        if self.form.save():
            self.accept()
