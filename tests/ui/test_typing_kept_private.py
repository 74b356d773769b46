"""What the nurse types in the window is told to the system's input method as private, not to be learnt.

Found by an attacker's pass: every field (the patient's names, her INS, the question, the clinical summary, a
reply to the expert, the worklist's search) was an ordinary one to the input method. An input method that
learns what is typed to suggest it again (IBus's typing booster, an on-screen keyboard's prediction, Windows'
text suggestions) keeps the patients' names in its own files in the user's folder, in clear, and offers them to
whoever types the first letters in any other program: beyond the reach of Teleavis's encryption and of its
lock. Qt tells the input method a field is private by its hint ``ImhSensitiveData``: the test asks Qt what it
tells the input method of the field that has the focus, as the input method asks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.store import Store
from tests.support.ui import activate, complete_case, open_from_list
from tests.ui.test_answer_shown_whole import asked
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: Any, store: Store, sync_runner: None) -> Iterator[MainWindow]:
    made = MainWindow(store)
    qtbot.addWidget(made)
    made.start()
    activate(qtbot, made)
    qtbot.waitUntil(lambda: made.idle.watching, timeout=10_000)  # up: the key fetched, the lock watching
    yield made
    made.shutdown()


def told_private(qtbot: Any, field: QWidget) -> bool:
    """Whether the input method is told, of ``field`` given the focus, that what is typed there is private."""
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=10_000)
    hints = QGuiApplication.inputMethod().queryFocusObject(Qt.InputMethodQuery.ImHints, None)
    return bool(int(hints) & Qt.InputMethodHint.ImhSensitiveData.value)


def test_the_patients_words_are_private_to_the_input_method(
    qtbot: Any, store: Store, window: MainWindow, tmp_path: Path
) -> None:
    draft = complete_case(store, tmp_path)
    answered = asked(store, "Pouvez-vous reprendre la photo de près ?")
    window.worklist.refresh()
    qtbot.waitUntil(lambda: window.worklist.model.row_of(answered) >= 0, timeout=10_000)

    assert told_private(qtbot, window.worklist.search)  # a patient's name, to find her case

    open_from_list(qtbot, window, draft)
    editor = window.case_page.editor
    for field in (editor.family, editor.given, editor.ins, editor.local_id, editor.question, editor.summary):
        assert told_private(qtbot, field), field.placeholderText()

    window.show_worklist()
    open_from_list(qtbot, window, answered)
    reply = window.case_page.follow.reply
    qtbot.waitUntil(reply.isVisible, timeout=10_000)
    assert told_private(qtbot, reply)


def test_a_file_name_typed_in_a_file_dialog_is_private_to_the_input_method(
    qtbot: Any, store: Store, window: MainWindow, tmp_path: Path
) -> None:
    """The report saved under a name she types, often the patient's (« MARTIN_Paul_dermato »)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

    from ui import file_dialogs

    draft = complete_case(store, tmp_path)
    told: list[bool] = []

    def look(tries: int = 600) -> None:
        dialog = QApplication.activeModalWidget()
        edit = dialog.findChild(QLineEdit, "fileNameEdit") if isinstance(dialog, QFileDialog) else None
        if edit is not None and edit.hasFocus():
            hints = QGuiApplication.inputMethod().queryFocusObject(Qt.InputMethodQuery.ImHints, None)
            told.append(bool(int(hints) & Qt.InputMethodHint.ImhSensitiveData.value))
            dialog.reject()
        elif tries:
            QTimer.singleShot(20, lambda: look(tries - 1))

    file_dialogs._saved_in[:] = [tmp_path]
    try:
        QTimer.singleShot(0, look)
        window.export_report(draft)
    finally:
        file_dialogs._saved_in.clear()
    assert told == [True]
