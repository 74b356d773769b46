"""One INS on « MARTIN JEAN-NOEL » and « MARTIN JEAN NOEL » (same birth date and sex): a composed first name and two
first names are two traits (tests/app/test_one_name_rule.py), so the INS check keeps them apart. Found in review: the
message was the generic one for another patient (« l'un des deux dossiers porte un INS qui n'est pas le sien…
carte Vitale d'un parent »), a false lead when the two records are one person written two ways. Said now as the
file number's (tests/app/test_local_id_written_apart.py): which case holds the INS, both writings side by side, how
the INSi teleservice writes the traits, and what to do by that case's state; never merged, nothing let through."""

from __future__ import annotations

import pytest

from app import i18n
from app.model import Case, CaseState, Patient
from app.validation import blocking, same_ins_elsewhere

INS = "150028512345615"


def _case(case_id: str, given: str, state: CaseState = CaseState.DRAFT, status: str = "qualified") -> Case:
    patient = Patient(
        family="MARTIN",
        given=[given],
        birth_date="1950-02-03",
        sex="male",
        ins=INS,
        identity_status=status,
        identity_document="PA",
        local_id="D-1",
    )
    return Case(id=case_id, patient=patient, state=state)


def test_a_sent_case_holding_the_ins_under_another_writing_says_both_and_who_corrects_it() -> None:
    ours, theirs = _case("aaaaaaaa-1", "Jean-Noël"), _case("bbbbbbbb-2", "JEAN NOEL", CaseState.SENT)
    (found,) = blocking(same_ins_elsewhere(ours, [theirs]))
    text = found.message
    assert found.code == "patient.ins.elsewhere" and found.field == "patient.ins"
    assert "bbbbbbbb" in text and "«\u00a0JEAN NOEL\u00a0»" in text and "«\u00a0JEAN-NOEL\u00a0»" in text, text
    assert "INSi" in text and "carte Vitale" not in text, text
    assert "déjà parti" in text and "identitovigilance" in text and "rien n'est perdu" in text, text


@pytest.mark.parametrize(
    ("state", "said"),
    [
        (CaseState.DRAFT, "corrigez-le dans le dossier bbbbbbbb"),
        (CaseState.QUEUED, "teleavis case cancel bbbbbbbb"),
    ],
)
def test_the_way_on_follows_the_other_case_s_state(state: CaseState, said: str) -> None:
    ours, theirs = _case("aaaaaaaa-1", "Jean-Noël"), _case("bbbbbbbb-2", "JEAN NOEL", state)
    (found,) = blocking(same_ins_elsewhere(ours, [theirs]))
    assert said in found.message and "déjà parti" not in found.message, found.message


def test_one_of_them_not_qualified_is_a_warning_in_the_same_words() -> None:
    """The INS leaves with a qualified identity only: one of the two provisional, said but not blocking, as the
    generic message is (tests/app/test_identity_vigilance.py)."""
    ours, theirs = _case("aaaaaaaa-1", "Jean-Noël", status="provisional"), _case("bbbbbbbb-2", "JEAN NOEL")
    (found,) = same_ins_elsewhere(ours, [theirs])
    assert not found.blocks_sending() and "«\u00a0Jean-Noël\u00a0»" in found.message, found.message


def test_in_english_and_unnamed_for_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    ours, theirs = _case("aaaaaaaa-1", "Jean-Noël"), _case("bbbbbbbb-2", "JEAN NOEL", CaseState.SENT)
    (found,) = blocking(same_ins_elsewhere(ours, [theirs], named=False))
    assert "bbbbbbbb" in found.message and "NOEL" not in found.message and "Noël" not in found.message
    assert "teleavis case show bbbbbbbb" in found.message and "identitovigilance" in found.message
    monkeypatch.setattr(i18n, "language", lambda: "en")
    (found,) = blocking(same_ins_elsewhere(ours, [theirs]))
    assert "“JEAN NOEL”" in found.message and "INSi" in found.message and "nothing is lost" in found.message


def test_another_patient_under_the_ins_is_said_as_before() -> None:
    ours, other = _case("aaaaaaaa-1", "Jean-Noël"), _case("bbbbbbbb-2", "PIERRE", CaseState.SENT)
    (found,) = blocking(same_ins_elsewhere(ours, [other]))
    assert "n'appartient qu'à une seule personne" in found.message and "autrement" not in found.message
