"""What the nurse typed in a case that moved out of her hands before it was saved (the poll found it recorded on
the platform, a command sent it, another window saved it): shown whole, with why, and what she can do with it.

Found in review: the save refused (the case no longer editable, or changed since), the window showed the case as
stored and her words were gone. Now they stay in this box until she decides: copy them, keep them for her reply
to the expert (the reply begun, kept on this workstation: it leaves only when she sends it, when the expert asks),
or let them go. Closing it otherwise does nothing: the three buttons are the ways out. Under the lock it is hidden,
and shown again once unlocked (ui/main_window.py), as the messages held then are.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ui.widgets import announce


class KeptTyping(QDialog):
    """Her words, why they were not saved in the case, and what she can do with them."""

    #: Keep them for the reply to the expert: the case's id, the words.
    for_the_reply = Signal(str, str)

    def __init__(self, case_id: str, why: str, typed: str, *, reply: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_id = case_id
        #: She chose what becomes of them (kept for the reply, or let go): nothing more to show.
        self.decided = False
        #: Her words while the box is put away under the lock (``put_away``).
        self._put_away: str | None = None
        self.setWindowTitle(self.tr("Vos saisies non enregistrées"))
        self.setWindowModality(Qt.WindowModality.NonModal)
        layout = QVBoxLayout(self)
        self.why = QLabel(why)
        self.why.setWordWrap(True)
        layout.addWidget(self.why)
        self.typed = QPlainTextEdit(typed)
        self.typed.setReadOnly(True)
        self.typed.setAccessibleName(self.tr("Vos saisies"))
        layout.addWidget(self.typed)
        self.said = QLabel()
        self.said.setWordWrap(True)
        layout.addWidget(self.said)
        buttons = QHBoxLayout()
        self.copy = QPushButton(self.tr("Copier"))
        self.copy.setToolTip(self.tr("Les copie, pour les coller ailleurs (Ctrl+V)"))
        self.copy.clicked.connect(self._copy)
        buttons.addWidget(self.copy)
        self.for_reply = QPushButton(self.tr("Garder pour répondre à l'expert"))
        self.for_reply.setToolTip(
            self.tr("Les met dans votre réponse à l'expert, gardée sur ce poste : elle part quand vous l'envoyez")
        )
        self.for_reply.clicked.connect(self._keep_for_reply)
        self.for_reply.setVisible(reply)
        buttons.addWidget(self.for_reply)
        buttons.addStretch(1)
        self.let_go = QPushButton(self.tr("Les abandonner"))
        self.let_go.clicked.connect(self._let_go)
        buttons.addWidget(self.let_go)
        layout.addLayout(buttons)
        self.resize(560, 360)

    def put_away(self) -> None:
        """Hidden under the lock, her words out of it meanwhile: a hidden window is still one of the
        application's, and a screen reader walking them from the top read them (found by an attacker's pass)."""
        self.hide()
        if self._put_away is None:
            self._put_away = self.typed.toPlainText()
            self.typed.clear()

    def bring_back(self) -> None:
        """Once unlocked: her words back in the box, and the box on screen."""
        if self._put_away is not None:
            self.typed.setPlainText(self._put_away)
            self._put_away = None
        self.show()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.typed.toPlainText())
        self.said.setText(self.tr("Copié : collez-le où il le faut (Ctrl+V)."))
        announce(self.said, self.said.text())

    def _keep_for_reply(self) -> None:
        self.decided = True
        self.for_the_reply.emit(self.case_id, self.typed.toPlainText())
        self.accept()

    def _let_go(self) -> None:
        self.decided = True
        self.accept()

    def reject(self) -> None:
        """Escape, the window's close button: nothing (her words would go unseen); a button decides."""

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.decided:
            event.ignore()
            return
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)
