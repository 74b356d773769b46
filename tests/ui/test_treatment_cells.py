"""A treatment's cell being typed: its text reaches the case at each key (tests/ui/test_typed_at_the_end.py),
and « Échap » still cancels the edit, as in any table: the name or dosage as it was before the cell was opened
comes back, in the table, in the case and in the store."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from app.model import Treatment
from app.store import Store
from tests.support.ui import complete_case, type_text
from tests.ui.test_case_page import new_case, started
from ui.tasks import wait_writes


def _cell_editor(editor: Any) -> QLineEdit:
    (cell,) = _open_cells(editor)  # (one closed is deleted later: still a child, hidden)
    return cell


def _open_cells(editor: Any) -> list[QLineEdit]:
    return [e for e in editor.treatments.findChildren(QLineEdit) if e.isVisible()]


def test_escape_in_a_treatment_cell_gives_back_what_it_held(qtbot: Any, store: Store, sync_runner: None) -> None:
    """Found in review: with each key handed to the case, « Échap » closed the cell and left the half-typed
    dosage in the case and saved (« 10 » for « 1000 mg »): a wrong dosage in a medical request, the nurse
    believing her edit cancelled."""
    window = started(qtbot, store)
    page = new_case(qtbot, window)
    editor = page.editor
    editor._add_treatment()  # (« Ajouter un traitement »: its first cell opens for typing)
    type_text(_cell_editor(editor), "Metformine")
    qtbot.keyClick(_cell_editor(editor), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not _open_cells(editor))  # (Qt closes it on the next turn of the loop)
    dosage = editor.treatments.item(0, 1)
    assert dosage is not None
    editor.treatments.setCurrentItem(dosage)
    editor.treatments.editItem(dosage)
    type_text(_cell_editor(editor), "1000 mg")
    qtbot.keyClick(_cell_editor(editor), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not _open_cells(editor))  # (Qt closes it on the next turn of the loop)
    assert [(t.name, t.dosage) for t in page.case.treatments] == [("Metformine", "1000 mg")]

    editor.treatments.editItem(dosage)
    cell = _cell_editor(editor)
    cell.selectAll()
    type_text(cell, "10")  # begun over it, then thought better of
    assert page.case.treatments[0].dosage == "10", "each key reaches the case (the power-cut pass)"
    qtbot.keyClick(cell, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not _open_cells(editor))

    assert not _open_cells(editor)
    assert editor.treatments.item(0, 1).text() == "1000 mg"
    assert [(t.name, t.dosage) for t in page.case.treatments] == [("Metformine", "1000 mg")]
    editor.flush()
    assert wait_writes()
    stored = store.get_case(page.case.id)
    assert [(t.name, t.dosage) for t in stored.treatments] == [("Metformine", "1000 mg")]
    window.shutdown()


def test_escape_in_a_new_treatments_first_cell_leaves_it_empty(qtbot: Any, store: Store, sync_runner: None) -> None:
    """The row just added, its name begun then cancelled: the row is as it was added (empty), not half-named."""
    window = started(qtbot, store)
    page = new_case(qtbot, window)
    editor = page.editor
    editor._add_treatment()
    cell = _cell_editor(editor)
    type_text(cell, "Metfor")
    qtbot.keyClick(cell, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not _open_cells(editor))
    assert [t.name for t in page.case.treatments] == [""]
    editor.flush()
    assert wait_writes()
    assert [t.name for t in store.get_case(page.case.id).treatments] == [""]
    window.shutdown()


def test_a_cell_being_typed_does_not_follow_into_the_next_case_opened(
    qtbot: Any, store: Store, sync_runner: None, tmp_path: Any
) -> None:
    """Found in review: another case opened while a treatment's cell was being typed (a notification's « Compte
    rendu reçu » clicked) left the cell's editor open over the new case's table: a key more went into that
    patient's treatment (each key reaches the case), « Échap » wrote the first case's value over it. The cell
    is closed as the case changes; what was typed stays with the first case."""
    other = complete_case(store, tmp_path / "other")
    case = store.get_case(other)
    case.treatments = [Treatment(name="Kardegic", dosage="75 mg")]
    store.update_case(case)
    window = started(qtbot, store)
    page = new_case(qtbot, window)
    first = page.case.id
    editor = page.editor
    editor._add_treatment()
    type_text(_cell_editor(editor), "Metformine")

    window.open_case(other)  # as a notification's click opens it
    assert page.case.id == other
    for cell in _open_cells(editor):  # (none should be left: keys in one would go to this patient)
        type_text(cell, "X")
        qtbot.keyClick(cell, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not _open_cells(editor))
    assert [(t.name, t.dosage) for t in page.case.treatments] == [("Kardegic", "75 mg")]
    assert wait_writes()
    assert [(t.name, t.dosage) for t in store.get_case(other).treatments] == [("Kardegic", "75 mg")]
    assert [t.name for t in store.get_case(first).treatments] == ["Metformine"]
    window.shutdown()
