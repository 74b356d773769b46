"""Letters that are neither an accented letter nor a ligature (« Ł », « Ø », « Đ », « Þ », the dotless « ı »,
« ß »): NFKD does not decompose them, so they stayed as typed where the INSi teleservice writes its traits in
A–Z (capitals without diacritics, hyphen, apostrophe, space). Their stroke, bar or missing dot is a diacritic
as an accent is, and they are written as the base letter (ICAO Doc 9303's recommended transliteration, as
travel documents read by machines write them): « Łukasz » is « LUKASZ », « Þór » is « THOR », « ß » is « SS ».
The same rule is the duplicate checks', the search's and the traits sent."""

from __future__ import annotations

import re

import pytest

from app.folding import fold, fold_name
from app.identifiers import ins_trait
from app.model import Case, Patient
from app.search_words import patient_words, typed_words
from app.validation import same_ins_elsewhere

INS = "150028512345615"

PAIRS = [
    ("Łukasz", "LUKASZ"),
    ("Søren", "SOREN"),
    ("ØSTERGÅRD", "OSTERGARD"),
    ("Đorđević", "DORDEVIC"),
    ("Guðrún", "GUDRUN"),
    ("Þór", "THOR"),
    ("Yıldız", "YILDIZ"),
    ("İlker", "ILKER"),
    ("Weiß", "WEISS"),
    ("Ħabib", "HABIB"),
    ("Lætitia", "LAETITIA"),
]


@pytest.mark.parametrize(("typed", "insi"), PAIRS)
def test_an_ins_trait_is_written_in_a_to_z(typed: str, insi: str) -> None:
    assert ins_trait(typed) == insi
    assert re.fullmatch(r"[A-Z' -]+", ins_trait(typed))


@pytest.mark.parametrize(("typed", "insi"), PAIRS)
def test_folded_the_two_writings_are_one_word(typed: str, insi: str) -> None:
    assert fold(typed) == fold(insi) == insi.lower()
    assert fold_name(typed) == fold_name(insi)


def test_the_same_ins_under_both_writings_is_no_identity_conflict() -> None:
    def patient(family: str, given: str) -> Patient:
        return Patient(family=family, given=[given], birth_date="1950-02-03", sex="male", ins=INS, local_id="D-1")

    typed, insi = patient("Đorđević", "Łukasz"), patient("DORDEVIC", "LUKASZ")
    assert typed.same_person(insi) and not typed.identity_conflict(insi)
    ours, theirs = Case(id="a", patient=typed), Case(id="b", patient=insi)
    for case in (ours, theirs):
        case.patient.identity_status = "qualified"
    assert same_ins_elsewhere(ours, [theirs]) == []


def test_the_worklist_finds_either_writing_by_the_other() -> None:
    words = patient_words(Patient(family="Østergård", given=["Łukasz"], birth_date="1950-02-03"))
    for typed in ("lukasz", "LUK", "ostergard", "Łuk", "øster"):
        assert all(word in words for word in typed_words(typed)[0]), typed


@pytest.mark.parametrize("family", ["Иванов", "ΠΑΠΑΣ", "MÜLLERſ", "李"])
def test_a_letter_no_ins_trait_holds_beside_a_qualified_ins_is_an_error(family: str) -> None:
    """A letter that has no A–Z writing (another script) is no INS trait: beside a qualified identity's INS, it
    is a trait typed wrong (INSi returns A–Z), said as the other signs are; provisional, a warning no more."""
    from app.validation import validate_identity

    def said(status: str) -> list[tuple[str, str]]:
        patient = Patient(family=family, given=["Paul"], birth_date="1950-02-03", sex="male", ins=INS, local_id="D-1")
        patient.identity_status = status
        case = Case(id="c", patient=patient)
        return [(f.code, f.severity) for f in validate_identity(case) if f.code == "patient.family.signs"]

    if family == "MÜLLERſ":  # (« ſ », the long s, is an « s »: NFKD writes it so)
        assert said("qualified") == [] and ins_trait(family) == "MULLERS"
        return
    assert said("qualified") == [("patient.family.signs", "error")]
    assert said("provisional") == []


@pytest.mark.parametrize(("typed", "insi"), [("Paraŀlel", "PARALLEL"), ("COŀLELL", "COLLELL"), ("ĿLULL", "LLULL")])
def test_the_catalan_l_with_a_middle_dot_is_an_l(typed: str, insi: str) -> None:
    # NFKD writes « ŀ » as « l » and a middle dot, a sign no INS trait holds; ICAO Doc 9303 writes it « L »,
    # as it writes « Ł » (found in review: « PARAL·LEL » went as a trait, and « Paraŀlel » and « PARALLEL »
    # were two names to the duplicate checks).
    assert ins_trait(typed) == insi
    assert fold(typed) == fold(insi) == insi.lower()
    assert fold_name(typed) == fold_name(insi)
