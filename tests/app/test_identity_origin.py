"""« Qualifiée » (or « Validée ») with the checked document « — à préciser — » (not said) was only a ⚠ (note 36),
kept so for a case file from a hospital system that has no key for it. A case made in the window, where the
nurse has the list of documents in front of her, now waits for it, as « Aucune » makes it wait: the case records
where it was made (``Case.origin``, kept in its sealed content). A case stored before, and any case file, say
nothing of it: a ⚠ as before."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.findings import Finding
from app.model import ORIGIN_WINDOW, Case, Patient
from app.store import Store
from app.validation import validate_identity

PAUL = "150028512345615"


def _case(origin: str = "") -> Case:
    patient = Patient(
        family="MARTIN",
        given=["Paul"],
        birth_date="1950-02-03",
        sex="male",
        ins=PAUL,
        local_id="D-2291",
        identity_status="qualified",
        birth_place="85123",
    )
    return Case(patient=patient, origin=origin)


def _not_said(case: Case) -> Finding:
    (finding,) = [f for f in validate_identity(case, date(2026, 12, 6)) if f.field == "patient.identity_document"]
    return finding


@pytest.mark.parametrize("status", ["qualified", "validated"])
def test_a_window_case_waits_for_the_document_checked(status: str) -> None:
    case = _case(ORIGIN_WINDOW)
    case.patient.identity_status = status
    finding = _not_said(case)
    assert finding.code == "patient.identity_document.missing" and finding.blocks_sending(), finding
    assert "indiquez la pièce d'identité contrôlée" in finding.message, finding.message


def test_a_case_of_unknown_origin_keeps_its_warning() -> None:
    finding = _not_said(_case())
    assert finding.code == "patient.identity_document.missing" and not finding.blocks_sending(), finding


def test_the_origin_is_kept_with_the_case_and_absent_from_older_ones(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        made_here = store.create_case(_case(ORIGIN_WINDOW), [])
        unknown = store.create_case(_case(), [])
        assert store.get_case(made_here).origin == ORIGIN_WINDOW
        assert store.get_case(unknown).origin == ""
        assert "origin" not in _case().content(), "a case of unknown origin is stored as an older release stores it"


# A case file's case whose status the nurse then sets in the window (note 37): she stated the qualification
# herself, in front of the list of documents, so the window's rule holds for it too.


@pytest.mark.parametrize("status", ["qualified", "validated"])
def test_a_case_whose_identity_was_stated_in_the_window_waits_for_the_document(status: str) -> None:
    case = _case()
    case.identity_origin = ORIGIN_WINDOW
    case.patient.identity_status = status
    finding = _not_said(case)
    assert finding.code == "patient.identity_document.missing" and finding.blocks_sending(), finding


def test_where_the_identity_was_stated_is_kept_and_absent_from_older_cases(teleavis_home: Path) -> None:
    case = _case()
    assert "identity_origin" not in case.content(), "not stated in the window: stored as an older release stores it"
    case.identity_origin = ORIGIN_WINDOW
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(case, [])
        stored = store.get_case(case_id)
        assert (stored.origin, stored.identity_origin) == ("", ORIGIN_WINDOW)
        assert [f.blocks_sending() for f in store.checklist(stored) if f.field == "patient.identity_document"] == [
            True
        ], "case send runs this checklist: it waits too"


def test_a_case_files_qualified_identity_without_its_document_stays_a_warning(tmp_path: Path) -> None:
    from app.casefile import parse_case
    from tests.support.cases import EXAMPLE

    document = {**EXAMPLE, "images": [], "patient": {**EXAMPLE["patient"], "identity_status": "qualified"}}
    case = parse_case(document, tmp_path).case
    assert (case.origin, case.identity_origin) == ("", "")
    assert not _not_said(case).blocks_sending()
