"""The consent's date, filled in with today's when the consent is ticked, then typed by the nurse: what
she types takes the place of the date filled in for her (it was added to it: « 05/12/202604/12/2026 »)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from app import clock
from app.store import Store
from tests.support.ui import activate, pick
from tests.ui.test_case_page import new_case
from ui.main_window import MainWindow


@pytest.mark.parametrize("reach", ["click", "tab"])
def test_a_date_typed_over_the_one_filled_in_replaces_it(
    qtbot: Any, store: Store, sync_runner: None, reach: str
) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    page = new_case(qtbot, window)
    field = page.editor.consent_date
    today = clock.today()
    assert field.text() == today.strftime("%d/%m/%Y")
    if reach == "click":  # at the end of the date, where a click after its last figure puts the cursor
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(field.width() - 5, field.height() // 2))
    else:
        field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.wait(20)
    yesterday = (today - timedelta(days=1)).strftime("%d/%m/%Y")
    qtbot.keyClicks(field, yesterday)
    assert field.text() == yesterday
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert page.case.consent.date == (today - timedelta(days=1)).isoformat()


def test_a_date_the_nurse_typed_herself_is_edited_where_she_types(qtbot: Any, store: Store, sync_runner: None) -> None:
    """Her own date is hers to correct: a figure typed after it is added, as in any field."""
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    page = new_case(qtbot, window)
    field = page.editor.consent_date
    field.setFocus(Qt.FocusReason.TabFocusReason)
    field.selectAll()
    qtbot.keyClicks(field, "01/12/202")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    field.setFocus(Qt.FocusReason.MouseFocusReason)
    field.end(False)
    qtbot.keyClicks(field, "6")
    assert field.text() == "01/12/2026"


def test_a_date_typed_over_the_identity_checks_filled_in_replaces_it(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """The date of the identity's check, filled in with today's when the document is chosen, is typed over
    the same way (it was added to it: « 05/12/202605/12/2026 », refused as invalid)."""
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    page = new_case(qtbot, window)
    editor = page.editor
    pick(qtbot, editor.identity_status, "qualified")
    pick(qtbot, editor.identity_document, "CS")
    field = editor.identity_checked_on
    today = clock.today()
    assert field.text() == today.strftime("%d/%m/%Y")
    editor.scroll_area.ensureWidgetVisible(field)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(field.width() - 5, field.height() // 2))
    qtbot.wait(20)
    yesterday = (today - timedelta(days=1)).strftime("%d/%m/%Y")
    qtbot.keyClicks(field, yesterday)
    assert field.text() == yesterday
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert page.case.patient.identity_checked_on == (today - timedelta(days=1)).isoformat()
