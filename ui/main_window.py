"""The main window: worklist and case pages, the sync engine's news, notifications and the lock.

Qt classes used only after start-up (dialogs, the case page) are imported where they are used: PySide6
builds each class's Python type, enums included, on first import, and start-up waits for every one.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QKeySequence,
    QShortcut,
    QShowEvent,
    QUndoGroup,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import private_files, screen_lock
from app.errors import TeleavisError
from app.i18n import language
from app.keystore import withhold_passphrases
from app.model import QUESTION_WITHDRAWN, AnswerNews, CaseState
from app.store import Store
from ui import resources
from ui.lock import CLOSED_BY_LOCK, IdleWatcher, LockScreen
from ui.status_bar import StatusBar
from ui.tasks import on_own_connection, run_task, run_write, wait_writes
from ui.widgets import FRAME_GUESS, announce, key_sequence, named, room_on_screen, set_qt
from ui.worklist import Worklist, local_time

if TYPE_CHECKING:
    import datetime

    from PySide6.QtGui import QClipboard, QCloseEvent, QPaintEvent
    from PySide6.QtWidgets import QDialog, QSystemTrayIcon

    from ui.case_page import CasePage
    from ui.kept_typing import KeptTyping
    from ui.settings_dialog import SettingsDialog
    from ui.sync_service import SyncService

log = logging.getLogger(__name__)

# The data key (OS keyring) is fetched, the idle watcher installed and the sync thread started this
# long after the window shows: start-up only draws the worklist, which needs none of them.
KEY_FETCH_DELAY_MS = 50
SYNC_START_DELAY_MS = 300
ICON_AT_LATEST_MS = 1000

DEFAULT_SIZE = (1280, 760)
MINIMUM_SIZE = (960, 600)

STATUS_EVERY_MS = 3000
REACH_EVERY_MS = 60_000
#: A check that found no network checks again this soon: a real outage said within moments, a moment's cut not
#: (``check_connection``).
RECHECK_MS = 10_000
BACKUP_EVERY_MS = 15 * 60_000
#: A scheduled backup still running after this is said stuck (a share that hangs), not before: a large store
#: written onto a slow USB stick takes more than one round.
BACKUP_HUNG_AFTER_MS = 60 * 60_000


class Notifier(QObject):
    """System-tray notification (where there is a tray), the window alert, and a record for tests."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.shown: list[tuple[str, str]] = []
        self.unread = 0  # the count the badge shows (the tray's tooltip, where there is a tray)
        self.tip = "Teleavis"  # the tray's tooltip (its words also where there is no tray)
        self.tray: QSystemTrayIcon | None = None
        # Put in the tray once the window has drawn its first frame (show_tray), or to tell something first.
        self._tray_shown = False

    def show_tray(self) -> None:
        """Teleavis's icon in the system tray, where there is one (once: later calls do nothing). Not while
        the window starts: the tray's and the icon's Python types (QIcon's theme icons) and Qt's SVG icon
        engine are not needed to draw the window's first frame."""
        if self._tray_shown:
            return
        self._tray_shown = True
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QSystemTrayIcon

        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(QIcon(str(resources.icon_path("teleavis.svg"))), self.window)
            self.tray.setToolTip(self.tip)
            self.tray.activated.connect(lambda _reason: self.window.bring_to_front())
            self.tray.messageClicked.connect(self.window.bring_to_front)
            self.tray.show()

    def notify(self, title: str, text: str, *, urgent: bool = False) -> None:
        """Told in the tray, by the window's alert, and to a screen reader (``urgent``: at once)."""
        self.shown.append((title, text))
        # « Titre : texte » in French, "Title: text" in English (it said "Expert's answer : …" in English).
        colon = "\u00a0: " if language() == "fr" else ": "  # a no-break space: « : » never starts a line
        announce(self.window, f"{title}{colon}{text}" if title != "Teleavis" else text, urgent=urgent)
        self.show_tray()
        if self.tray is not None:
            from PySide6.QtWidgets import QSystemTrayIcon

            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 15000)
        QApplication.alert(self.window, 0)

    def badge(self, unread: int) -> None:
        self.unread = unread
        # Of cases, not answers: an expert's question unread counts too (found from outside: « 1 réponse non
        # lue » for a question, the nurse looked for an answer that had not come).
        self.tip = self.tr("Teleavis — %n dossier(s) à lire", "", unread) if unread else "Teleavis"
        if self.tray is not None:
            self.tray.setToolTip(self.tip)


def _digest(clipboard: QClipboard) -> str:
    """What the clipboard holds, as a digest (the text itself is not kept)."""
    import hashlib

    return hashlib.sha256(clipboard.text().encode("utf-8", "surrogatepass")).hexdigest()


def give_keys(action: QAction, keys: QKeySequence) -> None:
    """``action``'s shortcut, as ``setShortcut(keys)`` sets it (none for an empty sequence, as for a standard key
    the platform does not bind). Not setShortcut: its overloads' check builds the Qt namespace; nor
    ui.widgets.set_qt: a value that is not a string goes through QByteArray's type and its enumerations."""
    if not keys.isEmpty():
        action.setShortcuts([keys])


class MainWindow(QMainWindow):
    def __init__(self, store: Store, *, sync: SyncService | None = None) -> None:
        super().__init__()
        self.store = store
        self.setWindowTitle("Teleavis")
        # An explicit minimum: the layouts then never resize the top-level window's limits behind its back.
        # Never more than the screen has room for (1366 × 768 at 150 % lays out 911 × 512): a window that
        # cannot be made smaller than the screen cannot be maximised, its status bar below the edge.
        room = room_on_screen(self)
        self.setMinimumSize(
            min(MINIMUM_SIZE[0], room.width()) if room else MINIMUM_SIZE[0],
            min(MINIMUM_SIZE[1], room.height()) if room else MINIMUM_SIZE[1],
        )
        self._fitted = False
        self._first_frame = False  # drawn (paintEvent)
        #: What waits for the first frame is done (_first_frame_drawn): drawn, or a second after the start.
        self._first_frame_passed = False
        self.fit_to_screen()
        # The sync engine's service is built when sync starts (_start_sync, once the window shows) or first
        # asked for: its module, QThread's type and its signals are not needed to draw the first frame.
        self._sync: SyncService | None = None
        if sync is not None:
            self._use_sync(sync)
        self.notifier = Notifier(self)

        # Each widget is made in its parent: one put in it afterwards went again through the application's
        # style sheet with all of its children (~1 ms of the start for the worklist's page; same pixels).
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banner = named(QLabel(central), "trainingBanner")
        self.banner.setWordWrap(True)
        column.addWidget(self.banner)
        self.pages = QStackedWidget(central)
        self.pages.setObjectName("pages")  # (ui/reader_pages.py: a screen reader is given the page shown only)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.worklist = Worklist(store, self.pages)
        self.pages.addWidget(self.worklist)
        # The lock screen is built when the window first locks (at start when it starts locked).
        self._lock_screen: LockScreen | None = None
        # The case page (editor, capture, answer view) is built when a case is first opened.
        self._case_page: CasePage | None = None
        self._offline = False  # the platform could not be reached at the last try (_reachable)
        self._checks_failed = 0  # the connection checks in a row that found no network (check_connection)
        self.undo_group = QUndoGroup(self)
        self.worklist.open_case.connect(self.open_case)
        self.worklist.new_case.connect(lambda: self.new_case(clicked=True))
        self.worklist.delete_draft.connect(self.delete_draft)
        self.pages.currentChanged.connect(lambda _index: self._answer_seen())

        self._build_actions()
        self._build_status()
        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.lock)
        self._page_before_lock: QWidget = self.worklist
        #: Message boxes of work that ended under the lock (kind, title, text), shown once unlocked.
        self._held_messages: list[tuple[str, str, str]] = []
        #: Boxes of words typed in a case that moved before they were saved (ui/kept_typing.py), until she
        #: decides: hidden under the lock, shown again once unlocked.
        self._kept_typing: list[KeptTyping] = []
        self._stack_before_lock: QUndoStack | None = None
        #: Cases the sync engine moved under the lock, shown on the pages behind it once unlocked (Qt tells a
        #: screen reader of a text changed in a hidden widget too: the expert's answer, the patient's name).
        self._news_under_lock: list[str] = []
        #: A digest of what the clipboard held when it was filled while Teleavis was the active
        #: application (a name, an INS copied here): not every platform says who owns the clipboard.
        self._copied_here: str | None = None
        self._status_timer = QTimer(self, interval=STATUS_EVERY_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        self._reach_timer = QTimer(self, interval=REACH_EVERY_MS)
        self._reach_timer.timeout.connect(self.check_connection)
        self._recheck = QTimer(self, interval=RECHECK_MS, singleShot=True)
        self._recheck.timeout.connect(self.check_connection)
        self._backup_timer = QTimer(self, interval=BACKUP_EVERY_MS)
        self._backup_timer.timeout.connect(self.backup_if_due)
        self._unread = 0
        self._counts: dict[str, int] | None = None  # the cases per state at the last look (refresh_status)
        self._training_seen: bool | None = None  # training mode at the last look (refresh_status)
        self._overdue_told: set[str] = set()  # the overdue cases the tray has told about
        self._closed = False
        self.apply_settings(banner=False)  # refresh_status, just below, shows the banner
        self.worklist.open_on_what_matters()
        self.refresh_status()
        self.worklist.table.setFocus()

    @property
    def sync(self) -> SyncService:
        """The sync engine's service, built on first use (the sync starts once the window shows)."""
        if self._sync is None:
            from ui.sync_service import SyncService

            return self._use_sync(SyncService(self.store, self))
        return self._sync

    def _use_sync(self, service: SyncService) -> SyncService:
        """Keep ``service`` as the window's sync, its signals connected (once: it is kept for the window's life)."""
        self._sync = service
        service.case_state.connect(self._case_state)
        service.bytes_sent.connect(self._bytes_sent)
        service.link.connect(self._link)
        service.reachable.connect(self._sync_reachable)
        return service

    def _sync_reachable(self, reachable: bool) -> None:
        """The sync found the platform out of reach, or back: the cases say it at once (``_reachable``), and the
        line is checked now (found in review: the cases « hors ligne », the line « Plateforme joignable » until the
        minute's check)."""
        changed = self._offline == reachable
        self._reachable(reachable)
        if changed and not self._closed:
            self.check_connection()

    @property
    def case_page(self) -> CasePage:
        """The case page, built on first use: start-up only draws the worklist."""
        if self._case_page is None:
            from ui.case_page import CasePage

            page = CasePage(self.store)
            page.set_offline(self._offline)
            self.pages.insertWidget(1, page)
            page.queued.connect(self._queued)
            # A reply to the expert queued: counted waiting at once, and the sync woken, as for a case.
            page.follow.reply_queued.connect(self._queued)
            # Reduced copies chosen: the case's next try is now, the sync woken for it.
            page.follow.reduced_chosen.connect(self._queued)
            page.send_refused.connect(self._send_refused)
            page.left_case_problem.connect(self.statusBar().showMessage)
            page.told.connect(lambda text: self.tell("warning", "Teleavis", text))
            page.typing_kept.connect(self._show_kept_typing)
            page.export_pdf.connect(self.export_report)
            page.closed.connect(self.show_worklist)
            page.delete_asked.connect(self.delete_draft)
            page.follow.read.connect(lambda _case_id: self._update_badge())
            page.follow.kept_unread.connect(lambda _case_id: self._update_badge())
            self.undo_group.addStack(page.editor.undo_stack)
            self.undo_group.setActiveStack(page.editor.undo_stack)
            # The capture panel has its own F8 while it has the focus; these serve the rest of the page.
            from PySide6.QtCore import Qt

            for host in (page.editor, page.checklist):
                shortcut = QShortcut(QKeySequence(Qt.Key.Key_F8), host)
                # Set apart: PySide6 ignores the ``context`` keyword when a callable is given.
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(self.capture_still)
            self._case_page = page
            self.installEventFilter(self)  # see eventFilter
        return self._case_page

    def _leave_case(self) -> None:
        """Before leaving the case page: nothing typed stays unsaved."""
        if self._case_page is not None:
            self._case_page.leave()

    def send_case(self) -> None:
        page = self._case_page
        if page is None or self.pages.currentWidget() is not page:
            # The page is kept once left: from the list or the settings, it sent the draft last opened, unseen.
            return
        if not page.editing():
            # The case is sent: Ctrl+Entrée sends what there is to send now, the reply to the expert's
            # question (it did nothing there; the reply went only by Tab, Tab, space).
            reply = page.follow.send_reply
            if reply.isVisible() and reply.isEnabled():
                reply.click()
            return
        page.send()

    def next_missing(self) -> None:
        if self._case_page is not None:
            self._case_page.next_missing()

    # -- building -------------------------------------------------------------------------------

    def fit_to_screen(self) -> None:
        """The default size, or less: the whole window, title bar and status bar included, inside the
        screen's available area (a 1366 × 768 screen under its task bar, Full HD at 150 %)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        inner = self.geometry()
        # The frame is known once shown; before, leave room for a usual title bar and borders.
        extra_w = frame.width() - inner.width() if self._fitted else FRAME_GUESS[0]
        extra_h = frame.height() - inner.height() if self._fitted else FRAME_GUESS[1]
        width = max(self.minimumWidth(), min(DEFAULT_SIZE[0], area.width() - extra_w))
        height = max(self.minimumHeight(), min(DEFAULT_SIZE[1], area.height() - extra_h))
        self.resize(width, height)
        self._fitted_size = self.size()
        if self._fitted and not area.contains(self.frameGeometry()):
            self.move(area.topLeft())

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._first_frame:
            self._first_frame = True
            # Once this frame is drawn (the whole window's, of which this is the first widget painted).
            QTimer.singleShot(0, self._first_frame_drawn)

    def _first_frame_drawn(self) -> None:
        """What the window's first frame need not wait for: its icon (on the application) and the tray's
        (each done once: this runs again, as a fallback, a second after the start)."""
        self._first_frame_passed = True
        resources.use_window_icon()
        if not self._closed:
            self.notifier.show_tray()
            if self.locked():
                self._hide_pages_from_readers()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            if self.size() == self._fitted_size and not self.isMaximized():  # not resized by the caller
                self.fit_to_screen()  # again, with the real frame

    def _action(
        self,
        text: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
        menu: QMenu,
        *,
        while_locked: bool = False,
    ) -> QAction:
        """A menu action; under the lock it does nothing unless ``while_locked`` (the greyed menu bar is
        one guard, this a second that does not depend on how a platform draws its menus)."""
        action = QAction(text, parent=self)  # (by name: the overload taking an icon is checked first, building QIcon)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, QKeySequence) else key_sequence(shortcut)
            give_keys(action, keys)
        set_qt(action, shortcutContext="ApplicationShortcut")

        def run() -> None:
            if while_locked or not self.locked():
                slot()

        action.triggered.connect(run)
        menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        cases = bar.addMenu(self.tr("&Dossiers"))
        self.new_action = self._action(self.tr("&Nouveau dossier"), QKeySequence.StandardKey.New, self.new_case, cases)
        self._action(self.tr("&Liste des dossiers"), "Alt+Left", self.show_worklist, cases)
        self._action(self.tr("&Rechercher"), QKeySequence.StandardKey.Find, self.focus_search, cases)
        cases.addSeparator()
        self.send_action = self._action(self.tr("&Envoyer à l'expert"), "Ctrl+Return", self.send_case, cases)
        # Sent once per press: the keys held a little long repeat, and a repeat, the reply already queued and
        # its box emptied, said « Écrivez votre réponse avant de l'envoyer » in place of its confirmation.
        self.send_action.setAutoRepeat(False)
        # The draft on screen, or the one selected in the list (app/deletion.py: never sent).
        self.delete_action = self._action(self.tr("Supprimer le &brouillon…"), None, self.delete_draft, cases)
        cases.aboutToShow.connect(self._offer_deletion)
        # Its shortcut stays live once the menu is closed (the case page's button says what is missing).
        cases.aboutToHide.connect(lambda: self.send_action.setEnabled(True))
        self._action(self.tr("&Synchroniser maintenant"), "F5", self.sync_now, cases)
        cases.addSeparator()
        self._action(self.tr("&Verrouiller"), "Ctrl+L", self.lock, cases, while_locked=True)
        self.quit_action = self._action(
            self.tr("&Quitter"), QKeySequence.StandardKey.Quit, self.quit_asked, cases, while_locked=True
        )

        edit = bar.addMenu(self.tr("&Édition"))
        self.undo_action, self.redo_action = self._undo_actions()
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        self.next_missing_action = self._action(self.tr("Élément &manquant suivant"), "F6", self.next_missing, edit)
        self.capture_action = self._action(self.tr("&Prendre la photo") + "\tF8", None, self.capture_still, edit)
        # Offered on a draft on screen only (they did nothing elsewhere); their keys stay live once closed.
        edit.aboutToShow.connect(self._offer_draft_actions)
        edit.aboutToHide.connect(lambda: self.next_missing_action.setEnabled(True))
        edit.aboutToHide.connect(lambda: self.capture_action.setEnabled(True))
        edit.addSeparator()
        settings = self._action(self.tr("&Réglages…"), None, self.open_settings, edit)
        # Ctrl+, everywhere (the guide and the checklist say so), and the system's own key where it has
        # one: it was on a hidden action, and a hidden action's shortcut does nothing.
        keys = [QKeySequence("Ctrl+,")]
        keys += [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences) if k not in keys]
        settings.setShortcuts(keys)

        helps = bar.addMenu(self.tr("&Aide"))
        self._action(self.tr("&Guide d'utilisation"), QKeySequence.StandardKey.HelpContents, self.open_guide, helps)
        self._action(self.tr("&Diagnostic…"), None, self.open_diagnostic, helps)
        helps.addSeparator()
        self._action(self.tr("À &propos de Teleavis"), None, self.open_about, helps)
        self._action(self.tr("À propos de &Qt"), None, QApplication.aboutQt, helps)

    def _undo_actions(self) -> tuple[QAction, QAction]:
        """Undo and redo of the editor's typing, in words of their own. Qt's « Annuler » (its English
        "Cancel") read as cancelling the case, or the request, to a nurse: the French says « Annuler la
        saisie » and the English "Undo", and the edit undone is named once there is one."""
        undo = QAction(self)
        give_keys(undo, key_sequence(QKeySequence.StandardKey.Undo))
        undo.triggered.connect(self.undo_group.undo)
        redo = QAction(self)
        give_keys(redo, key_sequence(QKeySequence.StandardKey.Redo))
        redo.triggered.connect(self.undo_group.redo)

        def name_undo(edit: str) -> None:
            #: Edit menu, Ctrl+Z: undoes what was typed in the case (never cancels the case or the request).
            #: {edit} is the edit undone, « la saisie de « Nom » ».
            undo.setText(self.tr("Annuler {edit}").format(edit=edit) if edit else self.tr("Annuler la saisie"))

        def name_redo(edit: str) -> None:
            #: Edit menu: types again what Ctrl+Z undid. {edit} is « la saisie de « Nom » ».
            redo.setText(self.tr("Rétablir {edit}").format(edit=edit) if edit else self.tr("Rétablir la saisie"))

        self.undo_group.undoTextChanged.connect(name_undo)
        self.undo_group.redoTextChanged.connect(name_redo)
        self.undo_group.canUndoChanged.connect(undo.setEnabled)
        self.undo_group.canRedoChanged.connect(redo.setEnabled)
        name_undo(self.undo_group.undoText())
        name_redo(self.undo_group.redoText())
        undo.setEnabled(self.undo_group.canUndo())
        redo.setEnabled(self.undo_group.canRedo())
        return undo, redo

    def _build_status(self) -> None:
        # Its messages and the connection's words are cut with « … » (whole in the tooltip) rather than
        # widening the window past a 1366 px screen or stopping mid-word.
        status = StatusBar(self)
        self.setStatusBar(status)
        self._status = status
        self.connection_label = status.label()
        self.waiting_label = status.permanent_label()
        self.last_sync_label = status.permanent_label()
        status.addWidget(self.connection_label, 1)
        # An answer or a question to read, said in the window itself whatever page is in front: found at the
        # cart, whose desktop has no tray, the notification went nowhere while she typed the next case. Made
        # when there is one to read (news_button): hidden, it is not on the first frame.
        self._news: QPushButton | None = None
        status.addPermanentWidget(self.waiting_label)
        status.addPermanentWidget(self.last_sync_label)
        # Backups not being made, said as long as they are not (a drive unplugged, a full one): found from
        # outside, the scheduled backup's message went after a minute, and nothing was made for weeks. Shown
        # only then: the bar gains no word while backups are made.
        self.backup_label = status.permanent_label()
        self.backup_label.setObjectName("backupProblem")
        self.backup_label.hide()
        status.addPermanentWidget(self.backup_label)
        #: The last scheduled backup's failure said (its words, its way out), ``None`` while none fails.
        self._backup_failure: tuple[str, str] | None = None
        #: When the scheduled backup running now started, ``None`` while none runs (one at a time).
        self._backup_since: datetime.datetime | None = None

    @property
    def news_button(self) -> QPushButton:
        """The status bar's « ● n dossier(s) à lire », left of the counters; made on first use."""
        if self._news is None:
            button = QPushButton()
            button.setFlat(True)
            button.setAutoDefault(False)
            button.setToolTip(
                self.tr("Une réponse ou une question de l'expert attend d'être lue : cliquez pour voir la liste.")
            )
            button.clicked.connect(self.show_news)
            button.hide()
            # No taller than the bar's words: a button's frame made the bar, and the window's columns, 3 px shorter.
            button.setStyleSheet("font-weight: bold; padding: 0px; border: none")
            button.setMaximumHeight(self.waiting_label.sizeHint().height())
            self._status.insertPermanentWidget(1, button)  # after the connection's words, left of the counters
            # And there in the tab order too: made late, Qt put it last in the window's chain, after the counters
            # and any page field made before it (testers). Qt orders only two widgets that take focus: the words,
            # which never do, take it for that call only.
            from PySide6.QtCore import Qt  # (Qt's namespace, built when named: not on the first frame)

            words = self.connection_label
            policy = words.focusPolicy()
            words.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            QWidget.setTabOrder(words, button)
            words.setFocusPolicy(policy)
            self._news = button
        return self._news

    # -- life -----------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the timers now, and the sync thread just after the window is on screen: the platform
        client (requests, the FHIR models) is not needed to draw the worklist."""
        self._status_timer.start()
        self._reach_timer.start()
        self._backup_timer.start()
        # What start-up built lives as long as the window: a full garbage collection need not walk it
        # again (each walk holds the interpreter, and the window, for tens of ms on a big heap).
        gc.freeze()
        # Counted from the event loop's first turn, not from here: on a loaded machine the window took more
        # than these 50 ms to show, and the key's fetch (keyring, hashlib) came before its first paint.
        QTimer.singleShot(0, self._once_shown)
        QTimer.singleShot(SYNC_START_DELAY_MS, self._start_sync)
        # The icon and the tray come once the first frame is drawn (paintEvent), or by then at the latest
        # should a window never be painted (shown where nothing draws it).
        QTimer.singleShot(ICON_AT_LATEST_MS, self._first_frame_drawn)

    def _once_shown(self) -> None:
        """What waits for the window to be on screen (its first turn of the event loop), then 50 ms more."""
        QTimer.singleShot(KEY_FETCH_DELAY_MS, self._shown_a_while)

    def _shown_a_while(self) -> None:
        if self._closed:
            return  # (a window closed at once: nothing of it to watch any more)
        if not self._fetch_key():
            return
        self._ask_for_a_lock_code()
        self.idle.watch()
        self._watch_clipboard()
        from ui.private_typing import keep_typing_private

        app = QApplication.instance()
        if isinstance(app, QApplication):
            keep_typing_private(app)  # no input method learns the patients' names typed from now on

    def _fetch_key(self) -> bool:
        """Fetch the data key from the OS keyring on the main thread (a passphrase dialog may be needed
        if the keyring no longer has it); on failure say why and close."""
        if self.store.key.loaded:
            withhold_passphrases()
            return True
        try:
            self.store.key.ensure()
        except TeleavisError as exc:
            if not self._closed:
                from PySide6.QtWidgets import QMessageBox

                QMessageBox.critical(self, "Teleavis", exc.message)
                self.close()
            return False
        withhold_passphrases()  # the key is in memory: nothing the window starts inherits them
        self.worklist.model.names_available()
        try:
            self.apply_settings()
        except TeleavisError as exc:  # a setting altered outside Teleavis: say so (sync will refuse it)
            self.tell("warning", "Teleavis", exc.message)
        return True

    def _ask_for_a_lock_code(self) -> None:
        """Where nothing opens the lock (no code, no passphrase), the window would never lock: ask for a
        code once the key is there, without holding the window (« Plus tard » says where to set it)."""
        from app import screen_lock

        if self._closed or not self.store.key.loaded or screen_lock.available(self.store):
            return
        if self.locked():
            return
        from PySide6.QtCore import Qt

        from ui.setup_wizard import LockCodeDialog

        dialog = LockCodeDialog(self.store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._lock_code_set)
        dialog.rejected.connect(
            lambda: self.statusBar().showMessage(
                self.tr(
                    "Sans code, Teleavis ne se verrouille pas quand vous vous absentez : choisissez-en un dans "
                    "Édition > Réglages, onglet Sécurité."
                )
            )
        )
        self.lock_code_dialog = dialog
        dialog.open()

    def _lock_code_set(self) -> None:
        self.apply_settings()  # the idle lock, now that a code opens it
        self.statusBar().showMessage(self.tr("Code de verrouillage enregistré."), 10000)

    def _start_sync(self) -> None:
        if self._closed or not self._fetch_key():
            return
        self.sync.start()
        self.check_connection()

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True  # news still queued from the sync thread is dropped from here on
        self._leave_case()
        if self._case_page is not None:
            self._case_page.editor.save_refused_again()  # waited for below, with every write
        for timer in (self._status_timer, self._reach_timer, self._recheck, self._backup_timer):
            timer.stop()
        self.idle.stop()
        if self._sync is not None:  # never built (closed before the sync started): nothing to stop
            self._sync.stop()
        from ui.file_dialogs import forget_browsed_folders

        forget_browsed_folders()  # what a file dialog elsewhere (or an older version) left in Qt's settings
        self._forget_copied()
        from ui.tasks import runner

        wait = getattr(runner(), "wait", None)
        if wait is not None:
            wait()
        # Cameras are opened through ui.camera_bridge: never loaded, none to stop or wait for (loading it would
        # load numpy and OpenCV, some 100 ms of every exit, for nothing).
        bridge = sys.modules.get("ui.camera_bridge")
        if bridge is not None and not bridge.free_cameras():
            log.warning("a camera was still being freed when the window closed")

    def save_typed(self) -> None:
        """Everything typed so far written to the store now, this call waiting for the writer: the desktop's
        session ends (Qt's ``commitDataRequest``/``saveStateRequest``, see ui.ending.save_at_session_end),
        after which the process may be killed or its display may go, with no turn of the loop left for the
        autosave's pause. The page stays as it is: the session's end may still be cancelled."""
        if self._closed:
            return
        page = self._case_page
        if page is not None:
            page.save_typed()
        from ui.tasks import runner

        if not runner().wait_writes():
            log.warning("the session ends: what was typed is still being written")

    def quit_asked(self) -> None:
        """« Quitter »: as the window's cross, once what would be lost or stopped is said."""
        if self._closed or self._may_close():
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        # The person closed it (the window's cross; « Quitter » has asked already): ask first. A close
        # made by the program (tests, the end of a session) is not asked about.
        if not self._closed and event.spontaneous() and not self._may_close():
            event.ignore()
            return
        self.shutdown()
        if self.notifier.tray is not None:
            self.notifier.tray.hide()
        super().closeEvent(event)

    def _may_close(self) -> bool:
        """Whether to close, asked when it costs something: a reply to an expert begun and not sent does not
        leave (it is kept, app/reply_drafts.py; the way back to it is offered), and what waits to leave (a
        case, a reply queued) leaves only while Teleavis is open (leaving it open is offered). Said of what only waits
        when the desktop's session ends, if Qt asks then."""
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QMessageBox

        from app import screen_lock

        unsent = self._case_page.follow.unsent_replies() if self._case_page is not None else []
        application = QGuiApplication.instance()
        ending = isinstance(application, QGuiApplication) and application.isSavingSession()
        waiting = 0 if ending else self._waiting_to_leave()
        # Her words typed in a case that moved, still in their box (ui/kept_typing.py): their only copy (found in
        # review: the box closed with the window, not a word said).
        kept = [box for box in self._kept_typing if not box.decided]
        if not unsent and not waiting and not kept:
            return True
        said = []
        if kept:
            ids = ", ".join(dict.fromkeys(self._named(box.case_id) for box in kept))
            said.append(
                self.tr(
                    "Ce que vous aviez tapé et qui n'a pas pu être enregistré dans le dossier ({ids}) est encore "
                    "dans sa fenêtre : il sera perdu si vous fermez Teleavis. Copiez-le, ou gardez-le pour votre "
                    "réponse à l'expert, d'abord."
                ).format(ids=ids)
            )
        if unsent:
            ids = ", ".join(self._named(case_id) for case_id in unsent)
            said.append(
                (
                    self.tr(
                        "Votre réponse à l'expert n'est pas envoyée ({ids}). Elle est gardée sur ce poste, "
                        "mais l'expert ne la recevra qu'une fois « Envoyer la réponse » cliqué."
                    )
                    if len(unsent) == 1
                    else self.tr(
                        "Des réponses aux experts ne sont pas envoyées ({ids}). Elles sont gardées sur ce poste, "
                        "mais les experts ne les recevront qu'une fois « Envoyer la réponse » cliqué."
                    )
                ).format(ids=ids)
            )
            follow = self._case_page.follow if self._case_page is not None else None
            # (photos whose recording failed live in the window only: said lost, not kept)
            unkept = follow.unkept_photos(unsent) if follow is not None else 0
            photos = follow.unsent_photos(unsent) - unkept if follow is not None else 0
            if unkept:
                said[-1] += " " + (
                    self.tr(
                        "La photo jointe n'a pas pu être gardée sur ce poste : elle sera perdue si vous fermez "
                        "Teleavis."
                    )
                    if unkept == 1
                    else self.tr(
                        "{n} photos jointes n'ont pas pu être gardées sur ce poste : elles seront perdues si vous "
                        "fermez Teleavis."
                    ).format(n=unkept)
                )
            if photos:
                said[-1] += " " + (
                    self.tr(
                        "La photo jointe à la réponse est gardée avec elle : vous la retrouverez à la prochaine "
                        "ouverture du dossier."
                    )
                    if photos == 1
                    else self.tr(
                        "Les {n} photos jointes aux réponses sont gardées avec elles : vous les retrouverez à la "
                        "prochaine ouverture du dossier."
                    ).format(n=photos)
                )
        if waiting:
            said.append(
                self.tr(
                    "Un envoi à la plateforme n'est pas encore parti : il partira à la prochaine ouverture de "
                    "Teleavis. Pour qu'il parte dès que le réseau le permet, laissez Teleavis ouvert."
                )
                if waiting == 1
                else self.tr(
                    "{n} envois à la plateforme ne sont pas encore partis : ils partiront à la prochaine "
                    "ouverture de Teleavis. Pour qu'ils partent dès que le réseau le permet, laissez Teleavis "
                    "ouvert."
                ).format(n=waiting)
            )
        if waiting and not screen_lock.available(self.store):
            said.append(
                self.tr(
                    "Sans code de verrouillage, Teleavis ne se verrouille pas seul : si vous le laissez ouvert, "
                    "verrouillez la session de l'ordinateur."
                )
            )
        box = QMessageBox(QMessageBox.Icon.Warning, "Teleavis", "\n\n".join(said), parent=self)
        back = box.addButton(
            self.tr("Revenir à la réponse")
            if unsent
            else self.tr("Revenir à vos saisies")
            if kept
            else self.tr("Laisser Teleavis ouvert"),
            QMessageBox.ButtonRole.RejectRole,
        )
        close = box.addButton(
            (self.tr("Fermer sans l'envoyer") if len(unsent) == 1 else self.tr("Fermer sans les envoyer"))
            if unsent
            else self.tr("Fermer quand même"),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        # Only the person's « close » closes: the idle lock rejects the question (no button clicked),
        # and a walk away must not lose the reply or stop what waits to leave.
        if box.clickedButton() is close:
            return True
        if unsent and not self.locked():
            self.open_case(unsent[0])
            self.case_page.follow.reply.setFocus()
        if kept and not self.locked():  # (with a reply begun too: both are back on screen)
            for shown in kept:
                shown.show()
                shown.activateWindow()
        return False

    def _named(self, case_id: str) -> str:
        """A case as the person knows it: its patient (« LEROY Martine, dossier 90ed0807 »); its id
        alone under the lock (whoever is at the keyboard has not proved who they are)."""
        if self.locked():
            return case_id[:8]
        try:
            patient = self.store.patients([case_id]).get(case_id)
        except TeleavisError:
            patient = None
        name = patient.shown_name() if patient is not None else ""
        return self.tr("{name}, dossier {id}").format(name=name, id=case_id[:8]) if name else case_id[:8]

    def _waiting_to_leave(self) -> int:
        """Cases and replies to the expert queued and not yet sent (counted, nothing decrypted)."""
        from app.outbox import Outbox

        try:
            return Outbox(self.store).waiting_count()
        except TeleavisError:
            return 0

    def apply_settings(self, *, banner: bool = True) -> None:
        # Read with ``peek``: before the data key is fetched (it is deferred at start), settings are
        # only shown; ``_fetch_key`` applies them again, their tags checked, once the key is there.
        settings = self.store.settings
        if banner:
            self._show_banner()
        # No lock without a secret to open it (a PIN, or the passphrase): it would shut the user out.
        self.idle.set_minutes(
            screen_lock.lock_delay(settings.peek("lock.minutes")) if screen_lock.available(self.store) else 0
        )

    def _follow_lock_delay(self) -> None:
        """A lock delay set beside the window (``teleavis config set lock.minutes``) applies now, not at the
        next start (found from outside: IT shortened it on a shared workstation, the open window kept its own)."""
        if self.locked():
            return  # followed at the first look once unlocked, when counting starts again
        try:
            minutes = screen_lock.lock_delay(self.store.settings.peek("lock.minutes"))
        except (TeleavisError, TypeError, ValueError):
            return  # a setting altered outside Teleavis is said where the settings are applied
        if minutes != self.idle.minutes and screen_lock.available(self.store):
            self.idle.follow(minutes)

    def _show_banner(self) -> bool:
        """The training banner, shown in training mode; it also says how many cases sent earlier to the
        real platform wait meanwhile: they are followed there only, and their news comes once training
        ends (found from outside: nothing said it, and a nurse waited for an answer already given).
        Whether training mode is on."""
        from app.store import PLATFORM

        settings = self.store.settings
        mode = settings.peek("training")
        training = mode == "on" or (mode == "auto" and not settings.peek("platform.url"))
        words = [self.tr("Mode formation : les dossiers partent vers une plateforme d'essai, pas vers un expert réel.")]
        try:
            waiting = self.store.followed_on(PLATFORM) if training else 0
        except TeleavisError:
            waiting = 0
        if waiting:
            words.append(
                self.tr(
                    "%n dossier(s) envoyé(s) à la plateforme réelle ne sont pas suivis pendant la formation : "
                    "leurs réponses arriveront quand vous quitterez le mode formation.",
                    "",
                    waiting,
                )
            )
        self.banner.setText("\n".join(words))
        self.banner.setVisible(training)
        return training

    def training_asked(self) -> None:
        """``teleavis --training`` started while this window is open out of training mode: said, not done
        from outside (turning it on holds the real cases waiting to leave, behind the lock's code). Else a
        trainee would make a fictitious patient's case in the real window, and send it to a real expert."""
        if self._closed or self._show_banner():
            return
        self.tell(
            "information",
            "Teleavis",
            self.tr(
                "Teleavis est déjà ouvert, hors mode formation : les dossiers faits ici partent vers un expert "
                "réel. Pour vous former, quittez-le (Dossiers > Quitter), puis relancez-le en mode formation."
            ),
        )

    def bring_to_front(self) -> None:
        """Out of the tray or the task bar, as it was (a maximised window stays maximised), in front."""
        from PySide6.QtCore import Qt

        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()

    # -- navigation -----------------------------------------------------------------------------

    def show_worklist(self) -> None:
        if self.locked():
            return
        self._leave_case()
        if self._case_page is not None:
            # Nothing of the case left to undo from the list: a Ctrl+Z there would change it unseen.
            # (The lock and the settings keep it: the same case is back on screen after them.)
            self._case_page.editor.undo_stack.clear()
        self.pages.setCurrentWidget(self.worklist)
        self.worklist.refresh()
        self.worklist.table.setFocus()

    def show_news(self) -> None:
        """« ● N dossier(s) à lire » clicked: the list, showing the cases to read, whatever filter it was on."""
        if self.locked():
            return
        self.show_worklist()
        self.worklist.show_unread()

    def focus_search(self) -> None:
        self.show_worklist()
        self.worklist.search.setFocus()
        self.worklist.search.selectAll()

    def new_case(self, *, clicked: bool = False) -> None:
        """A new draft, opened; ``clicked`` when it comes from the list's « Nouveau dossier » button (a double
        click's second half is then ignored), not from Ctrl+N or the menu."""
        if self.locked():
            return
        from app.model import ORIGIN_WINDOW, Case  # a case's record: not loaded at the window's start

        case = Case(origin=ORIGIN_WINDOW)  # (its identity's document asked for: app/validation.py)
        if not self.case_page.new_case_asked(clicked=clicked):
            return  # a double click's second half: one draft, and not « ← Liste des dossiers » either
        page = self._case_page
        if page is not None and self.pages.currentWidget() is page and page.editing() and _untouched(page.case, case):
            # Ctrl+N again on the new draft still empty: that draft, not a second « (patient sans nom) ».
            page.editor.consent_given.setFocus()
            return

        def created(case_id: str) -> None:
            if self.locked():
                return  # locked meanwhile: the new case waits in the list
            self.open_case(case_id)
            self.case_page.editor.consent_given.setFocus()

        def refused(exc: BaseException) -> None:
            self.statusBar().showMessage(
                exc.message
                if isinstance(exc, TeleavisError)
                else self.tr("Le dossier n'a pas pu être créé (erreur interne, voir le journal)."),
                10000,
            )

        # Created by the writer thread (a new case is a durable write), then opened here.
        run_write(on_own_connection(self.store, lambda own: own.create_case(case, [])), created, refused)

    def _case_in_view(self) -> str | None:
        """The case the person is on: the one edited on the case page, else the one selected in the list."""
        page = self._case_page
        current = self.pages.currentWidget()
        if page is not None and current is page:
            return page.case.id if page.case is not None and page.editing() else None
        return self.worklist.selected_id() if current is self.worklist else None

    def _offer_deletion(self) -> None:
        """« Supprimer le brouillon… » is offered for a draft never sent only, and « Envoyer à l'expert » for
        a draft on screen only: on a case already sent or answered it did nothing (read as the menu opens)."""
        page = self._case_page
        self.send_action.setEnabled(page is not None and self.pages.currentWidget() is page and page.editing())
        case_id = self._case_in_view()
        self.delete_action.setEnabled(case_id is not None and self.worklist.deletable(case_id))

    def delete_draft(self, case_id: str | None = None) -> None:
        """Delete a draft never sent (app/deletion.py), once the person said so naming its patient and its
        photos; written by the writer thread. The list is shown after, on the row that took its place."""
        if self._closed or self.locked():
            return
        case_id = case_id or self._case_in_view()
        if case_id is None:
            self.statusBar().showMessage(self.tr("Sélectionnez d'abord un brouillon dans la liste."), 8000)
            return
        page = self._case_page
        shown = page if page is not None and page.case is not None and page.case.id == case_id else None
        if shown is not None and self.pages.currentWidget() is not shown:
            shown = None
        if shown is not None:
            shown.leave()  # what was just typed (a name) is saved first, then read back to be named
        wait_writes()
        if not self.worklist.deletable(case_id):
            self.statusBar().showMessage(
                self.tr(
                    "Ce dossier ne peut pas être supprimé : il a été mis en file d'envoi ou envoyé, et la plateforme "
                    "peut en avoir une copie. Seul un brouillon jamais envoyé se supprime."
                ),
                10000,
            )
            return
        try:
            case = self.store.get_case(case_id)
        except TeleavisError as exc:
            self.statusBar().showMessage(exc.message, 10000)
            return
        from ui.draft_deletion import confirm_draft_deletion

        if not confirm_draft_deletion(self, case.patient.shown_name(), len(case.images), case_id):
            return
        row = self.worklist.model.row_of(case_id)
        if page is not None:
            page.forget(case_id)  # shown, or left for the list with its editor still holding it
        if shown is not None:
            self.show_worklist()

        def deleted(_images: int) -> None:
            if self._closed:
                return
            self.worklist.refresh()
            self.refresh_status()
            rows = self.worklist.model.rowCount()
            if rows and row >= 0:
                self.worklist.table.selectRow(min(row, rows - 1))
            if self.pages.currentWidget() is self.worklist:
                self.worklist.table.setFocus()
            self.statusBar().showMessage(self.tr("Brouillon supprimé."), 8000)

        def refused(exc: BaseException) -> None:
            if self._closed:
                return
            self.worklist.refresh()
            self.statusBar().showMessage(
                exc.message
                if isinstance(exc, TeleavisError)
                else self.tr("Le brouillon n'a pas pu être supprimé (erreur interne, voir le journal)."),
                10000,
            )

        def delete(own: Store) -> int:
            from app.deletion import delete_draft

            return delete_draft(own, case_id)

        run_write(on_own_connection(self.store, delete), deleted, refused)

    def open_case(self, case_id: str) -> None:
        try:
            self.case_page.open(case_id)
        except TeleavisError as exc:
            self.statusBar().showMessage(exc.message, 10000)
            return
        self.pages.setCurrentWidget(self.case_page)
        if self.case_page.editing() and self.case_page.capture.panel is not None:
            self.case_page.capture.panel.lay_out_column_now()  # painted once, at its size (not twice)
        if not self.case_page.editing():
            self.case_page.follow.take_keyboard()  # not left on « ← Liste des dossiers »
        else:
            self._draft_takes_keyboard()
        self._update_badge()

    def _draft_takes_keyboard(self) -> None:
        """A draft opened has the keyboard on its first field left to fill in (else the consent, else the list of
        what is missing), never on « ← Liste des dossiers », which the page kept from its last click (a space
        there left the case), nor on « Supprimer le brouillon… », the page's first button."""
        page = self.case_page
        focus = QApplication.focusWidget()
        if focus is not None and (page.editor.isAncestorOf(focus) or page.capture.isAncestorOf(focus)):
            return
        missing = next((f.field for f in page.checklist.findings if f.blocks_sending()), "")
        if not missing.startswith(("site", "images")) and missing:
            page.editor.focus_field(missing)  # refused while the field waits for the consent
        focus = QApplication.focusWidget()
        if focus is not None and page.editor.isAncestorOf(focus):
            return
        if not page.editor.consent_given.isChecked():
            page.editor.consent_given.setFocus()
        elif page.checklist.items.count():
            # Only a photo (or the site) left: the list of what is missing, where Entrée goes to it; not the
            # consent ticked, which a stray space would untick.
            page.checklist.items.setCurrentRow(0)
            page.checklist.items.setFocus()
        else:
            page.editor.question.setFocus()

    def _offer_draft_actions(self) -> None:
        page = self._case_page
        draft = page is not None and self.pages.currentWidget() is page and page.editing()
        self.next_missing_action.setEnabled(draft)
        self.capture_action.setEnabled(draft and page is not None and page.capture.isEnabled())

    def capture_still(self) -> None:
        page = self._case_page
        if page is not None and page.editing() and page.capture.isEnabled():
            page.capture.capture_still()

    def _send_refused(self, case_id: str) -> None:
        """A case left before its queueing was refused: the status bar names it (its id, no name)."""
        self.statusBar().showMessage(
            self.tr("Le dossier {id} n'est pas parti : ouvrez-le pour voir pourquoi.").format(id=case_id[:8])
        )

    def _queued(self, _case_id: str) -> None:
        self.sync.wake()
        self.refresh_status()

    def sync_now(self) -> None:
        self.sync.wake()
        self.statusBar().showMessage(self.tr("Synchronisation demandée…"), 3000)

    # -- news from the sync engine ----------------------------------------------------------------

    def _case_state(self, case_id: str, state: str, detail: str) -> None:
        if self._closed:
            return
        if self.locked():
            if case_id not in self._news_under_lock:
                self._news_under_lock.append(case_id)  # the hidden pages follow it once unlocked
        elif self._case_page is not None:
            self._case_page.refresh_state(case_id)
        # A notification shows on a screen others may see: it says that something happened, never
        # the platform's words (a refusal's reason may quote the patient); the case page says why.
        if state == CaseState.ANSWERED.value and detail == AnswerNews.COMPLETED:
            self.notifier.notify(
                self.tr("Compte rendu de l'expert reçu"),
                self.tr("Le compte rendu qui manquait au dossier {id} est arrivé.").format(id=case_id[:8]),
            )
        elif state == CaseState.ANSWERED.value and detail == AnswerNews.WITHDRAWN:
            self.notifier.notify(
                self.tr("Réponse de l'expert retirée"),
                self.tr("La réponse du dossier {id} a été retirée : n'en tenez pas compte.").format(id=case_id[:8]),
            )
        elif state == CaseState.ANSWERED.value and detail == AnswerNews.AMENDED:
            self.notifier.notify(
                self.tr("Réponse de l'expert modifiée"),
                self.tr("La réponse du dossier {id} a été modifiée par l'expert.").format(id=case_id[:8]),
            )
        elif state == CaseState.ANSWERED.value:
            self.notifier.notify(
                self.tr("Réponse de l'expert"), self.tr("Le dossier {id} a reçu sa réponse.").format(id=case_id[:8])
            )
        elif state != CaseState.ON_HOLD.value and detail == AnswerNews.WITHDRAWN:
            # Taken back by the platform after its answer (reassigned to another expert).
            self.notifier.notify(
                self.tr("Réponse retirée par la plateforme"),
                self.tr("La plateforme a retiré la réponse du dossier {id} : attendez la nouvelle réponse.").format(
                    id=case_id[:8]
                ),
            )
        elif state != CaseState.ON_HOLD.value and detail == AnswerNews.REOPENED:
            self.notifier.notify(
                self.tr("Dossier repris par l'expert"),
                self.tr("L'expert a repris le dossier {id} : sa réponse peut changer.").format(id=case_id[:8]),
            )
        elif state == CaseState.ON_HOLD.value and detail == QUESTION_WITHDRAWN:
            self.notifier.notify(
                self.tr("Question de l'expert retirée"),
                self.tr("L'expert a retiré une question du dossier {id} : n'en tenez pas compte.").format(
                    id=case_id[:8]
                ),
            )
        elif state == CaseState.ON_HOLD.value:
            self.notifier.notify(
                self.tr("Question de l'expert"),
                self.tr("L'expert pose une question sur le dossier {id}.").format(id=case_id[:8]),
            )
        elif state == "reply-refused":  # the nurse's reply refused, or held back here: it waits for her
            # (not « La plateforme refuse »: one held back here, its case altered or written in training mode,
            # was said so too; the case says who stopped it, found in review)
            self.notifier.notify(
                self.tr("Réponse à l'expert non envoyée"),
                self.tr("Votre réponse sur le dossier {id} n'est pas partie : ouvrez-le pour voir pourquoi.").format(
                    id=case_id[:8]
                ),
                urgent=True,
            )
        elif state in (CaseState.NEEDS_ATTENTION.value, CaseState.REJECTED.value, CaseState.CANCELLED.value):
            self.notifier.notify(
                "Teleavis", self.tr("Le dossier {id} demande votre attention.").format(id=case_id[:8]), urgent=True
            )
        if self.pages.currentWidget() is self.worklist:
            self.worklist.refresh()
        self.refresh_status()

    def _bytes_sent(self, case_id: str, sent: int, total: int) -> None:
        if self._closed:
            return
        page = self._case_page
        if self.locked():
            return  # (the hidden page's bar: the next bytes sent once unlocked move it, or its news ends it)
        if page is not None and page.case is not None and page.case.id == case_id and not page.editing():
            page.follow.show_progress(sent, total)

    def _reachable(self, reachable: bool) -> None:
        """Told by the engine (each request) and by the connection check (every minute): while the
        platform cannot be reached, a case to send is said waiting, not « envoi en cours »."""
        if self._closed:
            return
        self._offline = not reachable
        if self.locked():
            return  # said on the pages once unlocked (the list's line under it names the selected patient)
        self.worklist.set_offline(self._offline)
        if self._case_page is not None:
            self._case_page.set_offline(self._offline)

    def _link(self, running: bool, words: str) -> None:
        if self._closed:
            return
        if not running:
            self.connection_label.setText(
                self.tr("Synchronisation en pause : {words}").format(
                    words=words or self.tr("erreur interne (voir le journal)")
                )
            )

    def refresh_status(self) -> None:
        if self._closed:
            return
        settings = self.store.settings
        try:
            counts = self.store.counts()
            replies = self.store.replies_waiting()
            # Shown only: ``peek`` does not fetch a deferred key at start (settings.py).
            last = settings.peek("sync.last")
        except TeleavisError as exc:
            self.statusBar().showMessage(exc.message, 10000)
            return
        waiting = sum(counts.get(s, 0) for s in ("queued", "sending")) + replies  # a reply waits to leave too
        self.waiting_label.setText(self.tr("En attente d'envoi : {n}").format(n=waiting))
        self.last_sync_label.setText(
            self.tr("Dernière synchronisation : {when}").format(when=local_time(last) if last else self.tr("jamais"))
        )
        training = self._show_banner()
        self._follow_lock_delay()
        if training and not self.connection_label.text():
            self.connection_label.setText(self.tr("Plateforme d'essai sur cette machine"))
        elif self._training_seen is not None and training != self._training_seen:
            # Training mode turned on or off beside the window (``config set training``): the line said the
            # other mode's platform until its next check, a minute later (found from outside).
            self.check_connection()
        self._training_seen = training
        if self._counts is not None and counts != self._counts and self.pages.currentWidget() is self.worklist:
            # A case made or moved by a command beside the window (``case import``, ``sync --once``): its
            # engine never said so, and the list did not show it.
            self.worklist.refresh()
        self._counts = counts
        self._update_badge()
        self._follow_the_case_shown()

    def _follow_the_case_shown(self) -> None:
        """The case on screen as it is stored: a command run beside the window (``case send``, ``sync
        --once``, ``case cancel``) moves it without this window's engine saying so, and a draft queued
        there stayed on screen as a draft, a case answered there as still waiting."""
        page = self._case_page
        if page is None or page.case is None or self.pages.currentWidget() is not page:
            return
        try:
            state = self.store.state(page.case.id)
        except TeleavisError:
            return
        if state != page.case.state:
            page.refresh_state(page.case.id)

    def _update_badge(self) -> None:
        try:
            unread = self.worklist.unread_count()
        except TeleavisError:
            return
        if unread != self._unread:
            self._unread = unread
            if not self.locked():  # (the list behind the lock is refreshed once unlocked)
                self.worklist.refresh()
        self.setWindowTitle(f"({unread}) Teleavis" if unread else "Teleavis")
        if unread or self._news is not None:
            self.news_button.setText(self.tr("● %n dossier(s) à lire", "", unread))
            self.news_button.setVisible(bool(unread))
        self.notifier.badge(unread)
        self._tell_overdue()

    def _tell_overdue(self) -> None:
        """The tray says once (not at every poll) that a case's expert answer is overdue (``Store.overdue``)."""
        from app.settings import is_training

        try:
            # In training, of the training cases only, as the list and the count of cases to read.
            training = is_training(self.store.settings.peek)
            late = {case.id for case in self.store.overdue() if case.training or not training}
        except TeleavisError:
            return
        new = late - self._overdue_told
        self._overdue_told |= late
        if new:
            self.notifier.notify(
                self.tr("Réponse en retard"),
                self.tr("%n dossier(s) attendent une réponse de l'expert au-delà du délai promis.", "", len(new)),
            )
            if self.pages.currentWidget() is self.worklist:
                self.worklist.refresh()

    def check_connection(self) -> None:
        from sync.training import training_mode

        training_words = self.tr("Plateforme d'essai sur cette machine")
        checking = self.tr("Connexion en cours de vérification…")
        if training_mode(self.store):
            self.connection_label.setText(training_words)
            return
        if self.connection_label.text() in ("", training_words):
            # Nothing known of this platform yet (the window's start, training mode just turned off): said at
            # once, and kept while a first failed check waits for the second (found from outside: the platform
            # out of reach at start, the line stayed empty for about a minute, each check waiting for its
            # connection's time-out).
            self.connection_label.setText(checking)
        store = self.store

        def probe() -> tuple[str, str]:
            from sync.client import probe_store

            clone = store.clone()
            try:
                return probe_store(clone)
            finally:
                clone.close()

        def done(result: tuple[str, str]) -> None:
            outcome, words = result
            if outcome == "ok":
                self._reachable(True)
                self.connection_label.setText(self.tr("Plateforme joignable"))
            elif outcome in ("tls", "sign_in", "settings", "cut"):
                # Not « hors ligne »: the network is fine (found from outside: a nurse checked the cable
                # when the platform's certificate was refused, or a token was to renew). Said in the words
                # the sync and ``status`` use. A sign-in asked, or an answer cut on its way (a proxy, a
                # flapping link), is an answer (the engine's rule): the cases are not « hors ligne » then; a
                # refused certificate leaves that as it was, as the engine does.
                if outcome in ("sign_in", "cut"):
                    self._reachable(True)
                self.connection_label.setText(words)
            else:
                # Said after two checks in a row found no network, or at once when the sync found none either:
                # found from outside, one check a flaky link failed, the sends going through before and after,
                # said « Hors ligne » and the cases « hors ligne » for a minute. The line is left as it was until
                # then; the second check is made moments after the first (found in review: a minute later, a
                # real outage went unsaid for up to two minutes, a case queued meanwhile « envoi en cours »).
                self._checks_failed += 1
                if self._checks_failed >= 2 or self._offline:
                    self._recheck.stop()
                    self._reachable(False)
                    # The sync's words end their sentence; « Les dossiers attendent » is one of its own (found
                    # from outside: « … nouvel essai automatique. — les dossiers attendent » read as a slip).
                    said = words.strip()
                    if said and not said.endswith((".", "!", "?", "…")):
                        said += "."
                    self.connection_label.setText(
                        self.tr("Hors ligne : {words} Les dossiers attendent, rien n'est perdu.").format(words=said)
                    )
                elif not self._closed:
                    self._recheck.start()
                return
            self._recheck.stop()
            self._checks_failed = 0

        def not_run(exc: BaseException) -> None:
            log.warning("connection check failed: %s", type(exc).__name__)
            # Found in review: a check that could not run at all (the base held alone on a full disk: no worker
            # may open it) left « en cours de vérification » on the line for as long as the window was open.
            if self.connection_label.text() == checking:
                words = exc.message if isinstance(exc, TeleavisError) else self.tr("erreur interne (voir le journal)")
                self.connection_label.setText(self.tr("Connexion non vérifiée : {words}").format(words=words))

        run_task(probe, done, not_run)

    def backup_if_due(self) -> None:
        store = self.store
        from app import clock

        if self._backup_since is not None:
            # The one started before still runs (found in review: a share that hangs held its thread, one more each
            # quarter hour, until the pool was all held there and nothing else ran in the background, unsaid).
            # Said once it has run an hour: a whole store onto a slow USB stick may take more than a quarter.
            if (clock.now() - self._backup_since).total_seconds() * 1000 >= BACKUP_HUNG_AFTER_MS:
                self._backup_hung(self._backup_since)
            return
        self._backup_since = clock.now()

        def backup() -> tuple[str, ...] | None:
            """None when no backup was due; else the cases it carries that do not open."""
            from app.backup import backup_due, run_scheduled_backup

            clone = store.clone()
            try:
                if not backup_due(clone):
                    return None
                return run_scheduled_backup(clone).not_opening
            finally:
                clone.close()

        def failed(exc: BaseException) -> None:
            from datetime import timedelta

            self._backup_since = None

            from app import clock

            # What happened without the advice of a backup made by hand (found in review: « … ou choisissez-en
            # un autre, puis recommencez. », though nothing is hers to do again: the timer tries again by
            # itself), then that nothing here is lost, when it tries again, and what she may do meanwhile.
            if isinstance(exc, TeleavisError):
                words = str(getattr(exc, "unwritten", "") or exc.message)
            else:
                words = self.tr("erreur interne (voir le journal)") + "."
            # The way out of this cause only (app.fsutil.retry_advice): found from outside, « libérez de la
            # place, branchez-le, ou choisissez un autre dossier » was said for a read-only stick, a share gone.
            advice = str(getattr(exc, "retry", "") or "")
            timer = self._backup_timer
            left = timer.remainingTime() if timer.isActive() else BACKUP_EVERY_MS
            when = (clock.now() + timedelta(milliseconds=max(0, left))).strftime("%H:%M")
            said = self.tr(
                "Sauvegarde automatique non faite : {words} Vos dossiers sont intacts sur ce poste, et "
                "Teleavis réessaie tout seul vers {time}. {advice} Le dossier se choisit dans Édition > "
                "Réglages, onglet Sécurité."
            ).format(words=words, time=when, advice=advice)
            said = said.replace("  ", " ")  # (no advice: an internal error)
            self._say_backup_failure((words, advice), said)

        def finished(not_opening: tuple[str, ...] | None) -> None:
            # One made, or none due (found in review: the folder emptied or the interval set to 0, the bar's
            # « not made » stayed as long as the window was open): nothing is failing any more.
            self.backup_label.hide()
            self._backup_failure = None
            self._backup_since = None
            if not_opening:
                from app.backup import KEEP_SCHEDULED

                # Found from outside: made over a case that no longer opens, without a word. What is kept is
                # what ``run_scheduled_backup`` keeps (testers: « Gardez les sauvegardes plus anciennes » was
                # asked of her while the backup itself removed them).
                self.statusBar().showMessage(
                    self.tr(
                        "Sauvegarde faite, mais %n dossier(s) ne s'ouvre(nt) plus (données abîmées hors de "
                        "Teleavis) : {ids}. Elle le(s) contient tel(s) quel(s). Teleavis garde les {keep} "
                        "dernières sauvegardes et, en plus, la dernière où il(s) s'ouvrai(en)t encore : n'en retirez "
                        "aucune et appelez le support (Aide > Diagnostic le montre).",
                        "",
                        len(not_opening),
                    ).format(ids=", ".join(case_id[:8] for case_id in not_opening), keep=KEEP_SCHEDULED),
                    60000,
                )
            elif not_opening is not None:
                self.statusBar().showMessage(self.tr("Sauvegarde faite."), 5000)

        run_task(backup, finished, failed)

    def _backup_hung(self, since: datetime.datetime) -> None:
        """Said while the scheduled backup started at ``since`` is still running at the next round, an hour on.
        As known: started then, not finished (found in review: « sans avancer » claimed no progress, never
        measured; measuring it means looking at the file on the share, which hangs too, from this thread)."""
        said = self.tr(
            "Sauvegarde automatique commencée à {time}, toujours pas terminée plus d'une heure après. Vos dossiers "
            "sont intacts sur ce poste. Le disque ou le partage réseau ne répond peut-être plus : vérifiez qu'il "
            "est bien branché, ou que le réseau et le serveur de partage marchent, ou choisissez un autre dossier. "
            "Le dossier se choisit dans Édition > Réglages, onglet Sécurité."
        ).format(time=since.strftime("%H:%M"))
        self._say_backup_failure(("hung", ""), said)

    def _say_backup_failure(self, cause: tuple[str, str], said: str) -> None:
        """``said`` in the bar's line once per ``cause`` (found in review: an unplugged drive is due each quarter
        hour, and each try put this minute-long sentence over « Dossier envoyé » or a sending problem, all day),
        and kept, up to date, under « ⚠ Sauvegardes non faites » until a backup is made: a status line, never a
        box (one each quarter hour)."""
        if cause != self._backup_failure:
            self.statusBar().showMessage(said, 60000)
        self._backup_failure = cause
        self.backup_label.setText(self.tr("⚠ Sauvegardes non faites"))
        self.backup_label.setToolTip(said)
        self.backup_label.show()

    # -- report, settings, lock --------------------------------------------------------------------

    def export_report(self, case_id: str) -> None:
        from ui.file_dialogs import save_file

        target = save_file(
            self, self.tr("Rapport PDF du dossier"), f"teleavis-{case_id[:8]}.pdf", self.tr("PDF (*.pdf)")
        )
        if target is None:
            return
        from app.setting_checks import inside_folder

        if inside_folder(target.parent, self.store.data_dir):
            # Found from outside: a report saved there was a patient's file in clear inside the encrypted
            # folder, and the next restore (which replaces that folder) erased it; ``config`` and ``backup``
            # refuse that folder for the same reason.
            self.tell(
                "warning",
                self.tr("Rapport PDF du dossier"),
                self.tr(
                    "Le rapport n'est pas enregistré dans « {folder} » : ce dossier est dans celui des données de "
                    "Teleavis, qu'une restauration remplace entièrement (le rapport serait effacé), et il y "
                    "resterait lisible par tous, hors du chiffrement. Enregistrez-le sur une clé USB ou dans un "
                    "autre dossier (Documents, par exemple). Rien n'a été écrit."
                ).format(folder=target.parent),
            )
            return
        store = self.store

        def build() -> int:
            from app.report import export_report

            clone = store.clone()
            try:
                return export_report(clone, case_id, target).pages
            finally:
                clone.close()

        run_task(
            build,
            # Found by a nurse's day: saved, and not said where; she looked for the file.
            lambda pages: self.statusBar().showMessage(
                self.tr("Rapport enregistré dans {file} (%n page(s)).", "", pages).format(file=target), 15000
            ),
            lambda exc: self.statusBar().showMessage(
                exc.message if isinstance(exc, TeleavisError) else self.tr("Le rapport n'a pas pu être fait."), 10000
            ),
        )

    def open_guide(self) -> None:
        from ui.help_dialogs import UserGuide

        if self.locked():
            return
        UserGuide(self).exec()

    def open_about(self) -> None:
        from ui.help_dialogs import show_about

        if self.locked():
            return
        show_about(self, self.store)

    def open_diagnostic(self) -> None:
        from ui.diagnostic_dialog import DiagnosticDialog

        dialog = DiagnosticDialog(self, store=self.store)
        try:
            dialog.exec()
        finally:
            # Parented to the window, a closed dialog would live as long as it (its slots hold it): one
            # more each time it is opened, all day.
            dialog.deleteLater()

    def open_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        if self.locked():
            return
        self._leave_case()
        dialog = SettingsDialog(self.store, self)
        try:
            self._settings_closed(dialog, dialog.exec())
        finally:
            dialog.deleteLater()  # as the diagnostic's: else one more kept each time it is opened

    def _settings_closed(self, dialog: SettingsDialog, saved: int) -> None:
        if saved:
            self.apply_settings()
            page = self._case_page
            if page is not None and page.capture.panel is not None:
                page.capture.panel.settings_saved()  # a device folder set there is watched at once
            if dialog.platform.changed:
                # The engine holds a client to the old address (and the training sandbox may be gone).
                self.sync.stop()
                self.sync.start()
                # Training mode turned on or off: the list shows the training cases only, or every case again.
                self.worklist.refresh()
            if dialog.platform.forgotten:
                # Kept for the old address's host, never sent to the new one (app.settings.secrets_left_behind).
                self.tell(
                    "information",
                    self.tr("Adresse de la plateforme changée"),
                    self.tr(
                        "Le jeton d'accès et les identifiants de connexion enregistrés pour l'ancienne adresse sont "
                        "effacés : ils ne sont jamais envoyés à une autre.\n\nTapez le jeton d'accès (ou le secret "
                        "client) de la nouvelle plateforme dans Réglages > Plateforme, ou reconnectez-vous avec Pro "
                        "Santé Connect si elle le demande."
                    ),
                )
            if dialog.platform.held:
                self.worklist.refresh()
                # The save may end under the lock (a slow disk, the lid closed just after « Enregistrer »):
                # the lock then closed the dialog, and its words wait for the unlock.
                self.tell(
                    "information",
                    self.tr("Fin du mode formation"),
                    self.tr(
                        "Dossiers préparés en mode formation et pas encore partis : {n}. Ils ne partent pas vers la "
                        "plateforme réelle : vous les trouvez dans la liste, « à corriger ».\n\nVérifiez chacun "
                        "(identité réelle du patient, consentement), puis envoyez ceux qui doivent partir."
                    ).replace("{n}", str(len(dialog.platform.held))),
                )
            self.sync.wake()
            self.check_connection()
            if self._case_page is not None and self._case_page.editing():
                self._case_page.revalidate()

    def lock(self) -> None:
        if self._closed or self.locked():
            return
        if not screen_lock.available(self.store):
            self.statusBar().showMessage(
                self.tr("Verrouillage impossible sans code : choisissez-en un dans Réglages, onglet Sécurité."), 10000
            )
            return
        self._leave_case()
        # Her words typed in a case that moved (ui/kept_typing.py) are hidden, not let go: back once unlocked.
        self._kept_typing = [box for box in self._kept_typing if not box.decided]
        for box in self._kept_typing:
            box.put_away()
        # Nothing of a patient stays on screen above the lock: open dialogs (a photo being anonymised,
        # a report being saved) close as if cancelled, and say so where it matters. (Asked by class name:
        # a window that starts locked has no dialog, and need not build QDialog's type to know it.)
        for widget in QApplication.topLevelWidgets():
            if widget.inherits("QDialog") and widget.isVisible():
                # Told apart from « Annuler »: a file dialog closed so says, once unlocked, that nothing was
                # saved or imported (ui/file_dialogs.py).
                widget.setProperty(CLOSED_BY_LOCK, True)
                cast("QDialog", widget).reject()
        # A context menu left open would stay above the lock and still paste into the hidden case.
        for _ in range(8):
            popup = QApplication.activePopupWidget()
            if popup is None:
                break
            popup.close()
        from PySide6.QtWidgets import QToolTip

        QToolTip.hideText()
        self._status.hold()  # its messages may name a file after the patient (a report saved)
        self._forget_copied()
        # Undo and redo act on the hidden editor: no stack is active until unlocked.
        self._stack_before_lock = self.undo_group.activeStack()
        self.undo_group.setActiveStack(None)  # type: ignore[arg-type]  # Qt takes nullptr: no stack active
        # A report opened in the system's viewer cannot be hidden from here; its clear copy at least
        # goes, so that it cannot be opened again from the folder while the workstation is left.
        private_files.remove_written()
        self._page_before_lock = self.pages.currentWidget() or self.worklist
        self.menuBar().setEnabled(False)
        self.pages.setCurrentWidget(self.lock_screen)
        self.lock_screen.reset()
        # (A window that starts locked: once its first frame is drawn, or a second after its start if no frame
        # ever comes: found in review, a window never drawn and locked later left its pages to a screen reader.)
        if self._first_frame or self._first_frame_passed:
            self._hide_pages_from_readers()

    def _hide_pages_from_readers(self) -> None:
        """The pages behind the lock out of a screen reader's reach (found by an attacker's pass: the
        worklist's names and the expert's answer were there to walk through with its object navigation)."""
        from ui.reader_pages import show_readers_the_page_shown

        show_readers_the_page_shown(self.pages)

    def _forget_copied(self) -> None:
        """What was copied or selected here (a name, an INS) is not left for the next person to paste,
        under the lock or once Teleavis is closed (a desktop's clipboard manager keeps what a program
        leaves at its exit, some on disk)."""
        from PySide6.QtGui import QClipboard  # (here: the start need not build its type)

        clipboard = QApplication.clipboard()
        if clipboard.ownsClipboard() or (self._copied_here is not None and self._copied_here == _digest(clipboard)):
            clipboard.clear(QClipboard.Mode.Clipboard)
        if clipboard.ownsSelection():
            clipboard.clear(QClipboard.Mode.Selection)

    def _watch_clipboard(self) -> None:
        clipboard = QApplication.clipboard()
        clipboard.dataChanged.connect(self._clipboard_changed)

    def _clipboard_changed(self) -> None:
        # Another program's copy is left alone at the lock (the user may be working in it meanwhile):
        # only what was there when Teleavis filled it is cleared, if it is still there.
        clipboard = QApplication.clipboard()
        here = clipboard.ownsClipboard() or QApplication.activeWindow() is not None
        self._copied_here = _digest(clipboard) if here else None

    def unlock(self) -> None:
        if self._stack_before_lock is not None:
            self.undo_group.setActiveStack(self._stack_before_lock)
        self._stack_before_lock = None
        self.menuBar().setEnabled(True)
        self.pages.setCurrentWidget(self._page_before_lock)
        self._news_held_by_the_lock()
        self._status.release()
        self.idle.poke()
        if self._held_messages or self._kept_typing:
            QTimer.singleShot(0, self._tell_held)  # once the page is back on screen

    def _news_held_by_the_lock(self) -> None:
        """What the sync engine said under the lock, now on the pages: the platform reached or not, the cases
        moved (an answer that came shown as one come on screen: read at her next input on it, not by the
        unlock), and the list, which news under the lock did not refresh."""
        news, self._news_under_lock = self._news_under_lock, []
        self.worklist.set_offline(self._offline)
        page = self._case_page
        if page is not None:
            page.set_offline(self._offline)
            for case_id in news:
                page.refresh_state(case_id)
        if self.pages.currentWidget() is self.worklist:
            self.worklist.refresh()

    def tell(self, kind: str, title: str, text: str) -> None:
        """A message box (``kind``: ``information`` or ``warning``) for work that ended on its own time (a
        save, the data key fetched): under the lock it is held and shown once unlocked, never above the
        lock screen, where whoever passes would read it and answer it."""
        if self._closed:
            return
        if self.locked():
            self._held_messages.append((kind, title, text))
            return
        from PySide6.QtWidgets import QMessageBox

        icon = QMessageBox.Icon.Warning if kind == "warning" else QMessageBox.Icon.Information
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.exec()

    def _tell_held(self) -> None:
        for box in list(self._kept_typing):
            if not box.decided and not self.locked() and not self._closed:
                box.bring_back()
        while self._held_messages and not self.locked() and not self._closed:
            self.tell(*self._held_messages.pop(0))

    def _show_kept_typing(self, box: KeptTyping) -> None:
        """What she typed in a case that moved before it was saved, in its box (ui/kept_typing.py): shown now,
        or once unlocked (her words name the patient)."""
        self._kept_typing = [kept for kept in self._kept_typing if not kept.decided] + [box]
        if self.locked():
            box.put_away()  # (never shown yet: no window of it a screen reader could walk, but not kept so)
        elif not self._closed:
            box.show()

    def locked(self) -> bool:
        return self._lock_screen is not None and self.pages.currentWidget() is self._lock_screen

    @property
    def lock_screen(self) -> LockScreen:
        """The lock screen, built when first needed: the first window shows the worklist (~1 ms)."""
        if self._lock_screen is None:
            self._lock_screen = LockScreen(self.store)
            self.pages.addWidget(self._lock_screen)
            self._lock_screen.unlocked.connect(self.unlock)
        return self._lock_screen

    def _answer_seen(self) -> None:
        """The case page's answer is read once it is on screen in the active window (see FollowView).
        Called when a person shows the page (from the list, by unlocking), brings the window to the
        front or restores it."""
        if self._case_page is not None and not self._closed:
            self._case_page.follow.note_seen(person=True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Minimised, restored, brought to the front or sent back: the case page left (nothing typed
        stays unsaved), its answer read if now in front of a person. The window filters its own events
        once the case page exists (``case_page``); before, there is nothing to do. (Not an override of
        ``event``: PySide6 would then build the Python types of all forty of QtGui's event classes at the
        first event, to tell them apart, some 5-10 ms of every start.) Run before the window's own
        handling, which neither state depends on: Qt sets the window's state and the active window first,
        then sends the event."""
        if watched is self:
            kind = event.type()
            if kind == QEvent.Type.WindowStateChange and self.isMinimized():
                self._leave_case()
            if kind in (QEvent.Type.ActivationChange, QEvent.Type.WindowStateChange):
                self._answer_seen()
        return super().eventFilter(watched, event)


def _untouched(shown: object, fresh: object) -> bool:
    """Whether the draft ``shown`` holds nothing yet: no image, and its content that of a ``fresh`` case."""
    from app.model import Case

    if not isinstance(shown, Case) or not isinstance(fresh, Case) or shown.images:
        return False

    def typed(value: object) -> object:  # less the ids each new record draws (its form's, its consent's)
        if isinstance(value, dict):
            return {key: typed(item) for key, item in value.items() if key not in ("id", "form_id")}
        return value

    return typed(shown.content()) == typed(fresh.content())
