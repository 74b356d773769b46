"""The checklist beside the editor: what is still missing, live, from app.validation."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from app.findings import Finding
from app.i18n import language
from ui.widgets import announce, french_spaced, named, readable


class ChecklistPanel(QWidget):
    """Lists the findings; activating one asks to go to its field. Holds the "Envoyer" button."""

    go_to = Signal(str)  # the finding's field
    send_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        self.title = named(QLabel(), "checklistTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.items = QListWidget()
        self.items.setAccessibleName(self.tr("Ce qu'il reste à faire avant l'envoi"))
        self.items.setWordWrap(True)
        self.items.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.items.setToolTip(self.tr("Entrée ou double-clic : aller au champ (F6 : élément suivant)"))
        self.items.itemActivated.connect(self._activated)
        self.items.itemDoubleClicked.connect(self._activated)
        layout.addWidget(self.items, 1)
        self.message = named(QLabel(), "fieldProblem")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        # Whether the requester's act (RQD) will be billable, said before sending (app/acts.py's words).
        self.act = named(QLabel(), "actVerdict")
        self.act.setWordWrap(True)
        self.act.hide()
        layout.addWidget(self.act)
        self.send = named(QPushButton(self.tr("Envoyer à l'expert")), "sendButton")
        self.send.setToolTip(self.tr("Vérifier et envoyer le dossier (Ctrl+Entrée)"))
        self.send.clicked.connect(self.send_clicked)
        layout.addWidget(self.send)
        self.findings: list[Finding] = []
        self._next = 0
        #: The message says sending was refused for the items listed: its count follows the list.
        self._refused_for_list = False

    def show_findings(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.items.clear()
        blocking = [f for f in findings if f.blocks_sending()]
        french = language() == "fr"
        for finding in findings:
            # The core's words keep plain spaces: said with the window's no-break ones, a wrapped item never
            # leaves « alone at a line's end nor starts a line with « : » (found at 1280 × 720).
            words = french_spaced(finding.message) if french else finding.message
            item = QListWidgetItem(("⚠ " if not finding.blocks_sending() else "✗ ") + words)
            item.setData(Qt.ItemDataRole.UserRole, finding.field)
            colour = "#8a5a00" if not finding.blocks_sending() else "#a4161a"
            item.setForeground(QBrush(readable(colour, self.items.palette().color(QPalette.ColorRole.Base))))
            self.items.addItem(item)
        if blocking:
            self.title.setText(self.tr("Il reste %n élément(s) à compléter avant l'envoi :", "", len(blocking)))
            if self._refused_for_list and not self.message.isHidden():
                # Said again with the count of the heading above (found in the real window: the count of
                # the click stayed, 11, under a heading that said 9, then 1). Not read out at each key.
                self.message.setText(self._refused_words(len(blocking)))
        else:
            self.title.setText(self.tr("Dossier complet : il peut partir."))
            self.message.hide()
        self._next = 0

    def show_act(self, text: str) -> None:
        """What sending will record for billing (empty: nothing to say)."""
        self.act.setText(text)
        self.act.setVisible(bool(text))

    def _refused_words(self, count: int) -> str:
        return self.tr("Pas encore envoyé : complétez d'abord la liste ci-dessus (%n élément(s)).", "", count)

    def refused_for_list(self) -> None:
        """Say that sending waits for the items listed: their count then follows the list as it shrinks."""
        count = sum(1 for f in self.findings if f.blocks_sending())
        self.blocked(self._refused_words(count))
        self._refused_for_list = True

    def blocked(self, text: str, *, urgent: bool = True) -> None:
        """Say in words why sending did not happen, on screen and at once to a screen reader (``urgent``:
        a refusal; else a word of progress, said in its turn)."""
        self._refused_for_list = False
        self.message.setText(text)
        self.message.show()
        announce(self.message, text, urgent=urgent)

    def next_field(self) -> str | None:
        """The field of the next missing item, in turn (F6)."""
        blocking = [f for f in self.findings if f.blocks_sending()] or self.findings
        if not blocking:
            return None
        finding = blocking[self._next % len(blocking)]
        self._next += 1
        return finding.field

    def _activated(self, item: QListWidgetItem) -> None:
        self.go_to.emit(str(item.data(Qt.ItemDataRole.UserRole)))
