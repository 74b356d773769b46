"""Identity vigilance in the editor (issues 14.2, 16.4), driven with the keyboard as a nurse does."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import clock
from app.model import Case, Consent, Patient
from app.store import Store
from tests.support.french import fr_spaced
from tests.support.ui import pick, type_text
from ui.main_window import MainWindow


def _open_new(qtbot: Any, window: MainWindow) -> Any:
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.case_page
    editor = page.editor
    editor.consent_given.setFocus()
    qtbot.keyClick(editor.consent_given, Qt.Key.Key_Space)
    return page


def test_an_ins_that_contradicts_the_sex_or_birth_date_is_shown_as_typed(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    page = _open_new(qtbot, window)
    editor = page.editor
    type_text(editor.birth_date, "03/02/1950")
    pick(qtbot, editor.sex, "female")
    type_text(editor.ins, "150028512345615")  # a man born in February 1950
    problem = editor.problems["patient.ins"]
    assert problem.isVisible() and "un homme" in problem.text() and "Femme" in problem.text()
    assert editor.ins.property("invalid") is True
    assert any(f.code == "patient.ins.sex" and f.blocks_sending() for f in page.findings)
    pick(qtbot, editor.sex, "male")
    assert not problem.isVisible()
    editor.birth_date.selectAll()
    type_text(editor.birth_date, "03/12/1950")
    assert problem.isVisible() and "date de naissance" in problem.text()


def test_the_status_is_asked_with_the_document_and_the_ins_note_says_when_it_is_sent(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    page = _open_new(qtbot, window)
    editor = page.editor
    assert "qualifiée" in editor.ins_note.text()
    assert editor.identity_status.currentData() == "provisional"
    assert not editor.identity_document.isEnabled(), "no document for a provisional identity"
    type_text(editor.ins, "150028512345615")
    # Not qualified: the INS will not go, so the local id is asked for.
    assert any(f.code == "patient.local_id" for f in page.findings)
    pick(qtbot, editor.identity_status, "qualified")
    assert editor.identity_document.isEnabled() and editor.identity_checked_on.isEnabled()
    pick(qtbot, editor.identity_document, "CS")
    # The document chosen, the date of its check is offered (today), in the field under it.
    assert editor.identity_checked_on.text() == clock.today().strftime("%d/%m/%Y")
    assert not any(f.code == "patient.local_id" for f in page.findings)
    assert editor.flush()
    stored = store.get_case(page.case.id).patient
    assert (stored.identity_status, stored.identity_document) == ("qualified", "CS")
    assert stored.identity_checked_on


def test_a_status_alone_records_no_date_of_a_check(qtbot: Any, window: MainWindow, store: Store) -> None:
    """« Qualifiée » chosen while no document is: no date of a check nobody entered is filled or stored
    (a tester's finding); the checklist asks for the document and its date instead."""
    page = _open_new(qtbot, window)
    editor = page.editor
    pick(qtbot, editor.identity_status, "qualified")
    assert editor.identity_document.currentData() == ""
    assert editor.identity_checked_on.text() == "" and page.case.patient.identity_checked_on == ""
    finding = next(f for f in page.findings if f.code == "patient.identity_document.missing")
    # Made in the window, the list of documents in front of her: waited for (note 36), unlike a case file's ⚠.
    assert finding.blocks_sending(), "a case made in the window waits for the document checked"
    assert page.case.origin == "window"
    assert editor.flush()
    stored = store.get_case(page.case.id).patient
    assert (stored.identity_status, stored.identity_checked_on) == ("qualified", "")
    pick(qtbot, editor.identity_status, "validated")
    assert editor.identity_checked_on.text() == ""


def test_aucune_chosen_beside_a_status_that_rests_on_a_document_blocks_sending(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    """Found from outside: « Qualifiée » with « Pièce d'identité contrôlée : Aucune » was a mere ⚠ and the case
    went with its INS, though RNIV qualifies an identity only once INSi AND a high-trust ID document were
    checked: the INS of an identity not qualified identified the patient on the platform. « Aucune » is now an
    answer of its own, apart from the document not said yet (« — à préciser — », a warning for a case file
    without the key; waited for too in a case made in the window, note 36): chosen beside « Qualifiée » or
    « Validée », sending waits, the words under the field saying what to do (the document seen and its date,
    or the status « Récupérée » / « Provisoire »)."""
    page = _open_new(qtbot, window)
    editor = page.editor
    type_text(editor.ins, "150028512345615")
    pick(qtbot, editor.identity_status, "qualified")
    assert editor.identity_document.closed_text() == "— à préciser —"
    (not_said,) = [f for f in page.findings if f.field == "patient.identity_document"]
    assert not_said.blocks_sending(), "not said yet, in a case made in the window: waited for (note 36)"
    pick(qtbot, editor.identity_document, "none")
    assert editor.identity_document.closed_text() == "Aucune"
    assert editor.identity_checked_on.text() == "", "no date of a check that was not done"
    (none,) = [f for f in page.findings if f.field == "patient.identity_document"]
    assert none.blocks_sending() and "« Récupérée »" in none.message, none.message
    problem = editor.problems["patient.identity_document"]
    assert problem.isVisible() and "Choisissez la pièce vue" in problem.text(), problem.text()
    pick(qtbot, editor.identity_status, "validated")
    (none,) = [f for f in page.findings if f.field == "patient.identity_document"]
    assert none.blocks_sending() and "« Provisoire »" in none.message, none.message
    assert editor.flush()
    assert store.get_case(page.case.id).patient.identity_document == "none", "the answer is stored as such"
    window.show_worklist()
    window.open_case(page.case.id)
    page = window.case_page
    editor = page.editor
    assert editor.identity_document.currentData() == "none" and editor.identity_document.closed_text() == "Aucune"
    assert any(f.field == "patient.identity_document" and f.blocks_sending() for f in page.findings)
    pick(qtbot, editor.identity_status, "provisional")  # what was done: nothing asked of the document
    assert not any(f.field == "patient.identity_document" for f in page.findings)
    pick(qtbot, editor.identity_status, "qualified")
    pick(qtbot, editor.identity_document, "PA")
    assert not any(f.field == "patient.identity_document" for f in page.findings)
    assert editor.identity_checked_on.text() == clock.today().strftime("%d/%m/%Y")


def test_aucune_blocked_cannot_be_turned_back_into_not_said_to_send_the_ins(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    """Found in review: « — à préciser — » (not said, a warning) was a choice like any other. A nurse told that
    « Qualifiée » with « Aucune » cannot be sent went one step up the list, and the case went with its INS, a
    warning confirmed, though she had just said no document was seen. « — à préciser — » shows what an older
    case or a case file holds; the nurse, who saw the document or did not, cannot choose it."""
    page = _open_new(qtbot, window)
    editor = page.editor
    type_text(editor.ins, "150028512345615")
    pick(qtbot, editor.identity_status, "qualified")
    pick(qtbot, editor.identity_document, "none")
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Home, Qt.Key.Key_PageUp):
        qtbot.keyClick(editor.identity_document, key)
        assert editor.identity_document.currentData() == "none", key
    (none,) = [f for f in page.findings if f.field == "patient.identity_document"]
    assert none.blocks_sending(), none
    # Undone, the case holds again what it held: shown as such.
    editor.undo_stack.undo()
    assert editor.identity_document.currentData() == ""
    assert editor.identity_document.closed_text() == "— à préciser —"


def test_the_window_offers_the_document_not_said_none_and_the_high_trust_documents(window: MainWindow) -> None:
    """« — à préciser — » (not said: an older case, a case file without the key), « Aucune » (none checked),
    then the high-trust documents of the RNIV a case file takes (FR Core's codes); nothing else."""
    from app.model import IDENTITY_DOCUMENTS

    box = window.case_page.editor.identity_document
    assert [box.itemData(i) for i in range(box.count())] == ["", "none", *IDENTITY_DOCUMENTS]
    assert [box.itemText(i) for i in range(2)] == ["— à préciser —", "Aucune"]


def test_a_qualified_case_stored_without_its_document_shows_it_not_said_and_stays_sendable(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    """A case stored before « Aucune » was told apart (its document "", whether the window's « Aucune » or a
    case file without the key) cannot say which: it opens with the document « — à préciser — », a warning,
    sendable as before; nothing to migrate."""
    case = Case(
        patient=Patient(
            family="MARTIN",
            given=["Paul"],
            birth_date="1950-02-03",
            sex="male",
            ins="150028512345615",
            identity_status="qualified",
            birth_place="75056",
        ),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
    )
    content = case.content()
    assert content["patient"]["identity_document"] == ""
    case_id = store.create_case(case, [])
    window.open_case(case_id)
    page = window.case_page
    assert page.editor.identity_document.closed_text() == "— à préciser —"
    (finding,) = [f for f in page.findings if f.field == "patient.identity_document"]
    assert not finding.blocks_sending(), finding


def _imported_qualified(store: Store, folder: Path) -> str:
    """The docs/cli.md example imported from its case file (``case import``), its identity « Qualifiée » by
    the hospital system, no document said (no key for it)."""
    from tests.support.cases import EXAMPLE
    from tests.support.ui import complete_case

    return complete_case(store, folder, patient={**EXAMPLE["patient"], "identity_status": "qualified"})


def _document_findings(page: Any) -> list[bool]:
    return [f.blocks_sending() for f in page.findings if f.code == "patient.identity_document.missing"]


def test_an_imported_qualified_case_without_its_document_warns_while_its_identity_is_left_as_imported(
    qtbot: Any, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    """The case file's hospital system checked the identity and does not say with which document: a ⚠,
    sendable, whatever else the nurse completes in the window."""
    case_id = _imported_qualified(store, tmp_path / "file")
    window.open_case(case_id)
    page = window.case_page
    assert page.editor.identity_document.closed_text() == "— à préciser —"
    assert _document_findings(page) == [False]
    type_text(page.editor.question, " Merci.")
    assert _document_findings(page) == [False]
    assert page.editor.flush()
    stored = store.get_case(case_id)
    assert [f.blocks_sending() for f in store.checklist(stored) if f.field == "patient.identity_document"] == [False]


@pytest.mark.parametrize("again", ["qualified", "validated"])
def test_an_imported_case_whose_status_the_nurse_sets_again_waits_for_the_document(
    qtbot: Any, window: MainWindow, store: Store, tmp_path: Path, again: str
) -> None:
    """Note 37: a case file's case (a ⚠ for the document not said) whose status the nurse sets again in the
    window, « Provisoire » then « Qualifiée » or « Validée »: she stated it herself, the list of documents in
    front of her, so sending waits for the document, as in a case made in the window; kept when saved."""
    case_id = _imported_qualified(store, tmp_path / "file")
    window.open_case(case_id)
    page = window.case_page
    editor = page.editor
    pick(qtbot, editor.identity_status, "provisional")
    assert _document_findings(page) == []
    pick(qtbot, editor.identity_status, again)
    assert _document_findings(page) == [True], "stated in the window: waited for"
    assert editor.flush()
    window.show_worklist()
    window.open_case(case_id)
    page = window.case_page
    assert _document_findings(page) == [True], "kept with the case"
    stored = store.get_case(case_id)
    assert stored.origin == "", "still a case file's case"
    assert [f.blocks_sending() for f in store.checklist(stored) if f.field == "patient.identity_document"] == [True]
    pick(qtbot, page.editor.identity_document, "PA")
    assert _document_findings(page) == []


def test_a_status_change_undone_leaves_the_imported_case_as_it_was(
    qtbot: Any, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    """A status changed by a slip and undone (Ctrl+Z) was not stated by her: the case file's ⚠ comes back,
    as the status does; redone, it is hers again."""
    case_id = _imported_qualified(store, tmp_path / "file")
    window.open_case(case_id)
    page = window.case_page
    editor = page.editor
    pick(qtbot, editor.identity_status, "validated")
    assert _document_findings(page) == [True]
    editor.undo_stack.undo()
    assert editor.identity_status.currentData() == "qualified"
    assert _document_findings(page) == [False], "undone: as imported"
    assert editor.flush()
    assert store.get_case(case_id).identity_origin == ""
    editor.undo_stack.redo()
    assert editor.identity_status.currentData() == "validated"
    assert _document_findings(page) == [True]


def test_an_imported_case_whose_ins_the_nurse_changes_waits_for_the_document(
    qtbot: Any, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    """The INS changed in the window (« Qualifiée » falls back to « Validée »): the identity is hers now too."""
    case_id = _imported_qualified(store, tmp_path / "file")
    window.open_case(case_id)
    page = window.case_page
    editor = page.editor
    editor.ins.selectAll()
    type_text(editor.ins, "150028512345714")
    assert editor.identity_status.currentData() == "validated"
    assert _document_findings(page) == [True]


def test_a_case_stored_before_the_status_asks_for_it_once(qtbot: Any, window: MainWindow, store: Store) -> None:
    case = Case(
        patient=Patient(family="MARTIN", given=["Paul"], ins="150028512345615", local_id="D-1"),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
    )
    case_id = store.create_case(case, [])
    content = case.content()
    for key in ("identity_status", "identity_document", "identity_checked_on"):
        del content["patient"][key]
    with store.conn:
        store.conn.execute(
            "UPDATE cases SET content=? WHERE id=?", (store._seal_json(content, f"case:{case_id}:content"), case_id)
        )
    window.open_case(case_id)
    editor = window.case_page.editor
    assert editor.status_prompt.isVisibleTo(window) and editor.identity_status.currentData() == "provisional"
    pick(qtbot, editor.identity_status, "validated")
    assert not editor.status_prompt.isVisibleTo(window)
    assert editor.flush()
    window.show_worklist()
    window.open_case(case_id)
    assert not window.case_page.editor.status_prompt.isVisibleTo(window), "asked once"
    assert store.get_case(case_id).patient.identity_status == "validated"


def test_the_birth_place_is_typed_after_the_birth_date_saved_and_a_wrong_code_shown(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    page = _open_new(qtbot, window)
    editor = page.editor
    order = [editor.bindings[k].widget for k in editor.bindings if k.startswith("patient.birth")]
    assert order == [editor.birth_date, editor.birth_place], "the birth place comes right after the birth date"
    assert "code INSEE" in editor.birth_place.placeholderText()
    assert "99 + code du pays" in editor.birth_place_note.text()
    type_text(editor.birth_place, "7505")
    problem = editor.problems["patient.birth_place"]
    assert problem.isVisible() and "code INSEE" in problem.text()
    assert editor.birth_place.property("invalid") is True
    assert any(f.code == "patient.birth_place.invalid" and f.blocks_sending() for f in page.findings)
    editor.birth_place.selectAll()
    type_text(editor.birth_place, "2a 004")
    assert not problem.isVisible() and editor.birth_place.property("invalid") is False
    assert editor.flush()
    assert store.get_case(page.case.id).patient.birth_place == "2A004"
    window.open_case(page.case.id)
    assert window.case_page.editor.birth_place.text() == "2A004"


def test_a_first_given_name_written_with_a_space_is_chosen_kept_and_undone(
    qtbot: Any, window: MainWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """« Marie Thérèse Jeanne » on the document may be Marie Thérèse, then Jeanne: only the document
    says so, and the first given name is an identity trait the platform compares with the INS's."""
    monkeypatch.setattr("ui.case_editor.MERGE_WITHIN_S", -1.0)  # each edit its own undo step
    page = _open_new(qtbot, window)
    editor = page.editor
    assert not editor.first_given.isEnabled() and not editor.first_given_note.isVisibleTo(window)
    type_text(editor.given, "Marie Therese Jeanne")
    assert editor.first_given.isEnabled() and editor.first_given_note.isVisibleTo(window)
    assert editor.first_given.currentText() == "Marie", "one word unless told otherwise"
    assert page.case.patient.given == ["Marie", "Therese", "Jeanne"]
    pick(qtbot, editor.first_given, 2)
    assert page.case.patient.given == ["Marie Therese", "Jeanne"]
    type_text(editor.given, " Louise")  # a name added at the end keeps the choice
    assert page.case.patient.given == ["Marie Therese", "Jeanne", "Louise"]
    for _ in "Louise":  # a letter a step (the space alone changed no name)
        editor.undo_stack.undo()
    assert page.case.patient.given == ["Marie Therese", "Jeanne"]
    assert editor.first_given.currentText() == "Marie Therese"
    editor.undo_stack.undo()
    assert page.case.patient.given == ["Marie", "Therese", "Jeanne"] and editor.first_given.currentText() == "Marie"
    editor.undo_stack.redo()
    assert editor.flush()
    assert store.get_case(page.case.id).patient.given == ["Marie Therese", "Jeanne"]
    window.open_case(page.case.id)
    editor = window.case_page.editor
    assert editor.given.text() == "Marie Therese Jeanne" and editor.first_given.currentText() == "Marie Therese"
    editor.given.selectAll()
    type_text(editor.given, "Anne Marie")  # another list: its first word again
    assert window.case_page.case.patient.given == ["Anne", "Marie"]


def test_the_first_given_name_hint_shows_after_a_case_without_consent(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    """From the review: opened after a new case (no consent yet, its identity box disabled), a case of
    « Marie Thérèse Jeanne » showed the choice but not the hint saying what it is for."""
    _open_new(qtbot, window)  # consent given there: open another new one, left without
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    case = Case(
        patient=Patient(family="MARTIN", given=["Marie Thérèse", "Jeanne"]),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
    )
    window.open_case(store.create_case(case, []))
    editor = window.case_page.editor
    assert editor.first_given.currentText() == "Marie Thérèse"
    assert editor.first_given_note.isVisibleTo(window)


def test_a_typo_fixed_inside_a_composed_first_name_keeps_the_choice(qtbot: Any, window: MainWindow) -> None:
    """Found by an outside run: « Marie Thrse » chosen, then « é » and « è » typed inside it: the choice
    fell back to « Marie » at the first key, without a word, and « Marie » would have gone."""
    page = _open_new(qtbot, window)
    editor = page.editor
    type_text(editor.given, "Marie Thrse Jeanne")
    pick(qtbot, editor.first_given, 2)
    editor.given.setFocus()
    editor.given.setCursorPosition(len("Marie Th"))
    type_text(editor.given, "é")
    editor.given.setCursorPosition(len("Marie Thér"))
    type_text(editor.given, "è")
    assert editor.given.text() == "Marie Thérèse Jeanne"
    assert page.case.patient.given == ["Marie Thérèse", "Jeanne"]
    editor.given.setCursorPosition(0)
    type_text(editor.given, "Anne ")  # a name put in front: the first given name is to choose again
    assert page.case.patient.given[0] == "Anne"


def test_the_used_name_has_its_own_field_after_the_birth_name_and_a_married_name_is_pointed_out(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    """A conformance pass found the spouse's name could only be typed into the birth name
    (« DUPONT épouse LEROY »), sent as the official name: the birth name altered. The birth name field
    says it takes the birth name; the used name is the next field, typed with the keyboard."""
    page = _open_new(qtbot, window)
    editor = page.editor
    assert editor.labels["patient.family"] == "Nom de naissance"
    assert editor.labels["patient.used_name"] == "Nom utilisé" and "Facultatif" in editor.used_name.placeholderText()
    assert "l'époux" in editor.used_name_note.text() and editor.used_name_note.isVisibleTo(window)
    keys = list(editor.bindings)
    assert keys.index("patient.used_name") == keys.index("patient.family") + 1, "right after the birth name"
    type_text(editor.family, "DUPONT épouse LEROY")
    problem = editor.problems["patient.family"]
    assert problem.isVisible() and "« épouse »" in problem.text() and "Nom utilisé" in problem.text()
    (married,) = [f for f in page.findings if f.code == "patient.family.married"]
    assert not married.blocks_sending(), "a warning the nurse sees, not a wall"
    assert any("nom d'époux" in page.checklist.items.item(n).text() for n in range(page.checklist.items.count()))
    editor.family.selectAll()
    type_text(editor.family, "DUPONT")
    editor.family.setFocus()
    qtbot.keyClick(editor.family, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.used_name, "Tab from the birth name goes to the used name"
    type_text(editor.used_name, "LEROY")
    type_text(editor.given, "Jeanne")
    assert not problem.isVisible()
    assert not any(f.code == "patient.family.married" for f in page.findings)
    assert page.header.text().startswith("DUPONT Jeanne (nom utilisé : LEROY) — ")
    assert editor.flush()
    stored = store.get_case(page.case.id).patient
    assert (stored.family, stored.used_name) == ("DUPONT", "LEROY")
    window.open_case(page.case.id)
    assert window.case_page.editor.used_name.text() == "LEROY"


def test_the_married_name_warning_names_the_windows_field_not_the_case_files(qtbot: Any, window: MainWindow) -> None:
    """The nurse in the window was told to type the name into « Nom utilisé » (« used_name » dans un
    fichier de dossier): a file's key she never sees, in the middle of the sentence. The window names its
    own field only; the command that imports a case file still names the key."""
    page = _open_new(qtbot, window)
    editor = page.editor
    type_text(editor.family, "DUPONT épouse LEROY")
    problem = editor.problems["patient.family"]
    checklist = [page.checklist.items.item(n).text() for n in range(page.checklist.items.count())]
    (said,) = [line for line in checklist if "nom d'époux" in line]
    # (The checklist says the core's words with the window's no-break spaces, the field's problem as they come.)
    for words, field in ((problem.text(), "« Nom utilisé »"), (said, fr_spaced("« Nom utilisé »"))):
        assert field in words
        assert "used_name" not in words and "fichier de dossier" not in words, words
        assert words.rstrip().endswith(field + "."), words


# The offscreen platform (the tests') cannot raise the suggestions' popup nor give it the keyboard.
@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")
def test_the_last_consent_collector_is_offered_never_filled(qtbot: Any, window: MainWindow, store: Store) -> None:
    """On a shared cart, the name typed on the previous case is a suggestion the nurse picks, not a value
    filled in for her (a tester's finding): else she records consents in a colleague's name."""
    store.settings.set("state.consent_recorded_by", "Inf. Lefèvre (mère présente)")
    page = _open_new(qtbot, window)
    editor = page.editor
    assert editor.consent_by.text() == "" and page.case.consent.recorded_by == ""
    assert any(f.code == "consent.recorded_by" for f in page.findings), "the checklist still asks for it"
    editor.consent_by.setFocus()
    popup = editor.consent_by_completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert popup.model().data(popup.model().index(0, 0)) == "Inf. Lefèvre (mère présente)"
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert editor.consent_by.text() == ""
    # Picked, it is her edit: in the case, undoable, and the checklist is satisfied.
    editor.consent_by_completer.activated.emit("Inf. Lefèvre (mère présente)")
    assert page.case.consent.recorded_by == "Inf. Lefèvre (mère présente)"
    assert not any(f.code == "consent.recorded_by" for f in page.findings)
    editor.undo_stack.undo()
    assert editor.consent_by.text() == "" and page.case.consent.recorded_by == ""


def test_a_country_of_birth_is_named_under_its_code(qtbot: Any, window: MainWindow, store: Store) -> None:
    """The window showed « 99109 » alone where the report and ``case show`` say « ALLEMAGNE »: the country
    a code names is said under the field as INSEE names it, and the rule again for any other code, as
    typed, undone, or stored in a case opened."""
    born_abroad = store.create_case(Case(patient=Patient(family="KOUASSI", given=["Awa"], birth_place="99326")), [])
    page = _open_new(qtbot, window)
    editor = page.editor
    type_text(editor.birth_place, "99 109")
    assert editor.birth_place_note.text() == fr_spaced("Pays de naissance (nom INSEE) : ALLEMAGNE.")
    editor.undo_stack.undo()
    assert editor.birth_place.text() == "" and "99 + code du pays" in editor.birth_place_note.text()
    type_text(editor.birth_place, "75056")
    assert "99 + code du pays" in editor.birth_place_note.text()
    assert editor.flush()
    window.show_worklist()
    window.open_case(born_abroad)
    assert window.case_page.editor.birth_place_note.text() == fr_spaced(
        "Pays de naissance (nom INSEE) : COTE D'IVOIRE."
    )


def test_a_strict_trait_or_the_ins_changed_in_a_qualified_identity_takes_its_qualification_back(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    """Found by an identity-vigilance review: a case opened as « qualifiée » kept that status while its
    INS or birth name was retyped, and the new INS went to the platform as a qualified identity's. The
    RNIV's qualification is of the INS fetched from INSi and of the traits checked on the ID document:
    once one of them is changed by hand, neither check holds. The status goes back (qualified to
    validated, recovered to provisional), said under it; one undo brings both back. A trait filled where
    there was none (the INS typed after the status was chosen) changes nothing checked."""
    case = Case(
        patient=Patient(
            family="MARTIN",
            given=["Paul"],
            birth_date="1950-02-03",
            sex="male",
            ins="150028512345615",
            local_id="D-1",
            identity_status="qualified",
            identity_document="CN",
            identity_checked_on="2026-11-20",
        ),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
    )
    case_id = store.create_case(case, [])
    window.open_case(case_id)
    page = window.case_page
    editor = page.editor
    assert editor.identity_status.currentData() == "qualified" and not editor.requalify_note.isVisibleTo(window)
    editor.ins.end(False)
    qtbot.keyClick(editor.ins, Qt.Key.Key_Backspace)
    assert page.case.patient.identity_status == "validated" and editor.identity_status.currentData() == "validated"
    assert editor.requalify_note.isVisibleTo(window) and "INSi" in editor.requalify_note.text()
    assert not page.case.patient.ins_sent()
    editor.undo_stack.undo()
    assert page.case.patient.ins == "150028512345615" and page.case.patient.identity_status == "qualified"
    assert editor.identity_status.currentData() == "qualified"
    # The birth name retyped: its document check is lost too.
    editor.family.end(False)
    type_text(editor.family, "E")
    assert page.case.patient.identity_status == "provisional" and editor.requalify_note.isVisibleTo(window)
    assert editor.flush()
    assert store.get_case(case_id).patient.identity_status == "provisional"

    # Qualified first, the INS typed next (a new identity): nothing checked was changed.
    page = _open_new(qtbot, window)
    editor = page.editor
    pick(qtbot, editor.identity_status, "qualified")
    type_text(editor.ins, "150028512345615")
    assert page.case.patient.identity_status == "qualified" and not editor.requalify_note.isVisibleTo(window)


def test_a_trait_filled_in_an_imported_qualified_identity_makes_it_hers_and_undo_gives_it_back(
    qtbot: Any, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    """Found by ident38: a case file's « Qualifiée » identity came without its birth place (the platform
    contract's do); the nurse typed it in the window, a trait of the INS that INSi gives, and the case still
    went as the hospital system's qualification, the document « — à préciser — » a mere ⚠. A trait typed in
    the window is the identity stated there, as its status, INS or document are: sending waits for the
    document checked (the same words as for a status set there), kept when saved; undone, as imported."""
    case_id = _imported_qualified(store, tmp_path / "file")
    window.open_case(case_id)
    page = window.case_page
    editor = page.editor
    assert _document_findings(page) == [False]
    type_text(editor.birth_place, "75056")
    assert page.case.patient.birth_place == "75056"
    assert editor.identity_status.currentData() == "qualified", "a trait filled where there was none"
    assert _document_findings(page) == [True], "a trait typed in the window: the identity is hers"
    editor.undo_stack.undo()
    assert page.case.patient.birth_place == ""
    assert _document_findings(page) == [False], "undone: as imported"
    editor.undo_stack.redo()
    assert _document_findings(page) == [True]
    assert editor.flush()
    stored = store.get_case(case_id)
    assert stored.identity_origin == "window"
    assert [f.blocks_sending() for f in store.checklist(stored) if f.field == "patient.identity_document"] == [True]


def _imported_validated(store: Store, folder: Path) -> str:
    from tests.support.cases import EXAMPLE
    from tests.support.ui import complete_case

    patient = {key: value for key, value in EXAMPLE["patient"].items() if key != "ins"}  # no INSi
    return complete_case(store, folder, patient={**patient, "identity_status": "validated", "birth_place": "75056"})


@pytest.mark.parametrize(
    ("field", "typed"), [("family", "E"), ("birth_date", ""), ("sex", "female"), ("birth_place", "")]
)
def test_a_strict_trait_changed_in_a_validated_identity_takes_its_validation_back(
    qtbot: Any, window: MainWindow, store: Store, tmp_path: Path, field: str, typed: str
) -> None:
    """« Validée » is the traits checked on the ID document: one of them retyped by hand was not checked, as
    for « Qualifiée » (which falls back to « Provisoire » then). The status goes back to « Provisoire », said
    under it; one undo brings the trait and the status back, the case as imported."""
    case_id = _imported_validated(store, tmp_path / "file")
    window.open_case(case_id)
    page = window.case_page
    editor = page.editor
    assert editor.identity_status.currentData() == "validated"
    before = copy.deepcopy(page.case.patient)
    if field == "sex":
        pick(qtbot, editor.sex, typed)
    else:
        widget = getattr(editor, field)
        widget.end(False)
        if typed:  # one key, one step to undo
            type_text(widget, typed)
        else:
            qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    assert page.case.patient.identity_status == "provisional"
    assert editor.identity_status.currentData() == "provisional"
    assert editor.requalify_note.isVisibleTo(window)
    editor.undo_stack.undo()
    assert page.case.patient == before
    assert editor.identity_status.currentData() == "validated" and not editor.requalify_note.isVisibleTo(window)
    assert _document_findings(page) == [False], "undone: as imported"


def test_a_family_record_book_chosen_says_a_parents_document_goes_with_it(qtbot: Any, window: MainWindow) -> None:
    """RNIV 2024 (volet 1, 3.3.3): a minor without an ID document of his own is validated on the family record
    book or the birth certificate only with a parent's (or the guardian's) high-trust ID document, seen too.
    The window offered them with no word of it; now said under the document once one of them is chosen, and
    the foreign minor's travel document (its photo: enough) is in the list."""
    page = _open_new(qtbot, window)
    editor = page.editor
    type_text(editor.birth_date, "03/02/2015")
    pick(qtbot, editor.identity_status, "validated")
    assert not editor.parent_document_note.isVisibleTo(window)
    for document in ("LE", "AN"):
        pick(qtbot, editor.identity_document, document)
        assert editor.parent_document_note.isVisibleTo(window), document
        assert "parent" in editor.parent_document_note.text()
    pick(qtbot, editor.identity_document, "DC")
    assert editor.identity_document.closed_text() == "Doc. de circulation"  # the whole name was cut at 1280 × 720
    assert not editor.parent_document_note.isVisibleTo(window)
    editor.undo_stack.undo()  # (the quick picks of one field are one step: back to before them)
    undone = page.case.patient.identity_document
    assert editor.parent_document_note.isVisibleTo(window) == (undone in ("LE", "AN")), undone
    pick(qtbot, editor.identity_document, "AN")
    pick(qtbot, editor.identity_status, "provisional")
    assert not editor.parent_document_note.isVisibleTo(window), "no document asked for"


def test_a_typo_fixed_on_a_validated_identity_is_validated_again_in_one_choice_dated_today(
    qtbot: Any, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    """Found by review38a: the nurse, the patient's ID card in hand, corrects a typo of the birth name of a
    « Validée » identity. It falls back to « Provisoire » (ident38), but the sentence under the status sent her
    to the INSi service, which a validated identity never used, and said neither which status was lost nor
    that choosing it again was the way back; chosen again, the identity went with the date of the earlier
    check (the hospital system's, of the misspelt name) as the date its traits were checked. Now the sentence
    names « Validée » and the ID document, and choosing it again dates the check today, in one undo step."""
    from tests.support.cases import EXAMPLE
    from tests.support.ui import complete_case

    patient = {key: value for key, value in EXAMPLE["patient"].items() if key != "ins"}
    case_id = complete_case(
        store,
        tmp_path / "file",
        patient={
            **patient,
            "identity_status": "validated",
            "birth_place": "75056",
            "identity_document": "CN",
            "identity_checked_on": "2026-11-20",
        },
    )
    window.open_case(case_id)
    page = window.case_page
    editor = page.editor
    editor.family.end(False)
    type_text(editor.family, "E")
    assert page.case.patient.identity_status == "provisional"
    note = editor.requalify_note.text()
    assert editor.requalify_note.isVisibleTo(window)
    assert "INSi" not in note and fr_spaced("« Validée »") in note and "pièce d'identité" in note, note
    pick(qtbot, editor.identity_status, "validated")
    today = clock.today()
    patient_now = page.case.patient
    assert (patient_now.identity_status, patient_now.identity_document) == ("validated", "CN")
    assert patient_now.identity_checked_on == today.isoformat(), "the check just made, not the hospital's"
    assert editor.identity_checked_on.text() == today.strftime("%d/%m/%Y")
    assert not editor.requalify_note.isVisibleTo(window)
    assert not [f for f in page.findings if f.field.startswith("patient.identity") and f.blocks_sending()]
    editor.undo_stack.undo()  # the status and its date together
    assert page.case.patient.identity_status != "validated"
    assert page.case.patient.identity_checked_on == "2026-11-20"
    while editor.undo_stack.canUndo():
        editor.undo_stack.undo()
    assert page.case.patient.family == "MARTIN" and page.case.patient.identity_status == "validated"
    assert page.case.patient.identity_checked_on == "2026-11-20"


def test_a_qualified_identity_whose_ins_was_retyped_keeps_its_document_check_date(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    """The INS retyped takes « Qualifiée » back to « Validée »: the traits checked on the ID document still
    are, and so is the day they were; qualified again (INSi called again), the date of the check stays. The
    sentence under the status says what the INS change lost (INSi)."""
    case = Case(
        patient=Patient(
            family="MARTIN",
            given=["Paul"],
            birth_date="1950-02-03",
            sex="male",
            ins="150028512345615",
            local_id="D-1",
            identity_status="qualified",
            identity_document="CN",
            identity_checked_on="2026-11-20",
        ),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
    )
    case_id = store.create_case(case, [])
    window.open_case(case_id)
    page = window.case_page
    editor = page.editor
    editor.ins.end(False)
    qtbot.keyClick(editor.ins, Qt.Key.Key_Backspace)
    type_text(editor.ins, "5")
    assert page.case.patient.identity_status == "validated" and "INSi" in editor.requalify_note.text()
    pick(qtbot, editor.identity_status, "qualified")
    assert page.case.patient.identity_status == "qualified"
    assert page.case.patient.identity_checked_on == "2026-11-20"


def test_a_birth_name_pasted_over_a_validated_identitys_takes_its_validation_back(
    qtbot: Any, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    """A trait pasted (Ctrl+V, from the hospital's software) is a trait changed by hand as a typed one is
    (review38a, guard: passes on ident38): « Validée » falls back to « Provisoire », the case stated here."""
    case_id = _imported_validated(store, tmp_path / "file")
    window.open_case(case_id)
    page = window.case_page
    editor = page.editor
    clipboard = QApplication.clipboard()
    clipboard.setText("MARTINEZ")
    editor.family.setFocus()
    editor.family.selectAll()
    qtbot.keyClick(editor.family, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert page.case.patient.family == "MARTINEZ"
    assert page.case.patient.identity_status == "provisional" and editor.requalify_note.isVisibleTo(window)
    assert page.case.identity_origin == "window"
