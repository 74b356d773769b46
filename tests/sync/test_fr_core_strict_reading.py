"""What the requester sends read against FR Core's own rules by an independent reader
(tests/support/strict_fhir.py, written from FR Core's FSH sources), not by ``sync.frcore``, which the
mapping and the sandbox share: a rule that module read wrong would pass both of them and be refused by a
strict national platform."""

from __future__ import annotations

from datetime import date
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


# -- every system, profile and extension url a case or a reply sends, read against its source --------------

#: What was checked, each against its source (FR Core's FSH in Interop-Sante/hl7.fhir.fr.core, input/fsh: the
#: profiles' fixed systems and ids, FRCoreCodeSystemv2-0203, FRCoreCodeSystemIdentityStatus,
#: FRCoreCodeSystemIdentityModeValidation, FRCorePatientIdentityReliabilityExtension, FRCoreAddressInseeCodeExtension,
#: the birth-list-given-name extension, the TRE systems of its examples and aliases; the platform contract's own
#: urn:teleavis systems; HL7's code systems the contract names). A new one fails here until it is checked too.
AUDITED = {
    "profile": {
        FR_CORE + name
        for name in (
            "fr-core-patient",
            "fr-core-patient-ins",
            "fr-core-practitioner",
            "fr-core-organization",
            "fr-core-practitioner-role",
        )
    },
    "url": {
        "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability",
        "identityStatus",
        "validationMode",
        "validationDate",
        "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
        "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code",
        "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-birth-list-given-name",
    },
    "system": {
        "urn:oid:1.2.250.1.213.1.4.8",
        "urn:oid:1.2.250.1.213.1.4.9",
        "urn:oid:1.2.250.1.71.4.2.1",
        "urn:oid:1.2.250.1.71.4.2.2",
        "https://rpps.esante.gouv.fr",
        "https://finess.esante.gouv.fr",
        REQUESTER.patient_id_system,
        "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203",
        "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status",
        "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-mode-validation-identity",
        "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM",
        "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante",
        "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale",
        "http://terminology.hl7.org/CodeSystem/v2-0203",
        "http://terminology.hl7.org/CodeSystem/media-type",
        "http://terminology.hl7.org/CodeSystem/consentscope",
        "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "http://hl7.org/fhir/CodeSystem/task-code",
        "http://dicom.nema.org/resources/ontology/DCM",
        "http://snomed.info/sct",
        "http://loinc.org",
        *(
            f"urn:teleavis:{name}"
            for name in (
                "case-id",
                "image-id",
                "consent-id",
                "treatment-id",
                "form-id",
                "message-id",
                "practitioner-role-id",
                "act",
                "specialty",
            )
        ),
    },
}

#: The patients an outside reviewer named: a minor, a used name, born overseas (Guadeloupe) or abroad (Spain),
#: with a NIA: each with its identity checked as the checklist lets it go.
ODD_PATIENTS: dict[str, dict[str, Any]] = {
    "minor": {
        "identity_status": "validated",
        "identity_document": "LE",
        "identity_checked_on": date.today().isoformat(),
        "ins": None,
    },
    "used name": {"identity_status": "qualified", "identity_document": "CN", "used_name": "LEROY"},
    "born in Guadeloupe": {"identity_status": "validated", "identity_document": "CN", "birth_place": "97105"},
    "born abroad": {"identity_status": "provisional", "ins": None, "birth_place": "99134"},
    "NIA": {"identity_status": "qualified", "identity_document": "PA", "ins": NIA, "birth_date": "1985-07-14"},
}


def _sent_urls(value: Any, found: dict[str, set[str]]) -> None:
    """Each identifier and coding ``system``, extension ``url`` and ``meta.profile`` in ``value`` (a resource)."""
    if isinstance(value, list):
        for item in value:
            _sent_urls(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in ("system", "url") and isinstance(item, str) and not item.startswith("Binary/"):
                found[key].add(item)
            elif key == "profile" and isinstance(item, list):
                found["profile"].update(item)
            else:
                _sent_urls(item, found)


@pytest.mark.parametrize("specialty", ["dermatology", "ophthalmology", "wound-care", "other"])
def test_every_url_a_case_and_its_reply_send_is_one_read_against_its_source(store: Store, specialty: str) -> None:
    found: dict[str, set[str]] = {"profile": set(), "url": set(), "system": set()}
    for patient in ODD_PATIENTS.values():
        case = _case(store, specialty, **patient)
        # A minor's birth date, relative to today (no fixed date in a test).
        if patient.get("identity_document") == "LE":
            case.patient.birth_date = f"{date.today().year - 9}-03-04"
        bundle = prepare_case(case, REQUESTER).bundle
        reply = Message(id=new_id(), direction="to-expert", text="Voici les photos demandées.")
        replied = prepare_reply(
            case, REQUESTER, reply, case.images[:2], task_id="t1", request_id="s1", expert_message_id="c1"
        ).bundle
        for sent in (bundle, replied):
            assert [str(p) for p in problems_of_transaction(sent)] == []
            for entry in sent["entry"]:
                _sent_urls(entry["resource"], found)
    forms = {s for s in found["system"] if s.startswith("https://teleavis.fr/fhir/CodeSystem/")}
    assert {kind: urls - AUDITED[kind] for kind, urls in found.items()} == {
        "profile": set(),
        "url": set(),
        "system": forms,  # the forms' own answer codes (resources/forms), Teleavis's
    }
