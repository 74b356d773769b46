"""The lock's code asked at the start, before what the start would write (ui/application.py); a module
of its own: the window's start never builds QDialog's type when it needs no dialog."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.errors import TeleavisError
from app.site import site_ever_set
from app.store import Store
from ui.lock import LockScreen
from ui.widgets import fit_on_screen


class StartLockDialog(QDialog):
    """The lock's code asked at a start that would write settings on a workstation that has one: the
    first-start wizard (its site's settings missing, deleted or altered: whoever fills it writes where
    the cases go and who asks), or ``--training`` (the real cases waiting to leave then wait). Only the
    person who knows the code (or the passphrase) gets past it; « Quitter » closes Teleavis, nothing
    written."""

    def __init__(self, store: Store, parent: QWidget | None = None, *, for_training: bool = False) -> None:
        super().__init__(parent)
        # The key from the keyring, as the window's start fetches it: the wrong tries' wait is read under
        # it, and said as the lock screen says it (else the right code typed meanwhile read « incorrect »).
        # One that cannot be fetched leaves each try to say why.
        with contextlib.suppress(TeleavisError):
            store.key.ensure()
        self.setWindowTitle("Teleavis")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.lock_screen = LockScreen(store)
        self.why = QLabel(
            self.tr(
                "Le mode formation est demandé : il ne sera mis en route qu'une fois le code ou la phrase secrète tapé."
            )
            if for_training
            else self.tr(
                "Les réglages du site de ce poste sont à refaire : ils s'ouvriront une fois le code ou la phrase "
                "secrète tapé."
            )
            if site_ever_set(store)
            # A data folder where only the command line was used (a lock code, no site): never made, not
            # « à refaire » (found from outside).
            else self.tr(
                "Les réglages du site de ce poste sont à faire : ils s'ouvriront une fois le code ou la phrase "
                "secrète tapé."
            )
        )
        self.why.setWordWrap(True)
        self.why.setAlignment(Qt.AlignmentFlag.AlignCenter)
        screen_layout = self.lock_screen.layout()
        assert isinstance(screen_layout, QVBoxLayout)
        screen_layout.insertWidget(3, self.why)  # under the lock's title and words, above the field
        layout.addWidget(self.lock_screen)
        buttons = QDialogButtonBox()
        self.quit_button = buttons.addButton(self.tr("Quitter"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.lock_screen.unlocked.connect(self.accept)
        fit_on_screen(self, 560, 360)
        self.lock_screen.reset()
