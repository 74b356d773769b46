"""FR Core conformance (issues 16.1–16.3, 17.2, 17.3): what the mapping builds, what the sandbox
checks as a strict national platform would, test INS and training, one table of codes."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import identifiers
from app.model import Message, new_id
from app.store import Store
from sync import codes as C
from sync.auth import StaticToken
from sync.client import ClientConfig, PlatformClient
from sync.engine import Engine
from sync.mapping import MappingError, prepare_case, prepare_reply, validate_resource
from sync.sandbox import SandboxServer
from sync.sandbox.contract import check_contract
from sync.sandbox.validation import validate_resource as sandbox_validate
from tests.sync.sync_helpers import REQUESTER, make_case

FIXTURES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "identifiers.json").read_text())


def _by_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _resolver(bundle: dict[str, Any]) -> Any:
    kinds = {e["fullUrl"]: e["resource"]["resourceType"] for e in bundle["entry"]}

    def resolve(reference: str) -> str | None:
        if reference in kinds:
            return kinds[reference]
        head, _, rid = reference.partition("/")
        return head if rid else None  # a server reference (Task/…, ServiceRequest/…) in a reply

    return resolve


def platform_issues(bundle: dict[str, Any], *, national: bool = False) -> list[str]:
    """What the sandbox platform says of each resource: R4 model, required codes, contract, FR Core."""
    resolve = _resolver(bundle)
    out = []
    for n, entry in enumerate(bundle["entry"]):
        where = f"Bundle.entry[{n}].resource"
        out += [i.diagnostics for i in sandbox_validate(entry["resource"], where)]
        out += [i.diagnostics for i in check_contract(entry["resource"], where, resolve, national=national)]
    return out


def _qualified(store: Store, specialty: str = "dermatology", **patient: Any) -> Any:
    case = store.get_case(make_case(store, specialty, queue=False))
    case.patient.identity_status = "qualified"
    case.patient.identity_document = "PA"
    case.patient.identity_checked_on = "2026-11-20"
    for key, value in patient.items():
        setattr(case.patient, key, value)
    return case


# -- 16.1: the resources, as docs/platform-api.md §3 says ----------------------------------------------------


def test_a_qualified_identity_goes_as_fr_core_patient_ins_with_its_ins(store: Store) -> None:
    bundle = prepare_case(_qualified(store), REQUESTER).bundle
    entry = _by_type(bundle, "Patient")[0]
    patient = entry["resource"]
    assert patient["meta"]["profile"] == [C.PROFILE_PATIENT_INS]
    ins = [i for i in patient["identifier"] if i["system"] == "urn:oid:1.2.250.1.213.1.4.8"]
    assert ins == [
        {
            "use": "official",
            "type": {"coding": [{"system": C.FR_V2_0203, "code": "INS-NIR"}]},
            "system": "urn:oid:1.2.250.1.213.1.4.8",
            "value": "150028512345615",
        }
    ]
    local = [i for i in patient["identifier"] if i["system"] == REQUESTER.patient_id_system]
    assert local[0]["use"] == "usual"
    # fr-core-patient's PI slice: v2-0203#PI "Patient internal identifier", its display part of the pattern.
    assert local[0]["type"]["coding"] == [{"system": C.V2_0203, "code": "PI", "display": "Patient internal identifier"}]
    assert entry["request"]["ifNoneExist"] == "identifier=urn:oid:1.2.250.1.213.1.4.8|150028512345615"
    (reliability,) = patient["extension"]
    assert reliability["url"] == "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability"
    parts = {p["url"]: p for p in reliability["extension"]}
    assert parts["identityStatus"]["valueCoding"] == {"system": C.CS_IDENTITY_STATUS, "code": "QUAL"}
    assert parts["validationMode"]["valueCoding"] == {"system": C.CS_VALIDATION_MODE, "code": "PA"}
    assert parts["validationDate"]["valueDate"] == "2026-11-20"
    # The INS traits, as the INSi teleservice writes them: in capitals (tests/sync/test_ins_traits.py).
    assert patient["name"][0]["use"] == "official" and patient["name"][0]["given"] == ["PAUL"]


def test_a_first_given_name_written_with_a_space_goes_whole_and_the_list_keeps_every_name(store: Store) -> None:
    """The first given name is compared with the national identity's: « Marie Thérèse » is not « Marie »."""
    bundle = prepare_case(_qualified(store, given=["Marie Thérèse", "Jeanne"]), REQUESTER).bundle
    (name,) = _by_type(bundle, "Patient")[0]["resource"]["name"]
    assert name["given"] == ["MARIE THERESE"]  # an INS trait: in capitals without accents
    assert name["extension"] == [{"url": C.EXT_BIRTH_LIST_GIVEN_NAME, "valueString": "MARIE THERESE JEANNE"}]


NIA = "785079934104512"  # a temporary number (first digit 7: a man), born in July 1985


def test_a_nia_goes_as_fr_core_ins_nia_never_as_a_nir(store: Store) -> None:
    """A qualified identity whose INS is a NIA went under the NIR's OID, type INS-NIR: a platform that
    checks the NIR refuses it, and the person's later NIR would make a second Patient."""
    bundle = prepare_case(_qualified(store, ins=NIA, birth_date="1985-07-14"), REQUESTER).bundle
    entry = _by_type(bundle, "Patient")[0]
    (ins,) = [i for i in entry["resource"]["identifier"] if i["value"] == NIA]
    assert ins == {
        "use": "temp",
        "type": {"coding": [{"system": C.FR_V2_0203, "code": "INS-NIA"}]},
        "system": "urn:oid:1.2.250.1.213.1.4.9",
        "value": NIA,
    }
    assert entry["request"]["ifNoneExist"] == f"identifier=urn:oid:1.2.250.1.213.1.4.9|{NIA}"
    assert platform_issues(bundle) == []
    ins.update(system="urn:oid:1.2.250.1.213.1.4.8", use="official", type=_type_of("INS-NIR"))
    assert any("INS-NIA" in issue for issue in platform_issues(bundle))


def _type_of(code: str) -> dict[str, Any]:
    return {"coding": [{"system": C.FR_V2_0203, "code": code}]}


@pytest.mark.parametrize("document", ["CS", "PC", "TC", "DC"])
def test_a_document_fr_core_does_not_take_with_the_ins_stays_here(store: Store, document: str) -> None:
    """fr-core-patient-ins binds the validation mode to passport, identity card, birth certificate and
    family record book (required): a residence permit sent with the INS was refused by a strict server.
    The document stays in the case; sent without the INS, it goes."""
    qualified = _qualified(store, identity_document=document)
    patient = _by_type(prepare_case(qualified, REQUESTER).bundle, "Patient")[0]["resource"]
    assert [p["url"] for p in patient["extension"][0]["extension"]] == ["identityStatus", "validationDate"]
    assert platform_issues(prepare_case(qualified, REQUESTER).bundle) == []
    validated = _qualified(store, identity_document=document, identity_status="validated")
    patient = _by_type(prepare_case(validated, REQUESTER).bundle, "Patient")[0]["resource"]
    parts = {p["url"]: p for p in patient["extension"][0]["extension"]}
    assert parts["validationMode"]["valueCoding"]["code"] == document


@pytest.mark.parametrize(("status", "code"), [("provisional", "PROV"), ("recovered", "RECUP"), ("validated", "VALI")])
def test_any_other_status_keeps_the_ins_home_and_is_still_declared(store: Store, status: str, code: str) -> None:
    case = _qualified(store, identity_status=status)
    bundle = prepare_case(case, REQUESTER).bundle
    entry = _by_type(bundle, "Patient")[0]
    patient = entry["resource"]
    assert patient["meta"]["profile"] == [C.PROFILE_PATIENT]
    assert "150028512345615" not in json.dumps(bundle)
    assert entry["request"]["ifNoneExist"] == f"identifier={REQUESTER.patient_id_system}|D-2291"
    status_part = patient["extension"][0]["extension"][0]
    assert status_part == {"url": "identityStatus", "valueCoding": {"system": C.CS_IDENTITY_STATUS, "code": code}}


def test_practitioner_organization_and_role_carry_the_national_ids(store: Store) -> None:
    bundle = prepare_case(_qualified(store), REQUESTER).bundle
    prac_entry, org_entry = _by_type(bundle, "Practitioner")[0], _by_type(bundle, "Organization")[0]
    prac, org = prac_entry["resource"], org_entry["resource"]
    assert prac["meta"]["profile"] == [C.PROFILE_PRACTITIONER]
    assert {(i["system"], i["value"], i["type"]["coding"][0]["code"]) for i in prac["identifier"]} == {
        ("urn:oid:1.2.250.1.71.4.2.1", "810101010105", "IDNPS"),
        ("https://rpps.esante.gouv.fr", "10101010105", "RPPS"),
    }
    assert prac_entry["request"]["ifNoneExist"] == "identifier=urn:oid:1.2.250.1.71.4.2.1|810101010105"
    assert org["meta"]["profile"] == [C.PROFILE_ORGANIZATION]
    assert {(i["system"], i["value"], i["type"]["coding"][0]["code"]) for i in org["identifier"]} == {
        ("https://finess.esante.gouv.fr", "750000010", "FINEG"),
        ("urn:oid:1.2.250.1.71.4.2.2", "1750000010", "IDNST"),
    }
    assert org_entry["request"]["ifNoneExist"] == "identifier=https://finess.esante.gouv.fr|750000010"
    role_entry = _by_type(bundle, "PractitionerRole")[0]
    role = role_entry["resource"]
    assert role["meta"]["profile"] == [C.PROFILE_PRACTITIONER_ROLE]
    assert role["practitioner"]["reference"] == prac_entry["fullUrl"]
    assert role["organization"]["reference"] == org_entry["fullUrl"]
    assert role["code"][0]["coding"][0] == {"system": C.TRE_G15, "code": "10", "display": "Médecin"}
    assert role["specialty"][0]["coding"][0]["code"] == "SM54"
    sr = _by_type(bundle, "ServiceRequest")[0]["resource"]
    task = _by_type(bundle, "Task")[0]["resource"]
    assert sr["requester"]["reference"] == role_entry["fullUrl"]
    assert task["requester"]["reference"] == prac_entry["fullUrl"]  # docs/platform-api.md §4


def test_a_role_in_other_words_travels_as_text(store: Store) -> None:
    nurse = replace(REQUESTER, role="Infirmière coordinatrice")
    role = _by_type(prepare_case(_qualified(store), nurse).bundle, "PractitionerRole")[0]["resource"]
    assert role["code"][0]["coding"][0]["code"] == "60" and "specialty" not in role
    other = replace(REQUESTER, role="Orthoptiste")
    role = _by_type(prepare_case(_qualified(store), other).bundle, "PractitionerRole")[0]["resource"]
    assert role["code"] == [{"text": "Orthoptiste"}]


@pytest.mark.parametrize(
    ("words", "profession", "specialty"),
    [
        ("General practitioner", ("10", "Médecin"), "SM54"),
        ("Nurse", ("60", "Infirmier"), None),
        ("Registered nurse, wound care", ("60", "Infirmier"), None),
        ("Physician", ("10", "Médecin"), None),
        ("Family doctor", ("10", "Médecin"), "SM54"),
        ("family physician", ("10", "Médecin"), "SM54"),
        # Found from outside: a nurse's « généraliste » got the physicians' ordinal specialty.
        ("Infirmière en pratique avancée, exercice généraliste", ("60", "Infirmier"), None),
        ("Généraliste", ("10", "Médecin"), "SM54"),
    ],
)
def test_a_role_written_in_english_is_sent_with_the_same_codes(
    store: Store, words: str, profession: tuple[str, str], specialty: str | None
) -> None:
    """Found from outside: a site set up in English (whose wizard proposes « General practitioner,
    nurse… ») sent its profession as text only, which a platform applying FR Core's codes does not read."""
    english = replace(REQUESTER, role=words)
    bundle = prepare_case(_qualified(store), english).bundle
    role = _by_type(bundle, "PractitionerRole")[0]["resource"]
    code, display = profession
    assert role["code"] == [{"coding": [{"system": C.TRE_G15, "code": code, "display": display}], "text": words}]
    if specialty:
        assert [c["code"] for c in role["specialty"][0]["coding"]] == [specialty]
        assert role["specialty"][0]["coding"][0]["system"] == C.TRE_R38
    else:
        assert "specialty" not in role
    validate_resource(role)  # fhir.resources R4B, required codes, FR Core
    assert platform_issues(bundle) == []


def test_an_english_role_naming_no_profession_of_the_codes_travels_as_text(store: Store) -> None:
    pharmacist = replace(REQUESTER, role="Pharmacist (doctor of pharmacy)")
    role = _by_type(prepare_case(_qualified(store), pharmacist).bundle, "PractitionerRole")[0]["resource"]
    assert role["code"] == [{"text": "Pharmacist (doctor of pharmacy)"}] and "specialty" not in role


def test_a_corsican_site_is_mapped_and_accepted(store: Store) -> None:
    corsica = replace(REQUESTER, finess="2A0000170")
    bundle = prepare_case(_qualified(store), corsica).bundle
    org = _by_type(bundle, "Organization")[0]["resource"]
    assert {i["value"] for i in org["identifier"]} == {"2A0000170", "12A0000170"}
    assert platform_issues(bundle) == []


# -- 16.3: every resource the mapping builds passes the platform's checks --------------------------


@pytest.mark.parametrize("specialty", ["dermatology", "ophthalmology", "wound-care", "other"])
@pytest.mark.parametrize("status", ["provisional", "recovered", "validated", "qualified"])
@pytest.mark.parametrize("training", [False, True])
def test_every_resource_the_mapping_builds_passes_the_national_checks(
    store: Store, specialty: str, status: str, training: bool
) -> None:
    # With and without the birth place, on both sides of the INS (qualified or not).
    birth_place = "" if specialty in ("dermatology", "wound-care") else "2A004"
    case = _qualified(store, specialty, identity_status=status, birth_place=birth_place)
    prepared = prepare_case(case, REQUESTER, training=training)
    bundle = prepared.bundle_with({i.id: f"b{n}" for n, i in enumerate(case.images)})
    assert platform_issues(bundle, national=not training) == []
    reply = prepare_reply(
        case,
        REQUESTER,
        Message(id=new_id(), direction="to-expert", text="Voici la photo."),
        case.images[:1],
        task_id="t1",
        request_id="sr1",
        expert_message_id="c1",
        training=training,
    ).bundle_with({case.images[0].id: "b9"})
    assert platform_issues(reply, national=not training) == []
    for entry in bundle["entry"] + reply["entry"]:
        validate_resource(entry["resource"])  # fhir.resources R4B, required codes, FR Core


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda p: p.pop("meta"), "meta.profile"),
        (lambda p: p.pop("extension"), "fr-core-identity-reliability"),
        (lambda p: p["extension"][0]["extension"][0]["valueCoding"].update(code="PROV"), "identité qualifiée"),
        (lambda p: p["extension"][0]["extension"][0]["valueCoding"].update(code="SURE"), "PROV, RECUP, VALI ou QUAL"),
        (lambda p: p["extension"][0]["extension"][1]["valueCoding"].update(code="XX"), "pièce d'identité"),
        (lambda p: p["identifier"][0].update(use="usual"), "use = official"),
        (lambda p: p["identifier"][0].pop("type"), "INS-NIR"),
        (lambda p: p.update(gender="female"), "contredit le sexe"),
        (lambda p: p.update(birthDate="1951-02-03"), "contredit l'année et le mois"),
        (lambda p: p["meta"].update(profile=[C.PROFILE_PATIENT]), "fr-core-patient-ins"),
        (lambda p: p["name"][0].pop("extension"), "prénoms de naissance"),
        (lambda p: p["name"][0].update(given=["Paul", "Marie"]), "premier prénom"),
        (lambda p: p.pop("gender"), "gender"),
        (lambda p: p["extension"][0]["extension"][1]["valueCoding"].update(code="CS"), "PA, CN, AN ou LE"),
    ],
)
def test_the_platform_refuses_a_patient_that_breaks_fr_core(store: Store, change: Any, words: str) -> None:
    bundle = prepare_case(_qualified(store), REQUESTER).bundle
    change(_by_type(bundle, "Patient")[0]["resource"])
    issues = platform_issues(bundle)
    assert any(words in issue for issue in issues), issues
    with pytest.raises(MappingError):
        validate_resource(_by_type(bundle, "Patient")[0]["resource"])


@pytest.mark.parametrize(
    ("kind", "change", "words"),
    [
        ("Practitioner", lambda r: r["identifier"][0].update(value="10101010105"), "8 suivi d'un RPPS"),
        ("Practitioner", lambda r: r["identifier"][1].update(value="10000000009"), "8 suivi du RPPS transmis"),
        ("Practitioner", lambda r: r["identifier"][0].pop("type"), "IDNPS"),
        ("Organization", lambda r: r["identifier"][1].update(value="750000010"), "jamais le FINESS seul"),
        ("Organization", lambda r: r["identifier"][0].update(value="750000011"), "FINESS « 750000011 »"),
        (
            "Organization",
            lambda r: r["identifier"][0].update(type={"coding": [{"system": C.FR_V2_0203, "code": "SIRET"}]}),
            "FINEG",
        ),
        ("Organization", lambda r: r["meta"].update(profile=["http://example.org/other"]), "fr-core-organization"),
        # fr-core-organization: identifier[idNatSt].use = #official (a fixed value of the slice).
        ("Organization", lambda r: r["identifier"][1].update(use="usual"), "idNatSt : use = official"),
        (
            "PractitionerRole",
            lambda r: r["specialty"][0]["coding"][0].update(system="http://snomed.info/sct"),
            "TRE-R38",
        ),
    ],
)
def test_the_platform_refuses_a_professional_or_place_that_breaks_fr_core(
    store: Store, kind: str, change: Any, words: str
) -> None:
    bundle = prepare_case(_qualified(store), REQUESTER).bundle
    change(_by_type(bundle, kind)[0]["resource"])
    issues = platform_issues(bundle)
    assert any(words in issue for issue in issues), issues


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda name: name.pop("given"), "prénom exigé"),
        (lambda name: name.pop("family"), "nom de naissance exigé"),
    ],
)
def test_the_platform_refuses_a_birth_name_without_its_family_or_given_name_on_any_patient(
    store: Store, change: Any, words: str
) -> None:
    """fr-core-patient (not only the INS profile): name[officialName].family 1.. and .given 1..; a
    provisional identity's birth name missing either was taken by the sandbox, and refused by a strict
    platform."""
    case = store.get_case(make_case(store, queue=False, ins=False))
    bundle = prepare_case(case, REQUESTER).bundle
    patient = _by_type(bundle, "Patient")[0]["resource"]
    assert patient["meta"]["profile"] == [C.PROFILE_PATIENT]
    change(patient["name"][0])
    issues = platform_issues(bundle)
    assert any(words in issue and "name[0]" in issue for issue in issues), issues


def test_the_service_request_is_asked_by_the_role_of_the_task_requester(store: Store, tmp_path: Path) -> None:
    """Posted whole: a ServiceRequest whose PractitionerRole is someone else's is refused."""
    case = store.get_case(make_case(store))
    import requests

    from tests.sandbox.sandbox_cases import upload

    with SandboxServer(tmp_path / "p", run_expert=False) as server:
        binaries = {i.id: upload(server.base_url, store.image_bytes(i), i.content_type) for i in case.images}
        bundle = prepare_case(case, REQUESTER).bundle_with(binaries)
        other = copy.deepcopy(_by_type(bundle, "Practitioner")[0])
        other["fullUrl"] = "urn:uuid:" + new_id()
        other["resource"]["identifier"][0]["value"] = "810000000009"
        other["resource"]["identifier"][1]["value"] = "10000000009"
        other["request"]["ifNoneExist"] = "identifier=urn:oid:1.2.250.1.71.4.2.1|810000000009"
        bundle["entry"].append(other)
        _by_type(bundle, "PractitionerRole")[0]["resource"]["practitioner"]["reference"] = other["fullUrl"]
        answer = requests.post(
            server.base_url, json=bundle, timeout=30, headers={"Content-Type": "application/fhir+json"}
        )
        assert answer.status_code == 400
        assert "Task.requester" in answer.text
        assert server.count("Task") == 0


# -- the birth place (INSEE code): sent when known, checked when present, never required ---------------


@pytest.mark.parametrize(
    ("status", "profile"), [("qualified", C.PROFILE_PATIENT_INS), ("provisional", C.PROFILE_PATIENT)]
)
def test_a_known_birth_place_goes_as_fr_core_writes_it(store: Store, status: str, profile: str) -> None:
    bundle = prepare_case(_qualified(store, identity_status=status, birth_place="99134"), REQUESTER).bundle
    patient = _by_type(bundle, "Patient")[0]["resource"]
    assert patient["meta"]["profile"] == [profile]
    (place,) = [
        e for e in patient["extension"] if e["url"] == "http://hl7.org/fhir/StructureDefinition/patient-birthPlace"
    ]
    assert place == {
        "url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
        "valueAddress": {
            "extension": [
                {
                    "url": "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code",
                    "valueCoding": {
                        "system": "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM",
                        "code": "99134",
                    },
                }
            ]
        },
    }
    assert platform_issues(bundle, national=True) == []
    validate_resource(patient)  # fhir.resources R4B, FR Core


def test_without_birth_place_the_patient_carries_no_extension_for_it_and_is_taken(store: Store) -> None:
    """FR Core's INS profile has the birth place 1..1, the contract's identities come without it: the
    platform checks its shape when present, not its presence."""
    bundle = prepare_case(_qualified(store), REQUESTER).bundle
    patient = _by_type(bundle, "Patient")[0]["resource"]
    assert patient["meta"]["profile"] == [C.PROFILE_PATIENT_INS]
    assert [e["url"] for e in patient["extension"]] == [C.EXT_IDENTITY_RELIABILITY]
    assert platform_issues(bundle, national=True) == []


def _place(patient: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in patient["extension"] if e["url"] == C.EXT_BIRTH_PLACE)


def _insee(patient: dict[str, Any]) -> dict[str, Any]:
    return _place(patient)["valueAddress"]["extension"][0]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda p: _place(p).update(valueString="Paris"), "valueAddress exigée"),
        (lambda p: _place(p).pop("valueAddress") and _place(p).update(valueString="Paris"), "valueAddress exigée"),
        (lambda p: _place(p).update(valueAddress={"city": "Paris"}), "un code INSEE"),
        (lambda p: _place(p)["valueAddress"]["extension"].append(copy.deepcopy(_insee(p))), "un seul"),
        (lambda p: _insee(p).update(url="http://example.org/insee"), "un code INSEE"),
        (lambda p: _insee(p)["valueCoding"].update(system="urn:iso:std:iso:3166"), "TRE-R13-CommuneOM"),
        (lambda p: _insee(p).pop("valueCoding") and _insee(p).update(valueString="75056"), "TRE-R13-CommuneOM"),
        (lambda p: _insee(p)["valueCoding"].update(code="7505"), "code INSEE « 7505 » invalide"),
        (lambda p: _insee(p)["valueCoding"].update(code="2C004"), "code INSEE « 2C004 » invalide"),
        (lambda p: p["extension"].append(copy.deepcopy(_place(p))), "un seul lieu de naissance"),
    ],
)
def test_the_platform_refuses_a_malformed_birth_place(store: Store, change: Any, words: str) -> None:
    bundle = prepare_case(_qualified(store, birth_place="75056"), REQUESTER).bundle
    patient = _by_type(bundle, "Patient")[0]["resource"]
    change(patient)
    issues = platform_issues(bundle)
    assert any(words in issue for issue in issues), issues
    with pytest.raises(MappingError, match=r"birth|extension"):
        validate_resource(patient)


@pytest.mark.parametrize("platform", [False], indirect=True)
def test_the_training_sandbox_takes_a_qualified_case_with_or_without_birth_place(
    store: Store, platform: SandboxServer
) -> None:
    """No regression: the contract's qualified identity, without birth place, still goes and is
    answered (the checklist only warns); with one, the platform receives it."""
    from app.validation import blocking, validate_case

    store.settings.set("training", "on")
    without = _qualified(store)
    findings = validate_case(without, REQUESTER)
    assert [f.code for f in findings if f.field == "patient.birth_place"] == ["patient.birth_place.missing"]
    assert not blocking(findings)
    # Another patient (the sandbox creates a Patient once per INS: conditional create).
    woman = "2931275123456"
    woman += f"{identifiers.ins_key(woman):02d}"
    with_place = _qualified(
        store, ins=woman, sex="female", birth_date="1993-12-01", given=["Marie"], local_id="D-3", birth_place="2B033"
    )
    for case in (without, with_place):
        store.update_case(case)
        store.queue(case.id)
    engine, client = _engine(store, platform)
    with client:
        assert sorted(engine.run_once().sent) == sorted([without.id, with_place.id])
        platform.expert.run_until_idle()
        engine.run_once()
    assert store.state(without.id).value == "answered" and store.state(with_place.id).value == "answered"
    codes = [
        e["valueAddress"]["extension"][0]["valueCoding"]["code"]
        for p in platform.resources("Patient")
        for e in p.get("extension", [])
        if e["url"] == C.EXT_BIRTH_PLACE
    ]
    assert codes == ["2B033"]


# -- 16.2: test INS in training, refused by a real platform; a real INS refused in training -----------


def test_training_sends_a_test_ins_and_a_real_platform_refuses_it(store: Store) -> None:
    training = prepare_case(_qualified(store), REQUESTER, training=True).bundle
    entry = _by_type(training, "Patient")[0]
    ins = entry["resource"]["identifier"][0]
    assert (ins["system"], ins["type"]["coding"][0]["code"]) == (C.INS_TEST_SYSTEM, "INS-NIR-TEST")
    assert entry["request"]["ifNoneExist"] == f"identifier={C.INS_TEST_SYSTEM}|150028512345615"
    assert platform_issues(training, national=False) == []
    refused = platform_issues(training, national=True)
    assert any("INS de test (patient fictif) refusé par une plateforme réelle" in i for i in refused)
    real = prepare_case(_qualified(store), REQUESTER, training=False).bundle
    assert _by_type(real, "Patient")[0]["resource"]["identifier"][0]["system"] == C.INS_SYSTEM


@pytest.fixture
def platform(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(
        tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1, national=request.param
    ) as server:
        yield server


def _engine(store: Store, server: SandboxServer) -> tuple[Engine, PlatformClient]:
    client = PlatformClient(ClientConfig(server.base_url, 2.0, 10.0), StaticToken(None))
    return Engine(store, client, case_budget_s=10.0), client


@pytest.mark.parametrize("platform", [True], indirect=True)
def test_a_real_platform_refuses_a_case_sent_in_training(store: Store, platform: SandboxServer) -> None:
    store.settings.set("training", "on")
    case = _qualified(store)
    store.update_case(case)
    store.queue(case.id)
    engine, client = _engine(store, platform)
    with client:
        summary = engine.run_once()
    assert summary.needs_attention == [case.id]
    assert "INS de test" in store.platform_info(case.id)["last_error"]
    assert platform.count("Task") == 0


@pytest.mark.parametrize("platform", [False], indirect=True)
def test_the_training_expert_refuses_a_real_ins_with_a_warning(store: Store, platform: SandboxServer) -> None:
    store.settings.set("training", "off")  # a workstation that believes it talks to a real platform
    store.settings.set("platform.url", platform.base_url)
    case = _qualified(store)
    store.update_case(case)
    store.queue(case.id)
    engine, client = _engine(store, platform)
    with client:
        assert engine.run_once().sent == [case.id]
        platform.expert.run_until_idle()
        engine.run_once()
    (task,) = platform.resources("Task")
    assert task["status"] == "rejected"
    assert "patients fictifs" in task["statusReason"]["text"]
    assert store.state(case.id).value == "rejected"


@pytest.mark.parametrize("platform", [False], indirect=True)
def test_the_training_expert_answers_a_test_patient(store: Store, platform: SandboxServer) -> None:
    store.settings.set("training", "on")
    case = _qualified(store)
    store.update_case(case)
    store.queue(case.id)
    engine, client = _engine(store, platform)
    with client:
        engine.run_once()
        platform.expert.run_until_idle()
        engine.run_once()
    assert store.state(case.id).value == "answered"


# -- 17.2: one implementation of the identifiers, the same fixtures everywhere ------------------------


def _practitioner(rpps: str) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "meta": {"profile": [C.PROFILE_PRACTITIONER]},
        "identifier": [
            {
                "type": {"coding": [{"system": C.FR_V2_0203, "code": "IDNPS"}]},
                "system": C.RPPS_SYSTEM,
                "value": "8" + rpps,
            }
        ],
    }


def _organization(finess: str) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "meta": {"profile": [C.PROFILE_ORGANIZATION]},
        "identifier": [
            {
                "type": {"coding": [{"system": C.FR_V2_0203, "code": "FINEG"}]},
                "system": C.FINESS_DIRECTORY,
                "value": finess,
            }
        ],
    }


@pytest.mark.parametrize("kind", ["rpps", "finess"])
def test_workstation_and_platform_judge_the_same_identifiers_alike(kind: str) -> None:
    check = identifiers.rpps_is_valid if kind == "rpps" else identifiers.finess_is_valid
    build = _practitioner if kind == "rpps" else _organization
    for verdict in ("valid", "invalid"):
        for value in FIXTURES[kind][verdict]:
            assert check(value) is (verdict == "valid"), (kind, value)
            if not value:
                continue
            platform_ok = not check_contract(build(value), "X", lambda _r: None)
            assert platform_ok is (verdict == "valid"), (kind, value)


def test_ins_fixtures() -> None:
    for value in FIXTURES["ins"]["valid"]:
        assert identifiers.ins_is_valid(value), value
    for value in FIXTURES["ins"]["invalid"]:
        assert not identifiers.ins_is_valid(value), value


def test_one_table_of_codes_for_the_mapping_and_the_platform() -> None:
    from sync.sandbox import validation

    assert validation.REQUIRED_CODES is C.REQUIRED_CODES
    with pytest.raises(MappingError, match=r"Practitioner\.gender"):
        validate_resource({**_practitioner("10101010105"), "gender": "m"})
    issues = sandbox_validate({**_practitioner("10101010105"), "gender": "m"}, "X")
    assert any("Practitioner.gender" in i.diagnostics for i in issues)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sex=st.sampled_from(["male", "female", "other", "unknown"]),
    status=st.sampled_from(["provisional", "recovered", "validated", "qualified"]),
    ins=st.sampled_from([None, "150028512345615", "160032A12345662", NIA]),
    local_id=st.sampled_from([None, "", "D-2291"]),
    document=st.sampled_from(["", "CN", "PA", "CS", "LE", "AN"]),
    birth=st.sampled_from(["1950-02-03", "1960-03-01", "1985-07-14"]),
    given_names=st.sampled_from([["Paul"], ["Paul", "Marie"], ["Jean-Pierre", "Louis", "Marie"]]),
    birth_place=st.sampled_from(["", "75056", "2B033", "97411", "99134"]),
    training=st.booleans(),
)
def test_what_the_checklist_lets_through_the_platform_accepts(
    store: Store,
    sex: str,
    status: str,
    ins: str | None,
    local_id: str | None,
    document: str,
    birth: str,
    given_names: list[str],
    birth_place: str,
    training: bool,
) -> None:
    """One rule on both sides: an identity the checklist does not block maps to FR Core resources that
    the platform accepts (and the INS leaves only when qualified)."""
    from app.validation import blocking, validate_identity

    case = _qualified(
        store,
        sex=sex,
        identity_status=status,
        ins=ins,
        local_id=local_id,
        identity_document=document,
        birth_date=birth,
        given=given_names,
        birth_place=birth_place,
    )
    if blocking(validate_identity(case)):
        return
    bundle = prepare_case(case, REQUESTER, training=training).bundle_with(
        {i.id: f"b{n}" for n, i in enumerate(case.images)}
    )
    assert platform_issues(bundle, national=not training) == []
    sent = json.dumps(bundle)
    assert (ins is not None and ins in sent) is (status == "qualified" and ins is not None)


def test_fr_core_1_and_2_are_read_as_fr_core_writes_them_a_nia_being_temp(store: Store) -> None:
    """FRCorePatientINSProfile.fsh: fr-core-1 is met by an INS-NIA with ``use = temp`` (not official), and
    fr-core-2 (one official identifier) holds « or » an INS-NIA with use temp is there. The shared checks
    asked a VALI identity's NIA to be official, and refused its official file number beside it: against
    FR Core, which the tests' strict reader (written again from the FSH) does not say."""
    from sync.frcore import check_patient
    from tests.support.strict_fhir import problems_of_resource

    bundle = prepare_case(_qualified(store, ins=NIA, birth_date="1985-07-14"), REQUESTER, validate=False).bundle
    patient = copy.deepcopy(_by_type(bundle, "Patient")[0]["resource"])
    patient["extension"][0]["extension"][0]["valueCoding"]["code"] = "VALI"
    patient["identifier"].append({"use": "official", "system": "urn:oid:1.2.999.1", "value": "D-1"})
    assert not [p for p in problems_of_resource(patient) if "fr-core-" in str(p)]
    said = [sentence for _, sentence in check_patient(patient)]
    assert not [s for s in said if s.startswith(("fr-core-1", "fr-core-2"))], said
    # (The contract's own rule still refuses an INS on a VALI identity.)
    assert any("identité qualifiée" in s for s in said)
    # A NIR official beside another official identifier still breaks fr-core-2, as FR Core writes it.
    patient["identifier"][0].update(
        system=C.INS_SYSTEM, use="official", type=_type_of("INS-NIR"), value="150028512345615"
    )
    said = [sentence for _, sentence in check_patient(patient)]
    assert any(s.startswith("fr-core-2") for s in said), said


def test_a_demonstration_ins_is_an_ins_of_a_fictitious_patient_refused_by_a_real_platform(store: Store) -> None:
    """FRCorePatientINSProfile.fsh has a fourth INS slice, INS-NIR-DEMO (urn:oid:1.2.250.1.213.1.4.11, type
    INS-NIR-DEMO, use official), for fictitious demonstration patients, as INS-NIR-TEST is for test ones. The
    shared checks knew only three: a demonstration INS went unseen, neither refused by the sandbox playing a
    real platform nor held to the INS profile."""
    from sync.frcore import check_patient

    bundle = prepare_case(_qualified(store), REQUESTER, training=True, validate=False).bundle
    patient = copy.deepcopy(_by_type(bundle, "Patient")[0]["resource"])
    (ins,) = [i for i in patient["identifier"] if i["system"] == C.INS_TEST_SYSTEM]
    ins.update(system="urn:oid:1.2.250.1.213.1.4.11", type=_type_of("INS-NIR-DEMO"))
    assert check_patient(patient) == []
    assert any("patient fictif" in s for _, s in check_patient(patient, national=True))
    ins.update(type=_type_of("INS-NIR"))
    assert any("INS-NIR-DEMO" in s for _, s in check_patient(patient))
    ins.update(type=_type_of("INS-NIR-DEMO"))
    patient["meta"]["profile"] = [C.PROFILE_PATIENT]
    assert any("fr-core-patient-ins" in s for _, s in check_patient(patient))


def test_a_nurse_under_adeli_in_a_health_centre_with_a_siret_is_sent_as_fr_core_says(store: Store) -> None:
    """FR Core (FRCorePractitionerProfile, FRCoreOrganizationProfile, code system fr-core-cs-v2-0203): the
    national id of a professional without RPPS is ``0`` + ADELI (type IDNPS), the ADELI itself under
    https://adeli.esante.gouv.fr (type ADELI); a structure without FINESS is ``3`` + SIRET (or ``2`` +
    SIREN), the SIRET under https://sirene.fr (type SIRET). Each is conditional on its national id."""
    nurse = replace(REQUESTER, rpps="", adeli="879101558", finess="", siret="77220148900022", role="Infirmière")
    bundle = prepare_case(_qualified(store), nurse).bundle
    prac = _by_type(bundle, "Practitioner")[0]
    assert {(i["system"], i["value"], i["type"]["coding"][0]["code"]) for i in prac["resource"]["identifier"]} == {
        (C.RPPS_SYSTEM, "0879101558", "IDNPS"),
        ("https://adeli.esante.gouv.fr", "879101558", "ADELI"),
    }
    assert prac["request"]["ifNoneExist"] == f"identifier={C.RPPS_SYSTEM}|0879101558"
    org = _by_type(bundle, "Organization")[0]
    assert {(i["system"], i["value"], i["type"]["coding"][0]["code"]) for i in org["resource"]["identifier"]} == {
        (C.FINESS_SYSTEM, "377220148900022", "IDNST"),
        ("https://sirene.fr", "77220148900022", "SIRET"),
    }
    assert org["request"]["ifNoneExist"] == f"identifier={C.FINESS_SYSTEM}|377220148900022"
    role = _by_type(bundle, "PractitionerRole")[0]["resource"]
    assert role["identifier"][0]["value"] == "879101558-77220148900022"
    assert platform_issues(bundle) == [] and platform_issues(bundle, national=True) == []
    siren = replace(nurse, siret="", siren="772201489")
    org = _by_type(prepare_case(_qualified(store), siren).bundle, "Organization")[0]["resource"]
    assert {i["value"] for i in org["identifier"]} == {"2772201489", "772201489"}


def test_the_platform_refuses_an_adeli_or_siret_that_does_not_agree_with_the_national_id(store: Store) -> None:
    nurse = replace(REQUESTER, rpps="", adeli="879101558", finess="", siret="77220148900022")
    bundle = prepare_case(_qualified(store), nurse).bundle
    prac = _by_type(bundle, "Practitioner")[0]["resource"]
    prac["identifier"][0]["value"] = "0349102665"  # another nurse's national id
    org = _by_type(bundle, "Organization")[0]["resource"]
    org["identifier"][0]["type"] = {"coding": [{"system": C.FR_V2_0203, "code": "SIREN"}]}  # a SIRET typed SIREN
    issues = " ".join(platform_issues(bundle))
    assert "0 suivi de l'ADELI" in issues and "SIREN" in issues


def test_a_case_of_a_nurse_under_adeli_in_a_centre_with_a_siret_reaches_the_platform(
    store: Store, tmp_path: Path
) -> None:
    """The whole way: the checks before sending take the ADELI and the SIRET, the platform takes the case."""
    from dataclasses import asdict

    from tests.sync.sync_helpers import engine_on

    nurse = replace(REQUESTER, rpps="", adeli="879101558", finess="", siret="77220148900022", role="Infirmière")
    store.settings.set("site.requester", asdict(nurse))
    case_id = make_case(store)
    with SandboxServer(tmp_path / "platform", run_expert=False) as sandbox:
        with engine_on(store, sandbox.base_url) as engine:
            assert engine.run_once(poll=False).sent == [case_id], store.platform_info(case_id)["last_error"]
        assert sandbox.count("Practitioner", identifier=f"{C.RPPS_SYSTEM}|0879101558") == 1
        assert sandbox.count("Organization", identifier=f"{C.FINESS_SYSTEM}|377220148900022") == 1


def test_a_practitioner_with_an_rpps_and_an_older_adeli_is_taken_when_the_rpps_agrees() -> None:
    """FR Core: the ADELI of a professional now in the RPPS may still be listed beside the RPPS; the national
    id agrees with the RPPS, and the older number is no disagreement."""
    from sync.frcore import check_practitioner

    both = {
        "resourceType": "Practitioner",
        "meta": {"profile": [C.PROFILE_PRACTITIONER]},
        "identifier": [
            {
                "type": {"coding": [{"system": C.FR_V2_0203, "code": "IDNPS"}]},
                "system": C.RPPS_SYSTEM,
                "value": "810101010105",
            },
            {
                "type": {"coding": [{"system": C.FR_V2_0203, "code": "RPPS"}]},
                "system": C.RPPS_DIRECTORY,
                "value": "10101010105",
            },
            {
                "type": {"coding": [{"system": C.FR_V2_0203, "code": "ADELI"}]},
                "system": C.ADELI_DIRECTORY,
                "value": "879101558",
            },
        ],
    }
    assert check_practitioner(both) == []
    both["identifier"][0]["value"] = "0349102665"
    assert any("0 suivi de l'ADELI" in words for _, words in check_practitioner(both))


@pytest.mark.parametrize(("status", "code"), [("provisional", "PROV"), ("recovered", "RECUP")])
def test_a_status_without_a_document_checked_sends_no_document_nor_date(store: Store, status: str, code: str) -> None:
    """Found reviewing identity vigilance: a qualified identity whose trait was then corrected falls back to
    « Récupérée » in the window (the document's fields greyed, their values kept), and a case file may give a
    document beside « provisional »; the platform got RECUP or PROV with the old document and date of a check,
    a check the status says was not done (RNIV: provisional and recovered identities rest on no ID document).
    Only a validated or qualified identity's document and date go; they stay in the case."""
    case = _qualified(store, identity_status=status)
    patient = _by_type(prepare_case(case, REQUESTER).bundle, "Patient")[0]["resource"]
    parts = patient["extension"][0]["extension"]
    assert parts == [{"url": "identityStatus", "valueCoding": {"system": C.CS_IDENTITY_STATUS, "code": code}}]
    assert (case.patient.identity_document, case.patient.identity_checked_on) == ("PA", "2026-11-20")
