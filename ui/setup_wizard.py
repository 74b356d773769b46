"""First start: who requests (site), and where cases go (a platform, or training mode)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from app.store import Store
from ui.setup_forms import PlatformForm, SiteForm


class _Page(QWizardPage):
    def __init__(self, title: str, body: QWidget, check: object = None) -> None:
        super().__init__()
        self.setTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(body)
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
        self.resize(700, 560)
        welcome = QLabel(self.tr(
            "Teleavis envoie vos demandes de télé-expertise (dermatologie, rétinographie, plaies) à un "
            "médecin expert et vous rapporte sa réponse.\n\n"
            "Deux réglages suffisent pour commencer : qui demande l'avis (votre site), et où partent les "
            "dossiers. Sans plateforme, Teleavis démarre en mode formation : vous pouvez essayer tout le "
            "parcours avec une plateforme d'essai et une caméra de démonstration."))
        welcome.setWordWrap(True)
        self.addPage(_Page(self.tr("Bienvenue"), welcome))
        self.site = SiteForm(store)
        self.addPage(_Page(self.tr("Votre site"), self.site, self.site.save))
        self.platform = PlatformForm(store)
        self.addPage(_Page(self.tr("Plateforme de télé-expertise"), self.platform, self.platform.save))
