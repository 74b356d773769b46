"""RNIV 2024 (volet 1, 3.3.3) in the window: an adult resident admitted directly to an EHPAD, validated on the
family record book or the birth certificate with the resident's own carte Vitale bearing a photograph. The box
shows with those documents; ticked, the checklist no longer blocks the identity as a minor's-only document;
one undo step takes it back."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.support.ui import pick, type_text
from tests.ui.test_identity_editor import _open_new
from ui.main_window import MainWindow


def _minor_only(page: Any) -> list[bool]:
    return [f.blocks_sending() for f in page.findings if f.code == "patient.identity_document.minor"]


def test_the_carte_vitale_of_a_resident_admitted_to_an_ehpad_validates_on_a_birth_certificate(
    qtbot: Any, window: MainWindow
) -> None:
    page = _open_new(qtbot, window)
    editor = page.editor
    box = editor.ehpad_vitale
    type_text(editor.birth_date, "03/02/1938")
    pick(qtbot, editor.identity_status, "validated")
    pick(qtbot, editor.identity_document, "PA")
    assert not box.isVisibleTo(window), "a passport needs nothing more"
    pick(qtbot, editor.identity_document, "AN")
    assert box.isVisibleTo(window) and not box.isChecked()
    assert "EHPAD" in box.text() and "carte Vitale" in box.text()
    assert _minor_only(page) == [True], "an adult's birth certificate alone"
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert page.case.patient.identity_ehpad_vitale is True
    assert _minor_only(page) == []
    editor.undo_stack.undo()
    assert page.case.patient.identity_ehpad_vitale is False and not box.isChecked()
    assert _minor_only(page) == [True]
    qtbot.keyClick(box, Qt.Key.Key_Space)
    pick(qtbot, editor.identity_document, "DC")
    assert box.isVisibleTo(window), "ticked: never hidden while it is kept"
    assert _minor_only(page) == [True], "a foreign minor's travel document stays a minor's"


def test_the_box_is_not_offered_for_a_minor_whose_birth_certificate_validates_already(
    qtbot: Any, window: MainWindow
) -> None:
    """Found in review: the box showed under a child's birth certificate too. RNIV's exception is an adult
    resident's (a minor's identity is validated on it with a parent's ID document): a nurse asked about an
    EHPAD for a child is asked something that does not apply to her."""
    page = _open_new(qtbot, window)
    editor = page.editor
    box = editor.ehpad_vitale
    type_text(editor.birth_date, "03/02/2015")
    pick(qtbot, editor.identity_status, "validated")
    pick(qtbot, editor.identity_document, "AN")
    assert not box.isVisibleTo(window)
    assert _minor_only(page) == []
    editor.birth_date.selectAll()
    type_text(editor.birth_date, "03/02/1938")  # (a slip of the year corrected: an adult)
    assert box.isVisibleTo(window)
