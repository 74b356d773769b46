"""An expert's question page has « Marquer comme non lu », as the answer page has: found by testers, a nurse who
read the expert's question could not leave it « à lire » for the doctor. The same read/unread state: the case
goes back to bold in the list, counted, until it is opened again."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.model import CaseState
from app.store import Store
from tests.support.ui import activate, open_from_list
from tests.ui.test_answer_read import LOOP_MS
from ui.main_window import MainWindow


def test_an_experts_question_read_can_be_put_back_to_read(qtbot: Any, store: Store, sync_runner: None) -> None:
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
    window.start()
    window.open_case(case_id)
    follow = window.case_page.follow
    assert follow.question_box.isVisible() and not follow.answer_box.isVisible()
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    button = follow.keep_question_unread
    assert button.isVisible() and button.text() == "Marquer comme non lu"
    qtbot.waitUntil(button.isEnabled, timeout=LOOP_MS)
    assert follow.question_box.isAncestorOf(button)

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 1, timeout=LOOP_MS)
    assert not button.isEnabled()
    qtbot.waitUntil(lambda: window.notifier.unread == 1, timeout=LOOP_MS)
    window.show_worklist()
    window.refresh_status()
    window.worklist.set_filter("all")
    model = window.worklist.model
    row = model.row_of(case_id)
    assert model.summary(row).unread and "à lire" in model.data(model.index(row, model.STATE))
    assert window.windowTitle() == "(1) Teleavis"

    open_from_list(qtbot, window, case_id)  # the doctor opens it: read
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.shutdown()
