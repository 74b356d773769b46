"""The lock is true: none without a secret to open it, the secret asked at start, a limited number of
tries across restarts, the PIN's hash sealed; a wrong passphrase at start is asked again, in the
chosen language."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from app import screen_lock
from app.errors import DataLocked
from app.store import Store
from tests.conftest import PASSPHRASE
from tests.support.keyring import memory_keyring
from tests.support.ui import REQUESTER, type_text
from ui.main_window import MainWindow


@pytest.fixture
def keyring_home(teleavis_home: Path, monkeypatch: pytest.MonkeyPatch, sync_runner: None) -> Iterator[Path]:
    """An installation whose key is in the OS keyring, nothing typed to start (a desktop session)."""
    monkeypatch.delenv("TELEAVIS_PASSPHRASE")
    with memory_keyring():
        with Store.open(teleavis_home) as store:
            store.settings.set("site.requester", asdict(REQUESTER))
            store.settings.set("lock.minutes", 5)
        yield teleavis_home
    from sync.training import stop_sandboxes

    stop_sandboxes()


@pytest.fixture
def start(qtbot: Any, keyring_home: Path) -> Iterator[Any]:
    """Start the window as ``teleavis`` does (its language, the key deferred, ui.application.start_window)."""
    from ui import application
    from ui.application import choose_language, install_language, start_window, stored_language

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    install_language(qapp, choose_language(stored_language(keyring_home)))
    running: list[tuple[Store, MainWindow]] = []

    def started() -> tuple[Store, MainWindow]:
        store = Store.open(keyring_home, defer_key=True)
        window = start_window(store)
        qtbot.waitExposed(window)
        running.append((store, window))
        return store, window

    yield started
    for store, window in running:
        stop(store, window)
    for translator in application._translators:
        qapp.removeTranslator(translator)
    application._translators.clear()


def stop(store: Store, window: MainWindow) -> None:
    """Quit: the window goes (its timers with it), then the store closes."""
    import shiboken6

    if shiboken6.isValid(window):
        window.shutdown()
        shiboken6.delete(window)
    store.close()


class LockClocks:
    """The system's clock and the clock of this boot (``CLOCK_BOOTTIME``), in the test's hands: time
    passing moves both (``advance``); someone setting the system's clock moves only that one."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.system = 1_000_000.0
        self.boot = 5_000.0
        self.boot_id = "boot-1"
        monkeypatch.setattr(screen_lock, "clock", lambda: self.system)
        monkeypatch.setattr(screen_lock, "boot_clock", lambda: (self.boot_id, self.boot))

    def advance(self, seconds: float) -> None:
        self.system += seconds
        self.boot += seconds

    def restart_computer(self, *, seconds: float) -> None:
        """The computer restarted, ``seconds`` after now: a new boot, whose clock starts again."""
        self.system += seconds
        self.boot = 20.0
        self.boot_id = "boot-2"


def unlock_with(qtbot: Any, window: MainWindow, secret: str) -> None:
    field = window.lock_screen.secret
    field.setFocus()
    type_text(field, secret)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_no_pin_on_a_keyring_install_means_no_lock_to_be_shut_out_by(start: Any) -> None:
    _, window = start()
    assert not window.locked()
    assert not window.idle.timer.isActive(), "no idle lock: nothing could open it"
    window.lock()  # Ctrl+L
    assert not window.locked()
    assert "Sécurité" in window.statusBar().currentMessage()


def test_a_workstation_set_up_without_the_wizard_is_asked_for_a_lock_code_at_its_window(
    qtbot: Any, keyring_home: Path, start: Any
) -> None:
    """Found from outside: set up by ``teleavis init`` (a technician's script for a cart), the window
    never went through the wizard's page for the code, and never locked: left idle, every case stayed
    on screen. The code is asked once the window is up; « Plus tard » says where to set it, and it is
    asked again at the next start."""
    _, window = start()
    qtbot.waitUntil(lambda: getattr(window, "lock_code_dialog", None) is not None, timeout=10_000)
    dialog = window.lock_code_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    dialog.later_button.click()
    assert "choisissez-en un dans Édition > Réglages, onglet Sécurité" in window.statusBar().currentMessage()
    assert not window.idle.timer.isActive()
    window.shutdown()
    store, window = start()
    qtbot.waitUntil(lambda: getattr(window, "lock_code_dialog", None) is not None, timeout=10_000)
    dialog = window.lock_code_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    type_text(dialog.form.first, "4821")
    type_text(dialog.form.second, "4812")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.form.problem.text() == "Les deux codes sont différents."
    dialog.form.second.clear()
    type_text(dialog.form.second, "4821")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    assert screen_lock.available(store)
    assert window.idle.timer.isActive(), "the idle lock runs from now on"
    window.lock()
    assert window.locked()
    unlock_with(qtbot, window, "4821")
    assert not window.locked()


def test_with_a_pin_restarting_does_not_walk_around_the_lock(qtbot: Any, keyring_home: Path, start: Any) -> None:
    with Store.open(keyring_home) as store:
        screen_lock.set_pin(store, "4821")
    _, window = start()
    assert window.locked() and not window.worklist.isVisible(), "a restart starts locked"
    assert window.idle.timer.isActive()
    unlock_with(qtbot, window, "1234")
    assert window.locked()
    unlock_with(qtbot, window, "4821")
    assert not window.locked() and window.worklist.isVisible()


def test_with_a_pin_a_start_in_training_mode_does_not_walk_around_the_lock(qtbot: Any, keyring_home: Path) -> None:
    """Found by a nurse's outside pass: `teleavis --training` on a workstation with a lock code opened
    on its cases, names showing. Remembering training mode wrote a setting, the write fetched the
    key, and a fetched key read as a key typed. Then, locked, it still turned training mode on before
    the code: whoever started it held the real cases waiting to leave (they wait for training's end).
    The code comes first; without it nothing is written."""
    from ui.application import open_first_window
    from ui.start_lock import StartLockDialog

    with Store.open(keyring_home) as store:
        screen_lock.set_pin(store, "4821")
        store.settings.set("platform.url", "https://plateforme.example/fhir")

    def answer_the_code(code: str) -> None:
        asked = [w for w in QApplication.topLevelWidgets() if isinstance(w, StartLockDialog) and w.isVisible()]
        if not asked:
            QTimer.singleShot(50, lambda: answer_the_code(code))
            return
        (dialog,) = asked
        assert "mode formation" in dialog.why.text()
        dialog.lock_screen.secret.setText(code)
        dialog.lock_screen.try_unlock()
        if dialog.isVisible():
            dialog.quit_button.click()

    QTimer.singleShot(0, lambda: answer_the_code("1234"))
    store = Store.open(keyring_home, defer_key=True)
    try:
        assert open_first_window(store, ["--training"]) is None
        assert store.settings.get("training") != "on", "nothing written without the code"
    finally:
        store.close()

    QTimer.singleShot(0, lambda: answer_the_code("4821"))
    store = Store.open(keyring_home, defer_key=True)
    window = open_first_window(store, ["--training"])
    try:
        assert window is not None
        qtbot.waitExposed(window)
        assert not window.locked(), "the code was just typed"
        assert store.settings.get("training") == "on", "training mode remembered once the code is given"
    finally:
        if window is not None:
            stop(store, window)
        else:
            store.close()


def test_with_a_pin_the_first_start_after_an_upgrade_does_not_walk_around_the_lock(
    qtbot: Any, keyring_home: Path, start: Any
) -> None:
    """Found by an attacker's outside pass: the start that migrates the database (the first after an
    upgrade, or a version number set back in the file) fetched the key from the keyring to re-seal, and a
    key fetched read as a key typed: the window opened on the cases, names showing, without the code."""
    from app.db import MIGRATIONS, schema_version, transaction
    from app.model import Answer
    from tests.sync.sync_helpers import make_case

    with Store.open(keyring_home) as store:
        screen_lock.set_pin(store, "4821")
        case_id = make_case(store)
        with transaction(store.conn) as conn:
            store.set_answer(conn, case_id, Answer(conclusion="Bénin", expert="Dr Expert"))
        assert store.mark_read(case_id)
        # As the database was before migration 20 (it tags read marks with the data key).
        store.conn.execute("ALTER TABLE messages DROP COLUMN state_tag")
        store.conn.execute("ALTER TABLE cases DROP COLUMN read_tag")
        store.conn.execute("PRAGMA user_version = 19")

    store, window = start()

    assert schema_version(store.conn) == len(MIGRATIONS), "migrated at this start"
    assert window.locked() and not window.worklist.isVisible(), "the upgrade's start opens locked too"
    unlock_with(qtbot, window, "4821")
    assert not window.locked()


def test_with_a_pin_a_site_gone_from_the_database_does_not_walk_around_the_lock(qtbot: Any, keyring_home: Path) -> None:
    """Found by attackers' outside passes: with the site's row deleted (or altered) in the database, the
    next start showed the first-start wizard, and after it the window opened on the cases without the
    code (« the person who just set it up is at the keyboard »); then, locked after it, the wizard still
    came first, and whoever filled it wrote the site and where the cases go. The code comes first: without
    it, « Quitter » leaves, nothing written; with it, the wizard, then the window."""
    from PySide6.QtWidgets import QWizard

    from tests.sync.sync_helpers import make_case
    from ui.application import open_first_window
    from ui.setup_wizard import SetupWizard
    from ui.start_lock import StartLockDialog

    with Store.open(keyring_home) as store:
        screen_lock.set_pin(store, "4821")
        make_case(store, queue=False)
        store.conn.execute("DELETE FROM settings WHERE key = 'site.requester'")
    seen: list[str] = []

    def visible(kind: type) -> list[Any]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]

    def fill_in_the_wizard() -> None:
        wizards = visible(SetupWizard)
        if not wizards:
            QTimer.singleShot(50, fill_in_the_wizard)
            return
        (wizard,) = wizards
        seen.append("wizard")
        wizard.next()
        site = wizard.site
        for field, words in (
            (site.rpps, "10101010105"),
            (site.family, "DURAND"),
            (site.given, "Anne"),
            (site.finess, "750000010"),
            (site.organization, "Centre de santé"),
        ):
            type_text(field, words)
        wizard.next()
        assert wizard.currentPage() is not wizard.page(wizard.startId()), "the site was taken"
        wizard.button(QWizard.WizardButton.FinishButton).click()

    def at_the_code(then: Any) -> None:
        if visible(SetupWizard):
            seen.append("wizard before the code")
            visible(SetupWizard)[0].reject()
            return
        asked = visible(StartLockDialog)
        if not asked:
            QTimer.singleShot(50, lambda: at_the_code(then))
            return
        seen.append("code")
        then(asked[0])

    def a_passer_by(dialog: StartLockDialog) -> None:
        dialog.lock_screen.secret.setText("1234")
        dialog.lock_screen.try_unlock()
        assert dialog.isVisible() and "pas le bon code" in dialog.lock_screen.problem.text(), (
            "no wizard without the code"
        )
        dialog.quit_button.click()

    QTimer.singleShot(0, lambda: at_the_code(a_passer_by))
    store = Store.open(keyring_home, defer_key=True)
    try:
        assert open_first_window(store, []) is None, "« Quitter »: no window"
        assert seen == ["code"]
        assert store.settings.peek("site.requester") is None, "nothing written"
    finally:
        store.close()

    def the_nurse(dialog: StartLockDialog) -> None:
        dialog.lock_screen.secret.setText("4821")
        dialog.lock_screen.try_unlock()
        fill_in_the_wizard()

    seen.clear()
    QTimer.singleShot(0, lambda: at_the_code(the_nurse))
    store = Store.open(keyring_home, defer_key=True)
    window = open_first_window(store, [])
    try:
        assert seen == ["code", "wizard"] and window is not None
        qtbot.waitExposed(window)
        assert not window.locked(), "the code was just typed"
        assert store.settings.get("site.requester")["family"] == "DURAND"
    finally:
        if window is not None:
            stop(store, window)
        else:
            store.close()


def test_the_code_asked_at_start_says_how_long_to_wait_after_wrong_tries(
    qtbot: Any, keyring_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The code asked before the wizard or training mode counts the same tries as the lock screen: after
    too many wrong ones it says how long to wait, as the lock screen does, not « incorrect » for the right
    code typed meanwhile."""
    from ui.start_lock import StartLockDialog

    clocks = LockClocks(monkeypatch)
    with Store.open(keyring_home) as store:
        screen_lock.set_pin(store, "4821")
        for _ in range(screen_lock.FREE_TRIES):
            assert not screen_lock.try_secret(store, "0000").ok
    store = Store.open(keyring_home, defer_key=True)  # as ``teleavis`` opens it: the key not fetched yet
    try:
        dialog = StartLockDialog(store, for_training=True)
        qtbot.addWidget(dialog)
        dialog.show()
        screen = dialog.lock_screen
        assert not screen.secret.isEnabled() and "Réessayez dans 30 seconde" in screen.problem.text()
        clocks.advance(31)
        qtbot.waitUntil(screen.secret.isEnabled, timeout=30_000)
        screen.secret.setText("4821")
        screen.try_unlock()
        assert dialog.result() == StartLockDialog.DialogCode.Accepted
    finally:
        store.close()


def test_wrong_tries_make_the_next_wait_even_after_a_restart(
    qtbot: Any, keyring_home: Path, start: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clocks = LockClocks(monkeypatch)
    with Store.open(keyring_home) as store:
        screen_lock.set_pin(store, "4821")
    store, window = start()
    for _ in range(screen_lock.FREE_TRIES):
        assert window.lock_screen.secret.isEnabled()
        unlock_with(qtbot, window, "0000")
    assert not window.lock_screen.secret.isEnabled()
    assert "Réessayez dans 30 secondes" in window.lock_screen.problem.text()
    assert not screen_lock.try_secret(store, "4821").ok, "the right code is not even looked at meanwhile"
    stop(store, window)

    store, window = start()  # closing and starting again resets nothing
    assert window.locked()
    unlock_with(qtbot, window, "4821")
    assert window.locked() and "Réessayez" in window.lock_screen.problem.text()
    clocks.advance(31)
    qtbot.waitUntil(window.lock_screen.secret.isEnabled, timeout=30_000)
    unlock_with(qtbot, window, "0000")  # the sixth wrong one: twice the wait
    assert screen_lock.wait_left(store) == pytest.approx(60)
    clocks.advance(61)
    qtbot.waitUntil(window.lock_screen.secret.isEnabled, timeout=30_000)
    unlock_with(qtbot, window, "4821")
    assert not window.locked()
    assert screen_lock.wait_left(store) == 0 and not store.settings.get(screen_lock.FAILURES_SETTING)


def test_setting_the_systems_clock_forward_does_not_end_the_wait(
    qtbot: Any, keyring_home: Path, start: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: the wait after wrong tries ended when the system's clock was set an hour
    forward (the date settings, or ``date -s``), and a restart of Teleavis then did not bring it back: a
    four-digit code had all its tries. The wait runs on the clock of this boot, which nobody sets; after
    the computer restarts, on the system's clock, and never longer than the wait itself."""
    clocks = LockClocks(monkeypatch)
    with Store.open(keyring_home) as store:
        screen_lock.set_pin(store, "4821")
    store, window = start()
    for _ in range(screen_lock.FREE_TRIES):
        unlock_with(qtbot, window, "0000")
    assert screen_lock.wait_left(store) == pytest.approx(30)
    clocks.system += 3600  # the system's clock set an hour forward
    assert screen_lock.wait_left(store) == pytest.approx(30)
    assert not screen_lock.try_secret(store, "4821").ok, "still waiting: the right code is not looked at"
    stop(store, window)

    screen_lock._counted.clear()  # a new process: what the window counted is gone with it
    store, window = start()
    try:
        assert screen_lock.wait_left(store) == pytest.approx(30)
        unlock_with(qtbot, window, "4821")
        assert window.locked() and "Réessayez dans 30 secondes" in window.lock_screen.problem.text()
        clocks.advance(31)
        qtbot.waitUntil(window.lock_screen.secret.isEnabled, timeout=30_000)
        unlock_with(qtbot, window, "0000")  # the sixth: a minute
        assert screen_lock.wait_left(store) == pytest.approx(60)
        clocks.system -= 86_400  # set a day back (or put right by the network): the same wait
        assert screen_lock.wait_left(store) == pytest.approx(60)
        clocks.system += 86_400
    finally:
        stop(store, window)

    screen_lock._counted.clear()
    clocks.restart_computer(seconds=20)  # another boot: what was left, read on the system's clock
    store, window = start()
    try:
        assert screen_lock.wait_left(store) == pytest.approx(40)
        clocks.system -= 86_400  # then counted down on this boot's clock, whatever the system's says
        clocks.advance(10)
        assert screen_lock.wait_left(store) == pytest.approx(30)
        stop(store, window)
        screen_lock._counted.clear()
        screen_lock._rebased.clear()
        store, window = start()  # that clock a day back at the first look: no longer than the wait itself
        assert screen_lock.wait_left(store) == pytest.approx(60)
        clocks.advance(61)
        qtbot.waitUntil(window.lock_screen.secret.isEnabled, timeout=30_000)
        unlock_with(qtbot, window, "4821")
        assert not window.locked()
    finally:
        stop(store, window)


def test_a_failures_row_deleted_or_put_back_makes_no_try_free(
    qtbot: Any, keyring_home: Path, start: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: another program run as the same user, while the window is locked, deleted the
    row counting the wrong tries (or put back an older one) before each try: every try was free, and a
    four-digit code fell in an hour. What the window's process has counted holds until the code opens."""
    clocks = LockClocks(monkeypatch)
    with Store.open(keyring_home) as store:
        screen_lock.set_pin(store, "4821")
    store, window = start()
    try:
        for _ in range(screen_lock.FREE_TRIES):
            unlock_with(qtbot, window, "0000")
        assert screen_lock.wait_left(store) == pytest.approx(30)
        with Store.open(keyring_home) as other:  # the other program
            other.conn.execute("DELETE FROM settings WHERE key = ?", (screen_lock.FAILURES_SETTING,))
            other.conn.commit()
        assert screen_lock.wait_left(store) == pytest.approx(30)
        assert not screen_lock.try_secret(store, "4821").ok, "still waiting: the right code is not looked at"
        clocks.advance(31)
        assert not screen_lock.try_secret(store, "1111").ok  # the sixth: counted from five, not from none
        assert screen_lock.wait_left(store) == pytest.approx(60)
        with Store.open(keyring_home) as other:  # a row as it was before any failure, put back
            other.settings.set(screen_lock.FAILURES_SETTING, {"count": 0, "until": 0.0})
        assert screen_lock.wait_left(store) == pytest.approx(60)
        clocks.advance(61)
        assert screen_lock.try_secret(store, "4821").ok
        assert screen_lock.wait_left(store) == 0
    finally:
        stop(store, window)


def test_enter_on_an_empty_code_field_is_no_try(qtbot: Any, keyring_home: Path, start: Any) -> None:
    """Found from outside: a passer-by pressing Enter five times on the empty field made the nurse wait."""
    with Store.open(keyring_home) as store:
        screen_lock.set_pin(store, "4821")
    store, window = start()
    try:
        for _ in range(screen_lock.FREE_TRIES + 2):
            unlock_with(qtbot, window, "")
        assert window.lock_screen.secret.isEnabled() and window.lock_screen.problem.text() == ""
        assert not store.settings.get(screen_lock.FAILURES_SETTING)
        assert not screen_lock.try_secret(store, "").ok and not store.settings.get(screen_lock.FAILURES_SETTING)
        unlock_with(qtbot, window, "4821")
        assert not window.locked()
    finally:
        stop(store, window)


def test_the_pin_is_kept_as_a_sealed_salted_hash(keyring_home: Path) -> None:
    with Store.open(keyring_home) as store:
        screen_lock.set_pin(store, "4821")
        value, encrypted = store.conn.execute(
            "SELECT value, encrypted FROM settings WHERE key = ?", (screen_lock.PIN_SETTING,)
        ).fetchone()
        assert encrypted == 1 and isinstance(value, bytes) and b"scrypt" not in value and b"salt" not in value
        stored = store.settings.get(screen_lock.PIN_SETTING)
        assert stored["kdf"] == "scrypt" and len(bytes.fromhex(stored["salt"])) == 16
        assert screen_lock.try_secret(store, "4821").ok
        # A PIN set by an earlier version (PBKDF2, in clear) still opens, and is re-kept sealed.
        import hashlib

        salt = b"0123456789abcdef"
        old = {"salt": salt.hex(), "rounds": 1000, "hash": hashlib.pbkdf2_hmac("sha256", b"1357", salt, 1000).hex()}
        store.conn.execute("DELETE FROM settings WHERE key = ?", (screen_lock.PIN_SETTING,))
        store.settings.set("state.lock_pin", old)
        assert screen_lock.has_pin(store)
        assert screen_lock.try_secret(store, "1357").ok
        assert store.settings.get(screen_lock.PIN_SETTING)["kdf"] == "scrypt"
        assert store.settings.get("state.lock_pin") is None


def test_weak_codes_are_refused() -> None:
    for weak in ("12", "1111", "1234", "9876"):
        assert screen_lock.pin_problem(weak) is not None
    assert screen_lock.pin_problem("4821") is None


def test_the_first_start_asks_a_pin_when_the_key_is_in_the_keyring(qtbot: Any, keyring_home: Path) -> None:
    from ui.setup_wizard import SetupWizard

    with Store.open(keyring_home) as store:
        wizard = SetupWizard(store)
        qtbot.addWidget(wizard)
        assert wizard.pin is not None
        type_text(wizard.pin.first, "4821")
        type_text(wizard.pin.second, "4822")
        assert not wizard.pin.save() and "différents" in wizard.pin.problem.text()
        wizard.pin.second.clear()
        type_text(wizard.pin.second, "4821")
        assert (
            wizard.pin.save()
            and screen_lock.has_pin(store)
            and screen_lock.locks_at_start(Store(store.data_dir, type(store.key).deferred(lambda: b""), store.conn))
        )


def test_a_passphrase_install_has_no_pin_page_and_its_passphrase_opens_the_lock(qtbot: Any, store: Store) -> None:
    from ui.setup_wizard import SetupWizard

    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    assert wizard.pin is None and screen_lock.available(store)
    assert not screen_lock.locks_at_start(store), "the passphrase was just typed to start"
    assert screen_lock.try_secret(store, PASSPHRASE).ok


# -- the passphrase at start (issue 14.9) -------------------------------------------------------------


def answer_dialogs(qtbot: Any, answers: list[str], seen: list[tuple[str, str]]) -> None:
    """Type each answer into the next passphrase dialog as it opens, noting its title and problem line."""
    from ui.unlock_dialog import PassphraseDialog

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PassphraseDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append((dialog.windowTitle(), dialog.problem.text()))
        type_text(dialog.first, answers.pop(0))
        qtbot.keyClick(dialog.first, Qt.Key.Key_Return)
        if answers:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(20, answer)


def test_a_wrong_passphrase_at_start_is_asked_again_in_the_chosen_language(
    qtbot: Any, teleavis_home: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> None:
    from ui.application import choose_language, install_language, open_store, stored_language

    with Store.open(teleavis_home) as store:
        store.settings.set("language", "en")
    monkeypatch.delenv("TELEAVIS_PASSPHRASE")
    try:
        install_language(qapp, choose_language(stored_language(teleavis_home)))  # as ui.application.run
        seen: list[tuple[str, str]] = []
        answer_dialogs(qtbot, ["not the right one", PASSPHRASE], seen)
        with open_store(teleavis_home) as opened:
            assert opened.key.loaded
        assert seen == [("Unlock Teleavis", ""), ("Unlock Teleavis", "Wrong passphrase. 2 tries left.")]

        seen.clear()
        answer_dialogs(qtbot, ["faux un", "faux deux", "faux trois"], seen)
        with pytest.raises(DataLocked):
            open_store(teleavis_home)
        assert len(seen) == 3 and seen[-1][1] == "Wrong passphrase. 1 try left."
    finally:
        from ui import application

        for translator in application._translators:
            qapp.removeTranslator(translator)
        application._translators.clear()


def test_the_new_passphrase_dialog_is_titled_as_such_and_refuses_a_weak_one(qtbot: Any) -> None:
    from ui.unlock_dialog import PassphraseDialog

    dialog = PassphraseDialog(True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Choisir la phrase secrète de Teleavis"
    assert dialog.second is not None
    type_text(dialog.first, "azerty")
    type_text(dialog.second, "azerty")
    qtbot.keyClick(dialog.first, Qt.Key.Key_Return)
    assert dialog.result() == 0 and "trop courte" in dialog.problem.text()
    for typed in (dialog.first, dialog.second):
        typed.clear()
        type_text(typed, "azerty123456")
    qtbot.keyClick(dialog.first, Qt.Key.Key_Return)
    assert "quatre mots" in dialog.problem.text(), dialog.problem.text()
    # Found by an outside run: the longest advice was cut, and the intro's first line with it.
    for label in dialog.findChildren(QLabel):
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    # And by a nurse's pass: a published example's refusal, the longest sentence, cut at its narrowest
    # with a desktop's larger fonts (the offscreen platform's are smaller).
    font = dialog.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    dialog.setFont(font)
    dialog.resize(dialog.minimumWidth(), dialog.height())
    for typed in (dialog.first, dialog.second):
        typed.clear()
        type_text(typed, "motdepasse123")
    qtbot.keyClick(dialog.first, Qt.Key.Key_Return)
    assert dialog.result() == 0 and len(dialog.problem.text()) > 120, dialog.problem.text()
    for label in dialog.findChildren(QLabel):
        assert label.height() >= label.heightForWidth(label.width()), label.text()


def test_the_real_start_with_a_pin_opens_locked_and_the_key_still_deferred(teleavis_home: Path) -> None:
    """The whole start (ui.application.run, in a process of its own), not only start_window: nothing on
    the way may fetch the key from the keyring before the window shows (checking the site's tag did:
    the lock at start was then skipped, and the keyring's import and read made the start slow)."""
    import json
    import os
    import subprocess
    import sys

    from tests.support.cli import ROOT

    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    env.pop("TELEAVIS_PASSPHRASE", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.real_start_child"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"locked": True, "key_loaded": False}


def test_a_passphrase_from_the_environment_starts_the_window_locked(
    qtbot: Any, teleavis_home: Path, sync_runner: None
) -> None:
    """Found from outside: with ``TELEAVIS_PASSPHRASE`` set (a cart's launcher, a terminal kept for the
    commands), closing the locked window and starting it again opened it unlocked on the worklist: the
    key loaded at start was taken for a passphrase just typed."""
    from ui.application import open_store, start_window

    assert PASSPHRASE  # the tests' installation: the key under a passphrase, given by the environment
    with Store.open(teleavis_home) as store:
        store.settings.set("site.requester", asdict(REQUESTER))
        screen_lock.set_pin(store, "4821")
    store = open_store(teleavis_home)
    window = start_window(store)
    qtbot.waitExposed(window)
    try:
        assert window.locked() and not window.worklist.isVisible()
    finally:
        stop(store, window)


def test_a_new_installation_with_its_passphrase_in_the_environment_opens_on_the_wizard(
    qtbot: Any, teleavis_home: Path, sync_runner: None
) -> None:
    """Found trying a fresh machine: the very first start of a data folder whose passphrase was given in
    ``TELEAVIS_PASSPHRASE`` (no keyring: a cart set up from a terminal) opened on « Teleavis est
    verrouillé » and « Les réglages du site de ce poste sont à refaire », before any site was ever set.
    The key was made by that start: there is nothing yet to protect, and whoever starts it chose the
    passphrase. The next start of that folder asks the code as before (then it guards a key), as does a
    start that makes a new key beside a database already there."""
    from ui.application import open_first_window, open_store
    from ui.setup_wizard import SetupWizard
    from ui.start_lock import StartLockDialog

    assert not (teleavis_home / "key.json").exists()
    seen: list[str] = []

    def watch() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, StartLockDialog) and widget.isVisible():
                seen.append("code")
                widget.quit_button.click()
                return
            if isinstance(widget, SetupWizard) and widget.isVisible():
                seen.append("wizard")
                widget.reject()
                return
        QTimer.singleShot(50, watch)

    def a_start() -> list[str]:
        """What a start of the folder shows first (then left: « Quitter », « Annuler »)."""
        seen.clear()
        QTimer.singleShot(0, watch)
        store = open_store(teleavis_home)
        try:
            assert open_first_window(store, []) is None
        finally:
            store.close()
        return list(seen)

    assert a_start() == ["wizard"]
    assert a_start() == ["code"]
    (teleavis_home / "key.json").unlink()  # a folder whose key file was deleted is no new installation
    assert a_start() == ["code"]


def test_nothing_the_window_starts_inherits_the_passphrase(
    qtbot: Any, teleavis_home: Path, sync_runner: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: with ``TELEAVIS_PASSPHRASE`` set, the PDF viewer and the sign-in browser the
    window opened inherited it; they outlive the lock and Teleavis, unprotected, and another program of
    the same account could read it in their ``/proc/<pid>/environ``, then open every case."""
    from ui.application import open_store, start_window

    monkeypatch.setenv("TELEAVIS_NEW_PASSPHRASE", "une autre phrase pour plus tard 77")
    with Store.open(teleavis_home) as store:
        store.settings.set("site.requester", asdict(REQUESTER))
    store = open_store(teleavis_home)
    window = start_window(store)
    qtbot.waitExposed(window)
    try:
        qtbot.waitUntil(lambda: store.key.loaded, timeout=10_000)
        qtbot.waitUntil(lambda: "TELEAVIS_PASSPHRASE" not in os.environ, timeout=10_000)
        assert "TELEAVIS_NEW_PASSPHRASE" not in os.environ
        child = subprocess.run(["env"], capture_output=True, text=True, check=True).stdout  # what a viewer gets
        assert "PASSPHRASE" not in child
    finally:
        stop(store, window)


def test_a_try_cut_short_while_its_code_is_checked_still_counts(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: a try was counted only after its code was checked (scrypt, a noticeable
    moment); killing Teleavis during that moment, or trying from several windows at once, gave free
    guesses. It is counted first, in one write transaction, and forgiven only when it opens."""
    with Store.open(teleavis_home) as store:
        screen_lock.set_pin(store, "4821")

    def killed(_stored: Any, _secret: str) -> bool:
        raise KeyboardInterrupt  # the process stopped in the middle of the check

    monkeypatch.setattr(screen_lock, "pin_matches", killed)
    with Store.open(teleavis_home) as store:
        with pytest.raises(KeyboardInterrupt):
            screen_lock.try_secret(store, "1111")
        assert store.settings.get(screen_lock.FAILURES_SETTING)["count"] == 1


def test_the_settings_say_whether_there_is_a_code_to_keep(qtbot: Any, keyring_home: Path) -> None:
    """A nurse's pass: on a workstation with no code, the field said « Laisser vide pour garder le code
    actuel »: there was none to keep, and the lock by code stayed unset."""
    from ui.settings_dialog import SettingsDialog

    with Store.open(keyring_home) as store:
        dialog = SettingsDialog(store)
        qtbot.addWidget(dialog)
        assert dialog.pin.placeholderText().startswith("Aucun code pour l'instant")
        screen_lock.set_pin(store, "4821")
        again = SettingsDialog(store)
        qtbot.addWidget(again)
        assert again.pin.placeholderText() == "Laisser vide pour garder le code actuel"


def test_the_lock_is_made_weaker_from_the_settings_only_with_its_current_code(
    qtbot: Any, keyring_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: at a window left unlocked a moment, a colleague opened Réglages, typed a code of
    their own (or « jamais » for the lock) and saved, nothing asked: from then on they opened the locked
    window whenever the nurse was away, and she, her code refused, was shut out of her own cases. The
    current code (or the passphrase) is asked first, as a counted try, and nothing is saved without it."""
    from ui.settings_dialog import SettingsDialog

    LockClocks(monkeypatch)
    with Store.open(keyring_home) as store:
        screen_lock.set_pin(store, "4821")

        def saved(*, pin: str = "", minutes: int = 5, current: str = "") -> SettingsDialog:
            dialog = SettingsDialog(store)
            qtbot.addWidget(dialog)
            dialog.pin.setText(pin)
            dialog.lock_minutes.setValue(minutes)
            current_field = getattr(dialog, "current_code", None)
            if current_field is not None:
                current_field.setText(current)
            dialog.save()
            return dialog

        refused = saved(pin="7391")
        assert not refused.result()
        assert screen_lock.pin_matches(store.settings.get(screen_lock.PIN_SETTING), "4821")
        assert not screen_lock.pin_matches(store.settings.get(screen_lock.PIN_SETTING), "7391")
        assert "code actuel" in refused.problem.text()
        never = saved(minutes=0)
        assert not never.result()
        assert store.settings.get("lock.minutes") == 5
        later = saved(minutes=240, current="1234")  # a wrong code: counted as the lock screen counts it
        assert not later.result()
        assert store.settings.get("lock.minutes") == 5
        assert "pas le bon code" in later.problem.text()
        assert store.settings.get(screen_lock.FAILURES_SETTING)["count"] == 1
        assert not later.current_code.text()

        sooner = saved(minutes=2)  # locking sooner makes nothing weaker: no code asked
        assert sooner.result()
        assert store.settings.get("lock.minutes") == 2
        changed = saved(pin="7391", minutes=2, current="4821")
        assert changed.result()
        assert screen_lock.pin_matches(store.settings.get(screen_lock.PIN_SETTING), "7391")
        assert store.settings.get(screen_lock.FAILURES_SETTING) is None


def test_on_a_passphrase_install_a_first_code_is_set_only_with_the_passphrase(qtbot: Any, store: Store) -> None:
    """The passphrase opens the lock there: a code added by whoever passed would open it too."""
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.pin.setText("7391")
    dialog.save()
    assert not dialog.result()
    assert not screen_lock.has_pin(store)
    dialog.current_code.setText(PASSPHRASE)
    dialog.save()
    assert dialog.result()
    assert screen_lock.has_pin(store)
