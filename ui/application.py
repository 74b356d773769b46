"""The window's entry point: the Qt application, the language, the unlocked store, then the window.

``app/commands/window.py`` calls ``run(argv)``. Everything here is wiring: no business rule.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from app import i18n, logs
from app.errors import DataLocked, TeleavisError
from app.keystore import PASSPHRASE_ENV
from app.paths import data_dir, log_dir
from app.store import Store
from ui import resources

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.single_instance import WindowClaim

log = logging.getLogger(__name__)

_translators: list[QTranslator] = []
_installed: list[str] = []  # the language whose catalogues _translators hold


def choose_language(setting: str | None) -> str:
    """``fr`` or ``en``: the setting when it names one, else the system locale (French when unsure)."""
    if setting in i18n.SUPPORTED:
        return str(setting)
    return i18n.system_language()


def install_language(app: QApplication, lang: str) -> None:
    """Load Teleavis's and Qt's own translations for ``lang`` and tell the core the same choice. Once: the
    window's start asks twice (as stored, for what opening the data may say; then as the store reads it),
    and loading the same catalogues again cost ~0.2 ms."""
    if _translators and _installed == [lang] and i18n.language() == lang:
        return
    for old in _translators:
        app.removeTranslator(old)
    _translators.clear()
    _installed[:] = [lang]
    i18n.set_language(lang)
    QLocale.setDefault(
        QLocale(
            QLocale.Language.French if lang == "fr" else QLocale.Language.English,
            QLocale.Country.France if lang == "fr" else QLocale.Country.UnitedKingdom,
        )
    )
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_base = QTranslator(app)
    if qt_base.load(f"qtbase_{lang}", qt_dir):
        app.installTranslator(qt_base)
        _translators.append(qt_base)
    if lang == "fr":
        # What qtbase_fr lacks in the dialogs Teleavis opens (resources/i18n/qt_gaps_fr.ts), compiled like
        # ours: a translator written in Python was called for each of Qt's words (~1,100 calls at start).
        gaps = QTranslator(app)
        if gaps.load("qt_gaps_fr", str(resources.i18n_dir())):
            app.installTranslator(gaps)
            _translators.append(gaps)
    ours = QTranslator(app)
    # French is the source language; its .qm only holds the plural forms ("1 jour", "3 jours").
    if ours.load(f"teleavis_{lang}", str(resources.i18n_dir())):
        app.installTranslator(ours)
        _translators.append(ours)


class MainThreadCollector(QObject):
    """Python's cycle collector runs on whichever thread happens to allocate past its threshold: the sync
    engine's, the training sandbox's. Collecting a Qt object there destroys it off the window's thread,
    and Qt crashes (seen: a segmentation fault in the sandbox's expert thread). Automatic collection is
    turned off; this timer runs the same collections, by the same thresholds, on the window's thread."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self.timer = QTimer(self, interval=500)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    @staticmethod
    def collect() -> None:
        young, middle, old = gc.get_count()
        first, second, third = gc.get_threshold()
        if young > first:
            gc.collect(2 if old > third else 1 if middle > second else 0)


_collector: MainThreadCollector | None = None


def set_style(app: QApplication) -> None:
    """The window's look, as the application sets it at start (the benchmarks set it the same way: what
    the style costs is part of what a user waits for): the style sheet's rules, read under ``app``'s
    palette (dark or not), each given to the widgets it styles as they are made, not to ``app`` (see
    ui.resources.style_sheet)."""
    if QApplication.instance() is not app:
        raise ValueError("the style is read under the running application's palette")
    resources.use_style()


def make_application(argv: list[str]) -> QApplication:
    """The QApplication with names, High-DPI behaviour, icon and style sheet (reused when one exists)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        # Fractional scaling (125 %, 150 %) is passed through as it is, not rounded to 100 %/200 %: Qt 6's
        # default (HighDpiScaleFactorRoundingPolicy.PassThrough), not set again here, as naming it would build
        # Qt's whole namespace (~14.5 ms, see ui.widgets.set_qt); tests/ui/test_small_screen.py checks it.
        app = QApplication([sys.argv[0] if sys.argv else "teleavis", *argv])
    app.setOrganizationName("Teleavis")
    app.setOrganizationDomain("teleavis.fr")
    app.setApplicationName("Teleavis")
    app.setApplicationDisplayName("Teleavis")
    # The window icon: once the main window has drawn its first frame (resources.use_window_icon).
    set_style(app)
    app.setQuitOnLastWindowClosed(True)
    global _collector
    if _collector is None:  # (not findChild: walking the app's children builds their Python types)
        _collector = MainThreadCollector(app)
    return app


# Passphrases tried at start before the window gives up (each costs a second of scrypt).
START_TRIES = 3


class StartPassphrase:
    """The passphrase source of the window's start: ``TELEAVIS_PASSPHRASE`` first when set, then the
    dialog; called again by the key store after a wrong one, it says so and how many tries are left.
    (The dialog's module is imported only when it is asked: with the key in the OS keyring it never
    is, and building its widgets' types would delay the first window.)"""

    def __init__(self, tries: int = START_TRIES, *, ending_watched: bool = False) -> None:
        self.tries = tries
        self.calls = 0
        #: The window's start (not a test opening the store): the ending signals are watched from the dialog on.
        self.ending_watched = ending_watched
        self._watching = False

    def __call__(self, confirm: bool) -> str | None:
        self.calls += 1
        from_env = os.environ.get(PASSPHRASE_ENV)
        if from_env and self.calls == 1:
            return from_env
        from ui.ending import quit_on_terminate
        from ui.unlock_dialog import ask_passphrase

        _forget_purged_thumbnails_now()  # (the dialog may wait long before the window)
        # Left as the window is left (found from outside, at a first start): Ctrl+C said « internal error
        # (KeyboardInterrupt) » and the dialog stayed, SIGTERM ended the process at once.
        app = QApplication.instance()
        # (From the first dialog shown: found in review, the one asked after a wrong TELEAVIS_PASSPHRASE, the source's
        # second call, was not watched.)
        if self.ending_watched and app is not None and not self._watching:
            quit_on_terminate(app, before_the_window=True)
            self._watching = True
        passphrase = ask_passphrase(confirm, wrong=self.calls > 1, tries_left=self.tries - self.calls + 1)
        if passphrase is None:
            # « Quitter » (or a signal): the nurse chose to leave, which no error box has to explain (one told
            # her to set TELEAVIS_PASSPHRASE or to use a terminal, then exit code 3 though nothing was locked).
            raise LeftAtStart
        return passphrase


class LeftAtStart(Exception):
    """The start's passphrase dialog left by its « Quitter », Ctrl+C or the system: the start ends, exit code 0,
    as the window's « Quitter » ends it."""


def open_store(root: Path | None = None, *, ending_watched: bool = False) -> Store:
    """The unlocked store; the passphrase comes from the environment or from the unlock dialog, which
    asks again after a wrong one (``START_TRIES`` in all) instead of closing at the first typo."""
    # A key in the OS keyring is fetched just after the window shows (MainWindow.start): the worklist
    # needs none. A key under a passphrase is asked for here, before anything is shown.
    asked = StartPassphrase(ending_watched=ending_watched)
    return Store.open(root or data_dir(), passphrase=asked, defer_key=True, passphrase_tries=START_TRIES)


def stored_language(root: Path) -> str | None:
    """The ``language`` setting as stored, read before the data is unlocked so that the unlock
    dialog already speaks it (display only: nothing is acted on from it)."""
    import sqlite3

    from app.db import DB_FILE

    path = root / DB_FILE
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value, encrypted FROM settings WHERE key = 'language'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if row is None or row[1] or not isinstance(row[0], str):
        return None
    try:
        value = json.loads(row[0])
    except ValueError:
        return None
    return value if value in i18n.SUPPORTED else None


def remember_training(store: Store) -> None:
    """``--training``: training mode on, written by the writer thread like every durable write."""
    from ui.tasks import on_own_connection, write_and_wait

    write_and_wait(on_own_connection(store, _training_on))


def _training_on(store: Store) -> None:
    from sync.training import training_mode, where_cases_go_changed

    was_training = training_mode(store)
    store.settings.set("training", "on")
    where_cases_go_changed(store, was_training)  # the real cases waiting to leave wait for its end


def starts_locked(store: Store) -> bool:
    """Whether the window opens locked (app/screen_lock.py: a key from the keyring, or a passphrase
    from the environment, and a PIN or passphrase set). Asked first, before anything is written (a write
    may fetch the key from the keyring; what counts is how the key was opened, app/screen_lock.py)."""
    from app import screen_lock

    # A key this start made is a new data folder's: nothing is kept under it yet, and whoever started it
    # chose its passphrase (found trying a fresh machine: its first start opened on the lock, saying the
    # site's settings were « à refaire »).
    if store.key.made_here:
        return False
    # A passphrase from the environment was not typed either: it proves nobody (a launcher, a terminal
    # left open), so the window starts locked as with the keyring.
    return screen_lock.locks_at_start(store) or bool(os.environ.get(PASSPHRASE_ENV) and screen_lock.available(store))


def start_window(store: Store, *, locked: bool | None = None) -> MainWindow:
    """The main window, shown and started; locked first when ``locked`` (by default, when
    :func:`starts_locked` says so now)."""
    from ui.main_window import MainWindow

    window = MainWindow(store)
    if starts_locked(store) if locked is None else locked:
        window.lock()
    window.show()
    window.start()
    return window


def open_first_window(store: Store, argv: list[str]) -> MainWindow | None:
    """What ``teleavis`` opens: training mode remembered (``--training``), the first-start wizard where
    the site is not set up, then the window, locked as it must be. Where the window was to start locked,
    neither is written before the lock's code is typed (None when the code or the wizard is cancelled)."""
    # Decided first: remembering training mode writes a setting, and the write fetches the key (found
    # from outside: with --training, a workstation with a lock code opened on its cases).
    locked = starts_locked(store)
    training = "--training" in argv
    # Whether the site is set up, from the row as stored: checking its tag needs the data key, which
    # would fetch it from the keyring before the window shows (slow, and it would skip the lock at
    # start). The window reads the site with its tag checked before anything uses it.
    wizard_needed = store.settings.peek("site.requester") is None
    if wizard_needed or (locked and training):
        resources.use_window_icon()  # these show before the main window (which sets it once drawn)
        _forget_purged_thumbnails_now()
        _keep_typing_private()  # her names, her RPPS typed in the wizard: as private as in the window
    if locked and (training or wizard_needed):
        # What these write (where cases go, who asks) is asked by whoever is at the keyboard: on a
        # workstation with a lock code, the code comes first (found from outside: with the site's row
        # deleted or altered, anyone filled in the wizard before the locked window appeared; with
        # --training, anyone held the real cases waiting to leave). A new installation has no code yet.
        from ui.start_lock import StartLockDialog

        if not StartLockDialog(store, for_training=training and not wizard_needed).exec():
            return None
        locked = False  # just typed: the proof the lock asks
    if training:
        remember_training(store)
    if wizard_needed:
        from ui.setup_wizard import SetupWizard

        wizard = SetupWizard(store)
        if not wizard.exec():
            return None
    return start_window(store, locked=locked)


def _keep_typing_private() -> None:
    from ui.private_typing import keep_typing_private

    app = QApplication.instance()
    if isinstance(app, QApplication):
        keep_typing_private(app)


_qt_log = logging.getLogger("ui.qt")
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_said(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    category = context.category if context.category and context.category != "default" else "qt"
    _qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s: %s", category, logs.redact_paths(message))


def route_qt_messages() -> None:
    """Qt's own messages go to the log, what they quote masked, not to stderr: they quote a file's path
    (« QIODevice::read (QFile, "…") », « Unable to detect a launcher for 'file:///…' »), which may bear the
    patient's name, and a session's journal keeps stderr. (Those of the application's making, before it,
    stay on stderr: the display not reached, said before any data.)"""
    qInstallMessageHandler(_qt_said)


def run(argv: list[str]) -> int:
    """Open the window; returns the process exit code (3 when the data stays locked)."""
    app = make_application([a for a in argv if a != "--training"])
    root = data_dir()
    logs.setup(log_dir(root))
    logs.route_uncaught()
    route_qt_messages()
    # One window per data folder: a second start shows the first window and ends, before it reads, purges
    # (the first window's open reports) or asks anything.
    from ui.single_instance import MINE, WindowClaim

    claim = WindowClaim(root)
    if not claim.take() and _show_the_first_window(claim, training="--training" in argv) != MINE:
        return 0
    try:
        return _run(app, root, argv, claim)
    finally:
        claim.release()


def _show_the_first_window(claim: WindowClaim, *, training: bool) -> str:
    """Bring the data folder's window to the front, or say where it is (``SILENT``); ``MINE`` when it ended
    meanwhile and this start opens the window."""
    from ui.single_instance import SILENT, already_open_words, take_or_wake

    done = take_or_wake(claim, training=training)
    log.info("a second start on this data folder: %s", done)
    if done == SILENT:
        from PySide6.QtWidgets import QMessageBox

        app = QApplication.instance()
        if isinstance(app, QApplication):
            install_language(app, choose_language(stored_language(claim.root)))
        resources.use_window_icon()
        QMessageBox.information(None, "Teleavis", already_open_words())
    return done


def _forget_purged_thumbnails_now() -> None:
    """Before a dialog that waits ahead of the window (the passphrase, the first-start wizard, the lock
    code, a data folder that does not open): the thumbnails of the crashed run's reports the start deleted,
    put off until the window shows, stayed meanwhile, and forever if the session ended first (its SIGTERM
    ends the process there, before ``_run``'s ``finally``)."""
    from app.private_files import forget_purged_thumbnails

    forget_purged_thumbnails()


def _end_with_the_system(app: QApplication, window: MainWindow) -> None:
    from ui.ending import quit_on_terminate, save_at_session_end  # once it shows: not needed to draw the window

    quit_on_terminate(app)
    save_at_session_end(app, window.save_typed)


def _run(app: QApplication, root: Path, argv: list[str], claim: WindowClaim) -> int:
    from app.private_files import forget_purged_thumbnails, purge_leftovers

    # Decrypted PDFs a crash kept from deleting at exit (not another window's, running on another data
    # folder); their thumbnails once the window shows (hashlib).
    purge_leftovers(thumbnails_later=True)
    try:
        return _open_and_run(app, root, argv, claim)
    finally:
        forget_purged_thumbnails()  # (those the window's first turn did not: it failed, or quit at once)


def _open_and_run(app: QApplication, root: Path, argv: list[str], claim: WindowClaim) -> int:
    from app.private_files import forget_purged_thumbnails

    install_language(app, choose_language(stored_language(root)))
    try:
        store = open_store(root, ending_watched=True)
    except LeftAtStart:
        return 0
    except TeleavisError as exc:
        from PySide6.QtWidgets import QMessageBox  # only on this path: its type costs the start

        resources.use_window_icon()
        _forget_purged_thumbnails_now()
        QMessageBox.critical(None, "Teleavis", exc.message)
        return 3 if isinstance(exc, DataLocked) else 1
    try:
        install_language(app, choose_language(store.settings.peek("language")))
        window = open_first_window(store, argv)
        if window is None:
            return 0
        if os.environ.get("TELEAVIS_READY_MARKER") == "1":
            # For the cold-start benchmark: ready once the first event-loop turn has drawn the window.
            QTimer.singleShot(0, lambda: (print("TELEAVIS_READY", flush=True), app.quit()))
        QTimer.singleShot(0, lambda: claim.serve(window))  # once it shows: QtNetwork is not needed to draw it
        QTimer.singleShot(0, lambda: _end_with_the_system(app, window))
        QTimer.singleShot(0, forget_purged_thumbnails)
        code = app.exec()
        window.shutdown()
        return int(code)
    finally:
        from sync.training import stop_sandboxes

        stop_sandboxes()
        store.close()
