"""An expert's answer (or question) that arrives while the nurse fills in the next patient's case is said in
the window itself (found at the telemedicine cart).

The cart's desktop has no system tray (GNOME's has none unless an extension adds it): the notification
went nowhere, the window's alert only asked the taskbar for attention, and the title's « (1) Teleavis »
sat above a window she was typing in. Nothing in front of her said the expert had answered, or asked a
question, about the patient she had just sent. The status bar now says it as long as a case waits to be
read, « ● 1 dossier à lire », in every page; a click on it brings the list, where the case is in bold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from app.model import CaseState
from app.store import Store
from tests.support.ui import complete_case, open_from_list
from tests.ui.test_answer_read import LOOP_MS, case_open


def _said_in_the_status_bar(window: Any) -> list[Any]:
    """The visible words of the status bar that tell of a case to read."""
    widgets = window.statusBar().findChildren(QLabel) + window.statusBar().findChildren(QAbstractButton)
    return [w for w in widgets if w.isVisible() and "à lire" in w.text()]


def test_an_answer_arriving_while_she_fills_in_the_next_case_is_said_in_the_window(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from PySide6.QtWidgets import QSystemTrayIcon

    case_id = complete_case(store, tmp_path / "case")
    window = case_open(qtbot, store, case_id)
    assert not QSystemTrayIcon.isSystemTrayAvailable(), "as at the cart: no tray to show the notification"
    page = window.case_page
    qtbot.keyClick(page.editor.question, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not page.editing(), timeout=LOOP_MS)
    assert not _said_in_the_status_bar(window), "nothing to read yet"

    # The next patient: a new case, the nurse typing in it.
    window.new_case()
    assert window.case_page.editing() and window.case_page.case.id != case_id
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.ANSWERED, timeout=LOOP_MS)
    qtbot.waitUntil(lambda: any(title == "Réponse de l'expert" for title, _ in window.notifier.shown), timeout=LOOP_MS)
    window.refresh_status()

    (said,) = _said_in_the_status_bar(window)
    assert said.text().startswith("● 1 dossier") and said.text().endswith("à lire"), said.text()
    assert window.case_page.editing(), "her new case is still in front of her"
    # Made when there is a case to read (not at start), in its place: after the connection's words, left of the
    # counters.
    qtbot.waitUntil(lambda: said.x() > 0, timeout=LOOP_MS)
    assert window.connection_label.x() < said.x() < window.waiting_label.x() < window.last_sync_label.x()

    # A click on it: the list, the answered case in it.
    assert isinstance(said, QAbstractButton)
    qtbot.mouseClick(said, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.worklist
    assert window.worklist.model.row_of(case_id) >= 0, "the answered case is in the list she is shown"

    # Opened, the answer read: it is said no more.
    open_from_list(qtbot, window, case_id)
    qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=LOOP_MS)
    window.refresh_status()
    assert not _said_in_the_status_bar(window)
    window.shutdown()


def test_a_click_on_the_news_shows_the_case_to_read_whatever_filter_the_list_was_on(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found at the cart: back on the list under « À traiter » (where the expert's question had been), the
    answer came; « ● 1 dossier à lire » clicked showed that same filter, empty (« Aucun dossier dans
    « À traiter » »): the answer she was told of was nowhere in front of her. The click now shows a filter
    where every case to read is, the case in it."""
    case_id = complete_case(store, tmp_path / "case")
    window = case_open(qtbot, store, case_id)
    page = window.case_page
    qtbot.keyClick(page.editor.question, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not page.editing(), timeout=LOOP_MS)
    window.show_worklist()
    window.worklist.set_filter("attention")  # « À traiter », as she had left it
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.ANSWERED, timeout=LOOP_MS)
    qtbot.waitUntil(lambda: any(title == "Réponse de l'expert" for title, _ in window.notifier.shown), timeout=LOOP_MS)
    window.refresh_status()

    (said,) = _said_in_the_status_bar(window)
    assert isinstance(said, QAbstractButton)
    qtbot.mouseClick(said, Qt.MouseButton.LeftButton)
    worklist = window.worklist
    assert window.pages.currentWidget() is worklist
    row = worklist.model.row_of(case_id)
    assert row >= 0, f"the case to read is not in the list shown (filter {worklist.current_filter()!r})"
    assert worklist.model.summary(row).unread
    assert worklist.selected_id() == case_id, "the case to read is the one selected: Enter opens it"
    window.shutdown()


def test_a_click_on_the_news_shows_a_case_to_read_lying_below_the_first_page(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found in review: the list loads 100 rows at a time, newest change first, and the click looked for the
    case to read among the rows loaded only. A case withdrawn by the platform weeks ago and never opened, a
    hundred cases changed since: « ● 1 dossier à lire » clicked showed « Tous », nothing selected, the case
    she was told of out of sight. The rows are now read down to it."""
    from app.model import Case, Patient
    from ui.main_window import MainWindow
    from ui.worklist import PAGE

    old = store.create_case(Case(patient=Patient(family="Ancien", given=["Paul"], birth_date="1950-02-03")), [])
    for n in range(PAGE + 20):
        store.create_case(Case(patient=Patient(family=f"Patient{n}", given=["X"], birth_date="1960-01-01")), [])
    store.conn.execute(
        "UPDATE cases SET state = 'cancelled', unread = 1, updated_at = '2020-01-01T00:00:00Z' WHERE id = ?", (old,)
    )
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.show_worklist()
    window.worklist.set_filter("to-finish")
    window.refresh_status()
    (said,) = _said_in_the_status_bar(window)
    assert isinstance(said, QAbstractButton)
    qtbot.mouseClick(said, Qt.MouseButton.LeftButton)
    worklist = window.worklist
    assert worklist.current_filter() == "all"
    assert worklist.selected_id() == old, "the case to read is the one selected: Enter opens it"
    shown = worklist.table.visualRect(worklist.model.index(worklist.model.row_of(old), 0))
    assert worklist.table.viewport().rect().intersects(shown), "the case to read is scrolled into sight"
    window.shutdown()
