"""« Se connecter avec Pro Santé Connect »: the settings' button when the platform signs in with PSC.

The exchange runs off the main thread (sync/psc.py): CIBA when offered (the label says to validate on
the phone), else the system browser and a loopback redirect. The tokens are written on the writer
thread, sealed.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.errors import TeleavisError
from app.site import load_requester
from app.store import Store
from ui.tasks import on_own_connection, run_task, run_write, to_main


def uses_psc(store: Store) -> bool:
    """Whether the platform signs professionals in with PSC (or training mode, where it can be tried)."""
    from sync.training import training_mode

    return bool(store.settings.get("platform.oidc_issuer")) or training_mode(store)


def another_account(store: Store, professional: Any) -> bool:
    """Whether keeping ``professional``'s sign-in, just made, changes the account the cases go under, where
    a code opens the lock: another RPPS than the one signed in before, or a first sign-in to the site's
    issuer. Found from outside: at a window left unlocked a moment, whoever passed signed in as themselves
    (and the site's RPPS is changed unasked: no rule of « the site's professional » holds) and every case
    went under their account. The nurse signing in again as herself (her session over) is no change; the
    training's made-up professionals are none either."""
    from app.screen_lock import available
    from sync.psc import signed_in
    from sync.training import training_mode

    if not available(store):
        return False
    before = signed_in(store.settings)
    if before is None:
        return not (training_mode(store) and not store.settings.get("platform.oidc_issuer"))
    return bool(before.rpps != professional.rpps)


class PscSignIn(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        #: A sign-in as another professional than the workstation's (``another_account``), kept only once the
        #: settings are saved with the current code (ui/settings_dialog.py): the tokens and who signed in.
        self.pending: tuple[Any, Any] | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.button = QPushButton(self.tr("Se connecter avec Pro Santé Connect"))
        self.button.clicked.connect(self.sign_in)
        row.addWidget(self.button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        from sync.psc import signed_in

        who = signed_in(store.settings)
        if who is not None:
            self.status.setText(self.tr("Connecté : {name} ({number})").format(name=who.name, number=who.number))

    def sign_in(self) -> None:
        from sync.psc import PscClient, client_from_settings
        from sync.training import ensure_psc, training_mode

        requester = load_requester(self.store.settings)
        try:
            if training_mode(self.store) and not self.store.settings.get("platform.oidc_issuer"):
                client = PscClient(ensure_psc(self.store), "teleavis")
            else:
                client = client_from_settings(self.store.settings)
        except TeleavisError as exc:
            self.status.setText(exc.message)
            return
        self.button.setEnabled(False)
        self.status.setText(self.tr("Connexion en cours…"))
        hint = requester.national_id if requester is not None else ""  # 8 + RPPS, or 0 + ADELI

        def work() -> Any:
            if client.offers_ciba and hint:
                token = client.sign_in_ciba(hint, lambda words: to_main(lambda: self._show(words, done=False)))
            else:
                token = client.sign_in_browser(lambda url: to_main(lambda: QDesktopServices.openUrl(QUrl(url))))
            return token, client.userinfo(str(token["access_token"]))

        run_task(work, self._signed_in, self._failed)

    def _signed_in(self, result: Any) -> None:
        token, professional = result
        if another_account(self.store, professional):
            self.pending = result
            self._show(
                self.tr(
                    "Connecté : {name} (RPPS {rpps}). Pour que les dossiers partent sous ce compte, tapez le code "
                    "actuel (ou la phrase secrète) ci-dessus, puis « Enregistrer »."
                ).format(name=professional.name, rpps=professional.rpps)
            )
            return
        self.pending = None
        run_write(
            on_own_connection(self.store, lambda own: keep_sign_in(own, token, professional)),
            lambda _done: self._done(professional),
            self._failed,
        )

    def _done(self, professional: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the settings were closed meanwhile: the sign-in is kept
            self._show(
                self.tr("Connecté : {name} ({number})").format(name=professional.name, number=professional.number)
            )

    def _failed(self, exc: BaseException) -> None:
        with contextlib.suppress(RuntimeError):
            self._show(
                exc.message
                if isinstance(exc, TeleavisError)
                else self.tr("Connexion impossible : {why}").format(why=type(exc).__name__)
            )

    def _show(self, words: str, *, done: bool = True) -> None:
        """Say how it went; the settings may have been closed meanwhile (the sign-in is kept all the same)."""
        with contextlib.suppress(RuntimeError):  # the widget is gone
            self.status.setText(words)
            self.button.setEnabled(done)


def keep_sign_in(store: Store, token: dict[str, Any], professional: Any) -> None:
    """Keep a sign-in made in the window with its audit line, in one transaction, as ``teleavis login`` keeps
    it (found from outside: the window's wrote none, and who the cases left under was not in the log)."""
    from app import audit
    from app.db import transaction
    from sync.psc import save_sign_in

    with transaction(store.conn) as conn:
        save_sign_in(store.settings, token, professional, in_transaction=True)
        audit.append(conn, store.key, "settings", detail=f"psc sign-in {professional.number}")
