"""The strict traits compared between two records of one patient: a name written with a ligature (« Lætitia »,
« Œuvray », as the birth certificate has it) and the same name spelt out (« LAETITIA », « OEUVRAY », as the
INSi teleservice and the hospital systems that take its traits write it) are one name. Folding alone kept
« æ » and « œ » apart from « ae » and « oe »: the same INS under both writings was said to be an identity
conflict (one number on two identities), blocking both qualified cases."""

from __future__ import annotations

from app.model import Case, Patient
from app.validation import same_ins_elsewhere

INS = "250028512345662"


def _patient(family: str, given: str) -> Patient:
    return Patient(family=family, given=[given], birth_date="1950-02-03", sex="female", ins=INS, local_id="D-1")


def test_a_ligature_and_its_letters_spelt_out_are_the_same_name() -> None:
    typed, insi = _patient("Œuvray", "Lætitia"), _patient("OEUVRAY", "LAETITIA")
    assert typed.same_person(insi) and not typed.identity_conflict(insi)
    other = _patient("OEUVRAY", "LETITIA")
    assert not typed.same_person(other) and typed.identity_conflict(other)


def test_the_same_ins_under_both_writings_is_no_conflict() -> None:
    ours = Case(id="a", specialty="dermatology", priority="routine", patient=_patient("Œuvray", "Lætitia"))
    theirs = Case(id="b", specialty="dermatology", priority="routine", patient=_patient("OEUVRAY", "LAETITIA"))
    for case in (ours, theirs):
        case.patient.identity_status = "qualified"
    assert same_ins_elsewhere(ours, [theirs]) == []
    theirs.patient.given = ["LETITIA"]
    assert [f.severity for f in same_ins_elsewhere(ours, [theirs])] == ["error"]


def test_a_used_name_that_is_the_birth_name_spelt_out_is_no_used_name() -> None:
    """« OEUVRAY » (as INSi and a hospital's label write it) typed as the used name of « Œuvray » is her birth
    name: shown « ŒUVRAY Lætitia (nom utilisé : OEUVRAY) » and sent as a usual name, it said she goes by
    another. Found in review: the strict traits spelt the ligatures out, the used name's check did not."""
    patient = _patient("Œuvray", "Lætitia")
    patient.used_name = "OEUVRAY"
    assert patient.used_name_shown() == ""
    assert "OEUVRAY" not in patient.shown_name("fr")
    patient.used_name = "Lætitia-Leroy"
    assert patient.used_name_shown() == "LÆTITIA-LEROY"  # another name: kept as typed, in capitals
