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
    assert number_to_model("decimal")(typed) == value


@pytest.mark.parametrize("typed", ["8/0", "8/", "/10", "8/10/2", "huit/10", "8/10 OD"])
def test_what_is_not_a_fraction_is_kept_as_typed(typed: str) -> None:
    assert number_to_model("decimal")(typed) == typed.strip()


def test_a_fraction_is_not_a_whole_number() -> None:
    assert number_to_model("integer")("8/10") == "8/10"


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
