"""The lock: after the idle delay (setting ``lock.minutes``) patient data hides behind the lock
screen until the PIN or the passphrase is typed. The rules (what opens it, how many tries, when
the window starts locked) are in app/screen_lock.py; this is only the screen."""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from app import screen_lock
from app.errors import TeleavisError
from app.store import Store
from ui.tasks import on_own_connection, write_and_wait
from ui.widgets import announce, named

#: How often the idle time is measured again on the clock that counts suspend (see ``IdleWatcher``).
CHECK_MS = 5_000


def suspend_clock() -> float:
    """Seconds on a clock that goes on while the computer sleeps: ``CLOCK_BOOTTIME`` on Linux, else
    the wall clock (a wall clock set forward locks early, the safe side)."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        return time.clock_gettime(boottime)
    return time.time()


@functools.cache
def _input_events() -> frozenset[QEvent.Type]:
    return frozenset(
        (
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.TouchBegin,
        )
    )


class IdleWatcher(QObject):
    """Emits ``idle`` after the configured minutes without keyboard or mouse input in the app.

    It sees the input where the window system delivers it: an event filter on each of the application's
    top-level windows (``QWindow``: the main window, each dialog), installed by ``watch()`` once the
    window is on screen, and on the windows that open later as they take the focus (a dialog, a menu, a
    drop-down's list). A filter on the whole application would see the same input,
    but also every paint, layout, timer and signal of every widget, each through Python (some 6 000
    events to open a case, ~3 ms of the window's thread).

    Time asleep counts too. Qt's timers follow a clock that stops while the computer is suspended
    (``CLOCK_MONOTONIC`` on Linux): idle four minutes of five, then suspended two hours, ``timer``
    alone would leave the cases on screen one more minute after the lid opens. So the moment of the
    last input is also kept on ``clock`` (one that goes on during suspend, :func:`suspend_clock`;
    tests put their own), and the idle time is measured on it every ``CHECK_MS`` and whenever the
    application becomes active again, the focus moves to another window or a screen comes or goes.
    """

    idle = Signal()

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.minutes = 0
        self.watching = False
        self.clock: Callable[[], float] = suspend_clock
        self.last_input = self.clock()
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self._lapsed)
        self.check_timer = QTimer(self, interval=CHECK_MS)
        self.check_timer.timeout.connect(self.check)

    def watch(self) -> None:
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication) and not self.watching:
            app.focusWindowChanged.connect(self._watch_windows)
            app.applicationStateChanged.connect(self.check)
            app.screenAdded.connect(self.check)
            app.screenRemoved.connect(self.check)
            self.watching = True
            self._watch_windows()

    @Slot()
    def _watch_windows(self) -> None:
        """Each top-level window, a new dialog's too (installing again on a window only moves the filter)."""
        self.check()  # a window brought to the front after a suspend shows nothing before the lock
        for window in QGuiApplication.topLevelWindows():
            window.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.timer.stop()
        self.check_timer.stop()
        if minutes > 0:
            self.timer.setInterval(minutes * 60_000)
            self.poke()

    def follow(self, minutes: int) -> None:
        """The delay changed beside the window (``teleavis config set lock.minutes``): the idle time already
        counted stays counted, so a shorter delay already passed locks at once; turned on, it counts from now."""
        if minutes == self.minutes:
            return
        counting = self.timer.isActive()
        if minutes <= 0 or not counting:
            self.set_minutes(minutes)
            return
        self.minutes = minutes
        self.timer.setInterval(minutes * 60_000)
        self.timer.start()  # at the latest; ``check`` measures from the last input, on the suspend clock
        self.check()

    def poke(self) -> None:
        """Start counting again (after unlocking)."""
        if self.minutes > 0:
            self.last_input = self.clock()
            self.timer.start()
            self.check_timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.check_timer.stop()

    def check(self) -> None:
        """Lock now if the time since the last input, suspend included, has reached the limit."""
        if self.timer.isActive() and self.clock() - self.last_input >= self.minutes * 60:
            self._lapsed()

    @Slot()
    def _lapsed(self) -> None:
        self.stop()  # counting again once unlocked (``poke``)
        self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.timer.isActive() and event.type() in _input_events():
            self.last_input = self.clock()
            self.timer.start()
        return False


#: The dynamic property the lock sets on each dialog it closes (before closing it as if cancelled): what the
#: dialog was for can then say, once unlocked, that it was not done (ui/file_dialogs.py).
CLOSED_BY_LOCK = "teleavisClosedByLock"


def say_after_the_lock(parent: QWidget | None, title: str, words: str) -> None:
    """``words`` told by the main window, which holds them while locked and shows them once unlocked: what a
    dialog closed by the lock was for, that it was not done (ui/file_dialogs.py, ui/capture_panel.py)."""
    holder = parent
    while holder is not None:
        tell = getattr(holder, "tell", None)
        if callable(tell):
            tell("information", title, words)
            return
        holder = holder.parentWidget()


def under_lock(widget: QWidget) -> bool:
    """Whether the window holding ``widget`` is locked now: its lock screen is the page shown. Asked by
    what acts after a dialog the lock could not close (the system's print dialog on Windows): the person
    who locked did not ask for what it would do once its button is pressed."""
    screen = widget.window().findChild(QWidget, "lockScreen")
    if not isinstance(screen, LockScreen):
        return False
    pages = screen.parentWidget()
    return isinstance(pages, QStackedWidget) and pages.currentWidget() is screen


class LockScreen(QWidget):
    unlocked = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        # Here: the lock screen is made when the window locks; a window that starts unlocked does not name
        # Qt's namespace before it first shows (~14.5 ms, see ui.widgets.set_qt).
        from PySide6.QtCore import Qt

        super().__init__(parent)
        named(self, "lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.store = store
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = named(QLabel(self.tr("Teleavis est verrouillé")), "caseHeader")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        hint = QLabel(self.tr("Les dossiers sont masqués. Tapez votre code ou la phrase secrète pour reprendre."))
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        self.secret = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(self.tr("Code ou phrase secrète"))
        self.secret.setAccessibleName(self.tr("Code ou phrase secrète"))  # a hint is no name to a screen reader
        self.secret.setMinimumWidth(self.secret.fontMetrics().horizontalAdvance(self.secret.placeholderText()) + 60)
        self.secret.setMaximumWidth(360)
        self.secret.returnPressed.connect(self.try_unlock)
        layout.addWidget(self.secret, 0, Qt.AlignmentFlag.AlignHCenter)
        self.button = QPushButton(self.tr("Déverrouiller"))
        self.button.clicked.connect(self.try_unlock)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.problem = QLabel()
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem.setWordWrap(True)  # a full disk takes two lines to say
        layout.addWidget(self.problem)
        layout.addStretch(2)
        self._wait_timer = QTimer(self, singleShot=True)
        self._wait_timer.timeout.connect(self._show_wait)
        self._waiting = False

    def reset(self) -> None:
        self.secret.clear()
        self.problem.clear()
        self._show_wait()
        self.secret.setFocus()

    def try_unlock(self) -> None:
        secret = self.secret.text()
        if not secret:  # Enter on an empty field is no try (app/screen_lock.py counts none)
            self.secret.setFocus()
            return
        # The check counts failures (a durable write), and hashes the code: the writer thread does both.
        try:
            attempt = write_and_wait(on_own_connection(self.store, lambda own: screen_lock.try_secret(own, secret)))
        except TeleavisError as exc:
            # A try that cannot be counted (the disk filled while locked) opens nothing: said here, where
            # the nurse is looking, not only in the log (found by fault injection: nothing happened).
            self.secret.clear()
            self._tell(exc.message)
            return
        self.secret.clear()
        if attempt.ok:
            self.problem.clear()
            self.unlocked.emit()
            return
        # Found by a nurse's day: « incorrect » and nothing to do next.
        self._tell(
            self.tr("Ce n'est pas le bon code ou la bonne phrase secrète : retapez-le, en vérifiant les majuscules.")
        )
        self._show_wait()

    def _tell(self, words: str) -> None:
        """A refused try, shown under the field and said at once to a screen reader (the field is cleared)."""
        self.problem.setText(words)
        announce(self.problem, words, urgent=True)

    def _show_wait(self) -> None:
        """After too many wrong tries: the field stays shut, and says for how long."""
        left = screen_lock.wait_left(self.store) if self.store.key.loaded else 0.0
        waiting = left > 0
        self.secret.setEnabled(not waiting)
        self.button.setEnabled(not waiting)
        if waiting:
            words = self.tr("Trop d'essais incorrects. Réessayez dans %n seconde(s).", "", math.ceil(left))
            if not self._waiting:  # said once, not at every second of the count
                announce(self.problem, words, urgent=True)
            self.problem.setText(words)
            self._wait_timer.start(min(1000, int(left * 1000) + 1))
        elif self._waiting:
            self.problem.clear()
            self.secret.setFocus()
        self._waiting = waiting
