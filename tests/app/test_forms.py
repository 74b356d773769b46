"""The specialty forms and the checking of their answers (app/forms.py, resources/forms/*.json)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import forms as app_forms
from app import i18n
from app.findings import Finding
from app.forms import (
    FORM_SPECIALTIES,
    check_answers,
    display_answers,
    enabled_items,
    form_items,
    form_url,
    load_form,
    response_items,
)
from app.model import Specialty

R4_ITEM_TYPES = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string"}
R4_ITEM_TYPES |= {"text", "url", "choice", "open-choice", "attachment", "reference", "quantity"}
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"

# What each expert asks for: linkId -> (type, required).
EXPECTED: dict[str, dict[str, tuple[str, bool]]] = {
    "dermatology": {
        "lesion-duration": ("string", True),
        "lesion-changed": ("boolean", True),
        "lesion-evolution": ("choice", False),
        "itch": ("boolean", False),
        "bleeding": ("boolean", False),
        "pain": ("boolean", False),
        "phototype": ("choice", False),
        "melanoma-personal-history": ("boolean", False),
        "melanoma-family-history": ("boolean", False),
        "similar-lesions": ("integer", False),
        "immunosuppression": ("boolean", False),
    },
    "ophthalmology": {
        "diabetes-type": ("choice", True),
        "diabetes-duration": ("integer", True),
        "hba1c": ("decimal", True),
        "hba1c-date": ("date", False),
        "last-eye-exam-date": ("date", False),
        "visual-acuity-right": ("decimal", True),
        "visual-acuity-right-qualitative": ("choice", False),
        "visual-acuity-left": ("decimal", True),
        "visual-acuity-left-qualitative": ("choice", False),
        "pupils-dilated": ("boolean", True),
        "dilation-drops": ("string", False),
        "known-retinopathy": ("boolean", False),
        "hypertension": ("boolean", False),
    },
    "wound-care": {
        "wound-cause": ("choice", True),
        "wound-duration": ("string", True),
        "wound-length": ("decimal", True),
        "wound-width": ("decimal", True),
        "wound-depth": ("decimal", False),
        "exudate": ("choice", True),
        "pain-score": ("integer", False),
        "infection-signs": ("boolean", True),
        "treatments-tried": ("text", False),
        "current-dressing": ("string", False),
    },
    "other": {
        "specialty-wanted": ("string", True),
        "problem-duration": ("string", True),
        "seen-by-specialist": ("boolean", True),
        "details": ("text", False),
    },
}

# Every question answered, as a case file would hold them.
FULL_ANSWERS: dict[str, dict[str, Any]] = {
    "dermatology": {
        "lesion-duration": "6 mois",
        "lesion-changed": True,
        "lesion-evolution": "growing",
        "itch": False,
        "bleeding": True,
        "pain": False,
        "phototype": "II",
        "melanoma-personal-history": False,
        "melanoma-family-history": True,
        "similar-lesions": 3,
        "immunosuppression": False,
    },
    "ophthalmology": {
        "diabetes-type": "type-2",
        "diabetes-duration": 12,
        "hba1c": 7.4,
        "hba1c-date": "2026-09-14",
        "last-eye-exam-date": "2024-03-01",
        "visual-acuity-right": 0.8,
        "visual-acuity-left": 1,
        "pupils-dilated": True,
        "dilation-drops": "Tropicamide 0,5 %",
        "known-retinopathy": False,
        "hypertension": True,
    },
    "wound-care": {
        "wound-cause": "venous-ulcer",
        "wound-duration": "3 semaines",
        "wound-length": 4.5,
        "wound-width": 2,
        "wound-depth": 0.3,
        "exudate": "moderate",
        "pain-score": 6,
        "infection-signs": False,
        "treatments-tried": "Hydrocolloïde 2 semaines, puis alginate.",
        "current-dressing": "Alginate",
    },
    "other": {
        "specialty-wanted": "Rhumatologie",
        "problem-duration": "2 mois",
        "seen-by-specialist": False,
        "details": "Gonflement du genou droit.",
    },
}


@pytest.fixture
def system_language() -> Iterator[None]:
    """Leave the app's language as the test found it."""
    yield
    i18n.set_language(None)


def raw_form(specialty: str) -> dict[str, Any]:
    text = (files("resources") / "forms" / f"{specialty}.json").read_text(encoding="utf-8")
    form = json.loads(text)
    assert isinstance(form, dict)
    return form


def english(element: dict[str, Any] | None) -> str | None:
    for ext in (element or {}).get("extension", []):
        if ext["url"] == TRANSLATION:
            parts = {e["url"]: e for e in ext["extension"]}
            if parts["lang"]["valueCode"] == "en":
                return str(parts["content"]["valueString"])
    return None


def validate_response(specialty: str, items: list[dict[str, Any]]) -> QuestionnaireResponse:
    return QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": form_url(specialty),
            "item": items,
        }
    )


def strictly_accepted(specialty: str, items: list[dict[str, Any]], *, complete: bool = True) -> None:
    """What a strict server checks of ``QuestionnaireResponse.item`` against the Questionnaire itself
    (read here from its JSON, not through app.forms): every item is a question of the form, enabled by
    its ``enableWhen`` as the response answers them, every required enabled question is answered (for a
    ``complete`` set of answers: the case is sent only then), and a
    coding is one of the question's ``answerOption`` as it stands (system, code and display)."""
    questions = {item["linkId"]: item for item in raw_form(specialty)["item"]}
    answered = {item["linkId"] for item in items}

    def enabled(question: dict[str, Any]) -> bool:
        met = []
        for condition in question.get("enableWhen", []):
            assert condition["operator"] == "exists", condition
            exists = condition["question"] in answered and enabled(questions[condition["question"]])
            met.append(exists is condition["answerBoolean"])
        return all(met) if question.get("enableBehavior", "all") == "all" else any(met)

    for item in items:
        question = questions[item["linkId"]]
        assert enabled(question), f"{item['linkId']} is answered while disabled"
        for answer in item["answer"]:
            if "valueCoding" in answer:
                offered = [
                    {key: option["valueCoding"][key] for key in ("system", "code", "display")}
                    for option in question["answerOption"]
                ]
                assert answer["valueCoding"] in offered, item["linkId"]
    for link_id, question in questions.items():
        if complete and question.get("required") and enabled(question):
            assert link_id in answered, f"{link_id} is required and enabled, and not answered"


def codes(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.code, f.field, f.severity) for f in findings]


# --- the forms themselves ---------------------------------------------------------------------


def test_the_specialties_with_a_form_are_those_of_the_case_model() -> None:
    assert set(FORM_SPECIALTIES) == {s.value for s in Specialty}


#: Each form's version, and a digest of the rest of it: a form whose content changes gets a new version
#: (a response names the form it answers), and this table is changed with it, on purpose.
FORM_VERSIONS = {
    "dermatology": ("1", "c721f42d0d00364c"),
    "ophthalmology": ("2", "fc917cdf207c9f38"),
    "wound-care": ("1", "ce6b62af896c1cc5"),
    "other": ("1", "3c683be66fb3efd9"),
}


def form_digest(specialty: str) -> str:
    form = raw_form(specialty)
    for key in ("version", "date"):
        form.pop(key)
    return hashlib.sha256(json.dumps(form, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


@pytest.mark.parametrize("specialty", FORM_SPECIALTIES)
def test_a_form_whose_content_changes_gets_a_new_version(specialty: str) -> None:
    assert (raw_form(specialty)["version"], form_digest(specialty)) == FORM_VERSIONS[specialty]


@pytest.mark.parametrize("specialty", FORM_SPECIALTIES)
def test_every_form_is_a_valid_r4_questionnaire(specialty: str) -> None:
    form = raw_form(specialty)
    questionnaire = Questionnaire.model_validate(form)
    assert questionnaire.status == "active"
    assert questionnaire.version == FORM_VERSIONS[specialty][0]
    assert questionnaire.subjectType == ["Patient"]
    assert questionnaire.url == f"https://teleavis.fr/fhir/Questionnaire/{specialty}"
    assert form_url(specialty) == questionnaire.url
    assert questionnaire.name
    assert questionnaire.name.isidentifier()
    assert questionnaire.title
    assert english(form.get("_title"))


@pytest.mark.parametrize("specialty", FORM_SPECIALTIES)
def test_every_item_is_translated_typed_and_unique(specialty: str) -> None:
    items = raw_form(specialty)["item"]
    link_ids = [item["linkId"] for item in items]
    assert len(link_ids) == len(set(link_ids))
    for item in items:
        assert item["type"] in R4_ITEM_TYPES, item["linkId"]
        assert item["text"], item["linkId"]
        assert english(item.get("_text")), item["linkId"]
        for option in item.get("answerOption", []):
            coding = option["valueCoding"]
            assert coding["system"].startswith("https://teleavis.fr/fhir/CodeSystem/")
            assert coding["code"]
            assert coding["display"]
            assert english(coding.get("_display"))
    required = [item for item in items if item.get("required")]
    assert 2 <= len(required) <= 6  # what the expert cannot do without; the rest is asked, not required


@pytest.mark.parametrize("specialty", FORM_SPECIALTIES)
def test_each_form_asks_what_its_expert_needs(specialty: str) -> None:
    items = form_items(specialty, "fr")
    assert {item.link_id: (item.type, item.required) for item in items} == EXPECTED[specialty]


def test_the_case_file_example_keeps_its_two_questions() -> None:
    items = {item.link_id: item for item in form_items("dermatology", "fr")}
    assert items["lesion-duration"].type == "string"
    assert items["lesion-changed"].type == "boolean"


def test_form_items_carry_options_units_and_bounds_in_the_language_asked() -> None:
    fr = {item.link_id: item for item in form_items("ophthalmology", "fr")}
    en = {item.link_id: item for item in form_items("ophthalmology", "en")}
    assert fr["diabetes-type"].options[0] == ("type-1", "Diabète de type 1")
    assert en["diabetes-type"].options[0] == ("type-1", "Type 1 diabetes")
    assert (fr["diabetes-duration"].unit, en["diabetes-duration"].unit) == ("an(s)", "year(s)")
    assert (fr["hba1c"].min, fr["hba1c"].max, fr["hba1c"].unit) == (3, 20, "%")
    assert (fr["visual-acuity-right"].min, fr["visual-acuity-right"].max) == (0, 2)
    assert fr["hypertension"].text == "Hypertension artérielle ?"
    assert en["hypertension"].text == "High blood pressure?"
    phototypes = [code for code, _ in form_items("dermatology", "fr")[6].options]
    assert phototypes == ["I", "II", "III", "IV", "V", "VI"]


def test_load_form_gives_a_copy_the_caller_may_change() -> None:
    form = load_form("other")
    form["item"].clear()
    assert load_form("other")["item"]
    assert [item.link_id for item in form_items("other", "fr")] == list(EXPECTED["other"])


def test_an_unknown_specialty_has_no_form() -> None:
    with pytest.raises(ValueError, match="no form"):
        load_form("../forms/dermatology")


# --- checking answers -------------------------------------------------------------------------


def test_the_cli_example_answers_all_the_required_items() -> None:
    """From an outside run of docs/cli.md: the contract's own example case could never be sent (four
    more required items: phototype, melanoma histories, immunosuppression). The expert wants them, and
    the form asks them, but a case waiting on them is a patient not seen: they are asked, not required."""
    findings = check_answers("dermatology", {"lesion-duration": "6 mois", "lesion-changed": True}, "fr")
    assert all(f.severity == "warning" for f in findings)
    # From a nurse's pass: nothing then asked for them. Unanswered, they are advised (a warning each).
    assert codes(findings) == [
        ("form.advised", "form.phototype", "warning"),
        ("form.advised", "form.melanoma-personal-history", "warning"),
        ("form.advised", "form.melanoma-family-history", "warning"),
        ("form.advised", "form.immunosuppression", "warning"),
    ]
    assert findings[0].message == (
        "« Phototype de Fitzpatrick » sans réponse : l'expert s'en sert, répondez si vous le savez."
    )
    findings = check_answers("dermatology", {"lesion-changed": True}, "fr")
    assert codes(findings)[0] == ("form.required", "form.lesion-duration", "missing")
    assert findings[0].message.startswith("Répondez à la question « ")


@pytest.mark.parametrize("specialty", FORM_SPECIALTIES)
def test_a_full_answer_set_has_no_finding(specialty: str) -> None:
    assert check_answers(specialty, FULL_ANSWERS[specialty], "fr") == []


@pytest.mark.parametrize("blank", [None, "", "   \n"])
def test_an_absent_none_or_blank_required_answer_is_missing(blank: Any) -> None:
    answers = dict(FULL_ANSWERS["other"], **{"problem-duration": blank})
    assert codes(check_answers("other", answers, "fr")) == [("form.required", "form.problem-duration", "missing")]
    del answers["problem-duration"]
    assert codes(check_answers("other", answers, "fr")) == [("form.required", "form.problem-duration", "missing")]


def test_an_unanswered_optional_question_is_fine() -> None:
    answers = dict(FULL_ANSWERS["other"], details="  ")
    assert check_answers("other", answers, "fr") == []
    answers["details"] = None
    assert check_answers("other", answers, "fr") == []


def test_an_unknown_question_is_an_error() -> None:
    answers = dict(FULL_ANSWERS["dermatology"], **{"lesion-durée": "6 mois"})
    [finding] = check_answers("dermatology", answers, "fr")
    assert (finding.code, finding.field, finding.severity) == ("form.unknown", "form.lesion-durée", "error")
    assert "lesion-durée" in finding.message
    assert "Télé-expertise dermatologique" in finding.message


@pytest.mark.parametrize(
    ("specialty", "link_id", "value", "code"),
    [
        ("dermatology", "lesion-changed", "oui", "form.type"),
        ("dermatology", "lesion-changed", 1, "form.type"),
        ("dermatology", "lesion-duration", 6, "form.type"),
        ("dermatology", "similar-lesions", 2.5, "form.type"),
        ("dermatology", "similar-lesions", True, "form.type"),
        ("dermatology", "similar-lesions", "3", "form.type"),
        ("dermatology", "similar-lesions", -1, "form.range"),
        ("dermatology", "similar-lesions", 2**31, "form.range"),
        ("dermatology", "phototype", "VII", "form.option"),
        ("dermatology", "phototype", "ii", "form.option"),
        ("dermatology", "phototype", 2, "form.type"),
        ("dermatology", "phototype", {"code": "II"}, "form.type"),
        ("ophthalmology", "hba1c", "7,4", "form.type"),
        ("ophthalmology", "hba1c", False, "form.type"),
        ("ophthalmology", "hba1c", float("nan"), "form.type"),
        ("ophthalmology", "hba1c", float("inf"), "form.type"),
        ("ophthalmology", "hba1c", 74, "form.range"),
        ("ophthalmology", "hba1c", 2.9, "form.range"),
        ("ophthalmology", "visual-acuity-left", 8, "form.range"),
        ("ophthalmology", "diabetes-duration", 101, "form.range"),
        ("ophthalmology", "hba1c-date", "2026-02-30", "form.type"),
        ("ophthalmology", "hba1c-date", "14/09/2026", "form.type"),
        ("ophthalmology", "hba1c-date", "20260914", "form.type"),
        ("ophthalmology", "hba1c-date", "2026-09-14T10:00:00", "form.type"),
        ("ophthalmology", "hba1c-date", 20260914, "form.type"),
        ("ophthalmology", "dilation-drops", ["tropicamide"], "form.type"),
        ("wound-care", "pain-score", 11, "form.range"),
        ("wound-care", "exudate", "abondant", "form.option"),
        ("wound-care", "treatments-tried", {"text": "x"}, "form.type"),
    ],
)
def test_a_wrong_answer_is_an_error_with_its_code(specialty: str, link_id: str, value: Any, code: str) -> None:
    answers = dict(FULL_ANSWERS[specialty], **{link_id: value})
    [finding] = check_answers(specialty, answers, "fr")
    assert (finding.code, finding.field, finding.severity) == (code, f"form.{link_id}", "error")
    question = next(item.text for item in form_items(specialty, "fr") if item.link_id == link_id)
    assert f"« {question} »" in finding.message


@pytest.mark.parametrize("value", [0, 10, 0.0])
def test_range_bounds_are_inclusive(value: int | float) -> None:
    answers = dict(FULL_ANSWERS["wound-care"], **{"pain-score": int(value), "wound-depth": value})
    assert check_answers("wound-care", answers, "fr") == []


def test_range_messages_give_the_bounds_in_the_user_s_writing() -> None:
    answers = dict(FULL_ANSWERS["ophthalmology"], **{"visual-acuity-right": 2.5})
    [fr] = check_answers("ophthalmology", answers, "fr")
    assert fr.message.endswith("doit être comprise entre 0 et 2.")
    answers = dict(FULL_ANSWERS["dermatology"], **{"similar-lesions": -4})
    [en] = check_answers("dermatology", answers, "en")
    assert en.message == "The answer to “Number of other similar lesions” must be at least 0."


def test_messages_never_quote_the_answer() -> None:
    secret = "Paul MARTIN 1950-02-03"
    answers = {
        "lesion-duration": 42,
        "lesion-changed": secret,
        "phototype": secret,
        "similar-lesions": secret,
        "immunosuppression": [secret],
    }
    findings = check_answers("dermatology", answers, "fr")
    assert {f.code for f in findings} == {"form.type", "form.option", "form.advised"}
    assert all(secret not in f.message and "42" not in f.message for f in findings)


def test_messages_are_in_english_when_asked() -> None:
    answers = {"lesion-changed": "yes", "phototype": "VII", "x": 1}
    findings = check_answers("dermatology", answers, "en")
    by_field = {f.field: f.message for f in findings}
    assert by_field["form.lesion-changed"] == "The answer to “Has the lesion changed recently?” must be yes or no."
    assert by_field["form.phototype"] == (
        "The answer to “Fitzpatrick skin type” is not one of the options offered (I, II, III, IV, V, VI)."
    )
    assert by_field["form.x"] == "The form “Dermatology tele-expertise” has no question “x”."
    assert by_field["form.lesion-duration"] == (
        "Answer the question “How long has the lesion been present (e.g. “6 months”)?”: the expert needs it."
    )


@pytest.mark.usefixtures("system_language")
def test_the_app_language_is_used_when_none_is_given() -> None:
    i18n.set_language("en")
    [finding] = check_answers("other", dict(FULL_ANSWERS["other"], **{"seen-by-specialist": None}))
    assert finding.message.startswith("Answer the question “Has the patient already seen a specialist")
    i18n.set_language("fr")
    [finding] = check_answers("other", dict(FULL_ANSWERS["other"], **{"seen-by-specialist": None}))
    assert finding.message.startswith("Répondez à la question « Le patient a-t-il déjà vu un spécialiste")


# --- the answers sent and shown ---------------------------------------------------------------


@pytest.mark.parametrize("specialty", FORM_SPECIALTIES)
def test_a_full_answer_set_becomes_a_valid_questionnaire_response(specialty: str) -> None:
    items = response_items(specialty, FULL_ANSWERS[specialty])
    response = validate_response(specialty, items)
    assert response.questionnaire == f"https://teleavis.fr/fhir/Questionnaire/{specialty}"
    assert [item["linkId"] for item in items] == [i for i in EXPECTED[specialty] if i in FULL_ANSWERS[specialty]]
    strictly_accepted(specialty, items)
    for item in items:
        [answer] = item["answer"]
        assert item["text"]
        [key] = answer
        expected_type = EXPECTED[specialty][item["linkId"]][0]
        assert (
            key
            == {
                "boolean": "valueBoolean",
                "integer": "valueInteger",
                "decimal": "valueDecimal",
                "string": "valueString",
                "text": "valueString",
                "date": "valueDate",
                "choice": "valueCoding",
            }[expected_type]
        )


def test_response_items_hold_the_full_coding_and_leave_out_unanswered_questions() -> None:
    items = response_items("wound-care", {"wound-cause": "diabetic-foot", "wound-length": 3, "exudate": ""})
    assert items == [
        {
            "linkId": "wound-cause",
            "text": "Origine de la plaie",
            "answer": [
                {
                    "valueCoding": {
                        "system": "https://teleavis.fr/fhir/CodeSystem/wound-cause",
                        "code": "diabetic-foot",
                        "display": "Plaie du pied diabétique",
                    }
                }
            ],
        },
        {"linkId": "wound-length", "text": "Longueur de la plaie (cm)", "answer": [{"valueDecimal": 3}]},
    ]


def test_response_items_refuse_a_wrong_answer() -> None:
    with pytest.raises(ValueError, match="pain-score"):
        response_items("wound-care", dict(FULL_ANSWERS["wound-care"], **{"pain-score": 12}))


def test_display_answers_in_words() -> None:
    fr = dict(display_answers("ophthalmology", FULL_ANSWERS["ophthalmology"], "fr"))
    assert fr["Type de diabète"] == "Diabète de type 2"
    assert fr["Ancienneté du diabète (en années)"] == "12 ans"
    assert fr["Dernière HbA1c (%)"] == "7,4 %"
    assert fr["Date de la dernière HbA1c"] == "14/09/2026"
    assert fr["Les pupilles ont-elles été dilatées pour les photographies ?"] == "Oui"
    assert fr["Rétinopathie diabétique déjà connue ?"] == "Non"
    en = display_answers("ophthalmology", FULL_ANSWERS["ophthalmology"], "en")
    assert en[0] == ("Type of diabetes", "Type 2 diabetes")
    assert dict(en)["Last HbA1c (%)"] == "7.4 %"
    assert dict(en)["Date of the last HbA1c"] == "2026-09-14"
    assert dict(en)["Left eye visual acuity, corrected, decimal scale (8/10 = 0.8)"] == "1"


def test_display_answers_leave_out_wrong_and_unanswered_ones() -> None:
    shown = display_answers("wound-care", {"wound-depth": 0.00001, "pain-score": "fort", "exudate": None}, "fr")
    assert shown == [("Profondeur de la plaie (cm)", "0,00001 cm")]


# --- an acuity too low for a figure, or not measured -------------------------------------------

LOW_VISION = {
    "counts-fingers": ("Compte les doigts (CLD)", "Counts fingers (CF)"),
    "hand-motion": ("Voit bouger la main (VBLM)", "Hand motion (HM)"),
    "light-perception": ("Perception lumineuse (PL+)", "Light perception (LP)"),
    "no-light-perception": ("Pas de perception lumineuse (PL−)", "No light perception (NLP)"),
    "not-measured": ("Non mesurée", "Not measured"),
}


def one_eye_in_words(code: str, **more: Any) -> dict[str, Any]:
    """A diabetic patient whose right eye sees too little for a figure: the acuity said in words."""
    answers = dict(FULL_ANSWERS["ophthalmology"], **{"visual-acuity-right-qualitative": code}, **more)
    del answers["visual-acuity-right"]
    return answers


@pytest.mark.parametrize("code", LOW_VISION)
def test_an_acuity_below_one_twentieth_or_not_measured_can_be_said_and_sent(code: str) -> None:
    """From a real case: a diabetic patient with low vision in one eye could not be described (the
    acuity had to be a decimal: the nurse wrote 0, which says no light perception, or could not send)."""
    answers = one_eye_in_words(code)
    assert check_answers("ophthalmology", answers, "fr") == []
    items = response_items("ophthalmology", answers)
    validate_response("ophthalmology", items)
    strictly_accepted("ophthalmology", items)
    by_id = {item["linkId"]: item for item in items}
    assert "visual-acuity-right" not in by_id
    assert by_id["visual-acuity-right-qualitative"]["answer"] == [
        {
            "valueCoding": {
                "system": "https://teleavis.fr/fhir/CodeSystem/qualitative-visual-acuity",
                "code": code,
                "display": LOW_VISION[code][0],
            }
        }
    ]
    assert by_id["visual-acuity-left"]["answer"] == [{"valueDecimal": 1}]
    fr, en = LOW_VISION[code]
    assert ("Œil droit : acuité non chiffrable (moins de 1/20) ou non mesurée", fr) in display_answers(
        "ophthalmology", answers, "fr"
    )
    assert ("Right eye: acuity too low for a figure (below 1/20) or not measured", en) in display_answers(
        "ophthalmology", answers, "en"
    )


def test_a_figure_left_beside_an_acuity_in_words_is_neither_required_checked_sent_nor_printed() -> None:
    """The decimal is enabled only while no acuity in words is given (enableWhen ``exists`` false): a
    0,05 typed before « compte les doigts » was chosen is kept, but goes nowhere, even a wrong one."""
    for figure in (0.05, 7, "beaucoup"):
        answers = one_eye_in_words("counts-fingers", **{"visual-acuity-right": figure})
        assert check_answers("ophthalmology", answers, "fr") == []
        items = response_items("ophthalmology", answers)
        strictly_accepted("ophthalmology", items)
        assert "visual-acuity-right" not in {item["linkId"] for item in items}
        shown = dict(display_answers("ophthalmology", answers, "fr"))
        assert "Acuité visuelle de l'œil droit, avec correction, en décimal (8/10 = 0,8)" not in shown


def test_without_either_an_eye_s_acuity_is_asked_for_as_a_figure() -> None:
    answers = dict(FULL_ANSWERS["ophthalmology"])
    del answers["visual-acuity-left"]
    assert codes(check_answers("ophthalmology", answers, "fr")) == [
        ("form.required", "form.visual-acuity-left", "missing")
    ]
    # An acuity in words that is not one of the options says so, and asks for the figure too.
    answers["visual-acuity-left-qualitative"] = "CLD"
    assert codes(check_answers("ophthalmology", answers, "fr")) == [
        ("form.required", "form.visual-acuity-left", "missing"),
        ("form.option", "form.visual-acuity-left-qualitative", "error"),
    ]


def test_answers_stored_before_the_acuity_in_words_are_sent_and_shown_as_before() -> None:
    items = response_items("ophthalmology", FULL_ANSWERS["ophthalmology"])
    acuities = [item for item in items if item["linkId"].startswith("visual-acuity")]
    assert acuities == [
        {
            "linkId": "visual-acuity-right",
            "text": "Acuité visuelle de l'œil droit, avec correction, en décimal (8/10 = 0,8)",
            "answer": [{"valueDecimal": 0.8}],
        },
        {
            "linkId": "visual-acuity-left",
            "text": "Acuité visuelle de l'œil gauche, avec correction, en décimal (8/10 = 0,8)",
            "answer": [{"valueDecimal": 1}],
        },
    ]
    shown = dict(display_answers("ophthalmology", FULL_ANSWERS["ophthalmology"], "fr"))
    assert shown["Acuité visuelle de l'œil droit, avec correction, en décimal (8/10 = 0,8)"] == "0,8"


def test_the_items_enabled_follow_the_answers() -> None:
    everything = {item.link_id for item in form_items("ophthalmology", "fr")}
    assert enabled_items("ophthalmology", {}) == everything
    assert enabled_items("ophthalmology", one_eye_in_words("not-measured")) == everything - {"visual-acuity-right"}
    # Not one of the options: no acuity in words, the figure stays asked for.
    assert enabled_items("ophthalmology", {"visual-acuity-right-qualitative": "PL"}) == everything


@pytest.mark.parametrize(
    ("condition", "behavior"),
    [
        ({"question": "diabetes-type", "operator": "=", "answerCoding": {"code": "type-1"}}, None),
        ({"question": "no-such-question", "operator": "exists", "answerBoolean": False}, None),
        ({"question": "diabetes-type", "operator": "exists", "answerBoolean": False}, "sometimes"),
    ],
)
def test_an_enable_when_the_app_cannot_read_is_refused_rather_than_ignored(
    monkeypatch: pytest.MonkeyPatch, condition: dict[str, Any], behavior: str | None
) -> None:
    """An item always shown and required when its form says otherwise would block a case, or send an
    answer a strict server refuses: a form using an enableWhen the app does not read is a bug, said."""
    form = raw_form("ophthalmology")
    form["item"][1]["enableWhen"] = [condition]
    if behavior:
        form["item"][1]["enableBehavior"] = behavior
    monkeypatch.setattr(app_forms, "_form", lambda _specialty: form)
    monkeypatch.setattr(app_forms, "_questions", app_forms._questions.__wrapped__)
    with pytest.raises(ValueError, match="enable"):
        check_answers("ophthalmology", {}, "fr")


# --- whatever a case file holds ---------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
all_link_ids = sorted({link_id for items in EXPECTED.values() for link_id in items})
all_codes = sorted({code for s in FORM_SPECIALTIES for item in form_items(s, "fr") for code, _ in item.options})
plausible = (
    json_values
    | st.sampled_from(all_codes)
    | st.dates().map(lambda d: d.isoformat())
    | st.integers(min_value=-5, max_value=120)
    | st.floats(min_value=-1, max_value=120)
)
answer_sets = st.dictionaries(st.sampled_from(all_link_ids) | st.text(max_size=12), plausible, max_size=14)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specialty=st.sampled_from(FORM_SPECIALTIES),
    answers=answer_sets,
    lang=st.sampled_from(["fr", "en", "de"]),
)
def test_check_answers_never_raises(specialty: str, answers: dict[str, Any], lang: str) -> None:
    findings = check_answers(specialty, answers, lang)
    assert all(f.field.startswith("form.") and f.message for f in findings)
    assert all(f.severity in ("error", "missing") or f.code == "form.advised" for f in findings)
    assert all(f.severity == "warning" for f in findings if f.code == "form.advised")
    display_answers(specialty, answers, lang)


def answers_shaped_like(specialty: str) -> st.SearchStrategy[dict[str, Any]]:
    """Answers mostly of the right kind for each question, sometimes wrong or out of range."""
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for item in form_items(specialty, "fr"):
        right: st.SearchStrategy[Any]
        wrong: st.SearchStrategy[Any]
        if item.type == "boolean":
            right, wrong = st.booleans(), st.none() | st.integers(0, 1)
        elif item.type == "integer":
            low, high = (None if b is None else int(b) for b in (item.min, item.max))
            right = st.integers(min_value=low, max_value=high)
            wrong = st.integers() | st.floats()
        elif item.type == "decimal":
            right = st.floats(min_value=item.min, max_value=item.max) | st.integers(min_value=0, max_value=2)
            wrong = st.floats() | st.integers()
        elif item.type in ("string", "text"):
            right, wrong = st.text(min_size=1), st.text(max_size=2) | st.none()
        elif item.type == "date":
            right, wrong = st.dates().map(lambda d: d.isoformat()), st.text(max_size=12)
        else:
            right = st.sampled_from([code for code, _ in item.options])
            wrong = st.text(max_size=4)
        optional[item.link_id] = st.one_of(right, right, right, wrong)
    return st.fixed_dictionaries({}, optional=optional)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), specialty=st.sampled_from(FORM_SPECIALTIES))
def test_answers_without_error_can_be_sent_and_shown(data: st.DataObject, specialty: str) -> None:
    answers = data.draw(answers_shaped_like(specialty))
    findings = check_answers(specialty, answers, "fr")
    if any(f.severity == "error" for f in findings):
        with pytest.raises(ValueError, match="not valid"):
            response_items(specialty, answers)
        return
    items = response_items(specialty, answers)
    validate_response(specialty, items)
    strictly_accepted(specialty, items, complete=not any(f.severity == "missing" for f in findings))
    answered = [link_id for link_id in EXPECTED[specialty] if link_id in {i["linkId"] for i in items}]
    assert [i["linkId"] for i in items] == answered
    assert len(display_answers(specialty, answers, "en")) == len(items)
    missing = {f.field for f in findings if f.severity != "warning"}
    assert missing == {
        f"form.{link_id}"
        for link_id, (_, required) in EXPECTED[specialty].items()
        # An acuity said in words (« compte les doigts ») disables its decimal: then not required.
        if required and link_id not in answered and f"{link_id}-qualitative" not in answered
    }


def test_a_unit_said_in_the_singular_or_the_plural_as_its_figure_asks() -> None:
    """Found by an outside tester reading the printed report as a doctor would: « Ancienneté du diabète :
    20 an(s) », the form's unit as written for a label, not as French (or English) says a duration."""
    said = {
        (years, lang): dict(display_answers("ophthalmology", {"diabetes-duration": years}, lang))
        for years in (1, 2, 20)
        for lang in ("fr", "en")
    }
    fr, en = "Ancienneté du diabète (en années)", "Duration of diabetes (in years)"
    assert [said[years, "fr"][fr] for years in (1, 2, 20)] == ["1 an", "2 ans", "20 ans"]
    assert [said[years, "en"][en] for years in (1, 2, 20)] == ["1 year", "2 years", "20 years"]
