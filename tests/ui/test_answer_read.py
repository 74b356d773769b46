"""An expert's answer is marked read only once a person saw it: the answer on screen, in the active
window. An answer that arrives for a case the nurse left (or while another window is in front) stays
bold in the list, counted in the title and on the tray badge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.model import CaseState, ShownNews
from app.outbox import Outbox
from app.store import Store
from tests.conftest import PASSPHRASE
from tests.support.french import fr_spaced
from tests.support.ui import activate, complete_case, open_from_list, type_text
from ui.main_window import MainWindow

LOOP_MS = 60_000


def send_and_wait_for_answer(qtbot: Any, window: MainWindow, store: Store, case_id: str, *, back_to_list: bool) -> None:
    page = window.case_page
    assert page.editing()
    qtbot.keyClick(page.editor.question, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not page.editing(), timeout=LOOP_MS)
    if back_to_list:
        qtbot.keyClick(page.follow, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
        assert window.pages.currentWidget() is window.worklist
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.ANSWERED, timeout=LOOP_MS)
    # The window hears of it (the notification), and has had every chance to refresh its pages.
    qtbot.waitUntil(lambda: any(title == "Réponse de l'expert" for title, _ in window.notifier.shown), timeout=LOOP_MS)
    qtbot.wait(300)


def case_open(qtbot: Any, store: Store, case_id: str) -> MainWindow:
    """The window in front, started, the case opened from the list."""
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    window.start()
    open_from_list(qtbot, window, case_id)
    return window


def shown_unread(window: MainWindow, case_id: str) -> None:
    """The list, the title and the badge all say an answer waits to be read."""
    window.refresh_status()
    worklist = window.worklist
    worklist.set_filter("all")
    model = worklist.model
    row = model.row_of(case_id)
    assert model.summary(row).unread
    assert model.data(model.index(row, model.PATIENT), Qt.ItemDataRole.FontRole).bold()
    assert "à lire" in model.data(model.index(row, model.STATE))
    assert window.windowTitle() == "(1) Teleavis"
    assert window.notifier.unread == 1
    assert worklist.filter_buttons["answered"].text().endswith("(1)")


def test_an_answer_for_a_case_left_for_the_list_arrives_unread(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    case_id = complete_case(store, tmp_path / "case")
    window = case_open(qtbot, store, case_id)
    # Sent, then back to the list before the expert answers: the case page is hidden, not gone.
    send_and_wait_for_answer(qtbot, window, store, case_id, back_to_list=True)
    assert store.platform_info(case_id)["unread"] == 1, "a hidden page marked the answer read"
    shown_unread(window, case_id)

    # The nurse opens it: the answer is on screen in the active window, so now it is read.
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    assert page.follow.answer_box.isVisible() and page.follow.conclusion.text()
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    assert window.windowTitle() == "Teleavis" and window.notifier.unread == 0
    window.shutdown()


def test_an_answer_arriving_on_the_open_case_waits_for_a_person_at_the_keyboard(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found from outside: an answer arriving on the case left open, the window active, was marked read
    at once with nobody there (a screen locked by the system, or a screensaver, leaves the window
    active): the badge and the bold line were gone before anyone looked."""
    case_id = complete_case(store, tmp_path / "case")
    window = case_open(qtbot, store, case_id)
    send_and_wait_for_answer(qtbot, window, store, case_id, back_to_list=False)
    page = window.case_page
    assert page.follow.answer_box.isVisible() and window.isActiveWindow()
    assert store.platform_info(case_id)["unread"] == 1, "read with nobody at the keyboard"
    shown_unread(window, case_id)

    # Someone touches the keyboard (or the mouse) in the window: the answer is in front of them.
    qtbot.keyClick(page.follow.conclusion, Qt.Key.Key_Shift)
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()


def test_an_answer_shown_while_another_window_is_in_front_is_read_only_when_the_window_is_back(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    case_id = complete_case(store, tmp_path / "case")
    window = case_open(qtbot, store, case_id)
    page = window.case_page
    # Another program comes to the front while the case waits, its page still showing.
    other = QWidget()
    qtbot.addWidget(other)
    other.resize(300, 200)
    qtbot.keyClick(page.editor.question, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not page.editing(), timeout=LOOP_MS)
    activate(qtbot, other)
    assert not window.isActiveWindow()
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.ANSWERED, timeout=LOOP_MS)
    qtbot.waitUntil(lambda: any(title == "Réponse de l'expert" for title, _ in window.notifier.shown), timeout=LOOP_MS)
    qtbot.wait(300)
    assert page.follow.answer_box.isVisible(), "the page shows the answer, but nobody is looking"
    assert store.platform_info(case_id)["unread"] == 1
    window.refresh_status()
    assert window.windowTitle() == "(1) Teleavis" and window.notifier.unread == 1

    # The nurse comes back to the window: the answer is in front of her, it is read.
    activate(qtbot, window)
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    assert window.windowTitle() == "Teleavis" and window.notifier.unread == 0
    window.shutdown()


def test_an_answer_that_arrives_under_the_lock_waits_for_the_unlock(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    case_id = complete_case(store, tmp_path / "case")
    window = case_open(qtbot, store, case_id)
    page = window.case_page
    qtbot.keyClick(page.editor.question, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not page.editing(), timeout=LOOP_MS)
    qtbot.keyClick(page.follow, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked()
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.ANSWERED, timeout=LOOP_MS)
    qtbot.waitUntil(lambda: any(title == "Réponse de l'expert" for title, _ in window.notifier.shown), timeout=LOOP_MS)
    qtbot.wait(300)
    assert store.platform_info(case_id)["unread"] == 1, "the answer was marked read behind the lock screen"
    field = window.lock_screen.secret
    field.setFocus()
    type_text(field, PASSPHRASE)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert not window.locked()
    assert page.follow.answer_box.isVisible()
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()


def _shown(store: Store, case_id: str) -> ShownNews:
    """What the follow view puts on screen of the case, as it reads it."""
    return ShownNews.of(store.state(case_id), store.answer(case_id), Outbox(store).messages(case_id))


def test_the_read_mark_is_for_the_answer_shown_not_one_stored_since(store: Store) -> None:
    """The window marks read from the writer thread, a moment after the answer was shown: an amended
    answer stored in that moment was never seen, so it stays unread."""
    from dataclasses import replace

    from app.db import transaction
    from tests.support.ui import answered_case

    case_id = answered_case(store)
    shown = _shown(store, case_id)
    assert shown.answer is not None
    amended = replace(shown.answer, conclusion="Compte rendu corrigé : surveillance simple.", amended=True)
    with transaction(store.conn) as conn:
        store.set_answer(conn, case_id, amended, event="amended")
    assert store.mark_read(case_id, seen=shown) is False
    assert store.platform_info(case_id)["unread"] == 1
    assert store.mark_read(case_id, seen=_shown(store, case_id)) is True
    assert store.platform_info(case_id)["unread"] == 0


def test_a_question_or_a_withdrawal_stored_after_the_display_stays_unread(store: Store) -> None:
    """Found from outside: only the answer was compared, so an expert's question (or the case taken
    back) stored between the display and the read mark was marked read with it, never seen."""
    from app.db import transaction
    from tests.support.ui import answered_case

    case_id = answered_case(store)
    shown = _shown(store, case_id)
    with transaction(store.conn) as conn:
        assert Outbox(store).add_expert_message(conn, case_id, "com-1", "Pouvez-vous photographier le dos ?", "")
    assert store.mark_read(case_id, seen=shown) is False
    assert store.platform_info(case_id)["unread"] == 1
    shown = _shown(store, case_id)
    assert shown.questions
    assert store.mark_read(case_id, seen=shown) is True

    with transaction(store.conn) as conn:
        store.transition(case_id, CaseState.CANCELLED, detail="Task cancelled", conn=conn)
        store.mark_news(conn, case_id)
    assert store.mark_read(case_id, seen=shown) is False
    assert store.platform_info(case_id)["unread"] == 1
    assert store.mark_read(case_id, seen=_shown(store, case_id)) is True


def test_an_experts_question_shown_on_screen_is_read(qtbot: Any, store: Store, sync_runner: None) -> None:
    """Found from outside: a question with no answer yet stayed unread once on screen (only the answer
    counted): the badge stayed lit after the reply, for good if the case was then cancelled."""
    from app.db import transaction
    from app.outbox import Outbox
    from tests.sync.sync_helpers import make_case

    case_id = make_case(store)
    for state in (CaseState.SENDING, CaseState.SENT, CaseState.ON_HOLD):
        store.transition(case_id, state)
    with transaction(store.conn) as conn:
        Outbox(store).add_expert_message(conn, case_id, "c1", "Depuis quand ?", "2026-11-21T10:00:00+01:00")
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    window.open_case(case_id)
    assert window.case_page.follow.question_box.isVisible()
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()


def test_a_case_read_can_be_put_back_to_read_for_a_colleague(qtbot: Any, store: Store, sync_runner: None) -> None:
    """A nurse reads the answer first and keeps it for the doctor: « Marquer comme non lu » puts it back
    in bold, counted, and it stays so while on screen, whatever she touches, until the case is opened
    again."""
    from tests.support.ui import answered_case

    case_id = answered_case(store)
    window = case_open(qtbot, store, case_id)
    follow = window.case_page.follow
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    assert follow.keep_unread.isVisible() and follow.keep_unread.isEnabled()

    qtbot.mouseClick(follow.keep_unread, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 1, timeout=LOOP_MS)
    assert not follow.keep_unread.isEnabled()
    qtbot.keyClick(follow.conclusion, Qt.Key.Key_Shift)  # she is still there: not read again for that
    follow.refresh()
    qtbot.wait(200)
    assert store.platform_info(case_id)["unread"] == 1
    qtbot.waitUntil(lambda: window.notifier.unread == 1, timeout=LOOP_MS)
    window.show_worklist()
    shown_unread(window, case_id)

    open_from_list(qtbot, window, case_id)  # the doctor opens it: read
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()


def test_only_a_case_with_news_can_be_put_back_to_unread(store: Store) -> None:
    from tests.support.ui import answered_case

    draft = complete_case(store, Path(store.data_dir.parent / "draft-case"))
    assert store.mark_unread(draft) is False and store.platform_info(draft)["unread"] == 0
    case_id = answered_case(store)
    store.mark_read(case_id)
    assert store.mark_unread(case_id) is True and store.platform_info(case_id)["unread"] == 1


def _in_view(follow: Any, row: int) -> bool:
    """Whether the exchange's ``row`` shows on screen: inside its list's viewport and the column's."""
    viewport = follow.conversation.viewport()
    rect = follow.conversation.visualItemRect(follow.conversation.item(row))
    return bool(viewport.visibleRegion().intersected(rect).boundingRect().height() >= rect.height() > 0)


def test_a_second_question_arriving_out_of_view_is_brought_into_view_and_read_only_there(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found from outside: the nurse, the case on hold on screen, had scrolled down to its history when the
    expert's second question came; it landed at the end of the exchange, above, out of view, and her next
    key in the history marked it read. It is brought into view, and read only while it is in view."""
    from app.db import transaction
    from sync.follow import queue_reply
    from tests.support.ui import sent_case

    case_id = sent_case(store, then=(CaseState.ON_HOLD,))
    asked = "Pouvez-vous préciser l'évolution de la lésion sur trois mois, sa taille et sa couleur ? " * 5
    with transaction(store.conn) as conn:
        Outbox(store).add_expert_message(conn, case_id, "q1", asked, "2026-11-21T10:00:00+01:00")
    queue_reply(store, case_id, "Elle a grossi et foncé depuis trois mois, sans démangeaison. " * 6, [], [])
    window = case_open(qtbot, store, case_id)
    # A small laptop's window: the exchange, as tall as its messages, goes out of view as she scrolls down.
    window.resize(960, 600)
    follow = window.case_page.follow
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    qtbot.wait(100)  # the page laid out, its question brought into view
    bar = follow.column.verticalScrollBar()
    assert bar.maximum() > 0, "the column must scroll for this test"
    bar.setValue(bar.maximum())  # she reads the history, at the column's bottom
    qtbot.wait(50)

    with transaction(store.conn) as conn:  # as the sync worker does, on its own connection
        Outbox(store).add_expert_message(conn, case_id, "q2", "A-t-elle saigné ?", "2026-11-22T10:00:00+01:00")
        store.mark_news(conn, case_id)
    window.sync.case_state.emit(case_id, CaseState.ON_HOLD.value, "")
    newest = follow.conversation.count() - 1
    assert "A-t-elle saigné" in follow.conversation.item(newest).text()
    qtbot.waitUntil(lambda: _in_view(follow, newest), timeout=5_000)
    qtbot.wait(100)
    assert store.platform_info(case_id)["unread"] == 1, "read with nobody at the keyboard"

    bar.setValue(bar.maximum())  # she scrolls back down to the history before touching anything
    qtbot.waitUntil(lambda: not _in_view(follow, newest), timeout=5_000)
    qtbot.keyClick(follow.history, Qt.Key.Key_Down)
    qtbot.wait(300)
    assert store.platform_info(case_id)["unread"] == 1, "read while the question was out of view"

    bar.setValue(0)  # and up again: the question in front of her, her next key reads it
    qtbot.waitUntil(lambda: _in_view(follow, newest), timeout=5_000)
    qtbot.keyClick(follow.history, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()


def test_an_answer_withdrawn_by_a_change_of_state_is_brought_into_view_and_read_only_there(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found from outside: the request cancelled by the platform after its answer (the answer itself
    unchanged) made the case unread again, but the column stayed scrolled down where the nurse was
    reading: the red « do not rely on it » above the conclusion was out of view, and her next key marked
    it read. The column goes back to the answer, read only while its conclusion is in view."""
    from app.db import transaction
    from app.model import Answer
    from tests.support.ui import answered_case

    answer = Answer(
        conclusion="Lésion suspecte de carcinome basocellulaire superficiel : exérèse conseillée. " * 25,
        expert="Hélène MOREAU",
        issued="2026-11-23T10:00:00+01:00",
    )
    case_id = answered_case(store, answer=answer)
    window = case_open(qtbot, store, case_id)
    follow = window.case_page.follow
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    qtbot.wait(100)
    bar = follow.column.verticalScrollBar()
    assert bar.maximum() > 0, "the column must scroll for this test"
    bar.setValue(bar.maximum())  # she reads the history, at the column's bottom
    qtbot.wait(50)
    assert follow.status_warning.visibleRegion().isEmpty()

    with transaction(store.conn) as conn:  # as the sync worker does, on its own connection
        store.transition(case_id, CaseState.CANCELLED, detail="Task cancelled", conn=conn)
        store.mark_news(conn, case_id)
    window.sync.case_state.emit(case_id, CaseState.CANCELLED.value, "")
    qtbot.wait(100)
    assert follow.status_warning.text() and not follow.status_warning.visibleRegion().isEmpty()
    assert store.platform_info(case_id)["unread"] == 1, "read with nobody at the keyboard"

    bar.setValue(bar.maximum())  # she scrolls back down before touching anything
    qtbot.keyClick(follow.history, Qt.Key.Key_Down)
    qtbot.wait(300)
    assert store.platform_info(case_id)["unread"] == 1, "read while the warning was out of view"
    bar.setValue(0)
    qtbot.keyClick(follow.history, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()


def test_a_case_the_engine_moves_out_of_the_editor_with_its_answer_waits_for_a_person(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """The draft on screen in the editor, sent from elsewhere (``teleavis case send``) and answered before
    the window heard of its first move: the page turned to the answer as if the nurse had opened it, and
    marked it read at once, with nobody at the keyboard. It waits for a person's input, as any answer
    that comes while its case is on screen."""
    from app.db import transaction
    from app.model import Answer

    case_id = complete_case(store, tmp_path / "case")
    window = case_open(qtbot, store, case_id)
    page = window.case_page
    assert page.editing()
    store.queue(case_id)  # as the command line and the sync worker do, on their own connections
    for state in (CaseState.SENDING, CaseState.SENT):
        store.transition(case_id, state)
    with transaction(store.conn) as conn:
        store.set_answer(conn, case_id, Answer(conclusion="Naevus bénin : surveillance simple.", expert="H. MOREAU"))
        store.transition(case_id, CaseState.ANSWERED, conn=conn)
    window.sync.case_state.emit(case_id, CaseState.SENDING.value, "")  # its first move, heard late
    assert not page.editing() and page.follow.answer_box.isVisible()
    qtbot.wait(300)
    assert store.platform_info(case_id)["unread"] == 1, "read with nobody at the keyboard"
    shown_unread(window, case_id)

    qtbot.keyClick(page.follow.conclusion, Qt.Key.Key_Shift)
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()


DAMAGED_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n\x00\x01 cut on the way \x02\x03\n%%EOF\n"


@pytest.mark.parametrize("conclusion", ["", "Naevus bénin : surveillance simple."])
def test_an_answer_whose_report_is_damaged_says_so_and_is_read_only_if_something_of_it_is(
    qtbot: Any, store: Store, sync_runner: None, conclusion: str
) -> None:
    """Found from outside: an answer with no written conclusion and a PDF the viewer cannot open showed
    « voir le compte rendu » beside a grey page, nothing said, and opening it marked the case read: the
    answer left « à lire » (and retention archives what was read) though nobody could read a word of it."""
    from app.model import Answer
    from tests.support.ui import answered_case

    blob = store.objects.put(DAMAGED_PDF)
    answer = Answer(
        conclusion=conclusion,
        expert="Hélène MOREAU",
        issued="2026-11-23T10:00:00+01:00",
        pdf_blobs=[blob],
        files=[{"blob": blob, "content_type": "application/pdf", "title": "Compte rendu"}],
    )
    case_id = answered_case(store, answer=answer)
    window = case_open(qtbot, store, case_id)
    follow = window.case_page.follow
    assert follow.damaged.isVisible()
    assert "Le compte rendu joint par l'expert est endommagé" in follow.damaged.text()
    assert not follow.print_pdf.isEnabled()  # it would print blank pages
    if conclusion:  # the conclusion was in front of her: read, the damaged letter said
        qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
        assert fr_spaced("reste « à lire »") not in follow.damaged.text()
    else:
        assert fr_spaced("le dossier reste « à lire »") in follow.damaged.text()
        qtbot.keyClick(follow.conclusion, Qt.Key.Key_Shift)
        qtbot.wait(300)
        assert store.platform_info(case_id)["unread"] == 1, "read though nothing of it could be read"
        shown_unread(window, case_id)
    window.shutdown()


def test_an_answer_arriving_on_the_open_case_left_at_once_for_the_list_stays_to_read_until_opened(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Left alone last session: an answer on screen left with « ← Liste des dossiers » stays « à lire ». Looked
    at: that is when it arrived on the case left open and the first input after it is the click on that
    button, outside the page, no sign she read it (the rule: never read unless seen; the Alt of Alt+← once
    marked it read as she left). Kept so; opened again from the list, by her, it is read at once (it does not
    keep alerting once she has it in front of her)."""
    case_id = complete_case(store, tmp_path / "case")
    window = case_open(qtbot, store, case_id)
    send_and_wait_for_answer(qtbot, window, store, case_id, back_to_list=False)
    page = window.case_page
    assert page.follow.answer_box.isVisible() and store.platform_info(case_id)["unread"] == 1
    # Pressed, a moment, released, as a hand clicks (a click sent at once would leave no turn of the event loop
    # between the press and the page's change: a press on the button taken for reading would go unseen).
    qtbot.mousePress(page.back, Qt.MouseButton.LeftButton)
    qtbot.wait(100)
    assert store.platform_info(case_id)["unread"] == 1, "read by the press on « ← Liste »"
    qtbot.mouseRelease(page.back, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.worklist
    # (The look a moment after that input, READ_AFTER_MS, has come: the page was gone by then.)
    qtbot.waitUntil(lambda: not page.follow._still_there.isActive(), timeout=LOOP_MS)
    assert store.platform_info(case_id)["unread"] == 1
    shown_unread(window, case_id)
    open_from_list(qtbot, window, case_id)
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()
