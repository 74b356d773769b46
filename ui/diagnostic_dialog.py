"""Aide > Diagnostic: the checks of ``teleavis doctor``, run off the main thread and shown as text, each
as soon as it is done."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from ui.tasks import run_task, to_main
from ui.widgets import fit_on_screen

if TYPE_CHECKING:
    from app.store import Store


class DiagnosticDialog(QDialog):
    """Cameras, keyring, data folder, disk, database, cases, platform, TLS and clock, with what to do."""

    def __init__(self, parent: QWidget | None = None, *, store: Store | None = None) -> None:
        super().__init__(parent)
        #: The window's store: each case is opened with its key (to name those that no longer open).
        self._store = store
        self.setWindowTitle(self.tr("Diagnostic de Teleavis"))
        fit_on_screen(self, 720, 520)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self.tr("Vérifications en cours (caméras, réseau, disque)…"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.report = QPlainTextEdit(readOnly=True)
        self.report.setAccessibleName(self.tr("Résultat du diagnostic"))
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.report, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy = QPushButton(self.tr("Copier pour le support"))
        self.copy.setEnabled(False)
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.report.toPlainText()))
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.done_checks: list[Any] | None = None
        self.shown_checks: list[Any] = []  # those done so far, each shown as it comes
        run_task(self._diagnose, self._show, self._failed)

    def _diagnose(self) -> list[Any]:
        """In a worker: each check reaches the dialog when done (the platform's can take seconds)."""
        from app.commands.doctor import diagnose

        def arrived(check: Any) -> None:
            to_main(lambda: self._one(check))

        if self._store is None:
            return diagnose(on_check=arrived)
        clone = self._store.clone()  # (this worker's own connection)
        try:
            return diagnose(on_check=arrived, store=clone)
        finally:
            clone.close()

    def _one(self, check: Any) -> None:
        if not isValid(self) or self.done_checks is not None:
            return
        from app import doctor

        self.shown_checks.append(check)
        self.report.setPlainText(doctor.render_text(self.shown_checks).rsplit("\n\n", 1)[0])

    def _show(self, checks: list[Any]) -> None:
        from app import doctor

        if not isValid(self):  # closed (and deleted) before the checks were done
            return
        self.done_checks = checks
        self.summary.setText(doctor.summary(checks))
        self.report.setPlainText(doctor.render_text(checks))
        self.copy.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self.summary.setText(self.tr("Le diagnostic n'a pas pu se terminer : {reason}").format(reason=str(exc)))
