"""The acuity field takes « 8/10 », as its label writes it.

Found from outside (training mode): typing « 8/10 » in « Acuité visuelle de l'œil droit, avec correction, en
décimal (8/10 = 0,8) » was refused with « doit être un nombre ». A fraction typed in a decimal field is the
decimal it means: 0.8 is stored, and 0.8 is what the QuestionnaireResponse gives the platform."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app import forms
from app.store import Store
from tests.support.ui import open_from_list, type_text
from tests.ui.test_acuity_in_words import retina_draft, started
from ui.fields import number_to_model


@pytest.mark.parametrize(
    ("typed", "value"),
    [("8/10", 0.8), ("10/10", 1.0), ("1/10", 0.1), (" 5 / 10 ", 0.5), ("1/20", 0.05), ("0,8", 0.8), ("2/3", 0.667)],
)
def test_a_fraction_typed_in_a_decimal_field_is_its_decimal(typed: str, value: float) -> None:
    assert number_to_model("decimal", fractions=True)(typed) == value


@pytest.mark.parametrize("typed", ["8/0", "8/", "/10", "8/10/2", "huit/10", "8/10 OD"])
def test_what_is_not_a_fraction_is_kept_as_typed(typed: str) -> None:
    assert number_to_model("decimal", fractions=True)(typed) == typed.strip()


def test_a_fraction_is_not_a_whole_number() -> None:
    assert number_to_model("integer", fractions=True)("8/10") == "8/10"


def test_8_on_10_typed_in_the_acuity_field_goes_as_0_8(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    case_id = retina_draft(store, tmp_path / "eye", **{"visual-acuity-right": None})
    window = started(qtbot, store)
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    field = page.editor.bindings["form.visual-acuity-right"].widget
    field.setFocus()
    type_text(field, "8/10")
    qtbot.waitUntil(lambda: page.case.form.get("visual-acuity-right") == 0.8, timeout=10_000)
    qtbot.waitUntil(lambda: not [f for f in page.findings if f.blocks_sending()], timeout=10_000)
    assert not [f for f in page.findings if "visual-acuity-right" in f.field], page.findings
    items = forms.response_items("ophthalmology", page.case.form)
    (acuity,) = [item for item in items if item["linkId"] == "visual-acuity-right"]
    assert acuity["answer"] == [{"valueDecimal": 0.8}]
    window.shutdown()


@pytest.mark.parametrize(("lang", "said"), [("fr", "écrivez 0,8 pour 8/10"), ("en", "write 0.8 for 8/10")])
def test_a_fraction_that_is_no_number_says_what_to_write(lang: str, said: str) -> None:
    """« 8/0 » typed, or « 8/10 » written as a string in a case file: the checklist says how to write it."""
    from tests.ui.test_eye_side_confirm import RETINA_FORM

    for typed in ("8/0", "8/10"):
        answers = dict(RETINA_FORM, **{"visual-acuity-right": typed})
        (finding,) = [
            f for f in forms.check_answers("ophthalmology", answers, lang) if "visual-acuity-right" in f.field
        ]
        assert said in finding.message, finding.message
    answers = dict(RETINA_FORM, **{"visual-acuity-right": "huit"})
    (finding,) = [f for f in forms.check_answers("ophthalmology", answers, lang) if "visual-acuity-right" in f.field]
    assert said not in finding.message


def test_a_fraction_in_a_measure_field_is_not_made_a_number(qtbot: Any, store: Store) -> None:
    """Found in review: any decimal field read a fraction, the wound's length too: « 5/3 » typed there (5 by 3)
    was stored as 1.667 cm without a word, and sent so to the expert. Only a question that writes its values
    as a fraction (the acuity's « 8/10 = 0,8 ») reads one; elsewhere it is kept as typed and the checklist
    says a number is wanted, as before."""
    from app.model import Case, Patient, Specialty
    from ui.case_editor import CaseEditor

    editor = CaseEditor(store)
    qtbot.addWidget(editor)
    case = Case(question="Q", patient=Patient(family="Dupont", given=["Anne"]), specialty=Specialty.WOUND_CARE)
    editor.set_case(case)
    binding = editor.bindings["form.wound-length"]
    binding.widget.setText("5/3")
    assert binding.read() == "5/3"  # what the editor stores of the field
    acuity = [item for item in forms.form_items("ophthalmology", "fr") if item.link_id == "visual-acuity-right"]
    assert acuity and acuity[0].takes_fraction
    (said,) = [f for f in forms.check_answers("wound-care", {"wound-length": "5/3"}, "fr") if "wound-length" in f.field]
    assert "8/10" not in said.message, said.message


def test_only_the_acuity_questions_read_a_fraction() -> None:
    for lang in ("fr", "en"):
        taking = [
            item.link_id
            for specialty in ("ophthalmology", "wound-care", "dermatology", "other")
            for item in forms.form_items(specialty, lang)
            if item.takes_fraction
        ]
        assert taking == ["visual-acuity-right", "visual-acuity-left"]
