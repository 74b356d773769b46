"""The site and platform forms, shared by the first-start wizard and the settings dialog."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.db import transaction
from app.errors import CaseFileError, TeleavisError
from app.identifiers import adeli_is_valid, finess_is_valid, rpps_is_valid, siren_is_valid, siret_is_valid
from app.model import Requester
from app.setting_checks import CaProblem, ca_bundle_problem, whole_path
from app.settings import SECRETS_OF_ADDRESS, secrets_left_behind
from app.site import (
    load_requester,
    own_patient_system,
    parse_site,
    save_site,
    shared_system_warning,
)
from app.store import Store
from ui.tasks import on_own_connection, run_task, write_and_wait
from ui.widgets import WrappedLabel, named


def _problem() -> WrappedLabel:
    """What is wrong with a field, under it (hidden until there is something to say)."""
    label = named(WrappedLabel(), "fieldProblem")
    label.hide()
    return label


class SiteForm(QWidget):
    """Practitioner (RPPS or ADELI, name, role) and organisation (FINESS, or SIRET or SIREN; name): what the
    site file of ``init`` takes (app/site.py), so that a site set up by it is saved again as it was.

    Each field says what is wrong with it under it, in words, once the user has tried to go on, and
    the sentence goes as soon as the field is right. app.site checks the whole again on saving."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._checking = False  # problems show once the user tried to go on
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.rpps = QLineEdit(placeholderText=self.tr("11 chiffres, sur la carte CPS"))
        # A professional not (yet) in the RPPS (some nurses) is known by ADELI: one of the two is needed.
        self.adeli = QLineEdit(placeholderText=self.tr("9 chiffres, si vous n'avez pas de n° RPPS"))
        self.family = QLineEdit()
        self.given = QLineEdit()
        self.role = QLineEdit(placeholderText=self.tr("Médecin généraliste, infirmier(e)…"))
        self.finess = QLineEdit(placeholderText=self.tr("9 chiffres"))
        # A structure without FINESS (a health centre) is known by its SIRET, or its SIREN.
        self.siret = QLineEdit(placeholderText=self.tr("14 chiffres, si la structure n'a pas de n° FINESS"))
        self.siren = QLineEdit(placeholderText=self.tr("9 chiffres (facultatif avec le SIRET)"))
        self.organization = QLineEdit()
        # Proposed from the FINESS as it is typed (one system per structure, never one shared by all
        # sites: the platform would take another site's patient for this one), until the user types
        # their own (their IT department's OID).
        self.system = QLineEdit(
            placeholderText=self.tr("Proposé dès le n° FINESS ou SIRET saisi (ou donné par votre informatique)")
        )
        self.field_problems: dict[str, QLabel] = {}
        form.addRow(named(QLabel(self.tr("Le praticien qui demande l'avis :")), "sectionTitle"))
        self._row(form, "rpps", self.tr("N° RPPS :"), self.rpps)
        self._row(form, "adeli", self.tr("ou n° ADELI :"), self.adeli)
        form.addRow(
            named(
                WrappedLabel(
                    self.tr(
                        "Le n° RPPS, ou à défaut le n° ADELI (professionnel pas encore inscrit au RPPS, comme "
                        "certain(e)s infirmier(e)s) : l'un des deux suffit."
                    )
                ),
                "fieldHint",
            )
        )
        self._row(form, "family", self.tr("Nom :"), self.family)
        self._row(form, "given", self.tr("Prénom :"), self.given)
        self._row(form, "role", self.tr("Fonction :"), self.role)
        form.addRow(named(QLabel(self.tr("La structure :")), "sectionTitle"))
        self._row(form, "finess", self.tr("N° FINESS :"), self.finess)
        self._row(form, "siret", self.tr("ou n° SIRET :"), self.siret)
        self._row(form, "siren", self.tr("ou n° SIREN :"), self.siren)
        form.addRow(
            named(
                WrappedLabel(
                    self.tr(
                        "Le n° FINESS ; une structure qui n'en a pas (un centre de santé, par exemple) donne son "
                        "n° SIRET, ou à défaut son n° SIREN (les 9 premiers chiffres du SIRET)."
                    )
                ),
                "fieldHint",
            )
        )
        self._row(form, "organization", self.tr("Nom de la structure :"), self.organization)
        system_column = self._row(form, "system", self.tr("Origine des n° de dossier :"), self.system)
        system_hint = WrappedLabel(
            self.tr(
                "Un patient sans INS est désigné par son numéro de dossier dans votre structure ; ce réglage dit "
                "d'où vient ce numéro. Gardez la valeur proposée, sauf si votre service informatique vous en "
                "donne une autre."
            )
        )
        form.addRow(system_hint)
        # Under the field, beside its problem (a row of its own, shown later, was not given its height).
        self.system_warning = _problem()
        system_column.addWidget(self.system_warning)
        self.problems = named(WrappedLabel(), "fieldProblem")
        form.addRow(self.problems)
        current = load_requester(store.settings)
        if current is not None:
            self.rpps.setText(current.rpps)
            self.adeli.setText(current.adeli)
            self.family.setText(current.family)
            self.given.setText(" ".join(current.given))
            self.role.setText(current.role)
            self.finess.setText(current.finess)
            self.siret.setText(current.siret)
            self.siren.setText(current.siren)
            self.organization.setText(current.organization)
            self.system.setText(current.patient_id_system)
        self._system_follows_finess = current is None or current.patient_id_system == own_patient_system(
            current.structure_number
        )
        for number in (self.finess, self.siret, self.siren):
            number.textChanged.connect(self._propose_system)
            number.textChanged.connect(self._warn_of_a_shared_system)
        self.system.textEdited.connect(self._system_typed)
        self.system.textChanged.connect(self._warn_of_a_shared_system)
        self._warn_of_a_shared_system()
        for edit in self._edits().values():
            edit.textChanged.connect(self._recheck)

    def _edits(self) -> dict[str, QLineEdit]:
        """Each field by its key, in the order of the form."""
        return {
            "rpps": self.rpps,
            "adeli": self.adeli,
            "family": self.family,
            "given": self.given,
            "role": self.role,
            "finess": self.finess,
            "siret": self.siret,
            "siren": self.siren,
            "organization": self.organization,
            "system": self.system,
        }

    def _structure_number(self) -> str:
        """The structure's own number as typed, valid: the FINESS, else the SIRET, else the SIREN (what its
        patients' numbers' system is proposed from, as app.model.Requester.structure_number)."""
        finess, siret, siren = self._numbers()[2:]
        if finess_is_valid(finess):
            return finess
        if not finess and siret_is_valid(siret):
            return siret
        return siren if not finess and not siret and siren_is_valid(siren) else ""

    def _numbers(self) -> tuple[str, str, str, str, str]:
        """RPPS, ADELI, FINESS, SIRET, SIREN as typed (as the site file's reading takes them: a FINESS of
        Corsica typed « 2a… » in capitals, the spaces of a SIRET copied from a document dropped)."""
        return (
            self.rpps.text().strip(),
            self.adeli.text().strip().upper(),  # (2A/2B, 9A-9F: its department)
            self.finess.text().strip().upper(),
            self.siret.text().replace(" ", ""),
            self.siren.text().replace(" ", ""),
        )

    def _row(self, form: QFormLayout, key: str, label: str, edit: QLineEdit) -> QVBoxLayout:
        """The field with its problem under it; returns the column, for more words under the field."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(edit)
        problem = _problem()
        column.addWidget(problem)
        caption = QLabel(label)
        caption.setBuddy(edit)
        # Not the field's sibling (the field sits in its holder): a screen reader would find no name.
        edit.setAccessibleName(label.replace("&", "").rstrip(" :*").rstrip())
        form.addRow(caption, holder)
        self.field_problems[key] = problem
        return column

    def field_words(self) -> dict[str, str]:
        """What is wrong with each field, in words (empty when it is right)."""
        rpps, adeli, finess, siret, siren = self._numbers()
        required = self.tr("À remplir.")
        key_typo = self.tr("Ce numéro {what} contient une faute de frappe (sa clé ne correspond pas) : vérifiez-le.")
        words = {
            "rpps": (
                self.tr("À remplir : le n° RPPS, ou à défaut le n° ADELI.")
                if not rpps and not adeli
                else ""
                if not rpps
                else ""
                if rpps_is_valid(rpps)
                # Her ADELI typed in the first field: the field for it is named.
                else self.tr("Ce numéro de 9 chiffres est un n° ADELI : mettez-le dans le champ « ou n° ADELI ».")
                if adeli_is_valid(rpps) and not adeli
                else self.tr("Le numéro RPPS compte 11 chiffres (carte CPS ou annuaire santé).")
                if len(rpps) != 11 or not rpps.isdigit()
                else key_typo.format(what="RPPS")
            ),
            # The same rule as the site file's (app/identifiers.py): nine digits, a Luhn key; or a department's letters.
            "adeli": (
                ""
                if not adeli or adeli_is_valid(adeli)
                else self.tr(
                    "Le numéro ADELI compte 9 chiffres, ou 2A, 2B, 9A à 9F puis 7 chiffres en Corse et outre-mer "
                    "(carte CPS ou attestation d'inscription)."
                )
                if len(adeli) != 9 or not adeli.isdigit()
                else key_typo.format(what="ADELI")
            ),
            "family": "" if self.family.text().strip() else required,
            "given": "" if self.given.text().strip() else required,
            "role": "",
            "finess": (
                self.tr("À remplir : le n° FINESS, ou à défaut le n° SIRET ou SIREN.")
                if not finess and not siret and not siren
                else ""
                if not finess
                else ""
                if finess_is_valid(finess)
                else self.tr("Ce numéro de 14 chiffres est un n° SIRET : mettez-le dans le champ « ou n° SIRET ».")
                if siret_is_valid(finess) and not siret
                # Found by a nurse's day: nine digits with one mistyped were told « compte 9 caractères ».
                else self.tr("Le numéro FINESS compte 9 caractères (chiffres ; 2A ou 2B au début en Corse).")
                if len(finess) != 9
                else key_typo.format(what="FINESS")
            ),
            "siret": (
                ""
                if not siret or siret_is_valid(siret)
                else self.tr(
                    "Le numéro SIRET compte 14 chiffres (avis de situation INSEE, ou annuaire des entreprises)."
                )
                if len(siret) != 14 or not siret.isdigit()
                else key_typo.format(what="SIRET")
            ),
            "siren": (
                ""
                if not siren
                else self.tr("Le numéro SIREN compte 9 chiffres (les 9 premiers du SIRET).")
                if len(siren) != 9 or not siren.isdigit()
                else key_typo.format(what="SIREN")
                if not siren_is_valid(siren)
                else self.tr("Ce SIREN n'est pas celui du SIRET (ses 9 premiers chiffres) : corrigez l'un des deux.")
                if siret and siret[:9] != siren
                else ""
            ),
            "organization": "" if self.organization.text().strip() else required,
            "system": (
                ""
                if ":" in self.system.text().strip()
                else self.tr(
                    "Gardez la valeur proposée une fois le n° FINESS (ou SIRET, SIREN) saisi, ou mettez celle que "
                    "votre service informatique vous donne (urn:oid:…)."
                )
            ),
        }
        return words

    def _propose_system(self) -> None:
        if self._system_follows_finess:
            number = self._structure_number()
            self.system.setText(own_patient_system(number) if number else "")

    def _system_typed(self, text: str) -> None:
        # Emptied, it follows the structure's number again; typed, it is the user's.
        self._system_follows_finess = not text.strip()
        if not text.strip():
            self._propose_system()

    def _warn_of_a_shared_system(self) -> None:
        """The documentation's example, kept by an older installation or typed from a site file, says why
        it must go (saving stays possible: the platform may know this site by it already)."""
        warning = shared_system_warning(self.system.text(), self._structure_number() or self.finess.text())
        self.system_warning.setText(warning)
        self.system_warning.setVisible(bool(warning))
        self._make_room()

    def _recheck(self) -> None:
        if self._checking:
            self._show(self.field_words())

    def _show(self, words: dict[str, str]) -> None:
        for key, label in self.field_problems.items():
            label.setText(words.get(key, ""))
            label.setVisible(bool(words.get(key)))
        if not any(words.values()):
            self.problems.clear()
        self._make_room()

    def _make_room(self) -> None:
        """Once the sentences under the fields are laid out, the window grows by what the form lacks (up
        to the screen): a wizard keeps the height of its first layout, and the rows, squeezed, were cut."""
        QTimer.singleShot(0, self, self._grow_window)  # not after the form is gone

    def _grow_window(self) -> None:
        if not self.isVisible():
            return
        layout = self.layout()
        if layout is not None:
            layout.activate()
        # In a scroll area (the wizard's pages, the settings' tabs), what the form lacks is to its view.
        view = self.parentWidget()
        shown = view.height() if view is not None and isinstance(view.parentWidget(), QScrollArea) else self.height()
        lacking = self.minimumSizeHint().height() - shown
        window = self.window()
        if lacking <= 0 or window is self:
            return
        screen = window.screen()
        room = screen.availableGeometry().height() if screen is not None else window.height() + lacking
        frame = window.frameGeometry().height() - window.height()
        height = min(window.height() + lacking, room - frame)
        if height > window.height():
            window.resize(window.width(), height)
            if screen is not None:
                # Grown downwards from where it was: moved up as much as it now passes the screen's bottom
                # (found with the ADELI and SIRET rows: the settings' « Enregistrer » went below the edge).
                area = screen.availableGeometry()
                outside = window.frameGeometry().bottom() - area.bottom()
                if outside > 0:
                    window.move(window.x(), max(area.top(), window.y() - outside))

    def document(self) -> dict[str, Any]:
        """The site file these fields make (the numbers left empty are not in it, as in ``init``'s)."""
        rpps, adeli, finess, siret, siren = self._numbers()
        numbers = {"rpps": rpps, "adeli": adeli, "finess": finess, "siret": siret, "siren": siren}
        given = {key: value for key, value in numbers.items() if value}
        return {
            "practitioner": {
                **{key: given[key] for key in ("rpps", "adeli") if key in given},
                "family": self.family.text().strip(),
                "given": self.given.text().split(),
                "role": self.role.text().strip(),
            },
            "organization": {
                **{key: given[key] for key in ("finess", "siret", "siren") if key in given},
                "name": self.organization.text().strip(),
            },
            "patient_id_system": self.system.text().strip(),
        }

    def requester(self) -> Requester | None:
        """The site as typed, or None after saying under each field what is wrong with it."""
        self._checking = True
        words = self.field_words()
        self._show(words)
        if any(words.values()):
            first = next(key for key, text in words.items() if text)
            self._edits()[first].setFocus()
            return None
        try:
            requester = parse_site(self.document())
        except CaseFileError as exc:  # the core's own check, should the two ever disagree
            self.problems.setText("\n".join(exc.details) or exc.message)
            return None
        self.problems.clear()
        return requester

    def save(self) -> bool:
        requester = self.requester()
        if requester is None:
            return False
        try:
            write_and_wait(on_own_connection(self.store, lambda own: save_site(own, requester)))
        except TeleavisError as exc:
            self.problems.setText(exc.message)
            return False
        return True


def _save_platform(store: Store, values: dict[str, Any]) -> tuple[bool, list[str], list[str]]:
    """Keep the platform settings (one transaction): whether where cases go changed, the cases queued in
    training mode set aside because it ended, and the secrets forgotten because the address they were kept
    for moved to another host (app.settings.secrets_left_behind: never sent to the new one)."""
    changed = {key: value for key, value in values.items() if store.settings.get(key) != value}
    if not changed:
        return False, [], []
    from sync.training import training_mode, where_cases_go_changed

    forgotten = secrets_left_behind(store.settings.get, values)
    changed.update(dict.fromkeys(forgotten, ""))
    was_training = training_mode(store)
    from app import audit

    with transaction(store.conn) as conn:
        for key, value in changed.items():
            store.settings.set(key, value, in_transaction=True)
            audit.append(conn, store.key, "settings", detail=key)  # as `config set` does: its name, never its value
    held, _ = where_cases_go_changed(store, was_training)  # queued in training: never to the real platform
    return True, held, forgotten


class _Overlay:
    """Settings as typed in the form, over the stored ones, for "test the connection" before saving."""

    def __init__(self, store: Store, values: dict[str, Any]) -> None:
        self._store, self._values = store, values

    def get(self, key: str) -> Any:
        return self._values[key] if key in self._values else self._store.settings.get(key)

    def set(self, key: str, value: Any, *, in_transaction: bool = False) -> None:
        # Only a sign-in token refreshed while testing is written: it rotated, the stored one is spent.
        self._store.settings.set(key, value, in_transaction=in_transaction)


class _Probe:
    def __init__(self, store: Store, values: dict[str, Any]) -> None:
        self.settings = _Overlay(store, values)
        self.data_dir = store.data_dir
        self.key = store.key  # the training sandbox seals its data under the data key


#: What the sync's words say of its own retries (sync/client.py): true of the cases it sends, not of a
#: connection test, which is made once.
_RETRY = re.compile(
    r"\s*(?::\s*)?(?:nouvel essai automatique|retrying automatically|it will be tried again automatically)"
    r"[^.]*\.",
    re.IGNORECASE,
)


def without_retry(words: str) -> str:
    """The sync's words of a failure without its promise to retry (found from outside: « Échec : Plateforme
    injoignable (réseau) : nouvel essai automatique. » after « Tester la connexion », and the nurse waited
    for a test that is never made again); the sentence it ended is ended."""
    kept = _RETRY.sub(".", words).replace("..", ".").strip()
    return kept if kept != "." else words


class PlatformForm(QWidget):
    """Training mode (the built-in sandbox) or a real platform: address, sign-in, proxy, CA."""

    tested = Signal(bool, str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        #: Whether the last ``save()`` changed where cases go (the sync engine must then start afresh).
        self.changed = False
        # The cases queued in training mode set aside when saving ended it (to say so).
        self.held: list[str] = []
        # The secrets the last save forgot, kept for an address moved to another host (to say so).
        self.forgotten: list[str] = []
        column = QVBoxLayout(self)
        self.training = QRadioButton(self.tr("Mode formation : plateforme d'essai intégrée, aucun envoi réel"))
        self.real = QRadioButton(self.tr("Plateforme régionale de télé-expertise"))
        group = QButtonGroup(self)
        group.addButton(self.training)
        group.addButton(self.real)
        column.addWidget(self.training)
        column.addWidget(self.real)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.url = QLineEdit(placeholderText="https://…/fhir")
        self.token = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("Jeton d'accès personnel (ou identifiants ci-dessous)"))
        self.token_url = QLineEdit(placeholderText="https://…/token")
        self.client_id = QLineEdit()
        self.client_secret = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.proxy = QLineEdit(placeholderText="http://proxy:3128")
        self.ca_bundle = QLineEdit(placeholderText=self.tr("Fichier des autorités de certification (facultatif)"))
        form.addRow(self.tr("Adresse de la plateforme :"), self.url)
        form.addRow(self.tr("Jeton d'accès :"), self.token)
        form.addRow(self.tr("Adresse de connexion (OAuth) :"), self.token_url)
        form.addRow(self.tr("Identifiant client :"), self.client_id)
        form.addRow(self.tr("Secret client :"), self.client_secret)
        form.addRow(self.tr("Proxy :"), self.proxy)
        # What is wrong with the CA file shows under it (app.setting_checks, as ``config set`` says it).
        self.ca_problem = _problem()
        holder = QWidget()
        ca_column = QVBoxLayout(holder)
        ca_column.setContentsMargins(0, 0, 0, 0)
        ca_column.setSpacing(2)
        ca_column.addWidget(self.ca_bundle)
        ca_column.addWidget(self.ca_problem)
        ca_caption = QLabel(self.tr("Certificats (CA) :"))
        ca_caption.setBuddy(self.ca_bundle)
        # Not the field's sibling (the field sits in its holder): a screen reader would find no name.
        self.ca_bundle.setAccessibleName(self.tr("Certificats (CA)"))
        form.addRow(ca_caption, holder)
        self.ca_bundle.textChanged.connect(self._recheck_ca)
        column.addLayout(form)
        self.fields = [
            self.url,
            self.token,
            self.token_url,
            self.client_id,
            self.client_secret,
            self.proxy,
            self.ca_bundle,
        ]
        row = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Tester la connexion"))
        # Entrée after a test goes on with the dialog (its default button), never tests again.
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.test)
        self._testing = False
        self._ca_saving = True  # what the CA field's problem was said for: a save (else a test)
        row.addWidget(self.test_button)
        self.result = QLabel()
        self.result.setWordWrap(True)
        row.addWidget(self.result, 1)
        column.addLayout(row)
        column.addStretch(1)
        settings = store.settings
        for widget, key in self._keys():
            widget.setText(str(settings.get(key) or ""))
        # What each field showed at its opening: one left so is not written back at the save (found in
        # review: the access token the sending renews meanwhile was put back to the spent one shown here).
        self._opened = {key: widget.text().strip() for widget, key in self._keys()}
        # The proxy's password (a user name alone: the user name) never shows: masked as ``config get``
        # masks it; left as shown, the stored proxy is kept (with http:// when an older version kept
        # it without a scheme: app/urls.py, proxy_in_use).
        from app.urls import shown_proxy

        self._proxy_stored = str(settings.get("proxy") or "")
        self._ca_stored = str(settings.get("platform.ca_bundle") or "")
        self._proxy_shown = shown_proxy(self._proxy_stored)
        self.proxy.setText(self._proxy_shown)
        training = settings.get("training") == "on" or not settings.get("platform.url")
        (self.training if training else self.real).setChecked(True)
        self.training.toggled.connect(self._mode)
        self._mode()

    def _keys(self) -> list[tuple[QLineEdit, str]]:
        return [
            (self.url, "platform.url"),
            (self.token, "platform.token"),
            (self.token_url, "platform.token_url"),
            (self.client_id, "platform.client_id"),
            (self.client_secret, "platform.client_secret"),
            (self.proxy, "proxy"),
            (self.ca_bundle, "platform.ca_bundle"),
        ]

    def typed_anew(self, values: dict[str, Any], keys: tuple[str, ...]) -> bool:
        """Whether ``values`` (``checked_values``) change one of ``keys`` from what its field showed at the
        opening: one left as it showed is not typed anew, though the sending renewed it meanwhile."""
        return any(key in values and values[key] != self._opened.get(key) for key in keys)

    def _mode(self) -> None:
        for widget in self.fields:
            widget.setEnabled(self.real.isChecked())
        if not self.real.isChecked():  # the training platform uses no CA file: nothing to correct there
            self._show_ca()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {key: widget.text().strip() for widget, key in self._keys()}
        if self.training.isChecked():
            # Greyed and unused in training: a file typed there is not checked, so it is not kept either
            # (refused, it held back every setting behind a field the nurse could no longer correct).
            values["platform.ca_bundle"] = self._ca_stored
        elif values["platform.ca_bundle"] != self._ca_stored.strip():
            # Kept whole, as ``config set`` keeps it: the window may start in another folder next time.
            values["platform.ca_bundle"] = whole_path(values["platform.ca_bundle"])
        values["training"] = "on" if self.training.isChecked() else "off"
        if self._proxy_stored and values["proxy"] == self._proxy_shown.strip():
            stored = self._proxy_stored.strip()
            values["proxy"] = stored if "://" in stored else f"http://{stored}"
        return values

    def _ca_words(self, saving: bool = True) -> str:
        """What keeps the CA file typed from working, in words (empty: nothing, or the one stored left as it
        is: refusing it would hold back every other setting, for a file the user did not just give); then
        that nothing was saved, or (not ``saving``: « Tester la connexion », which saves nothing by design)
        that the connection was not tested."""
        typed = self.ca_bundle.text().strip()
        if not self.real.isChecked() or not typed or typed == self._ca_stored.strip():
            return ""
        path, problem = ca_bundle_problem(typed)
        if problem is CaProblem.MISSING:
            words = self.tr(
                "Le fichier « {path} » est introuvable. Vérifiez le chemin du fichier que le support de la "
                "plateforme a fourni."
            )
        elif problem is CaProblem.NOT_FILE:
            words = self.tr("« {path} » n'est pas un fichier : donnez le chemin du fichier de certificats lui-même.")
        elif problem is CaProblem.UNREADABLE:
            words = self.tr(
                "Le fichier « {path} » ne peut pas être lu (droits d'accès) : demandez au support informatique "
                "de le rendre lisible."
            )
        elif problem is CaProblem.NOT_PEM:
            words = self.tr(
                "« {path} » n'est pas un fichier de certificats au format PEM (des blocs « -----BEGIN "
                "CERTIFICATE----- » lisibles) : demandez au support de la plateforme le certificat de son "
                "autorité au format PEM."
            )
        else:
            return ""
        # Found from outside: said after a test, « Rien n'a été enregistré » made the nurse believe her
        # settings were lost.
        then = self.tr("Rien n'a été enregistré.") if saving else self.tr("La connexion n'a pas été testée.")
        return " ".join((words.format(path=path), then))

    def _show_ca(self, saving: bool = True) -> bool:
        """Say under the CA field what is wrong with it (after a save, or not ``saving``: after a test);
        whether it is right."""
        self._ca_saving = saving
        words = self._ca_words(saving)
        self.ca_problem.setText(words)
        self.ca_problem.setVisible(bool(words))
        return not words

    def _recheck_ca(self) -> None:
        # Once said, the sentence goes as soon as the file is right (or changes as it is corrected).
        if self.ca_problem.isVisible():
            self._show_ca(self._ca_saving)

    def _proxy_still_masked(self) -> bool:
        """Whether the proxy was edited but still holds the mask of the stored password (« *** »):
        saved so, « *** » would be the password."""
        typed = self.proxy.text().strip()
        if typed == self._proxy_shown.strip() or "@" not in self._proxy_shown:
            return False
        masked = self._proxy_shown.split("://", 1)[-1].rpartition("@")[0]
        return "@" in typed and typed.split("://", 1)[-1].rpartition("@")[0] == masked

    def checked_values(self) -> dict[str, Any] | None:
        """The settings to save, or None after saying what keeps them from working (nothing saved, nothing
        typed lost): the settings dialog asks first, so that nothing of its other tabs is saved either."""
        values = self.values()
        if values["training"] == "off" and not values["platform.url"]:
            self.result.setText(self.tr("Donnez l'adresse de la plateforme, ou choisissez le mode formation."))
            return None
        if values["training"] == "on":
            values["training"] = "auto" if not values["platform.url"] else "on"
        from app.urls import SECURE_URL_SETTINGS, check_proxy, check_secure_url

        if self._proxy_still_masked():
            self.result.setText(
                self.tr("Retapez le mot de passe du proxy : « *** » ne fait que masquer celui enregistré.")
            )
            return None
        try:
            for key in SECURE_URL_SETTINGS:
                check_secure_url(key, values[key])
            check_proxy(values["proxy"])
        except TeleavisError as exc:
            self.result.setText(exc.message)
            return None
        if not self._show_ca():
            self.result.clear()
            self.ca_bundle.setFocus()
            return None
        return values

    def save(self) -> bool:
        values = self.checked_values()
        if values is None:
            return False
        values = {key: value for key, value in values.items() if self._opened.get(key) != value}
        try:
            self.changed, self.held, self.forgotten = write_and_wait(
                on_own_connection(self.store, lambda own: _save_platform(own, values))
            )
        except TeleavisError as exc:
            self.result.setText(exc.message)
            return False
        return True

    def test(self) -> None:
        """Ask the platform (or the sandbox) for its capability statement, off the main thread."""
        if self._testing:
            return
        if self.real.isChecked() and not self._show_ca(saving=False):  # the test would fail for it, saying less
            self.result.clear()
            self.tested.emit(False, "")
            return
        values = self.values()
        training = values["training"] == "on"
        store = self.store
        # Nothing saved, no code asked: so none of the secrets kept for the platform goes to another host
        # typed here (found from outside: the token went to it), nor through certificates other than the
        # ones saved with them.
        if values["platform.ca_bundle"] != self._ca_stored:
            unsent = {key for secrets in SECRETS_OF_ADDRESS.values() for key in secrets}
        else:
            # A secret left as it was at the opening was not typed anew (the sending may have renewed the token
            # since: the one shown, spent, is still the old platform's); the addresses are the ones the test asks.
            typed = {
                key: value
                for key, value in values.items()
                if key in SECRETS_OF_ADDRESS or self._opened.get(key) != value
            }
            unsent = set(secrets_left_behind(store.settings.get, typed))
        values.update(dict.fromkeys(unsent, ""))
        self.result.setText(self.tr("Test en cours…"))
        # Not disabled: a disabled button hands the keyboard on to the next one (the wizard's
        # "Précédent"), and Entrée then went back.
        self._testing = True

        def check() -> tuple[bool, str]:
            from sync.client import check_reachable

            clone = store.clone()  # this runs in a worker thread: its own connection
            try:
                if training:
                    from sync.training import ensure_sandbox

                    url = ensure_sandbox(_Probe(clone, {"training": "on"}))
                    return check_reachable(
                        _Probe(clone, {"platform.url": url, "platform.token": "", "platform.token_url": ""})
                    )
                return check_reachable(_Probe(clone, values))
            finally:
                clone.close()

        def done(result: tuple[bool, str]) -> None:
            ok, words = result
            self._testing = False
            self.result.setText(
                self.tr("Connexion réussie ({words}).").format(words=words)
                if ok
                else " ".join(
                    (
                        self.tr("Échec : {words}").format(words=without_retry(words)),
                        self.tr("Vérifiez le réglage, puis testez à nouveau."),
                    )
                )
            )
            self.tested.emit(ok, words)

        def failed(exc: BaseException) -> None:
            self._testing = False
            self.result.setText(
                self.tr("Échec : {words}").format(
                    words=exc.message if isinstance(exc, TeleavisError) else type(exc).__name__
                )
            )
            self.tested.emit(False, "")

        run_task(check, done, failed)
