"""A used name typed into the birth name (« DUPONT épouse LEROY »): the birth name is a strict trait the
RNIV keeps unaltered, so the checklist says to keep only the birth name there and to put the used
name in its own field. A warning the nurse sees under the field and in the checklist, not a block."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.folding import fold
from app.model import Case, Patient
from app.validation import MARRIAGE_WORDS, blocking, marriage_word, validate_identity
from tests.support.cases import EXAMPLE, example_case
from tests.support.cli import SITE, run_inprocess, write_json


def _jeanne(**changes: str) -> Patient:
    patient = Patient(family="DUPONT", given=["Jeanne"], birth_date="1950-02-03", sex="female", local_id="D-1")
    for key, value in changes.items():
        setattr(patient, key, value)
    return patient


def _findings(family: str, used_name: str = "") -> list[str]:
    case = Case(patient=_jeanne(family=family, used_name=used_name))
    return [f.code for f in validate_identity(case)]


@pytest.mark.parametrize(
    ("family", "word"),
    [
        ("DUPONT épouse LEROY", "épouse"),
        ("DUPONT EPOUSE LEROY", "EPOUSE"),
        ("DUPONT ép. LEROY", "ép"),
        ("DUPONT Ep.LEROY", "Ep"),
        ("DUPONT ep LEROY", "ep"),
        ("DUPONT épse LEROY", "épse"),
        ("DUPONT veuve LEROY", "veuve"),
        ("DUPONT Vve LEROY", "Vve"),
        ("LEROY née DUPONT", "née"),
        ("LEROY NEE DUPONT", "NEE"),
        ("DUPONT divorcée LEROY", "divorcée"),
        ("DUPONT (ép. LEROY)", "ép"),
    ],
)
def test_a_married_name_in_the_birth_name_warns_in_plain_french(family: str, word: str) -> None:
    findings = validate_identity(Case(patient=_jeanne(family=family)))
    (married,) = [f for f in findings if f.code == "patient.family.married"]
    assert married.field == "patient.family" and married.severity == "warning" and not blocking(findings)
    assert f"« {word} »" in married.message
    assert "nom de naissance" in married.message and "Nom utilisé" in married.message


@pytest.mark.parametrize(
    "family",
    ["NEEL", "EPEE", "DUPONT EPEE", "LE PEN", "D'EPERNON", "VEUVE-CLICQUOT", "NÉE", "DE LA VEUVE", "EPSTEIN", "DUPONT"],
)
def test_a_family_name_that_merely_holds_those_letters_is_left_alone(family: str) -> None:
    """« EPEE » is not « ép. », « NEEL » not « née »; a hyphenated name is one name; and a single word
    is a name (« Née » is one)."""
    assert "patient.family.married" not in _findings(family)


NAME = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZÉÈÇabcdeéèfgz'-", min_size=1, max_size=12).filter(
    lambda w: w.strip("'-") == w and "--" not in w and "''" not in w and "'-" not in w and "-'" not in w
)
MARKER = st.sampled_from(["épouse", "EPOUSE", "ép.", "Ep.", "ep", "épse", "veuve", "VVE", "née", "NEE", "divorcée"])


#: A name that a marriage word may follow as a name of its own (« DE LA VEUVE »): not a particle.
NOT_PARTICLE = NAME.filter(lambda w: fold(w) not in {"de", "la", "le", "du", "des", "d", "l"})


@given(birth=NOT_PARTICLE, marker=MARKER, used=NOT_PARTICLE)
def test_any_birth_name_then_a_marriage_word_then_a_name_warns(birth: str, marker: str, used: str) -> None:
    assert marriage_word(f"{birth} {marker} {used}")
    assert marriage_word(f"{used} {marker} {birth}")


@given(words=st.lists(NAME, min_size=1, max_size=4))
def test_names_made_of_words_none_of_which_is_a_marriage_word_never_warn(words: list[str]) -> None:
    if any(fold(part) in MARRIAGE_WORDS for word in words for part in word.replace("'", "-").split("-")):
        return
    assert marriage_word(" ".join(words)) == ""
    assert "patient.family.married" not in _findings(" ".join(words))


def test_the_used_name_field_takes_the_name_alone() -> None:
    assert "patient.used_name.married" in _findings("DUPONT", "épouse LEROY")
    assert not {"patient.family.married", "patient.used_name.married"} & set(_findings("DUPONT", "LEROY"))


def test_an_invisible_character_in_the_used_name_is_refused() -> None:
    assert "patient.used_name.characters" in _findings("DUPONT", "LE\u202eROY")


def test_import_says_it_and_show_lists_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    patient = {**EXAMPLE["patient"], "family": "DUPONT épouse LEROY", "given": ["Jeanne"], "sex": "female"}
    patient.pop("ins")
    imported = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex", patient=patient)))
    assert imported.code == 0 and "patient.family : Le nom de naissance semble contenir" in imported.err
    shown = run_inprocess(capsys, "case", "show", imported.out.strip(), "--json").json()
    (married,) = [f for f in shown["checklist"] if f["code"] == "patient.family.married"]
    assert married["severity"] == "warning"
