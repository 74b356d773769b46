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


@pytest.fixture
def as_at_start(qapp: Any) -> None:
    """The application as a new process has it: no field yet told private (a window of an earlier test, in
    this shared application, had set its watch on the focus)."""
    import warnings

    from ui import private_typing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (« Failed to disconnect » where no earlier window had set it)
        while qapp.focusChanged.disconnect(private_typing._focused):
            pass
    qapp.setProperty(private_typing.WATCHING, None)


def test_the_first_start_wizard_s_fields_are_private_to_the_input_method(
    qtbot: Any, teleavis_home: Path, as_at_start: None
) -> None:
    """The wizard of a first start comes before the window: her own name, her RPPS, her structure's numbers."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    from ui import application
    from ui.setup_wizard import SetupWizard

    told: list[bool] = []

    def look(tries: int = 300) -> None:
        wizard = QApplication.activeModalWidget()
        if isinstance(wizard, SetupWizard) and wizard.isVisible():
            wizard.next()  # (past « Bienvenue »: her site's page)
            told.append(told_private(qtbot, wizard.site.family))
            wizard.reject()
        elif tries:
            QTimer.singleShot(20, lambda: look(tries - 1))
        elif isinstance(wizard, QDialog):
            wizard.reject()  # (never left waiting)

    QTimer.singleShot(0, look)
    with Store.open(teleavis_home) as store:
        assert application.open_first_window(store, []) is None  # (the wizard cancelled: no window)
    assert told == [True]


def test_the_watch_on_the_focus_is_set_once_however_many_windows_start(qapp: Any, as_at_start: None) -> None:
    """A window started again in the same process (as the tests do, each with its own) added a second call
    of the same mark at each change of focus, then a third..."""
    from PySide6.QtCore import SIGNAL

    from ui.private_typing import keep_typing_private

    before = qapp.receivers(SIGNAL("focusChanged(QWidget*,QWidget*)"))
    keep_typing_private(qapp)
    keep_typing_private(qapp)
    assert qapp.receivers(SIGNAL("focusChanged(QWidget*,QWidget*)")) == before + 1
