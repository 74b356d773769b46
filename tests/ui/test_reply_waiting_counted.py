"""The status bar's « En attente d'envoi » counts a reply to the expert waiting to leave (found by an outside
tester playing a nurse: her reply said « en attente d'envoi » in the exchange while the bar under it said
« En attente d'envoi : 0 », as if nothing were left to send)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.model import CaseState
from app.store import Store
from tests.support.french import fr_spaced
from tests.support.ui import activate, open_from_list, sent_case, type_text
from ui.main_window import MainWindow


def test_a_reply_queued_is_counted_waiting_at_once(qtbot: Any, store: Store, sync_runner: None) -> None:
    asked = sent_case(store, then=(CaseState.ON_HOLD,))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    activate(qtbot, window)
    assert window.waiting_label.text() == fr_spaced("En attente d'envoi : 0")
    open_from_list(qtbot, window, asked)
    follow = window.case_page.follow
    follow.reply.setFocus()
    type_text(follow.reply, "Pas de dermatoscope ici.")
    qtbot.keyClick(follow.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "enregistrée" in follow.reply_saved.text()
    # Said as it is queued, not at the status bar's next look a while later.
    assert window.waiting_label.text() == fr_spaced("En attente d'envoi : 1")
    window.shutdown()
