"""What a screen reader can read of the locked window: the lock screen, not the pages hidden behind it.

Found by an attacker's pass (lock38): Qt's accessible interface of the window's page stack gives every page
to a screen reader, shown or not. Under the lock, the worklist's rows (« MARTIN Paul (03/02/1950) »: not
even said invisible) and the case page's expert answer were there to walk through with a screen reader's
object navigation (NVDA, Orca, Accerciser), started by whoever passed by the cart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QApplication, QLabel

from app.store import Store
from tests.support.ui import answered_case
from tests.ui.test_lock import unlock_with
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


def named(face: QAccessibleInterface | None, text: str, depth: int = 0) -> list[int]:
    """The ids of the interfaces under ``face`` that say ``text``: what a screen reader (or any program on the
    accessibility bus) keeps to come back to an object, by its id, without walking the tree again."""
    if face is None or not face.isValid() or depth > 60:
        return []
    kinds = (QAccessible.Text.Name, QAccessible.Text.Description, QAccessible.Text.Value)
    found = [QAccessible.uniqueId(face)] if any(text in face.text(kind) for kind in kinds) else []
    for number in range(face.childCount()):
        found += named(face.child(number), text, depth + 1)
    return found


def said_by_id(ids: list[int]) -> str:
    faces = [QAccessible.accessibleInterface(face_id) for face_id in ids]
    return "\n".join("\n".join(words(face)) for face in faces if face is not None)


@pytest.mark.parametrize("where", ["worklist", "case page"])
def test_what_a_screen_reader_kept_before_the_lock_is_not_read_by_its_id_under_it(
    qtbot: Any, store: Store, window: MainWindow, where: str
) -> None:
    """A screen reader keeps the objects it has met by their id (AT-SPI's object paths, UI Automation's
    runtime ids) and asks them again without walking from the window: a row of the worklist met before the
    lock still said its patient under it, the page stack's children hidden or not."""
    case_id = answered_case(store)
    window.worklist.refresh()
    if where == "case page":
        window.open_case(case_id)
    ids = named(QAccessible.queryAccessibleInterface(window), "MARTIN")
    assert ids and "MARTIN" in said_by_id(ids)

    window.lock()

    assert "MARTIN" not in said_by_id(ids)

    unlock(qtbot, window)
    assert "MARTIN Paul" in readable(window)  # met again from the window once unlocked


def test_a_screen_reader_reads_each_page_shown_across_locks(qtbot: Any, store: Store, window: MainWindow) -> None:
    """Unlocked, the GP who reads with a screen reader reads the page shown, whichever it is, after pages
    switched and the window locked and unlocked more than once."""
    case_id = answered_case(store)
    window.worklist.refresh()
    for _cycle in range(2):
        window.open_case(case_id)
        assert CONCLUSION in readable(window)
        window.show_worklist()
        assert "MARTIN Paul" in readable(window) and CONCLUSION not in readable(window)
        window.lock()
        assert "MARTIN" not in readable(window)
        unlock(qtbot, window)
        assert "MARTIN Paul" in readable(window)
    window.open_case(case_id)
    assert CONCLUSION in readable(window)


def test_a_question_answered_before_the_lock_is_not_read_under_it(qtbot: Any, store: Store, window: MainWindow) -> None:
    """« Quitter » with her words still in their box asks first, naming the patient (« MARTIN Paul, dossier… »).
    Answered « Revenir à vos saisies », the question was only hidden: a window of the application's still,
    which a screen reader walks from its top, the patient's name in it, under the lock."""
    case_id = answered_case(store)
    window.open_case(case_id)
    box = KeptTyping(
        case_id, "Le dossier est parti pendant que vous tapiez.", "Vue ce matin.", reply=False, parent=window
    )
    window._show_kept_typing(box)
    qtbot.waitExposed(box)

    def back_to_her_words() -> None:
        asked = QApplication.activeModalWidget()
        assert asked is not None and "MARTIN Paul" in asked.findChild(QLabel, "qt_msgbox_label").text()
        asked.reject()

    QTimer.singleShot(0, back_to_her_words)
    window.quit_asked()
    assert not window._closed

    window.lock()

    assert "MARTIN" not in ours(*QApplication.topLevelWidgets())


def test_a_window_never_drawn_locked_later_gives_the_screen_reader_its_lock_screen_only(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """A window no frame ever comes to (shown where nothing draws it) does what waits for its first frame a
    second after its start all the same (ui/main_window.py): locked later, its pages were there for a screen
    reader to walk, the page stack given its page shown only at a lock after a first frame."""
    from ui import main_window

    answered_case(store)
    store.settings.set("lock.minutes", 5)
    window = MainWindow(store)  # not shown: nothing draws it
    qtbot.addWidget(window)
    try:
        window.start()
        qtbot.waitUntil(lambda: window.notifier._tray_shown, timeout=3 * main_window.ICON_AT_LATEST_MS)
        window.worklist.refresh()
        assert "MARTIN Paul" in readable(window)

        window.lock()

        assert "Teleavis est verrouillé" in readable(window)
        assert "MARTIN" not in readable(window)
    finally:
        window.shutdown()


def test_her_words_come_back_only_with_the_right_passphrase(qtbot: Any, store: Store, window: MainWindow) -> None:
    """Under the lock a wrong passphrase brings nothing back (neither her box nor her words); the right one
    brings back both, whole, and the box is put away and brought back as often as the window locks."""
    case_id = answered_case(store)
    window.open_case(case_id)
    typed = "Mme MARTIN Paul : saigne depuis hier\nà revoir demain"
    box = KeptTyping(case_id, "Le dossier est parti pendant que vous tapiez.", typed, reply=False, parent=window)
    window._show_kept_typing(box)
    qtbot.waitExposed(box)
    for _cycle in range(2):
        window.lock()
        window.lock()  # (locked already: nothing more)
        unlock_with(qtbot, window, "pas le bon code")
        qtbot.wait(50)
        assert window.locked() and not box.isVisible()
        assert "saigne" not in ours(window, box)
        unlock(qtbot, window)
        qtbot.waitUntil(box.isVisible)
        assert box.typed.toPlainText() == typed
