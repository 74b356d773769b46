"""Settings: site, platform and sign-in, camera, watched folder, lock, language, backup."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db import transaction
from app.errors import TeleavisError
from app.setting_checks import RANGES, inside_folder, whole_path
from app.settings import is_training
from app.store import Store
from ui.choice_box import WheelOnceClicked
from ui.file_dialogs import existing_folder
from ui.psc_sign_in import PscSignIn, uses_psc
from ui.setup_forms import PlatformForm, SiteForm
from ui.tasks import on_own_connection, write_and_wait
from ui.widgets import WrappedLabel, fit_on_screen, named, scrolling

RESOLUTIONS = ("", "1280x720", "1920x1080", "2592x1944", "3840x2160")

T = TypeVar("T")

#: How long the window waits for a look at the backup folder before going on without it: a local disk answers
#: in a few milliseconds; a network share whose server went away blocks the call for minutes (an NFS hard mount:
#: until it comes back), found in review freezing Réglages, then the whole window.
ANSWERS_AT_ONCE_S = 0.5
#: After this, a look at the backup folder still running is said under it: the folder does not answer.
NOT_ANSWERING_S = 3.0


def in_time(work: Callable[[], T], seconds: float, then: Callable[[T], None] | None = None) -> tuple[bool, T | None]:
    """``work()`` run on a thread of its own, waited for ``seconds`` at most: (answered, its result). One that
    does not answer is left to its thread (blocked in the system on a share, it cannot be stopped); ``then``, on
    that thread, is given its result whenever it comes, in time or not."""
    answer: list[T] = []
    done = threading.Event()

    def run() -> None:
        try:
            answer.append(work())
        finally:
            done.set()
        if then is not None:
            then(answer[0])

    threading.Thread(target=run, name="folder-look", daemon=True).start()
    if not done.wait(seconds) or not answer:
        return False, None
    return True, answer[0]


def backup_folder_state(typed: str, data_dir: Path, stored: str, recorded: object, chosen: bool) -> tuple[str, str]:
    """Why no backup would be made in the backup folder ``typed`` (``""`` when none is known): ``inside`` the data
    folder, ``absent``, ``read_only``, or ``gone`` (a drive unplugged from its mount point, the mount given). Looks at
    the folder: run off the window's thread (``SettingsDialog._look_at_backup_folder``)."""
    if not typed:
        return "", ""
    folder = Path(whole_path(typed))
    if inside_folder(folder, data_dir):
        return "inside", ""
    try:
        there = folder.is_dir()
    except OSError:
        there = False
    if not there:
        return "absent", ""
    if not os.access(folder, os.W_OK):
        return "read_only", ""
    if not chosen and typed == stored:
        from app.backup import drive_gone

        gone = drive_gone(recorded, Path(typed))
        if gone is not None:  # as the scheduled backup refuses (one test: app.backup.drive_gone)
            return "gone", str(gone)
    return "", ""


class _Looks(QObject):
    """Carries a finished look at the backup folder, from its thread to the window's."""

    answered = Signal(int, object)


def _folder_row(
    edit: QLineEdit, parent: QWidget, title: str, chosen: Callable[[], None] | None = None, name: str = ""
) -> QWidget:
    """``edit`` with its « Choisir… » button, whose folder dialog says which folder it asks for (``title``);
    ``chosen`` is called once a folder is chosen there (the one shown chosen again too)."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    pick = QPushButton(QCoreApplication.translate("SettingsDialog", "Choisir…"))
    if name:
        pick.setObjectName(name)

    def choose() -> None:
        folder = existing_folder(parent, title, edit.text())
        if folder:
            edit.setText(folder)
            if chosen is not None:
                chosen()

    pick.clicked.connect(choose)
    row.addWidget(pick)
    return holder


def _spin_box(key: str) -> QSpinBox:
    """A box for ``key``'s number, bounded as ``config set`` bounds it (app.setting_checks.RANGES)."""
    low, high, _ = RANGES[key]
    assert high is not None  # a box needs its highest number
    return QSpinBox(minimum=int(low), maximum=int(high))


class SettingsDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("Réglages de Teleavis"))
        fit_on_screen(self, 720, 560)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Réglages"))
        layout.addWidget(self.tabs, 1)
        settings = store.settings

        self.site = SiteForm(store)
        # Who the cases are sent in the name of, changed, needs the current code too (``_changes_proven``).
        self._site_opened = self.site.document()  # (a site kept by an older version, shown anew, is none typed)
        self._asked_in = QLineEdit()  # the code field the last refusal asked in (``_changes_proven``)
        self.site_code = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.site_code.setPlaceholderText(self.tr("Pour changer le praticien ou la structure"))
        from app.screen_lock import available

        if available(store):
            site_form = self.site.layout()
            assert isinstance(site_form, QFormLayout)  # SiteForm lays itself out in its constructor
            site_form.addRow(self.tr("Code actuel ou phrase secrète :"), self.site_code)
        self.site_tab = self.tabs.addTab(scrolling(self.site), self.tr("Site"))
        self.platform = PlatformForm(store)
        self.platform_tab = self.tabs.addTab(scrolling(self.platform), self.tr("Plateforme"))
        # « Se connecter avec Pro Santé Connect » when the platform signs professionals in with it.
        self.psc = PscSignIn(store) if uses_psc(store) else None
        column = self.platform.layout()
        assert isinstance(column, QVBoxLayout)  # PlatformForm lays itself out in its constructor
        # Where the cases go, or the account they go under, changed needs the current code (or the
        # passphrase), where one exists, as a new lock code does (``_changes_proven``).
        self.platform_code = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.platform_code.setPlaceholderText(
            self.tr("Pour changer le mode, l'adresse, le compte, le proxy ou les certificats")
        )
        if available(store):
            code_row = QFormLayout()
            code_row.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            code_row.addRow(self.tr("Code actuel ou phrase secrète :"), self.platform_code)
            column.insertLayout(max(0, column.count() - 1), code_row)  # above the stretch at its end
        if self.psc is not None:
            column.addWidget(self.psc)

        capture = QWidget()
        form = QFormLayout(capture)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.camera = QComboBox(editable=True)
        # The demo camera's drawings look like real skin or a real fundus: offered in training mode only, and
        # one remembered from training is not kept once a real platform is set (shown as « Automatique »).
        self._training = is_training(settings.get)
        if self._training:
            self.camera.addItem(self.tr("Automatique (caméra branchée, sinon démonstration)"), "")
            self.camera.addItem(self.tr("Caméra de démonstration"), "demo")
        else:
            self.camera.addItem(self.tr("Automatique (caméra branchée)"), "")
        for n in range(4):
            self.camera.addItem(self.tr("Caméra USB n° {n}").format(n=n), str(n))
        current = str(settings.get("camera.id") or "")
        if current.startswith("demo") and not self._training:
            current = ""
        index = self.camera.findData(current)
        if index >= 0:
            self.camera.setCurrentIndex(index)
        else:
            self.camera.setEditText(current)
        form.addRow(self.tr("Caméra :"), self.camera)
        self.resolution = QComboBox()
        for value in RESOLUTIONS:
            self.resolution.addItem(value or self.tr("La meilleure disponible"), value)
        size = str(settings.get("camera.resolution") or "")
        if self.resolution.findData(size) < 0:
            # A size ``config set`` took that the list lacks (found in review: shown as the largest, it could not
            # be chosen back, only what is changed being saved): shown as it is, after the others.
            self.resolution.addItem(size, size)
        self.resolution.setCurrentIndex(self.resolution.findData(size))
        form.addRow(self.tr("Résolution :"), self.resolution)
        self.watch = QLineEdit(str(settings.get("watch.folder") or ""))
        self.watch.setPlaceholderText(self.tr("Dossier où le rétinographe dépose ses images"))
        form.addRow(
            self.tr("Dossier surveillé :"), _folder_row(self.watch, self, self.tr("Choisir le dossier surveillé"))
        )
        self.tabs.addTab(scrolling(capture), self.tr("Prise de vue"))

        security = QWidget()
        form = QFormLayout(security)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.lock_minutes = _spin_box("lock.minutes")
        self.lock_minutes.setSuffix(self.tr(" min"))
        self.lock_minutes.setSpecialValueText(self.tr("jamais"))
        from app.screen_lock import lock_delay

        self.lock_minutes.setValue(lock_delay(settings.get("lock.minutes")))  # as the window reads it
        form.addRow(self.tr("Verrouiller après :"), self.lock_minutes)
        self.pin = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        from app.screen_lock import MIN_PIN, available, has_pin

        self.pin.setPlaceholderText(
            self.tr("Laisser vide pour garder le code actuel")
            if has_pin(store)
            else self.tr("Aucun code pour l'instant : tapez-en un ({n} caractères au moins)").format(n=MIN_PIN)
        )
        form.addRow(self.tr("Code de déverrouillage :"), self.pin)
        # A new code or a longer delay needs the current one (app.screen_lock.proof_needed), where one exists.
        self.current_code = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.current_code.setPlaceholderText(self.tr("Pour changer le code ou allonger le délai"))
        if available(store):
            form.addRow(self.tr("Code actuel ou phrase secrète :"), self.current_code)
        self.backup = QLineEdit(str(settings.get("backup.folder") or ""))
        # A folder inside the data folder is said under it as soon as it is there (chosen or typed), as
        # ``config set backup.folder`` refuses it (app.setting_checks.inside_folder): found from outside, it was
        # saved here and every scheduled backup then failed, « Sauvegarde non faite ».
        self.backup_problem = named(WrappedLabel(), "fieldProblem")
        self.backup_problem.hide()
        backup_column = QWidget()
        column = QVBoxLayout(backup_column)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        #: The backup folder chosen with « Choisir… » (the one shown, chosen again: a drive retired, its empty mount
        #: point now the folder meant), its mount recorded as it is now on « Enregistrer ».
        self._backup_chosen = False
        #: The look at the backup folder running (its number), a new one asked meanwhile (``_again``): one at a time,
        #: a share that does not answer holding one thread, not one more at each key typed.
        self._looks = _Looks(self)
        self._looks.answered.connect(self._backup_folder_looked_at)
        self._looked = 0
        self._looking: int | None = None
        self._again = False
        column.addWidget(
            _folder_row(
                self.backup,
                self,
                self.tr("Choisir le dossier des sauvegardes"),
                self._backup_folder_chosen,
                "backupFolderPick",
            )
        )
        column.addWidget(self.backup_problem)
        backup_caption = QLabel(self.tr("Dossier de sauvegarde :"))
        backup_caption.setBuddy(self.backup)
        form.addRow(backup_caption, backup_column)
        self.backup.textChanged.connect(self._check_backup_folder)
        self.backup_hours = _spin_box("backup.every_hours")
        self.backup_hours.setSuffix(self.tr(" h"))
        self.backup_hours.setValue(int(settings.get("backup.every_hours") or 0))
        form.addRow(self.tr("Sauvegarder toutes les :"), self.backup_hours)
        self.security_tab = self.tabs.addTab(scrolling(security), self.tr("Sécurité"))

        language = QWidget()
        form = QFormLayout(language)
        self.language = QComboBox()
        self.language.addItem(self.tr("Celle du système"), "auto")
        self.language.addItem("Français", "fr")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.get("language"))))
        form.addRow(self.tr("Langue :"), self.language)
        note = QLabel(self.tr("La nouvelle langue s'applique au prochain démarrage de Teleavis."))
        note.setWordWrap(True)
        form.addRow(note)
        self.tabs.addTab(scrolling(language), self.tr("Langue"))
        # The tabs scroll: the wheel passing over a drop-down or a number changed it unseen (« Langue », the lock's
        # delay), saved with the rest. Each turns with the wheel only once clicked, as the case's drop-downs do.
        for box in (*self.findChildren(QComboBox), *self.findChildren(QAbstractSpinBox)):
            WheelOnceClicked(box)

        self.problem = named(QLabel(), "fieldProblem")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Enregistrer"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._check_backup_folder()  # one saved before it was refused: said on opening
        # What these tabs showed at the opening: only what is typed anew is saved (found from outside: a
        # backup folder and a delay set by ``config set`` while the dialog was open were put back as shown).
        self._shown = self._local_values()

    def _backup_inside_data(self) -> bool:
        """Whether the backup folder typed lies in Teleavis's data folder, which a restore replaces. Looked at off
        the window's thread: a folder on a share that does not answer is not the data folder (the window, whose
        data does answer, would not be running), and « Enregistrer » goes on."""
        typed = self.backup.text().strip()
        if not typed:
            return False
        _answered, inside = in_time(lambda: inside_folder(Path(whole_path(typed)), self.store.data_dir), 2.0)
        return bool(inside)

    def _backup_words(self) -> str:
        return self.tr(
            "Ce dossier est dans celui des données de Teleavis ({data}) : une restauration remplace tout ce "
            "dossier et effacerait les sauvegardes gardées là (et un disque en panne les emporterait avec les "
            "données). Choisissez une clé USB, un disque externe ou un autre dossier."
        ).format(data=self.store.data_dir)

    def _backup_folder_chosen(self) -> None:
        self._backup_chosen = True
        self._check_backup_folder()

    def _check_backup_folder(self) -> None:
        """Look at the backup folder typed, off the window's thread, and say under it why no backup would be made
        there. Found in review: looked at from the window's thread at the opening and at each key typed, a share
        that no longer answered froze Réglages, then the whole window."""
        if self._looking is not None:  # the last look not answered yet (a share): looked again once it answers
            self._again = True
            return
        self._looked += 1
        number = self._looked
        self._looking = number
        args = (
            self.backup.text().strip(),
            self.store.data_dir,
            str(self.store.settings.get("backup.folder") or ""),
            self.store.settings.get("state.backup.mount"),
            self._backup_chosen,
        )
        looks = self._looks

        def look() -> tuple[str, str]:
            try:
                return backup_folder_state(*args)
            except OSError:  # (nothing known to say)
                return "", ""

        def answered(state: object) -> None:
            with contextlib.suppress(RuntimeError):  # (the dialog closed meanwhile)
                looks.answered.emit(number, state)

        at_once, state = in_time(look, ANSWERS_AT_ONCE_S, answered)
        if at_once:  # (a local disk: said at once)
            self._backup_folder_looked_at(number, state)
        else:
            QTimer.singleShot(int(NOT_ANSWERING_S * 1000), lambda: self._not_answering(number))

    def _not_answering(self, number: int) -> None:
        if self._looking == number:
            self._say_backup_folder(
                self.tr(
                    "Ce dossier ne répond pas pour l'instant (partage réseau ou disque qui ne répond plus) : aucune "
                    "sauvegarde ne s'y fera tant qu'il ne répond pas. Vérifiez le réseau ou le disque, ou choisissez "
                    "un autre dossier."
                ),
                inside=False,
            )

    def _backup_folder_looked_at(self, number: int, state: Any) -> None:
        if self._looking != number:  # (said already, at once)
            return
        self._looking = None
        kind, mount = state
        words = {
            "inside": self._backup_words(),
            "absent": self.tr(
                "Ce dossier est introuvable pour l'instant : aucune sauvegarde ne s'y fera tant qu'il n'est pas là. "
                "Branchez la clé ou le disque, ou choisissez un dossier avec « Choisir… » (qui peut en créer un)."
            ),
            "read_only": self.tr(
                "Teleavis ne peut pas écrire dans ce dossier (clé verrouillée, dossier en lecture seule ou "
                "interdit) : aucune sauvegarde ne s'y fera. Choisissez-en un autre, ou demandez au support "
                "informatique d'y autoriser l'écriture."
            ),
            "gone": self.tr(
                "La clé ou le disque de sauvegarde n'est plus branché à « {mount} » : ce dossier est celui, "
                "vide, de l'ordinateur, et aucune sauvegarde ne s'y fait. Branchez-le. S'il ne sert plus, "
                "choisissez un dossier sur un autre disque avec « Choisir… »."
            ).format(mount=mount),
        }.get(kind, "")
        self._say_backup_folder(words, inside=kind == "inside")
        if self._again:  # typed or chosen meanwhile: looked at as it is now
            self._again = False
            self._check_backup_folder()

    def _say_backup_folder(self, words: str, *, inside: bool) -> None:
        self.backup_problem.setText(words)
        self.backup_problem.setVisible(bool(words))
        if not inside and self.problem.text().startswith(self._backup_words()):
            self.problem.clear()  # said on « Enregistrer », gone once corrected

    def _local_values(self) -> dict[str, object]:
        """The settings of the capture, security and language tabs as they read now (folders as typed)."""
        camera = (
            self.camera.currentData()
            if self.camera.currentText() == self.camera.itemText(self.camera.currentIndex())
            else self.camera.currentText().strip()
        )
        if str(camera or "").startswith("demo") and not self._training:
            camera = ""  # (typed outside training: never remembered, never started)
        return {
            "camera.id": camera or "",
            "camera.resolution": self.resolution.currentData(),
            "watch.folder": self.watch.text().strip(),
            "lock.minutes": self.lock_minutes.value(),
            "backup.folder": self.backup.text().strip(),
            "backup.every_hours": self.backup_hours.value(),
            "language": self.language.currentData(),
        }

    def _typed_anew(self) -> dict[str, object]:
        """The settings of those tabs changed since the opening, folders with their whole path; one left as
        it showed is not in it, so what ``config set`` changed meanwhile stays."""
        values = {key: value for key, value in self._local_values().items() if self._shown.get(key) != value}
        for key, edit in (("watch.folder", self.watch), ("backup.folder", self.backup)):
            if key in values:
                values[key] = self._folder(edit, key)
        return values

    def _folder(self, edit: QLineEdit, key: str) -> str:
        """The folder typed, kept with its whole path as ``config set`` keeps it (the window may start in
        another folder next time); the one stored, left as it is, stays as it is."""
        typed = edit.text().strip()
        return typed if typed == str(self.store.settings.get(key) or "") else whole_path(typed)

    def _destination_changed(self, values: dict[str, object]) -> bool:
        """Whether saving ``values`` (the platform form's) changes where the cases and their secrets go: an
        address, the proxy, the certificates trusted, training mode."""
        from app.settings import DESTINATION_SETTINGS

        def stored(key: str) -> str:
            kept = str(self.store.settings.get(key) or "").strip()
            # A proxy an older version kept without its scheme, given back with it: the same proxy.
            return f"http://{kept}" if key == "proxy" and kept and "://" not in kept else kept

        settings = self.store.settings
        # Training mode turned on or off (found from outside: turned on at a window left unlocked, the real
        # cases stopped leaving, waiting for its end, and left the list).
        mode_changed = is_training(lambda key: values.get(key, settings.get(key))) != is_training(settings.get)
        return mode_changed or any(
            key in values and str(values[key] or "").strip() != stored(key) for key in DESTINATION_SETTINGS
        )

    def _account_changed(self, values: dict[str, object]) -> bool:
        """Whether saving ``values`` (the platform form's) changes the account the cases go under: a token,
        a client id or secret typed anew (one left as it showed is none, even if the sending renewed the
        token since), or a sign-in as another professional held for the code (ui/psc_sign_in.py)."""
        from app.settings import ACCOUNT_SETTINGS

        return self.platform.typed_anew(values, ACCOUNT_SETTINGS) or (
            self.psc is not None and self.psc.pending is not None
        )

    def _changes_proven(self, values: dict[str, object], *, site_changed: bool = False) -> int | None:
        """The current code (or the passphrase) typed, as one counted try, when the lock is made weaker or
        the cases are to go elsewhere, under another account or in another name (found from outside: at a
        window left unlocked a moment, whoever passed pointed the platform's address at their own server,
        or typed their own account, nothing asked, and every case went there; a colleague typed their RPPS
        and name in the site's, and the nurse's next cases left in the colleague's name). None when saving
        may go on; else the tab to show, what is wrong said under the tabs, nothing saved."""
        from app import screen_lock

        minutes_before = screen_lock.lock_delay(self.store.settings.get("lock.minutes"))
        # The delay left as it showed changes nothing, whatever ``config set`` stored meanwhile.
        typed = "lock.minutes" in self._typed_anew()
        lock_weaker = screen_lock.proof_needed(
            self.store,
            new_pin=bool(self.pin.text()),
            minutes_before=minutes_before,
            minutes_after=self.lock_minutes.value() if typed else minutes_before,
        )
        guarded = screen_lock.available(self.store)
        elsewhere = guarded and self._destination_changed(values)
        other_account = guarded and self._account_changed(values)
        other_name = guarded and site_changed
        if not (lock_weaker or elsewhere or other_account or other_name):
            return None
        asked_for = "lock" if lock_weaker else "platform" if elsewhere else "account" if other_account else "site"
        tab, first = {
            "lock": (self.security_tab, self.current_code),
            "platform": (self.platform_tab, self.platform_code),
            "account": (self.platform_tab, self.platform_code),
            "site": (self.site_tab, self.site_code),
        }[asked_for]
        # The code typed in any of the three fields proves it (the field of the tab asked for read first).
        fields = (
            first,
            *(field for field in (self.current_code, self.platform_code, self.site_code) if field is not first),
        )
        secret = next((field.text() for field in fields if field.text()), "")
        try:
            write_and_wait(
                on_own_connection(self.store, lambda own: screen_lock.prove(own, secret, asked_for=asked_for))
            )
        except TeleavisError as exc:
            for field in fields:
                field.clear()
            self.problem.setText(exc.message)
            self._asked_in = first
            return tab
        return None

    def _ask_code_in(self, field: QLineEdit) -> None:
        """The keyboard to the field the code is asked in, scrolled into view (the last row of a long tab,
        cut by the sentence saying why under the tabs)."""
        field.setFocus()
        area = field.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:
            area.ensureWidgetVisible(field)

    def save(self) -> None:
        if self._backup_inside_data():  # before anything is saved (app.setting_checks.inside_folder)
            self.problem.setText(" ".join((self._backup_words(), self.tr("Rien n'a été enregistré."))))
            self.tabs.setCurrentIndex(self.security_tab)
            self._ask_code_in(self.backup)
            return
        # The platform's settings checked before anything is saved: the site saved, then a CA file refused,
        # would have kept half of what was typed.
        values = self.platform.checked_values()
        if values is None:
            self.tabs.setCurrentIndex(self.platform_tab)
            return
        requester = self.site.requester()
        if requester is None:  # what is wrong said under its fields
            self.tabs.setCurrentIndex(self.site_tab)
            return
        site_changed = self.site.document() != self._site_opened
        refused = self._changes_proven(values, site_changed=site_changed)
        if refused is not None:
            self.tabs.setCurrentIndex(refused)
            self._ask_code_in(self._asked_in)
            return
        # A site left as it showed is not saved again (found in review: changed meanwhile by ``init --site``,
        # it was put back as shown, without the code, by « Enregistrer » clicked for another setting).
        if site_changed and not self.site.save():
            self.tabs.setCurrentIndex(self.site_tab)
            return
        if not self.platform.save():
            self.tabs.setCurrentIndex(self.platform_tab)
            return
        if (
            self.psc is not None and self.psc.pending is not None
        ):  # a sign-in as another professional, the code typed above
            from ui.psc_sign_in import keep_sign_in

            token, professional = self.psc.pending
            try:
                write_and_wait(on_own_connection(self.store, lambda own: keep_sign_in(own, token, professional)))
            except TeleavisError as exc:
                self.problem.setText(exc.message)
                return
            self.psc.pending = None
        values = self._typed_anew()
        pin = self.pin.text()
        # Chosen (again): the mount it is on now recorded, a retired drive's forgotten (app.backup.mount_record).
        confirmed = str(values["backup.folder"]) if "backup.folder" in values else ""
        if not confirmed and self._backup_chosen:
            confirmed = self._folder(self.backup, "backup.folder")
        mount = None
        if confirmed:
            from app.backup import mount_record

            # (Off the window's thread, and not on the writer's every save goes through: a share that does not
            # answer records nothing; the next backup made there records its drive.)
            _answered, mount = in_time(lambda: mount_record(confirmed), 2.0)

        def write(own: Store) -> None:
            from app import audit
            from app.screen_lock import set_pin

            if pin:
                set_pin(own, pin)  # first: a code refused as too weak leaves every setting as it was
            changed = {key: value for key, value in values.items() if own.settings.get(key) != value}
            if changed or mount is not None:
                from app.backup import keep_mount

                with transaction(own.conn) as conn:
                    for key, value in changed.items():
                        own.settings.set(key, value, in_transaction=True)
                        audit.append(conn, own.key, "settings", detail=key)  # as `config set` does
                    keep_mount(own.settings, mount, in_transaction=True)

        try:
            write_and_wait(on_own_connection(self.store, write))
        except TeleavisError as exc:
            self.problem.setText(exc.message)
            return
        self.accept()
