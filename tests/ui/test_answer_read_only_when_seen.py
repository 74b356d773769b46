"""Found from outside: an expert's answer that arrived while the case page was open was marked read by
the Alt key of Alt+← as the nurse left the page (any key press counted as « she saw it »). A key or a
click that leaves the page (Alt+←, Ctrl+L, the « Liste des dossiers » button, the modifier alone) is
not a sign she read it; a key that acts on the page, a click or the wheel in it, or the answer left in
front of her for a moment after her input, are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from app.db import transaction
from app.model import Answer, CaseState
from app.outbox import Outbox
from app.store import Store
from tests.support.ui import activate, open_from_list, sent_case
from ui.follow_view import READ_AFTER_MS
from ui.main_window import MainWindow

LOOP_MS = 60_000


def news_arrives_on_screen(qtbot: Any, store: Store, *, question: bool = False) -> tuple[MainWindow, str]:
    """The sent case open in the active window; the expert's answer (or question) comes while it is on
    screen, as the sync worker brings it: shown, and waiting for a person."""
    case_id = sent_case(store, then=(CaseState.ON_HOLD,) if question else ())
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    window.start()
    open_from_list(qtbot, window, case_id)
    follow = window.case_page.follow
    with transaction(store.conn) as conn:
        if question:
            Outbox(store).add_expert_message(conn, case_id, "q1", "A-t-elle saigné ?", "2026-11-22T10:00:00+01:00")
        else:
            store.set_answer(
                conn, case_id, Answer(conclusion="Naevus bénin : surveillance simple.", expert="Hélène MOREAU")
            )
            store.transition(case_id, CaseState.ANSWERED, conn=conn)
        store.mark_news(conn, case_id)
    state = CaseState.ON_HOLD if question else CaseState.ANSWERED
    window.sync.case_state.emit(case_id, state.value, "")
    assert (follow.question_box if question else follow.answer_box).isVisible()
    qtbot.wait(100)  # laid out, the news brought into view
    assert store.platform_info(case_id)["unread"] == 1, "read with nobody at the keyboard"
    return window, case_id


def alt_left(qtbot: Any, window: MainWindow) -> None:
    """Alt goes down (the event loop turns, as between two keys of a person), then ← with it: the list."""
    target = window.case_page.follow.conclusion
    qtbot.keyPress(target, Qt.Key.Key_Alt)
    QApplication.processEvents()
    qtbot.keyClick(target, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyRelease(target, Qt.Key.Key_Alt)
    assert window.pages.currentWidget() is window.worklist


def ctrl_l(qtbot: Any, window: MainWindow) -> None:
    """Ctrl goes down, then L with it: the window locks."""
    target = window.case_page.follow.conclusion
    qtbot.keyPress(target, Qt.Key.Key_Control)
    QApplication.processEvents()
    qtbot.keyClick(target, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyRelease(target, Qt.Key.Key_Control)
    assert window.locked()


def back_button(qtbot: Any, window: MainWindow) -> None:
    """The button pressed, held a moment (the event loop turns), released: the list."""
    back = window.case_page.back
    qtbot.mousePress(back, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    qtbot.mouseRelease(back, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.worklist


@pytest.mark.parametrize("leave", [alt_left, ctrl_l, back_button], ids=["alt-left", "ctrl-l", "back-button"])
@pytest.mark.parametrize("question", [False, True], ids=["answer", "question"])
def test_news_arriving_on_screen_is_not_read_by_the_gesture_that_leaves_it(
    qtbot: Any, store: Store, sync_runner: None, leave: Callable[[Any, MainWindow], None], question: bool
) -> None:
    window, case_id = news_arrives_on_screen(qtbot, store, question=question)
    leave(qtbot, window)
    qtbot.wait(READ_AFTER_MS + 500)
    assert store.platform_info(case_id)["unread"] == 1, "read by the gesture that left it"
    window.refresh_status()
    assert window.windowTitle() == "(1) Teleavis" and window.notifier.unread == 1
    window.worklist.set_filter("all")
    model = window.worklist.model
    assert model.summary(model.row_of(case_id)).unread
    window.shutdown()


def test_the_modifier_alone_reads_only_if_the_answer_stays_in_front_of_her(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    window, case_id = news_arrives_on_screen(qtbot, store)
    qtbot.keyClick(window.case_page.follow.conclusion, Qt.Key.Key_Shift)
    QApplication.processEvents()
    assert store.platform_info(case_id)["unread"] == 1, "a modifier alone is not a sign she read it"
    # She stays, the answer in front of her: a moment later it is read.
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()


def _click(qtbot: Any, window: MainWindow) -> None:
    qtbot.mouseClick(window.case_page.follow.conclusion, Qt.MouseButton.LeftButton)


def _key(qtbot: Any, window: MainWindow) -> None:
    qtbot.keyClick(window.case_page.follow.conclusion, Qt.Key.Key_Down)


def _wheel(qtbot: Any, window: MainWindow) -> None:
    target = window.case_page.follow.conclusion
    at = target.rect().center()
    wheel = QWheelEvent(
        at,
        target.mapToGlobal(at),
        QPoint(),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(target, wheel)


@pytest.mark.parametrize("sign", [_click, _key, _wheel], ids=["click", "key", "wheel"])
def test_a_sign_in_the_page_reads_the_answer_in_view(
    qtbot: Any, store: Store, sync_runner: None, sign: Callable[[Any, MainWindow], None]
) -> None:
    window, case_id = news_arrives_on_screen(qtbot, store)
    sign(qtbot, window)
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()


def test_she_leaves_and_comes_back_within_the_moment_the_answer_is_read_on_opening(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Leaving does not lose the look for good: opened again from the list, it is read as any answer is."""
    window, case_id = news_arrives_on_screen(qtbot, store)
    alt_left(qtbot, window)
    open_from_list(qtbot, window, case_id)
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()


def _key_event(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier, text: str = "") -> Any:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    return QKeyEvent(QEvent.Type.KeyPress, key, modifiers, text)


def test_which_keys_act_on_the_page() -> None:
    from ui.follow_view import acts_on_page

    alt, ctrl = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier
    leaving = [
        _key_event(Qt.Key.Key_Alt, alt),  # the Alt of Alt+←
        _key_event(Qt.Key.Key_Alt),
        _key_event(Qt.Key.Key_Shift),
        _key_event(Qt.Key.Key_Control, ctrl),
        _key_event(Qt.Key.Key_Left, alt),
        _key_event(Qt.Key.Key_W, ctrl, "\x17"),
        _key_event(Qt.Key.Key_L, ctrl, "\x0c"),
        _key_event(Qt.Key.Key_Escape, text="\x1b"),
        _key_event(Qt.Key.Key_Tab, text="\t"),
        _key_event(Qt.Key.Key_F1),
        _key_event(Qt.Key.Key_CapsLock),
    ]
    assert not any(acts_on_page(event) for event in leaving)
    reading = [
        _key_event(Qt.Key.Key_Down),
        _key_event(Qt.Key.Key_PageDown),
        _key_event(Qt.Key.Key_Space, text=" "),
        _key_event(Qt.Key.Key_E, text="e"),
        _key_event(Qt.Key.Key_E, Qt.KeyboardModifier.ShiftModifier, "E"),
    ]
    assert all(acts_on_page(event) for event in reading)
