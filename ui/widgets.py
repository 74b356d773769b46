"""Small helpers shared by the window's widgets."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget
from shiboken6 import isValid

from app.french import FRENCH_SPACES as _FRENCH_SPACES
from app.french import french_spaced as _french_spaced
from ui import resources

if TYPE_CHECKING:  # (types built at import cost the window's start, QMouseEvent's below too: test_start_imports)
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QCompleter

W = TypeVar("W", bound=QObject)
T = TypeVar("T")

#: What was last said aloud to a screen reader, newest last: (words, urgent) (the tests read it back).
SAID: deque[tuple[str, bool]] = deque(maxlen=20)

FRAME_GUESS = (16, 40)  # a title bar and borders, before the window manager says


#: French spacing: the core's rule (app.french). The checklist passes the core's findings through it (the core's
#: catalogues keep plain spaces for the CLI; idempotent on a message already spaced). The tests write the
#: window's expected French with the same rules (tests/support/french.py).
FRENCH_SPACES = _FRENCH_SPACES
french_spaced = _french_spaced


def room_on_screen(window: QWidget) -> QSize | None:
    """The most a top-level window may measure, title bar and borders guessed, on its screen's available
    area: 1366 × 768 under its task bar, but 911 × 512 to lay out at 150 % (Windows' display scaling).
    ``None`` where no screen is known."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return None
    area = screen.availableGeometry()
    return QSize(area.width() - FRAME_GUESS[0], area.height() - FRAME_GUESS[1])


def fit_on_screen(window: QWidget, width: int, height: int) -> None:
    """``window`` resized to ``width`` × ``height``, or less where its screen has less room: a dialog
    sized for 100 % went below the screen's edge at 150 %, its buttons out of reach."""
    room = room_on_screen(window)
    if room is not None:
        width, height = min(width, room.width()), min(height, room.height())
    window.resize(width, height)


def named(widget: W, name: str) -> W:
    """``widget`` with its object name set, and the style sheet's rules for that name as its own style
    sheet (the tests find it by that name too; see ui.resources.style_sheet).

    PySide6 takes ``objectName=`` as a keyword of any constructor, but its type stubs list only the
    class's own properties; setting it here keeps the constructors typed."""
    widget.setObjectName(name)
    sheet = resources.sheet_for(name)
    if sheet and isinstance(widget, QWidget):
        widget.setStyleSheet(f"{widget.styleSheet()}\n{sheet}" if widget.styleSheet() else sheet)
    return widget


def marked(widget: QWidget, name: str, value: bool) -> None:
    """``widget``'s dynamic property ``name`` set to ``value``, and drawn as the style sheet's rules for it
    say (a field to correct in red): they become the widget's own style sheet the first time it is marked."""
    if widget.property(name) == value:
        return
    sheet = resources.sheet_for(f"[{name}]")
    if value and sheet and sheet not in widget.styleSheet():
        parent = widget.parentWidget()
        layout = parent.layout() if parent is not None else None
        own = f"{widget.styleSheet()}\n{sheet}" if widget.styleSheet() else sheet
        if layout is None or layout.indexOf(widget) < 0:  # not laid out yet (the list's filters, at start)
            widget.setProperty(name, value)
            widget.setStyleSheet(own)  # (which polishes it)
            return
        laid_out = widget.sizeHint().height()
        widget.setStyleSheet(own)
        # A field in a form keeps the height it is laid out at, as with the application's style sheet,
        # whose rules polished again changed the field's look and not its place (the layout kept the size
        # it had asked for; the rule's frame is 4 pixels less tall than the native one: the field shrank).
        widget.setMinimumHeight(max(widget.minimumHeight(), laid_out))
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_qt(target: QObject, **values: object) -> None:
    """Set Qt properties of ``target`` by name, an enumeration's value by its key, as Designer's files do:
    ``set_qt(button, focusPolicy="StrongFocus")`` for ``button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)``.

    For what the window sets before it first shows: naming ``Qt``'s enumerations in Python builds the whole
    ``Qt`` namespace, ~14.5 ms of every start (tests/ui/test_start_imports.py checks that the start does not).
    A property or a key Qt does not know is an error, as a misspelt enumeration would be."""
    for name, value in values.items():
        if not target.setProperty(name, value):
            raise ValueError(f"{type(target).__name__} has no property {name} taking {value!r}")


def key_sequence(keys: QKeySequence.StandardKey | str) -> QKeySequence:
    """The key sequence of a standard action (the platform's first, as ``QKeySequence(key)`` gives it) or of
    ``keys`` as written (« Ctrl+N », « Return »), without the constructor's other overloads, whose check
    builds the whole ``Qt`` namespace (see :func:`set_qt`)."""
    if isinstance(keys, str):
        return QKeySequence(keys)
    bindings = QKeySequence.keyBindings(keys)
    return bindings[0] if bindings else QKeySequence()


def scrolling(body: QWidget) -> QScrollArea:
    """``body`` in a scroll area with no frame of its own: a form taller than a small screen (1366 × 768 at
    150 %, a larger system font) scrolls, where it was squeezed or pushed its dialog's buttons below the
    screen's edge. As tall as the form where the screen has the room: nothing changes there."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    # No Tab stop of its own: it shows nothing when it has the keyboard, and a screen reader names it with
    # nothing (Tab from a settings tab's title stopped there; a wizard page opened with the keyboard there,
    # what was typed at once went nowhere). The form's fields scroll into view as Tab reaches them.
    set_qt(area, focusPolicy="NoFocus")  # (not Qt.FocusPolicy: naming Qt at start costs its namespace)
    area.setWidget(body)
    return see_through(area)


def see_through(area: QScrollArea) -> QScrollArea:
    """``area`` with its viewport and its widget painting no background of their own: the page's shows
    through (the same colour, the window's).

    ``QScrollArea.setWidget`` makes the widget fill its background, so Qt counts it opaque. An opaque
    widget shown with its page (a case opened from the list) is painted once on its own, then again
    with the page over it: the case editor's sixty fields, twice at every opening. Seen through, it is
    painted once, with the page. (Scrolling then repaints what it shows instead of moving pixels; a
    column of fields repaints in a few milliseconds.)"""
    area.viewport().setAutoFillBackground(False)
    widget = area.widget()
    if widget is not None:
        widget.setAutoFillBackground(False)
    return area


def contrast(first: QColor, second: QColor) -> float:
    """WCAG's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: QColor | str, against: QColor, ratio: float = 4.5) -> QColor:
    """``colour`` as it is when it reads against ``against`` with WCAG AA's contrast (4.5), else the same hue
    made lighter or darker until it does: the window's fixed colours (a problem in red, an unread row's
    green) chosen on a light theme stay readable on a dark or high-contrast one (Windows' « Noir »)."""
    # (Not QColor(colour) for a colour: its overloads' check builds the whole Qt namespace at start.)
    wanted = QColor(colour) if isinstance(colour, str) else colour
    if contrast(wanted, against) >= ratio:
        return wanted
    hue, saturation, lightness, alpha = wanted.hslHue(), wanted.hslSaturation(), wanted.lightness(), wanted.alpha()
    step = 5 if against.lightness() < 128 else -5
    best = wanted
    while 0 <= lightness + step <= 255:
        lightness += step
        best = QColor.fromHsl(max(hue, 0), saturation, lightness, alpha)
        if contrast(best, against) >= ratio:
            return best
    return QColor("white") if step > 0 else QColor("black")


def announce(source: QObject, words: str, *, urgent: bool = False) -> None:
    """Say ``words`` to the screen reader (NVDA, Orca), whatever has the focus: a change shown on screen
    that a person who does not see it must hear (an unusable photo, an answer arrived, a refused send).
    ``urgent`` interrupts what the reader is saying; otherwise it waits its turn."""
    if not words.strip():
        return
    # Here, not at the top: QAccessible's type (its many enumerations, ~1.7 ms) is built when first named,
    # and the window's start announces nothing.
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    event = QAccessibleAnnouncementEvent(source, words)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive if urgent else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)
    SAID.append((words, urgent))


class PerWidth(Generic[T]):
    """What a label works out for a width (its lines, its height), kept per width: layouts ask it again and
    again for the same one or two widths. :meth:`clear` when its words change; a change of the widget's
    font is seen when asked (no changeEvent override: it would load every QEvent class at start). A window
    dragged wide and narrow keeps only the last widths: past ``most`` of them, all are forgotten."""

    def __init__(self, widget: QWidget, work: Callable[[int], T], most: int) -> None:
        self._widget = widget
        self._work = work
        self._most = most
        self._kept: dict[int, T] = {}
        self._font = widget.font()

    def clear(self) -> None:
        self._kept.clear()

    def __call__(self, width: int) -> T:
        font = self._widget.font()
        if font != self._font:
            self._kept.clear()
            self._font = font
        if width not in self._kept:
            if len(self._kept) > self._most:
                self._kept.clear()
            self._kept[width] = self._work(width)
        return self._kept[width]


class WrappedLabel(QLabel):
    """Words wrapped in a form, as tall as their lines at the width they are given.

    A word-wrapped QLabel asks for its height through heightForWidth, and QFormLayout's height for a
    width then fell short of what its rows need: the first-start wizard, which sizes its page by it,
    gave « Gardez la valeur proposée… » under « Origine des n° de dossier » (and, in English, the
    RPPS's sentence) a line and a half, the rest cut off, and the case editor gave a field's problem
    under it (the birth place's, the birth name's) two lines fewer than it has, the first and the last
    half cut off. This label asks for a plain size instead, its lines' height at the width it was last
    given, which the form adds up right; given another width, or other words, it asks again."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setWordWrap(True)
        self._height = self._needed()

    def hasHeightForWidth(self) -> bool:
        return False

    def _needed(self) -> int:
        return self.heightForWidth(self.width()) if self.text() else 0

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 20, self._needed())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._refit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def _refit(self) -> None:
        needed = self._needed()
        if needed != self._height:  # the layout is asked again only when its lines change
            self._height = needed
            self.updateGeometry()


class _ClickThrough(QObject):
    """The event filter of :func:`clicks_through`."""

    def __init__(self, completer: QCompleter) -> None:
        super().__init__(completer)
        self._completer = completer
        #: The widget a press was given on to (through its window), its release not come yet.
        self._pressed: QWidget | None = None
        self._button: Qt.MouseButton | None = None  # (its button; Qt's namespace not named before a click)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease:
            return self._release(event)
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.Show):
            # A press given on whose release went elsewhere (to the window, as Wayland, Windows and macOS
            # give it; to a list that press opened, « vue ? »'s) is forgotten: a release to come is its own.
            self._pressed = None
        if event.type() != QEvent.Type.MouseButtonPress or watched is not self._completer.popup():
            return False
        assert isinstance(watched, QWidget)
        from PySide6.QtCore import QPointF, Qt
        from PySide6.QtGui import QMouseEvent  # (here: a list of suggestions shows after the window)

        assert isinstance(event, QMouseEvent)
        self._pressed = None
        spot = event.globalPosition().toPoint()
        if watched.rect().contains(watched.mapFromGlobal(spot)):
            return False  # a suggestion picked: the completer's own work
        owner = self._completer.widget()  # (the list itself is a window of its own, without a parent)
        target = QApplication.widgetAt(spot)  # (not the list: the click is beside it)
        window = target.window().windowHandle() if target is not None else None
        if target is None or window is None or owner is None or target.window() is not owner.window():
            watched.hide()
            return True  # elsewhere (another window, outside Teleavis): the list closed, as before
        # Given on here alone: where the system replays the press that closed a list (Qt's default, kept
        # by platforms that grab for it), Qt would post it again, a second press; its menus say so too.
        watched.setAttribute(Qt.WidgetAttribute.WA_NoMouseReplay)
        watched.hide()
        # Given to the window as the system gives it: the focus moves and the release that follows ends
        # the click on the widget pressed (a button clicked, a list opened).
        QApplication.sendEvent(
            window,
            QMouseEvent(
                QEvent.Type.MouseButtonPress,
                QPointF(window.mapFromGlobal(spot)),
                event.globalPosition(),
                event.button(),
                event.buttons(),
                event.modifiers(),
            ),
        )
        # X gives the release to the list's window, which held the pointer since it opened (found at a cart:
        # « Envoyer la réponse » stayed pressed, and nothing left): it is given on to the widget pressed too.
        # (That widget, not the one there after the press: a list the press opened stands there then.)
        self._pressed, self._button = target, event.button()
        return True

    def _release(self, event: QEvent) -> bool:
        """The release of a press given on, come to the list (closed meanwhile): given to the widget that press
        reached, which ends the click there. ``False`` (Qt's own) for any other."""
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QMouseEvent

        target, self._pressed = self._pressed, None
        if target is None or not isValid(target) or not isinstance(event, QMouseEvent):
            return False
        popup = self._completer.popup()
        if (popup is not None and popup.isVisible()) or event.button() != self._button:
            return False  # the list's own release (shown again since), or another button's
        spot = event.globalPosition()
        QApplication.sendEvent(
            target,
            QMouseEvent(
                QEvent.Type.MouseButtonRelease,
                QPointF(target.mapFromGlobal(spot.toPoint())),
                spot,
                event.button(),
                event.buttons(),
                event.modifiers(),
            ),
        )
        return True


def clicks_through(completer: QCompleter) -> QCompleter:
    """``completer`` whose list of suggestions, open under its field, lets a click made beside it reach
    what it was made on. Qt's list took that click only to close itself: the focus stayed in the field,
    and what the nurse typed next (the patient's name, after clicking « Nom de naissance ») went on
    after the suggested words."""
    popup = completer.popup()
    if popup is not None:  # (Qt builds it on the first call)
        through = _ClickThrough(completer)
        popup.installEventFilter(through)
        popup.viewport().installEventFilter(through)  # (a release given to the list goes to its rows' view)
    return completer
