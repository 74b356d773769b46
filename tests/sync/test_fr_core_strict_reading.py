"""What the requester sends read against FR Core's own rules by an independent reader
(tests/support/strict_fhir.py, written from FR Core's FSH sources), not by ``sync.frcore``, which the
mapping and the sandbox share: a rule that module read wrong would pass both of them and be refused by a
strict national platform."""

from __future__ import annotations

from typing import Any

import pytest

from app.model import Message, new_id
from app.store import Store
from sync.mapping import prepare_case, prepare_reply
from tests.support.strict_fhir import FR_CORE, problems_of_transaction
from tests.sync.sync_helpers import REQUESTER, make_case

NIA = "785079934104512"  # a temporary number (first digit 7: a man), born in July 1985

IDENTITIES: dict[str, dict[str, Any]] = {
    # The reference case file of docs/cli.md: qualified, its INS, no birth place, local id D-2291.
    "reference case": {"identity_status": "qualified"},
    "qualified with everything": {
        "identity_status": "qualified",
        "identity_document": "CN",
        "identity_checked_on": "2026-11-20",
        "birth_place": "75056",
        "used_name": "LEROY",
    },
    "qualified NIA": {"identity_status": "qualified", "ins": NIA, "birth_date": "1985-07-14"},
    "validated": {"identity_status": "validated", "identity_document": "PA", "identity_checked_on": "2026-11-20"},
    "recovered": {"identity_status": "recovered"},
    "provisional without INS": {"identity_status": "provisional", "ins": None},
}


def _case(store: Store, specialty: str = "dermatology", **patient: Any) -> Any:
    case = store.get_case(make_case(store, specialty, queue=False))
    assert case.patient.local_id == "D-2291"
    for key, value in patient.items():
        setattr(case.patient, key, value)
    return case


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("identity", sorted(IDENTITIES))
def test_every_identity_the_mapping_sends_reads_as_fr_core_to_an_independent_reader(
    store: Store, identity: str, training: bool
) -> None:
    case = _case(store, "ophthalmology", **IDENTITIES[identity])
    bundle = prepare_case(case, REQUESTER, training=training).bundle
    assert [str(p) for p in problems_of_transaction(bundle)] == []
    reply = Message(id=new_id(), direction="to-expert", text="Voici la photo demandée.")
    replied = prepare_reply(
        case,
        REQUESTER,
        reply,
        case.images[:1],
        task_id="t1",
        request_id="s1",
        expert_message_id="c1",
        training=training,
    ).bundle
    assert [str(p) for p in problems_of_transaction(replied)] == []


def _entry(bundle: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind)


def _reliability(patient: dict[str, Any], part: str) -> dict[str, Any]:
    return next(p for p in patient["extension"][0]["extension"] if p["url"] == part)


def _second_official(patient: dict[str, Any]) -> None:
    _reliability(patient, "identityStatus")["valueCoding"]["code"] = "VALI"
    patient["identifier"].append({"use": "official", "system": "urn:oid:1.2.250.1.999.9", "value": "x"})


@pytest.mark.parametrize(
    ("kind", "change", "words"),
    [
        ("Patient", lambda r: _reliability(r, "identityStatus")["valueCoding"].update(code="SURE"), "IdentityStatus"),
        ("Patient", lambda r: r["identifier"][0].update(use="usual"), "identifier[INS-NIR].use"),
        ("Patient", lambda r: r["identifier"][0].pop("type"), "identifier[INS-NIR].type"),
        ("Patient", lambda r: r["meta"].update(profile=[FR_CORE + "fr-core-patient"]), "fr-core-patient-ins only"),
        ("Patient", lambda r: r["name"][0].pop("given"), "family 1.. and given 1.."),
        ("Patient", lambda r: r["name"][0].update(given=["Paul", "Jean"]), "given 1..1"),
        ("Patient", lambda r: r["name"][0].pop("extension"), "birth-list-given-name"),
        ("Patient", lambda r: r.update(gender="other"), "gender 1..1"),
        ("Patient", lambda r: r.pop("birthDate"), "birthDate 1.."),
        ("Patient", lambda r: r["extension"].pop(0), "identityReliability] 1..*"),
        ("Patient", _second_official, "fr-core-2"),
        ("Practitioner", lambda r: r["identifier"][0].pop("type"), "IDNPS"),
        ("Practitioner", lambda r: r["identifier"].append(dict(r["identifier"][0])), "idNatPs] 0..1"),
        ("Organization", lambda r: r["identifier"][1].update(use="usual"), "identifier[idNatSt].use"),
        ("Organization", lambda r: r["identifier"][0]["type"]["coding"][0].update(system="urn:x"), "finess"),
        ("Organization", lambda r: r["identifier"][0].pop("value"), "identifier.value 1.."),
        ("PractitionerRole", lambda r: r["specialty"][0]["coding"][0].update(system="urn:x"), "TRE-R38"),
    ],
)
def test_the_independent_reader_refuses_what_fr_core_refuses(store: Store, kind: str, change: Any, words: str) -> None:
    """Each rule of the independent reader can fail: a resource broken as FR Core's FSH forbids is found."""
    bundle = prepare_case(_case(store, identity_status="qualified", identity_document="PA"), REQUESTER).bundle
    change(_entry(bundle, kind))
    found = [str(p) for p in problems_of_transaction(bundle)]
    assert any(words in p for p in found), found


def test_a_role_whose_practitioner_declares_no_fr_core_profile_is_found(store: Store) -> None:
    """fr-core-practitioner-role: practitioner only Reference(FRCorePractitionerProfile)."""
    bundle = prepare_case(_case(store), REQUESTER).bundle
    _entry(bundle, "Practitioner").pop("meta")
    found = [str(p) for p in problems_of_transaction(bundle)]
    assert any("only Reference(fr-core-practitioner)" in p for p in found), found


def _birth_place(patient: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in patient["extension"] if e["url"].endswith("patient-birthPlace"))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        # HL7's patient-birthPlace: value[x] is an Address (FRCorePatientProfile.fsh: only FRCoreAddressProfile).
        (lambda e: e.update(valueString="Paris") or e.pop("valueAddress"), "birthPlace: value[x] only Address"),
        # FRCoreAddressInseeCodeExtension.fsh: value[x] only Coding.
        (
            lambda e: (
                e["valueAddress"]["extension"][0].update(valueCode="75056")
                or e["valueAddress"]["extension"][0].pop("valueCoding")
            ),
            "inseeCode: value[x] only Coding",
        ),
        (lambda e: e["valueAddress"]["extension"][0].pop("valueCoding"), "inseeCode: value[x] only Coding"),
    ],
)
def test_the_independent_reader_reads_the_birth_place_as_fr_core_types_it(
    store: Store, change: Any, words: str
) -> None:
    """The birth place's shape, when it is sent (its presence is the contract's exception, not its shape)."""
    bundle = prepare_case(_case(store, identity_status="qualified", birth_place="2A004"), REQUESTER).bundle
    assert [str(p) for p in problems_of_transaction(bundle)] == []
    change(_birth_place(_entry(bundle, "Patient")))
    found = [str(p) for p in problems_of_transaction(bundle)]
    assert any(words in p for p in found), found
