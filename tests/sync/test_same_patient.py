"""The same patient in several cases, as on a real platform: identifiers are not unique there.

A patient is often sent first with a provisional identity (the Patient conditional on the site's local
id) and later qualified (conditional on the INS): a FHIR server then holds two Patients sharing the local
id. The training sandbox refused the second case with an internal error (its index allowed one resource
per identifier), so the case never left. A later provisional case is then ambiguous for the platform
(412: several Patients match): it waits and is retried, saying why, and never holds the others back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.engine import Engine
from sync.sandbox import SandboxServer
from sync.sandbox.storage import Store as ResourceStore
from tests.sync.sync_helpers import engine_on, make_case


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "platform", answer_after_s=3600.0, run_expert=False, seed=1) as server:
        yield server


@pytest.fixture
def engine(store: Store, sandbox: SandboxServer) -> Iterator[Engine]:
    with engine_on(store, sandbox.base_url, case_budget_s=2.0) as engine:  # the ambiguous case is retried that long
        yield engine


def _qualify(store: Store, case_id: str) -> None:
    case = store.get_case(case_id)
    case.patient.identity_status, case.patient.identity_document = "qualified", "CN"
    case.patient.identity_checked_on = "2026-11-20"
    store.update_case(case)


def test_a_patient_sent_provisional_then_qualified_reaches_the_platform_both_times(
    store: Store, engine: Engine, sandbox: SandboxServer
) -> None:
    provisional = make_case(store, seed=1)
    engine.run_once(poll=False)
    qualified = make_case(store, seed=2, queue=False)
    _qualify(store, qualified)
    store.queue(qualified)

    engine.run_once(poll=False)

    assert store.state(provisional) == CaseState.SENT and store.state(qualified) == CaseState.SENT
    patients = sandbox.resources("Patient")
    assert len(patients) == 2  # as a FHIR server keeps them: one with the INS, one without
    assert sum(1 for p in patients if "fr-core-patient-ins" in str(p.get("meta"))) == 1


def test_an_ambiguous_patient_waits_with_the_platforms_reason_and_the_others_go(
    store: Store, engine: Engine, sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    make_case(store, seed=1)
    engine.run_once(poll=False)  # provisional first: the qualified one cannot reuse its Patient
    first_qualified = make_case(store, seed=2, queue=False)
    _qualify(store, first_qualified)
    store.queue(first_qualified)
    engine.run_once(poll=False)
    assert len(sandbox.resources("Patient")) == 2
    ambiguous = make_case(store, seed=3)  # provisional again: two Patients carry its local id
    other = make_case(store, seed=4, queue=False)
    case = store.get_case(other)
    case.patient.local_id, case.patient.family = "D-7777", "BERNARD"
    store.update_case(case)
    store.queue(other)

    engine.run_once(poll=False)

    assert store.state(other) == CaseState.SENT
    assert store.state(ambiguous) == CaseState.QUEUED
    row = Outbox(store).row(ambiguous)
    assert row is not None and "plusieurs" in (row.last_error or "")
    # The platform's words name the patient's file number: sealed on the case, never in the clear log.
    local_id = store.get_case(ambiguous).patient.local_id
    assert local_id and local_id in row.last_error
    logged = [record.getMessage() for record in caplog.records]
    assert any("412" in line for line in logged)  # the log still says what happened, in codes
    assert not [line for line in logged if local_id in line or "plusieurs" in line]


def test_a_sandbox_of_the_previous_version_is_brought_up_to_date_not_erased(tmp_path: Path, store: Store) -> None:
    import sqlite3

    folder = tmp_path / "old-sandbox"
    old = ResourceStore(folder, store.key)
    old.create({"resourceType": "Patient", "identifier": [{"system": "urn:x", "value": "1"}]}, "p1")
    old.close()
    with sqlite3.connect(folder / "sandbox.sqlite3") as conn:  # as version 2 left it
        conn.execute("ALTER TABLE identifier RENAME TO new_identifier")
        conn.execute(
            "CREATE TABLE identifier (type TEXT NOT NULL, token TEXT NOT NULL, id TEXT NOT NULL,"
            " PRIMARY KEY (type, token))"
        )
        conn.execute("INSERT INTO identifier SELECT * FROM new_identifier")
        conn.execute("DROP TABLE new_identifier")
        conn.execute("PRAGMA user_version=2")

    upgraded = ResourceStore(folder, store.key)
    try:
        assert upgraded.find_by_identifier("Patient", "urn:x", "1") == ["p1"]
        upgraded.create({"resourceType": "Patient", "identifier": [{"system": "urn:x", "value": "1"}]}, "p2")
        assert sorted(upgraded.find_by_identifier("Patient", "urn:x", "1")) == ["p1", "p2"]
        upgraded.create({"resourceType": "Task", "identifier": [{"system": "urn:x", "value": "1"}]}, "t1")
        with pytest.raises(sqlite3.IntegrityError):  # anything else is still one resource per identifier
            upgraded.create({"resourceType": "Task", "identifier": [{"system": "urn:x", "value": "1"}]}, "t2")
    finally:
        upgraded.close()


@pytest.mark.parametrize("local_id", ["12,5", "A&B", "n° 7 bis", "2024/17+3", "x|y", "D\\2291$"])
def test_a_local_id_as_typed_identifies_its_own_patient_and_no_other(
    store: Store, engine: Engine, sandbox: SandboxServer, local_id: str
) -> None:
    """The conditional create's identifier goes escaped (FHIR search) and percent-encoded: "12,5" once
    read as "12 or 5", matching another patient's Patient; "A&B" made a second parameter."""
    half = local_id.split(",")[-1] if "," in local_id else None
    if half:  # a patient whose local id is one half of the other's
        other = make_case(store, seed=9, ins=False, queue=False)
        case = store.get_case(other)
        case.patient.local_id, case.patient.family = half, "BERNARD"
        store.update_case(case)
        store.queue(other)
        engine.run_once(poll=False)
    typed = make_case(store, seed=1, ins=False, queue=False)
    case = store.get_case(typed)
    case.patient.local_id = local_id
    store.update_case(case)
    store.queue(typed)

    engine.run_once(poll=False)

    assert store.state(typed) == CaseState.SENT
    patients = sandbox.resources("Patient")
    assert len(patients) == (2 if half else 1)
    ours = [p for p in patients if any(i.get("value") == local_id for i in p.get("identifier", []))]
    assert len(ours) == 1 and ours[0]["name"][0]["family"] == "MARTIN"


@pytest.mark.parametrize(
    ("condition", "read"),
    [
        ("identifier=urn:x|12%5C%2C5", ("urn:x", "12,5")),
        ("identifier=urn:x|A%26B", ("urn:x", "A&B")),
        ("identifier=urn:x|a%5C%7Cb", ("urn:x", "a|b")),
        ("identifier=urn:x|n%C2%B0+7", ("urn:x", "n° 7")),
        ("identifier=urn:x|12,5", None),  # "12 or 5"
        ("identifier=urn:x|A&B", None),  # a second parameter
        ("identifier=urn:x|a|b", None),
        ("identifier=urn:x|", None),
        ("name=urn:x|1", None),
    ],
)
def test_the_sandbox_reads_a_condition_as_a_fhir_server_does(condition: str, read: tuple[str, str] | None) -> None:
    from sync.sandbox.transaction import identifier_condition

    assert identifier_condition(condition) == read


def test_a_search_reads_identifier_tokens_the_same_way() -> None:
    """The sandbox's searches and its conditional creates read a token with one function: an escaped
    comma is part of the value, a bare one separates alternatives."""
    from sync.sandbox.search import build_predicates

    def patient(value: str) -> dict[str, object]:
        return {"resourceType": "Patient", "id": value, "identifier": [{"system": "urn:x", "value": value}]}

    patients = [patient("12,5"), patient("5"), patient("12")]

    def found(query: str) -> list[str]:
        predicates, _count, _newest = build_predicates("Patient", [("identifier", query)])
        return [str(p["id"]) for p in patients if all(test(p) for test in predicates)]

    assert found("urn:x|12\\,5") == ["12,5"]
    assert found("urn:x|12,urn:x|5") == ["5", "12"]


def test_two_sites_with_the_same_file_number_reach_the_platform_as_two_patients(
    tmp_path: Path, store: Store, engine: Engine, sandbox: SandboxServer
) -> None:
    """Two structures both number a patient D-2291. With the system each is proposed (one per FINESS), the
    platform keeps two Patients and each case is its own patient's; the wizard's old default, shared by
    every site, made the second site's case the first site's patient (tests/ui/test_wizard_keys.py)."""
    from dataclasses import asdict, replace

    from app.site import own_patient_system
    from tests.support.ui import REQUESTER

    here = replace(REQUESTER, patient_id_system=own_patient_system(REQUESTER.finess))
    there = replace(
        REQUESTER, finess="130000011", organization="Maison de santé", patient_id_system=own_patient_system("130000011")
    )
    store.settings.set("site.requester", asdict(here))
    make_case(store, ins=False)  # MARTIN Paul, provisional: sent by his file number, D-2291
    engine.run_once(poll=False)
    with Store.open(tmp_path / "other-site") as other:
        other.settings.set("site.requester", asdict(there))
        case_id = make_case(other, ins=False, queue=False)
        case = other.get_case(case_id)
        case.patient.family, case.patient.given, case.patient.birth_date = "BERNARD", ["Louise"], "1961-07-14"
        case.patient.sex = "female"
        other.update_case(case)
        other.queue(case_id)
        with engine_on(other, sandbox.base_url) as other_engine:
            other_engine.run_once(poll=False)
        assert other.state(case_id) == CaseState.SENT

    patients = {p["id"]: p for p in sandbox.resources("Patient")}
    assert len(patients) == 2
    families = sorted(
        patients[r["subject"]["reference"].split("/")[-1]]["name"][0]["family"]
        for r in sandbox.resources("ServiceRequest")
    )
    assert families == ["BERNARD", "MARTIN"]


def test_a_case_is_not_filed_under_another_patient_the_platform_holds_under_the_same_number(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside: two workstations of a site share its file numbers. The second's LEROY Sophie,
    file D-2291 (a slip, or a number given twice), passed its own checks and was filed under the
    MARTIN Paul the platform already held under D-2291 (the conditional create matched him): the
    expert's letter then named MARTIN Paul. Now the platform's Patient is looked up and compared first."""
    from dataclasses import replace as changed

    from sync.sandbox import SandboxServer
    from tests.sync.sync_helpers import engine_on, make_case, setup_site

    with SandboxServer(tmp_path / "platform", run_expert=False) as sandbox:
        first = make_case(store, ins=False)
        with engine_on(store, sandbox.base_url) as engine:
            assert engine.run_once(poll=False).sent == [first]
        with Store.open(tmp_path / "other-workstation") as other:
            setup_site(other)
            second = make_case(other, ins=False, queue=False)
            case = other.get_case(second)
            case.patient = changed(
                case.patient, family="LEROY", given=["Sophie"], birth_date="1988-07-14", sex="female"
            )
            other.update_case(case)
            other.queue(second)
            with engine_on(other, sandbox.base_url) as engine:
                assert engine.run_once(poll=False).needs_attention == [second]
            words = str(other.platform_info(second)["last_error"])
        assert "un patient dont le nom, le prénom, la date de naissance ou le sexe diffère" in words
        assert "n° de dossier" in words and sandbox.count("Task") == 1 and sandbox.binary_uploads == 2


def test_the_birth_name_is_compared_wherever_the_platform_lists_it() -> None:
    """Found from outside: a platform listing the usual (married) name before the birth name had the
    case held as another patient's (only the first name entry was compared)."""
    from app.model import Patient
    from sync.engine import same_person

    patient = Patient(family="MARTIN", given=["Marie"], birth_date="1970-01-01", sex="female")
    usual_first = {
        "name": [
            {"use": "usual", "family": "DUPONT", "given": ["Marie"]},
            {"use": "official", "family": "MARTIN", "given": ["Marie", "Jeanne"]},
        ],
        "gender": "female",
        "birthDate": "1970-01-01",
    }
    assert same_person(usual_first, patient)
    someone_else = {
        **usual_first,
        "name": [{"use": "usual", "family": "MARTIN"}, {"use": "official", "family": "DURAND"}],
    }
    assert not same_person(someone_else, patient)  # the usual name alike, the birth name not
    none_official = {**usual_first, "name": [{"family": "DUPONT"}, {"family": "Martin", "given": ["MARIE"]}]}
    assert same_person(none_official, patient)
    assert not same_person({**none_official, "name": [{"family": "DUPONT"}]}, patient)
    assert same_person({"gender": "female"}, patient)  # a trait not given is not held against it


def test_the_patient_is_looked_up_with_the_ins_in_the_body_never_in_a_url(
    store: Store, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by an outside FR Core reading: before each case, `GET Patient?identifier=…|<INS>` put the
    INS (or the file number) in a URL, which the proxies' and the platform's access logs keep."""
    from sync.client import PlatformClient

    asked: list[tuple[str, str, dict[str, str]]] = []
    request = PlatformClient.request

    def spy(self: PlatformClient, method: str, path: str, **kwargs: Any) -> Any:
        asked.append((method, path, dict(kwargs.get("params") or {})))
        return request(self, method, path, **kwargs)

    monkeypatch.setattr(PlatformClient, "request", spy)
    case_id = make_case(store)
    assert engine.run_once().sent == [case_id]
    ins = store.get_case(case_id).patient.ins
    assert ins and ("POST", "Patient/_search") in [(method, path) for method, path, _ in asked]
    assert not any(ins in path or any(ins in value for value in params.values()) for _, path, params in asked)


def _billing_holder(ins: str, **traits: Any) -> dict[str, Any]:
    """A Patient the platform holds with ``ins`` as its billing number only: FR Core's NSS slice (the
    insured's NIR, v2-0203 NH) shares the INS's OID, so a child insured under a parent carries the parent's
    NIR there, and an identifier search on the parent's INS finds the child."""
    return {
        "resourceType": "Patient",
        "identifier": [
            {
                "use": "official",
                "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "NH"}]},
                "system": "urn:oid:1.2.250.1.213.1.4.8",
                "value": ins,
            }
        ],
        **traits,
    }


@pytest.mark.parametrize(
    "traits",
    [
        {"name": [{"family": "MARTIN"}]},  # the child's record from billing data: the family name alone
        {"name": [{"family": "MARTIN", "given": ["Paul"]}], "gender": "male"},  # no birth date to tell
    ],
)
def test_a_qualified_case_is_not_filed_under_a_patient_holding_its_ins_as_a_billing_number(
    store: Store, sandbox: SandboxServer, traits: dict[str, Any]
) -> None:
    """Checked against FR Core (FRCorePatientProfile.fsh, slice NSS): the billing NIR goes under the INS's
    own OID, told apart by its type only. A Patient found under the INS that carries it as a billing number
    may be the insured's child or spouse: its traits must all be there and agree before the conditional
    create files the case under it; with too few to tell, the case waits for the user, nothing sent."""
    store.settings.set("training", "off")  # a real platform: the INS under its own OID, as the NSS is
    case_id = make_case(store, queue=False)
    _qualify(store, case_id)
    ins = store.get_case(case_id).patient.ins
    assert ins
    with sandbox.store.write() as resources:
        resources.create(_billing_holder(ins, **traits))
    store.queue(case_id)
    with engine_on(store, sandbox.base_url) as engine:
        assert engine.run_once(poll=False).needs_attention == [case_id]
    words = str(store.platform_info(case_id)["last_error"])
    assert "facturation" in words and sandbox.count("Task") == 0


def test_a_qualified_case_reuses_the_insured_adult_holding_its_ins_as_billing_number(
    store: Store, sandbox: SandboxServer
) -> None:
    """The insured adult's own billing number is the INS: a Patient carrying it so, every trait there and
    agreeing, is this patient, and the case goes (filed under it, as the conditional create does)."""
    store.settings.set("training", "off")  # a real platform: the INS under its own OID, as the NSS is
    case_id = make_case(store, queue=False)
    _qualify(store, case_id)
    ins = store.get_case(case_id).patient.ins
    assert ins
    traits = {"name": [{"family": "MARTIN", "given": ["Paul"]}], "gender": "male", "birthDate": "1950-02-03"}
    with sandbox.store.write() as resources:
        resources.create(_billing_holder(ins, **traits))
    store.queue(case_id)
    with engine_on(store, sandbox.base_url) as engine:
        assert engine.run_once(poll=False).sent == [case_id]
    assert len(sandbox.resources("Patient")) == 1
