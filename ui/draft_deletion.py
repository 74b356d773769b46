"""The question asked before a draft is deleted: whose draft, how many photos, and that nothing of it can
come back. « Garder le brouillon » is the default and the Escape key's answer: a slip of Enter keeps it.

The deletion itself (app/deletion.py) is the writer thread's (ui/main_window.py asks it)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


class DraftDeletionQuestion(QMessageBox):
    def __init__(self, parent: QWidget | None, name: str, images: int, case_id: str) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Supprimer le brouillon"))
        self.setText(
            self.tr("Supprimer définitivement le brouillon de {name} (%n image(s)) ?", "", images).replace(
                "{name}", name
            )
            if name
            else self.tr("Supprimer définitivement ce brouillon sans nom de patient (%n image(s)) ?", "", images)
        )
        self.setInformativeText(
            self.tr(
                "Dossier {id}. Ce qui y a été saisi et ses photos seront effacés de ce poste, sans retour "
                "possible. Il n'a jamais été envoyé : la plateforme n'en a aucune copie."
            ).replace("{id}", case_id[:8])
        )
        self.delete_button = self.addButton(self.tr("Supprimer le brouillon"), QMessageBox.ButtonRole.DestructiveRole)
        self.keep_button = self.addButton(self.tr("Garder le brouillon"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(self.keep_button)

    def confirmed(self) -> bool:
        """Asked (modal): whether the person chose to delete."""
        self.exec()
        return self.clickedButton() is self.delete_button


def confirm_draft_deletion(parent: QWidget | None, name: str, images: int, case_id: str) -> bool:
    """Ask before deleting ``case_id``'s draft, naming its patient (``name``, may be empty) and its photos."""
    return DraftDeletionQuestion(parent, name, images, case_id).confirmed()
