"""The status bar's « ● n dossier(s) à lire » in the window's tab order where it stands on screen: after the
connection's words, before the counters. Found by testers: made late (``MainWindow.news_button``, not on the
first frame), it was put last in the window's focus chain, after the counters and after the case page's
fields made before it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.store import Store
from tests.support.ui import complete_case, open_from_list


def _chain(window: QWidget) -> list[QWidget]:
    widgets: list[QWidget] = []
    widget = window.nextInFocusChain()
    while widget is not window and len(widgets) < 2000:
        widgets.append(widget)
        widget = widget.nextInFocusChain()
    return widgets


def test_the_news_button_follows_the_connection_words_in_the_tab_order(
    qtbot: Any, window: Any, store: Store, tmp_path: Path
) -> None:
    case_id = complete_case(store, tmp_path / "case")
    window.worklist.refresh()
    open_from_list(qtbot, window, case_id)  # the case page's fields are made before the button
    button = window.news_button
    chain = _chain(window)
    status = [w for w in chain if w is window.statusBar() or window.statusBar().isAncestorOf(w)]
    at = {id(w): n for n, w in enumerate(chain)}
    connection, counter = at[id(window.connection_label)], at[id(window.waiting_label)]
    assert connection < at[id(button)] < counter, [type(w).__name__ for w in status]
    # No field of the pages between the status bar's widgets: the bar is one stretch of the chain.
    between = chain[at[id(status[0])] : at[id(status[-1])]]
    assert not [w for w in between if window.pages.isAncestorOf(w)], [type(w).__name__ for w in between]
    # The words themselves still never take the focus (Tab does not stop on them).
    assert window.connection_label.focusPolicy() == Qt.FocusPolicy.NoFocus
