"""The specialty is called by one name in the case editor, closed or open: found by testers, the closed field
said « Ophtalmologie » where the list said « Ophtalmologie (rétinographie) » (the ChoiceBox's short name, the part
before the parenthesis). Shown whole closed, it was cut mid-word at 1280 × 720: the short name in both, the whole
one in the item's tooltip and the form's title."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

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
    assert box.closed_text() == box.currentText() == "Ophtalmologie"
    for index in range(box.count()):
        assert box.closed_text(index) == box.itemText(index)
        assert M.specialty_name(str(box.itemData(index))).startswith(box.itemText(index))
    # The whole name said where it is longer: the item's tooltip, and the form's title below.
    assert box.itemData(box.currentIndex(), Qt.ItemDataRole.ToolTipRole) == "Ophtalmologie (rétinographie)"
    assert editor.form_box.title().endswith("Ophtalmologie (rétinographie)")
