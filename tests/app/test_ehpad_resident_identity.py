"""RNIV 2024 (volet 1, 3.3.3, particular cases where no high-trust ID document is at hand): an elderly person
admitted directly to an EHPAD may have the identity validated on the family record book or a birth certificate
extract (which a third party may obtain from the birth commune) with the resident's own carte Vitale bearing a
photograph. Teleavis refused both documents for every adult, so such a resident stayed blocked from « Validée »
and « Qualifiée ». Now the nurse says the carte Vitale with photograph was seen at a direct admission; the
family record book or the birth certificate then validates the adult resident's identity. Nothing else does:
a foreign minor's travel document stays a minor's, and the ID documents of FR Core's INS value set (AN, LE) go
as the validation mode, as before."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from app.casefile import parse_case
from app.errors import CaseFileError
from app.model import Case, Patient
from app.validation import validate_identity
from tests.support.cases import EXAMPLE

CHECKED = {"identity_checked_on": "2026-11-20", "birth_place": "85123"}


def _case(**patient: object) -> Case:
    base: dict[str, object] = {
        "family": "MARTIN",
        "given": ["Paul"],
        "birth_date": "1950-02-03",
        "sex": "male",
        "ins": "150028512345615",
        "local_id": "D-2291",
        **CHECKED,
    }
    case = Case(id="c1", specialty="dermatology", priority="routine")
    case.patient = Patient(**{**base, **patient})  # type: ignore[arg-type]
    return case


def _document_errors(case: Case) -> list[str]:
    return [f.code for f in validate_identity(case) if f.field == "patient.identity_document"]


@pytest.mark.parametrize("status", ["validated", "qualified"])
@pytest.mark.parametrize("document", ["LE", "AN"])
def test_a_resident_admitted_directly_to_an_ehpad_is_validated_on_a_birth_certificate_and_her_carte_vitale(
    status: str, document: str
) -> None:
    resident = _case(identity_status=status, identity_document=document, identity_ehpad_vitale=True)
    assert _document_errors(resident) == []
    # Without the carte Vitale with photograph seen, still a minor's document only.
    alone = _case(identity_status=status, identity_document=document)
    assert _document_errors(alone) == ["patient.identity_document.minor"]
    message = " ".join(f.message for f in validate_identity(alone))
    assert "EHPAD" in message and "carte Vitale" in message


def test_the_carte_vitale_does_not_make_a_foreign_minors_travel_document_an_adults() -> None:
    assert _document_errors(_case(identity_status="validated", identity_document="DC", identity_ehpad_vitale=True)) == [
        "patient.identity_document.minor"
    ]


def test_a_foreign_minors_travel_document_is_not_told_of_the_ehpad_box_it_has_none() -> None:
    """Found in review: refused for an adult, the travel document was told « Seule exception : … la case
    « Admis directement en EHPAD » sous la pièce »: no such box shows under it (the exception is the family
    record book's and the birth certificate's), and no carte Vitale makes it an adult's."""
    travel = _case(identity_status="validated", identity_document="DC")
    words = " ".join(f.message for f in validate_identity(travel) if f.field == "patient.identity_document")
    assert "carte d'identité, un passeport ou un titre de séjour" in words
    assert "EHPAD" not in words and "Vitale" not in words


def test_a_case_file_says_it_with_patient_identity_ehpad_vitale(tmp_path: Path) -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["images"] = []
    doc["patient"].update(identity_status="qualified", identity_document="AN", identity_ehpad_vitale=True)
    case = parse_case(doc, tmp_path).case
    assert case.patient.identity_ehpad_vitale is True
    assert _document_errors(case) == []
    doc["patient"]["identity_ehpad_vitale"] = "oui"
    with pytest.raises(CaseFileError) as refused:
        parse_case(doc, tmp_path)
    assert "patient.identity_ehpad_vitale" in " ".join(map(str, refused.value.details))
    del doc["patient"]["identity_ehpad_vitale"]
    doc["patient"]["identity_document"] = "PA"  # (a birth certificate alone: an adult's identity is refused)
    assert parse_case(doc, tmp_path).case.patient.identity_ehpad_vitale is False


def test_it_is_kept_across_a_restart_and_a_backup_restored_and_a_case_stored_before_reads_false(
    teleavis_home: Path, tmp_path: Path
) -> None:
    from app.backup import restore_backup, write_backup
    from app.store import Store
    from tests.conftest import PASSPHRASE

    resident = _case(identity_status="validated", identity_document="LE", identity_ehpad_vitale=True)
    resident.id = "resident"
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(resident, [])
        # What an older release sealed: the patient without the key.
        old = _case(identity_status="validated", identity_document="LE")
        old.id = "older"
        old_id = store.create_case(old, [])
        content = store.get_case(old_id).content()
        del content["patient"]["identity_ehpad_vitale"]
        with store.conn:
            store.conn.execute(
                "UPDATE cases SET content=? WHERE id=?", (store._seal_json(content, f"case:{old_id}:content"), old_id)
            )
        write_backup(store, tmp_path / "sauvegarde.tvbak")
    with Store.open(teleavis_home, passphrase=lambda _confirm: PASSPHRASE) as store:  # a restart
        assert store.get_case(case_id).patient.identity_ehpad_vitale is True
        assert store.get_case(old_id).patient.identity_ehpad_vitale is False
        assert _document_errors(store.get_case(old_id)) == ["patient.identity_document.minor"]
        changed = store.get_case(case_id)
        changed.patient.identity_ehpad_vitale = False
        store.update_case(changed)
    restore_backup(tmp_path / "sauvegarde.tvbak", teleavis_home, PASSPHRASE, force=True)
    with Store.open(teleavis_home, passphrase=lambda _confirm: PASSPHRASE) as store:
        assert store.get_case(case_id).patient.identity_ehpad_vitale is True
        assert _document_errors(store.get_case(case_id)) == []
