"""What is typed in Teleavis is private to the system's input method: it must not learn it.

An input method that learns the words typed to suggest them again (IBus's typing booster, an on-screen
keyboard's word prediction, Windows' text suggestions, a phone-like keyboard on a touch cart) keeps them in
its own files in the user's folder, in clear, and offers them to whoever types their first letters in any
other program: the patients' names, their INS, the clinical words, beyond the reach of the encryption and of
the lock (found by an attacker's pass). Every field of the window may hold such words (a patient's name in
the worklist's search, a file named after her in a file dialog), so each one that takes the keyboard's focus
is marked ``ImhSensitiveData``, with the hints it already had, which Qt passes on as « private, do not store »
where it can (Wayland's text-input ``sensitive_data``). Qt's IBus module (X11, GNOME) and Qt on Windows pass
no hint to the input method: there it is the machine's to configure (docs/maintainer-guide.md).
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget

# Set on the application once its watch is on: each window (and the first start's wizard, before any) asks.
WATCHING = "teleavisTypingPrivate"


def keep_typing_private(app: QApplication) -> None:
    """From now on, mark private each field given the focus, and the one that has it now. Once per
    application: a second call (a second window, the wizard then the window) adds no second watch."""
    if not app.property(WATCHING):
        app.setProperty(WATCHING, True)
        app.focusChanged.connect(_focused)
    _focused(None, app.focusWidget())


def _focused(_old: QWidget | None, new: QWidget | None) -> None:
    if new is None:
        return
    from PySide6.QtCore import Qt  # (not at start: naming Qt's namespace costs every start, ui.widgets.set_qt)

    if not new.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled):
        return
    hints = new.inputMethodHints()
    if not hints & Qt.InputMethodHint.ImhSensitiveData:
        # (Set on the widget, Qt tells the input method at once when the widget has the focus.)
        new.setInputMethodHints(hints | Qt.InputMethodHint.ImhSensitiveData)
