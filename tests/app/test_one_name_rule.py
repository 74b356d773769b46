"""Two records of one patient are compared by one rule wherever they meet: the workstation's duplicate checks
(an INS or a file number on two identities, ``Patient.same_person`` for a photo held in another case) and the
platform's Patient found by the number (``sync.engine.same_person``). Found in review: « JEAN-NOEL » and
« JEAN NOEL » were one first name to the workstation (hyphens read as spaces) and two to the platform's check.

They are two, everywhere: in the INS traits the hyphen joins a composed first name (« JEAN-NOEL ») and the space
parts two first names (« JEAN NOEL »), and a record of one may be another person's. Taken as the same, a
different patient's case goes through under the other's identity, nothing said; taken as different, the same
patient's case is stopped with the message naming the other record, for the nurse to correct one of the two.
The first is the harm identity vigilance exists to prevent, the second its price."""

from __future__ import annotations

import pytest

from app.model import Case, Patient
from app.validation import same_ins_elsewhere
from sync.engine import same_person

INS = "150028512345615"

PAIRS = [
    # (ours, theirs): family, first given name
    (("MARTIN", "Jean-Noël"), ("MARTIN", "JEAN NOEL")),
    (("LE GOFF-MARTIN", "Paul"), ("LE GOFF MARTIN", "PAUL")),
    (("N'GUESSAN", "Awa"), ("N GUESSAN", "AWA")),
    (("MARTIN", "Jean-Noël"), ("MARTIN", "JEAN-NOEL")),
    (("Œuvray", "Lætitia"), ("OEUVRAY", "LAETITIA")),
    (("Wałęsa", "Łukasz"), ("WALESA", "LUKASZ")),
    (("d’Arcy", "Zoé"), ("D'ARCY", "ZOE")),
]
SAME = [False, False, False, True, True, True, True]


def _patient(family: str, given: str) -> Patient:
    patient = Patient(family=family, given=[given], birth_date="1950-02-03", sex="male", ins=INS, local_id="D-1")
    patient.identity_status = "qualified"
    return patient


@pytest.mark.parametrize(("pair", "same"), list(zip(PAIRS, SAME, strict=True)))
def test_the_workstation_and_the_platform_check_say_the_same(
    pair: tuple[tuple[str, str], tuple[str, str]], same: bool
) -> None:
    ours, theirs = _patient(*pair[0]), _patient(*pair[1])
    resource = {
        "resourceType": "Patient",
        "name": [{"use": "official", "family": theirs.family, "given": theirs.given}],
        "birthDate": theirs.birth_date,
        "gender": theirs.sex,
    }
    assert same_person(resource, ours) is same
    assert ours.same_person(theirs) is same
    assert ours.identity_conflict(theirs) is not same
    found = same_ins_elsewhere(Case(id="a", patient=ours), [Case(id="b", patient=theirs)])
    assert [f.severity for f in found] == ([] if same else ["error"])
