"""What a screen reader reads of the window (NVDA, Orca): each control a person reaches by Tab says
what it is, in French, through Qt's accessibility interface (QAccessibleInterface), not only on screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractScrollArea, QComboBox, QWidget

from tests.support.french import fr_spaced
from tests.support.ui import activate

#: Containers a reader walks through rather than stops on.
_NOT_CONTROLS = ("QScrollArea",)


def unnamed(root: QWidget) -> list[str]:
    """The visible controls under ``root`` that Tab reaches and that a screen reader names with nothing."""
    found = []
    for widget in root.findChildren(QWidget):
        tab = widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value
        if not widget.isVisibleTo(root) or not tab:
            continue
        if type(widget).__name__ in _NOT_CONTROLS:
            continue
        if isinstance(widget, QAbstractScrollArea) and widget.parent() and isinstance(widget.parent(), QComboBox):
            continue
        face = QAccessible.queryAccessibleInterface(widget)
        assert face is not None
        if isinstance(widget, QComboBox):
            # On Linux Qt names a combo box by its value and gives its label as a relation (Orca reads it);
            # on Windows by its name (NVDA): either, as long as one says what the list is for.
            labels = [other for other, kind in face.relations() if kind == QAccessible.RelationFlag.Label]
            if widget.accessibleName() or labels:
                continue
        if not face.text(QAccessible.Text.Name).strip():
            found.append(f"{type(widget).__name__} {widget.toolTip() or widget.property('placeholderText')!r}")
    return found


def test_worklist_and_new_case_controls_each_have_a_name(qtbot: Any, window: Any) -> None:
    activate(qtbot, window)
    window.start()
    assert unnamed(window.worklist) == []
    search = QAccessible.queryAccessibleInterface(window.worklist.search)
    assert search.text(QAccessible.Text.Name) == "Rechercher un dossier"
    table = QAccessible.queryAccessibleInterface(window.worklist.table)
    assert table.text(QAccessible.Text.Name) == "Liste des dossiers"

    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.case_page
    assert unnamed(page) == []
    editor = page.editor
    names = {
        field: QAccessible.queryAccessibleInterface(field).text(QAccessible.Text.Name)
        for field in (editor.consent_date, editor.family, editor.birth_date, editor.ins, editor.question)
    }
    assert list(names.values()) == [
        "Date du consentement",
        "Nom de naissance",
        "Date de naissance",
        "Matricule INS",
        "Question",
    ]


def test_an_answer_and_a_refused_send_are_said_to_the_screen_reader(qtbot: Any, window: Any) -> None:
    """The tray's notification is not read where there is no tray: the reader hears it all the same, a
    refusal at once (it interrupts), an answer in its turn."""
    from ui.widgets import SAID

    SAID.clear()
    window.sync.case_state.emit("0123456789abcdef", "answered", "")
    qtbot.waitUntil(lambda: len(window.notifier.shown) == 1, timeout=30_000)
    assert list(SAID) == [(fr_spaced("Réponse de l'expert : Le dossier 01234567 a reçu sa réponse."), False)]
    window.sync.case_state.emit("0123456789abcdef", "needs-attention", "Refus : motif de la plateforme")
    qtbot.waitUntil(lambda: len(window.notifier.shown) == 2, timeout=30_000)
    assert SAID[-1] == ("Le dossier 01234567 demande votre attention.", True)


def tab_through(qtbot: Any, start: QWidget, stops: int) -> list[QWidget]:
    """The widgets Tab stops on from ``start``, as a keyboard user meets them."""
    from PySide6.QtWidgets import QApplication

    start.setFocus()
    met: list[QWidget] = []
    for _ in range(stops):
        focused = QApplication.focusWidget()
        assert focused is not None
        met.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    return met


def test_the_expert_s_answer_is_reached_by_tab_and_read(qtbot: Any, window: Any, store: Any) -> None:
    """Keyboard only, a screen reader in focus mode: Tab stops on the answer, which says its words."""
    from tests.support.ui import answered_case

    case_id = answered_case(store)
    activate(qtbot, window)
    window.start()
    window.open_case(case_id)
    view = window.case_page.follow
    assert view.conclusion.isVisible() and view.conclusion.text()
    met = tab_through(qtbot, view, 12)
    assert view.conclusion in met, [type(w).__name__ for w in met]
    assert met.index(view.conclusion) < met.index(view.keep_unread), "the answer before what to do with it"
    face = QAccessible.queryAccessibleInterface(view.conclusion)
    assert face.text(QAccessible.Text.Name) == view.conclusion.text()


def test_the_lock_the_settings_and_the_diagnostic_name_their_fields(qtbot: Any, store: Any) -> None:
    from ui.diagnostic_dialog import DiagnosticDialog
    from ui.lock import LockScreen
    from ui.settings_dialog import SettingsDialog

    for widget in (LockScreen(store), SettingsDialog(store), DiagnosticDialog()):
        qtbot.addWidget(widget)
        widget.show()
        assert unnamed(widget) == [], type(widget).__name__
        widget.close()


def test_a_wrong_code_at_the_lock_is_said_at_once(qtbot: Any, store: Any) -> None:
    """The field is emptied and the words appear under it: a nurse who does not see them hears them."""
    from app import screen_lock
    from tests.support.ui import type_text
    from ui.lock import LockScreen
    from ui.widgets import SAID

    screen_lock.set_pin(store, "4821")
    lock = LockScreen(store)
    qtbot.addWidget(lock)
    lock.show()
    lock.reset()
    SAID.clear()
    type_text(lock.secret, "0000")
    qtbot.keyClick(lock.secret, Qt.Key.Key_Return)
    # Found by a nurse's day: « incorrect » and nothing to do next. It says what to do: type it again,
    # minding the capitals.
    wrong = fr_spaced("Ce n'est pas le bon code ou la bonne phrase secrète : retapez-le, en vérifiant les majuscules.")
    assert lock.problem.text() == wrong
    assert list(SAID) == [(wrong, True)]


def test_the_expert_s_question_is_answered_by_keyboard_alone(qtbot: Any, store: Any, sync_runner: None) -> None:
    """The question, the reply field and its button are met by Tab in that order, each named."""
    from tests.ui.test_reply_refused import asked

    with asked(qtbot, store, answer_after_s=0.0) as (_sandbox, _engine, _case_id, view):
        activate(qtbot, view)
        assert unnamed(view) == []
        met = tab_through(qtbot, view, 25)
        assert view.reply in met and view.send_reply in met, [type(w).__name__ for w in met]
        assert met.index(view.conversation) < met.index(view.reply) < met.index(view.send_reply)
        face = QAccessible.queryAccessibleInterface(view.reply)
        assert face.text(QAccessible.Text.Name) == "Votre réponse à l'expert"


def test_a_send_refused_by_the_checklist_and_a_send_queued_are_said(
    qtbot: Any, store: Any, tmp_path: Any, sync_runner: None
) -> None:
    """Ctrl+Entrée on a case: why it did not leave is said at once; once it leaves, its new state."""
    from tests.support.ui import complete_case
    from ui.main_window import MainWindow
    from ui.widgets import SAID

    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    window.start()
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.case_page
    SAID.clear()
    qtbot.keyClick(page.editor.consent_given, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert SAID and SAID[-1][1] is True and SAID[-1][0].startswith(fr_spaced("Pas encore envoyé : complétez")), list(
        SAID
    )

    case_id = complete_case(store, tmp_path / "case")
    window.open_case(case_id)
    SAID.clear()
    qtbot.keyClick(page.editor.question, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not page.editing(), timeout=30_000)
    said = [words for words, _urgent in SAID]
    assert said[0] == "Envoi demandé…"
    assert said[-1].startswith(fr_spaced("État : ")) and "attente d'envoi" in said[-1], said
    window.shutdown()


def test_a_field_in_error_says_its_problem_to_the_screen_reader(qtbot: Any, window: Any) -> None:
    """Its red border and the line under it are not read when the field gets the focus: its description is."""
    from tests.support.ui import type_text

    activate(qtbot, window)
    window.start()
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = window.case_page.editor
    qtbot.keyClick(editor.consent_given, Qt.Key.Key_Space)
    editor.consent_date.setFocus()
    editor.consent_date.selectAll()
    type_text(editor.consent_date, "31/02/2020")
    editor.family.setFocus()
    qtbot.waitUntil(lambda: editor.problems["consent.date"].isVisible(), timeout=10_000)
    face = QAccessible.queryAccessibleInterface(editor.consent_date)
    assert face.text(QAccessible.Text.Name) == "Date du consentement"
    assert face.text(QAccessible.Text.Description) == editor.problems["consent.date"].text() != ""

    editor.consent_date.setFocus()
    editor.consent_date.selectAll()
    type_text(editor.consent_date, "02/02/2020")
    editor.family.setFocus()
    qtbot.waitUntil(lambda: not editor.problems["consent.date"].isVisible(), timeout=10_000)
    assert face.text(QAccessible.Text.Description) == "JJ/MM/AAAA", "its hint again, as before the mistake"


def test_tab_from_a_settings_tab_goes_to_its_first_field_not_to_a_blank_stop(qtbot: Any, store: Any) -> None:
    """Found with a keyboard only: in « Réglages », Tab from a tab's title stopped on the tab's scroll area,
    which shows nothing and which a screen reader names with nothing; the next Tab reached the first field."""
    from PySide6.QtWidgets import QApplication, QTabBar

    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    activate(qtbot, dialog)
    bar = dialog.findChild(QTabBar)
    assert bar is not None
    for index in range(bar.count()):
        bar.setCurrentIndex(index)
        bar.setFocus()
        qtbot.keyClick(bar, Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        assert type(focus).__name__ != "QScrollArea", f"tab {bar.tabText(index)!r}: a blank stop"
        face = QAccessible.queryAccessibleInterface(focus)
        assert face.text(QAccessible.Text.Name).strip() or isinstance(focus, QComboBox), bar.tabText(index)


def test_an_answer_said_to_the_screen_reader_in_english_reads_as_english(
    qtbot: Any, qapp: Any, store: Any, sync_runner: None
) -> None:
    """Found from outside (en39): the English window said "Expert's answer : Case 01234567 has received its
    answer." to the screen reader, the title joined to the text with the French " : "."""
    from ui.application import install_language
    from ui.main_window import MainWindow
    from ui.widgets import SAID

    install_language(qapp, "en")
    try:
        window = MainWindow(store)
        qtbot.addWidget(window)
        SAID.clear()
        window.sync.case_state.emit("0123456789abcdef", "answered", "")
        qtbot.waitUntil(lambda: len(window.notifier.shown) == 1, timeout=30_000)
        [(said, _urgent)] = list(SAID)
        title, text = window.notifier.shown[0]
        assert said == f"{title}: {text}", said
        window.shutdown()
    finally:
        install_language(qapp, "fr")
