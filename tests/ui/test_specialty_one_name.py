"""The specialty is called by one name in the case editor, closed or open: found by testers, the closed field
said « Ophtalmologie » where the list said « Ophtalmologie (rétinographie) » (the ChoiceBox's short name, the part
before the parenthesis). The specialty's name is what the nurse chose: shown whole."""

from __future__ import annotations

from typing import Any

from app import messages as M
from app.model import Case, Patient, Specialty
from app.store import Store


def test_the_closed_specialty_field_says_the_name_the_list_says(qtbot: Any, store: Store) -> None:
    from ui.case_editor import CaseEditor

    editor = CaseEditor(store)
    qtbot.addWidget(editor)
    editor.set_case(
        Case(question="Q", patient=Patient(family="Dupont", given=["Anne"]), specialty=Specialty.OPHTHALMOLOGY)
    )
    box = editor.specialty
    assert box.currentData() == "ophthalmology"
    assert box.closed_text() == box.currentText() == "Ophtalmologie (rétinographie)"
    for index in range(box.count()):
        assert box.closed_text(index) == box.itemText(index) == M.specialty_name(str(box.itemData(index)))
    assert box.toolTip() == ""  # nothing hidden to explain
