"""News from the sync engine that comes under the lock waits for the unlock to reach the pages behind it.

Found in review (lock38): Qt tells a screen reader of every text that changes, in a widget hidden or not:
the AT-SPI bridge (Linux) sends the label's new name (« accessible-name ») and a text field's inserted
text (« text-changed:insert ») to every program listening on the accessibility bus, and UI Automation
(Windows) raises its name and text changes likewise. Seen under Xvfb with at-spi2-core: a QLabel in a
stack's hidden page, given « MARTIN Paul », was broadcast as is. The expert's answer arriving under the
lock refreshed the hidden case page, and went out so, with the patient's name, to whoever listened. It
now waits, as the worklist does, for the page to be back on screen.

A screen reader hears of a widget through the interface Qt makes for it: the lock let go of those of the
hidden pages (ui/reader_pages.py), so any event for one of their widgets under the lock makes Qt ask the
factories for a new one. The probe below is such a factory: it answers nothing and notes whom it was
asked for, with Qt's accessibility turned on as a screen reader turns it on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QLabel, QTextEdit, QWidget

from app.db import transaction
from app.model import Answer, CaseState
from app.store import Store
from tests.support.ui import activate, sent_case
from tests.ui.test_under_the_lock import made_window, unlock
from ui.main_window import MainWindow

CONCLUSION = "Naevus bénin de Mme ZORGLUB : surveillance simple."

#: The widgets Qt was asked an accessible interface for while the probe listens (None: not listening).
_asked: list[QWidget] | None = None
_probe_installed = False


def _probe(_key: str, thing: Any) -> QAccessibleInterface | None:
    if _asked is not None and isinstance(thing, QWidget):
        _asked.append(thing)
    return None


def listen() -> list[QWidget]:
    """From now on, Qt's accessibility on (as when a screen reader runs) and the widgets it makes an
    interface for, noted. (Only once the pages are built: a widget met while Qt builds it would be given
    its Python type of the moment, a bare QWidget, for good.)"""
    global _asked, _probe_installed
    if not _probe_installed:
        QAccessible.installFactory(_probe)  # (Qt has no way to remove one: it notes only when listening)
        _probe_installed = True
    _asked = []
    QAccessible.setActive(True)
    return _asked


@pytest.fixture
def quiet() -> Iterator[None]:
    """Qt's accessibility off again after the test."""
    global _asked
    try:
        yield
    finally:
        QAccessible.setActive(False)
        _asked = None


@pytest.fixture
def window(qtbot: Any, store: Store, sync_runner: None) -> Iterator[MainWindow]:
    made = made_window(qtbot, store)
    activate(qtbot, made)
    yield made
    made.shutdown()


def behind(window: MainWindow, widgets: list[QWidget]) -> list[str]:
    """Those of ``widgets`` in the pages hidden behind the lock screen, named by class and text."""
    pages = [window.pages.widget(n) for n in range(window.pages.count())]
    hidden = [page for page in pages if page is not None and page is not window.lock_screen]
    return [
        f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r}"[:120]
        for widget in widgets
        if any(page is widget or page.isAncestorOf(widget) for page in hidden)
    ]


def texts(page: QWidget) -> str:
    found = [label.text() for label in page.findChildren(QLabel)]
    found += [edit.toPlainText() for edit in page.findChildren(QTextEdit)]
    return "\n".join(found)


def answer_arrives(store: Store, window: MainWindow, case_id: str) -> None:
    """The expert's answer, stored and told as the sync worker does."""
    with transaction(store.conn) as conn:
        store.set_answer(conn, case_id, Answer(conclusion=CONCLUSION, expert="Hélène MOREAU"))
        store.transition(case_id, CaseState.ANSWERED, conn=conn)
        store.mark_news(conn, case_id)
    window.sync.case_state.emit(case_id, CaseState.ANSWERED.value, "")


def test_the_answer_arriving_under_the_lock_is_told_to_no_screen_reader_and_shown_once_unlocked(
    qtbot: Any, store: Store, window: MainWindow, quiet: None
) -> None:
    case_id = sent_case(store)
    window.open_case(case_id)
    page = window.case_page
    window.lock()
    asked = listen()

    answer_arrives(store, window, case_id)
    window._reachable(False)  # the platform lost meanwhile: the pages say it once unlocked
    qtbot.wait(50)

    assert behind(window, asked) == [], "a hidden page's widget told a screen reader of its change"
    assert CONCLUSION not in texts(page)

    unlock(qtbot, window)
    follow = page.follow
    assert window.pages.currentWidget() is page
    assert follow.answer_box.isVisible()
    assert CONCLUSION in follow.conclusion.text()
    # Not lost, and not read for her: shown as news on screen is, read at her next input on it.
    assert store.platform_info(case_id)["unread"] == 1
    assert page.offline and window.worklist.model.offline


def test_a_platform_lost_under_the_lock_is_said_in_the_list_once_unlocked(
    qtbot: Any, store: Store, window: MainWindow, quiet: None
) -> None:
    """The list's line under it names the patient of the selected case with its state: the state said
    « hors ligne » is news for the hidden list too."""
    sent_case(store)
    window.worklist.refresh()
    window.worklist.table.selectRow(0)
    window.lock()
    asked = listen()

    window._reachable(False)
    qtbot.wait(50)

    assert behind(window, asked) == [], "a hidden page's widget told a screen reader of its change"
    unlock(qtbot, window)
    assert window.worklist.model.offline
