"""One file number on « MARTIN JEAN-NOEL » and « MARTIN JEAN NOEL » (same birth date and sex): the duplicate check
keeps them apart (tests/app/test_one_name_rule.py: a composed first name and two first names are two traits), so
the second case is blocked. Found in review: the message said only « check it in the patient's record », and when
the other case had already left it could not be corrected here: the nurse had no way on. The records are never
merged, nothing is let through; the message now says which case holds the number, the two writings side by side,
which one to correct when, and, the other case gone, who corrects a case already sent (the identity-vigilance
referent, with the platform): this case waits here, nothing lost."""

from __future__ import annotations

import pytest

from app import i18n
from app.model import Case, CaseState, Patient
from app.validation import blocking, same_local_id_elsewhere


def _case(case_id: str, given: str, state: CaseState = CaseState.DRAFT) -> Case:
    patient = Patient(family="MARTIN", given=[given], birth_date="1950-02-03", sex="male", local_id="D-1")
    return Case(id=case_id, patient=patient, state=state)


def test_a_sent_case_holding_the_number_under_another_writing_says_who_corrects_it() -> None:
    ours, theirs = _case("aaaaaaaa-1", "Jean-Noël"), _case("bbbbbbbb-2", "JEAN NOEL", CaseState.SENT)
    (found,) = blocking(same_local_id_elsewhere(ours, [theirs]))
    text = found.message
    assert "bbbbbbbb" in text and "« JEAN NOEL »" in text and "« Jean-Noël »" in text, text
    assert "déjà parti" in text and "identitovigilance" in text and "rien n'est perdu" in text, text
    # Said once, as a nurse reads it (found in review, whole41: « Ce dossier attend ici en attendant »).
    assert "attend ici en attendant" not in text and "Ce dossier-ci reste ici en attendant" in text, text


def test_an_open_case_holding_the_number_is_the_one_to_correct_if_it_is_wrong() -> None:
    ours, theirs = _case("aaaaaaaa-1", "Jean-Noël"), _case("bbbbbbbb-2", "JEAN NOEL")
    (found,) = blocking(same_local_id_elsewhere(ours, [theirs]))
    assert "corrigez-le dans le dossier bbbbbbbb" in found.message and "déjà parti" not in found.message


def test_unnamed_for_a_terminal_the_writings_are_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    ours, theirs = _case("aaaaaaaa-1", "Jean-Noël"), _case("bbbbbbbb-2", "JEAN NOEL", CaseState.SENT)
    (found,) = blocking(same_local_id_elsewhere(ours, [theirs], named=False))
    assert "bbbbbbbb" in found.message and "NOEL" not in found.message and "Noël" not in found.message
    monkeypatch.setattr(i18n, "language", lambda: "en")
    (found,) = blocking(same_local_id_elsewhere(ours, [theirs], named=False))
    assert "already left" in found.message and "nothing is lost" in found.message, found.message


def test_another_patient_under_the_number_is_said_as_before() -> None:
    ours = _case("aaaaaaaa-1", "Jean-Noël")
    other = _case("bbbbbbbb-2", "PIERRE", CaseState.SENT)
    (found,) = blocking(same_local_id_elsewhere(ours, [other]))
    assert "vérifiez-le dans le dossier du patient" in found.message


def test_a_queued_case_holding_the_number_is_said_held_back_then_corrected_not_gone() -> None:
    """Found in review: a case queued and not yet sent was said « déjà parti », to be reported to identity
    vigilance; it can still be held back (a draft again) and corrected here, and it leaves at the next sync."""
    ours, theirs = _case("aaaaaaaa-1", "Jean-Noël"), _case("bbbbbbbb-2", "JEAN NOEL", CaseState.QUEUED)
    (found,) = blocking(same_local_id_elsewhere(ours, [theirs]))
    text = found.message
    assert "déjà parti" not in text and "identitovigilance" not in text, text
    assert "Retenir le dossier" in text and "teleavis case cancel bbbbbbbb" in text, text


def test_another_birth_date_is_another_patient_not_a_writing() -> None:
    """A hyphen apart and another birth date: two patients under one number, said as before (never « même date de
    naissance », « s'écrit autrement »)."""
    ours = _case("aaaaaaaa-1", "Jean-Noël")
    other = _case("bbbbbbbb-2", "JEAN NOEL", CaseState.SENT)
    other.patient.birth_date = "1951-02-03"
    (found,) = blocking(same_local_id_elsewhere(ours, [other]))
    assert "vérifiez-le dans le dossier du patient" in found.message and "autrement" not in found.message
