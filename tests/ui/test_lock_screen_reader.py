"""What a screen reader can read of the locked window: the lock screen, not the pages hidden behind it.

Found by an attacker's pass (lock38): Qt's accessible interface of the window's page stack gives every page
to a screen reader, shown or not. Under the lock, the worklist's rows (« MARTIN Paul (03/02/1950) »: not
even said invisible) and the case page's expert answer were there to walk through with a screen reader's
object navigation (NVDA, Orca, Accerciser), started by whoever passed by the cart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QApplication

from app.store import Store
from tests.support.ui import answered_case
from tests.ui.test_under_the_lock import made_window, unlock
from ui.kept_typing import KeptTyping
from ui.main_window import MainWindow

CONCLUSION = "Lésion suspecte de carcinome basocellulaire"


def words(face: QAccessibleInterface | None, depth: int = 0) -> list[str]:
    """Every name, description and value a screen reader can reach from ``face``, walking its children."""
    if face is None or not face.isValid() or depth > 60:
        return []
    found = [face.text(kind) for kind in (QAccessible.Text.Name, QAccessible.Text.Description, QAccessible.Text.Value)]
    for number in range(face.childCount()):
        found += words(face.child(number), depth + 1)
    return [text for text in found if text]


def readable(window: MainWindow) -> str:
    return "\n".join(words(QAccessible.queryAccessibleInterface(window)))


def ours(*windows: object) -> str:
    """What a screen reader reads walking from the application's top, in these windows (those of the
    earlier tests, still there, are left out), hidden ones included: a hidden window is still one of the
    application's."""
    application = QAccessible.queryAccessibleInterface(QApplication.instance())
    tops = [application.child(number) for number in range(application.childCount())]
    return "\n".join(text for top in tops if top.object() in windows for text in words(top))


@pytest.fixture
def window(qtbot: Any, store: Store, sync_runner: None) -> Iterator[MainWindow]:
    made = made_window(qtbot, store)
    yield made
    made.shutdown()


@pytest.mark.parametrize("where", ["worklist", "case page"])
def test_a_screen_reader_reads_the_lock_screen_only_under_the_lock(
    qtbot: Any, store: Store, window: MainWindow, where: str
) -> None:
    case_id = answered_case(store)
    window.worklist.refresh()
    if where == "case page":
        window.open_case(case_id)
    # Read before the lock: the test reads what a screen reader reads.
    before = readable(window)
    assert "MARTIN Paul" in before
    assert (CONCLUSION in before) == (where == "case page")

    window.lock()

    under = readable(window)
    assert "Teleavis est verrouillé" in under
    assert "MARTIN" not in under
    assert CONCLUSION not in under
    assert "Paul" not in under

    unlock(qtbot, window)
    after = readable(window)
    assert "MARTIN Paul" in after  # her page back, to the screen reader too
    assert (CONCLUSION in after) == (where == "case page")


def test_a_window_that_starts_locked_gives_the_screen_reader_its_lock_screen_only(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Locked before it shows (the key from the keyring, a code set: ui/application.py), as the start does."""
    answered_case(store)
    store.settings.set("lock.minutes", 5)
    window = MainWindow(store)
    qtbot.addWidget(window)
    try:
        window.lock()
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: "Teleavis est verrouillé" in readable(window) and "MARTIN" not in readable(window))
    finally:
        window.shutdown()


def test_her_words_kept_in_their_box_are_not_read_under_the_lock(qtbot: Any, store: Store, window: MainWindow) -> None:
    """The box of her words not saved (ui/kept_typing.py) is hidden under the lock, but a window hidden is still
    one of the application's, which a screen reader walks from its top: her words (the patient's name in them)
    were there to read under the lock."""
    case_id = answered_case(store)
    window.open_case(case_id)
    typed = "Mme MARTIN Paul : saigne depuis hier"
    box = KeptTyping(case_id, "Le dossier est parti pendant que vous tapiez.", typed, reply=False, parent=window)
    window._show_kept_typing(box)
    qtbot.waitExposed(box)
    assert typed in ours(window, box)

    window.lock()

    assert not box.isVisible()
    under = ours(window, box)
    assert "saigne" not in under
    assert "MARTIN" not in under

    unlock(qtbot, window)
    qtbot.waitUntil(box.isVisible)
    assert box.typed.toPlainText() == typed  # kept, back with her once unlocked
    assert typed in ours(window, box)
