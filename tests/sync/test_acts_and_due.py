"""The requester's RQD act (issue 16.7) and the expert's promised answer time (issue 16.8), through the
store, the outbox and the follower against the sandbox platform."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import acts, clock
from app.db import transaction
from app.model import CaseState, iso, utc_now
from app.outbox import Outbox
from app.store import Store
from sync.engine import Engine
from sync.follow import Follower, promised_by
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import REQUESTER, engine_on, make_case


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as server:
        yield server


@pytest.fixture(autouse=True)
def real_platform(store: Store) -> None:
    """Acts are billed for cases sent to a real platform: not in training mode (fictitious patients)."""
    store.settings.set("training", "off")


@pytest.fixture
def engine(store: Store, sandbox: SandboxServer) -> Iterator[Engine]:
    with engine_on(store, sandbox.base_url, case_budget_s=10.0) as engine:
        yield engine


def acts_rows(store: Store) -> list[tuple[str, int, str]]:
    return [
        (r[0], r[1], r[2]) for r in store.conn.execute("SELECT case_id, billable, reason FROM acts ORDER BY at, rowid")
    ]


def teleavis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.main", *args], capture_output=True, text=True, timeout=120, check=False
    )


# -- 16.7 the act -----------------------------------------------------------------------------------


def test_each_case_sent_records_one_rqd_act_and_the_fifth_of_the_year_is_not_billable(
    store: Store, engine: Engine
) -> None:
    verdicts, ids = [], []
    for n in range(5):
        case_id = make_case(store, seed=n, queue=False)
        verdicts.append(acts.judge(store, store.get_case(case_id)))
        store.queue(case_id)
        engine.run_once(poll=False)
        ids.append(case_id)
    # Said before sending: the rank this year, until the limit is reached.
    assert [v.words() for v in verdicts[:2]] == [
        "Demande facturable à l'Assurance Maladie (1re sur 4 cette année pour ce patient ; code de facturation RQD)",
        "Demande facturable à l'Assurance Maladie (2e sur 4 cette année pour ce patient ; code de facturation RQD)",
    ]
    assert verdicts[4].words() == (
        "Demande non facturable : déjà 4 demandes cette année pour ce patient, le maximum payé par "
        "l'Assurance Maladie (code de facturation RQD)"
    )
    assert acts_rows(store) == [(i, 1, "ok") for i in ids[:4]] + [(ids[4], 0, "limit")]
    act_audit = store.conn.execute("SELECT case_id, detail FROM audit WHERE action='act' ORDER BY seq").fetchall()
    assert [tuple(r) for r in act_audit] == [(i, "RQD billable (ok)") for i in ids[:4]] + [
        (ids[4], "RQD not billable (limit)")
    ]


def test_another_patient_or_requester_has_its_own_four(store: Store, engine: Engine) -> None:
    for n in range(4):
        make_case(store, seed=n)
    engine.run_once(poll=False)
    other_patient = make_case(store, seed=9, queue=False, ins=False)  # counted by its local id, not the INS
    assert acts.judge(store, store.get_case(other_patient)).billable
    store.settings.set("site.requester", asdict(replace(REQUESTER, rpps="10003456789")))
    same_patient = make_case(store, seed=8, queue=False)
    assert acts.judge(store, store.get_case(same_patient)).rank == 1


def test_the_act_is_written_in_the_transaction_that_marks_the_case_sent(store: Store) -> None:
    case_id = make_case(store)
    store.transition(case_id, CaseState.SENDING)
    outbox = Outbox(store)
    store.conn.execute("CREATE TEMP TRIGGER fail_act BEFORE INSERT ON acts BEGIN SELECT RAISE(ABORT, 'no'); END")
    with pytest.raises(Exception, match="no"):
        outbox.mark_sent(case_id, "t1", "s1", "1")
    assert store.state(case_id) == CaseState.SENDING  # nothing half-done: neither sent nor billed
    store.conn.execute("DROP TRIGGER fail_act")
    outbox.mark_sent(case_id, "t1", "s1", "1")
    outbox.mark_sent(case_id, "t1", "s1", "1")  # again (a resumed send): still one act
    assert acts_rows(store) == [(case_id, 1, "ok")]


def test_a_role_without_an_entitled_profession_is_recorded_to_check(store: Store) -> None:
    store.settings.set("site.requester", asdict(replace(REQUESTER, role="Secrétaire médicale")))
    case_id = make_case(store)
    assert acts.judge(store, store.get_case(case_id)).reason == acts.PROFESSION
    for role in ("Infirmière de pratique avancée", "Sage-femme", "Masseur-kinésithérapeute", "Pédicure-podologue"):
        assert acts.entitled(replace(REQUESTER, role=role)), role


@pytest.mark.parametrize(
    "role",
    [
        # What the English form proposes ("General practitioner, nurse…") and its professions' names.
        "General practitioner",
        "Nurse",
        "Advanced practice nurse",
        "Midwife",
        "Physiotherapist",
        "Speech therapist",
        "Podiatrist",
        "GP",
        # As French sites write them in short, or by specialty.
        "Généraliste",
        "MG",
        "IDE",
        "IDEL de garde",
        "IPA",
        "Pédiatre",
    ],
)
def test_a_role_written_in_english_or_in_short_names_its_profession(role: str) -> None:
    assert acts.entitled(replace(REQUESTER, role=role))


@pytest.mark.parametrize("role", ["Secrétaire médicale", "Medical secretary", "Aide-soignante", "Assistante", "Agent"])
def test_a_role_of_no_entitled_profession_stays_to_check(role: str) -> None:
    assert not acts.entitled(replace(REQUESTER, role=role))


def test_an_expert_of_the_same_site_named_by_the_platform_makes_the_act_not_billable(store: Store) -> None:
    case_id = make_case(store)
    store.transition(case_id, CaseState.SENDING)
    Outbox(store).mark_sent(case_id, "t1", "s1", "1")
    follower = Follower(store, None, None)  # type: ignore[arg-type]  # mirror of an accepted Task reads nothing
    task = {
        "resourceType": "Task",
        "id": "t1",
        "status": "accepted",
        "meta": {"versionId": "2"},
        "owner": {"identifier": {"system": acts.FINESS_SYSTEM, "value": "750000010"}},
    }
    follower.mirror(case_id, task, "1")
    assert acts_rows(store) == [(case_id, 0, "same-site")]
    assert acts.act_of(store, case_id) == {
        "at": acts.act_of(store, case_id)["at"],  # type: ignore[index]
        "code": "RQD",
        "billable": False,
        "reason": "same-site",
    }


def test_the_same_site_is_the_one_the_case_was_sent_from_not_the_site_of_today(store: Store) -> None:
    """Found in review: an expert of the structure a case was sent from, answering once the workstation had
    been given to another structure (Réglages > Site), was compared with the new one: the act stayed billable
    (and an expert of the new structure would have made the old case's act not billable)."""
    from app.site import save_site

    case_id = make_case(store)
    store.transition(case_id, CaseState.SENDING)
    Outbox(store).mark_sent(case_id, "t1", "s1", "1")
    assert save_site(store, replace(REQUESTER, finess="690000017", organization="Maison de santé de Lyon"))
    follower = Follower(store, None, None)  # type: ignore[arg-type]  # mirror of an accepted Task reads nothing
    task = {
        "resourceType": "Task",
        "id": "t1",
        "status": "accepted",
        "meta": {"versionId": "2"},
        "owner": {"identifier": {"system": acts.FINESS_SYSTEM, "value": REQUESTER.finess}},
    }
    follower.mirror(case_id, task, "1")
    assert acts_rows(store) == [(case_id, 0, "same-site")]


def test_a_site_changed_while_a_case_was_uploading_leaves_the_case_in_the_name_it_went_under(store: Store) -> None:
    """Found in review: the case's request is made with the site of the moment it starts to go, but its act and
    its report took the site of the moment the platform said it had it. The successor's site saved while the
    predecessor's last case was still uploading (minutes on a bad link), that case's act was billed under the
    successor's RPPS and its report named the successor."""
    from app.site import requester_when_sent, save_site

    case_id = make_case(store)
    store.transition(case_id, CaseState.SENDING)  # its request made and going (sync/engine.py SendJob)
    successor = replace(REQUESTER, rpps="10000000017", family="LEGRAND", given=["Claire"])
    assert save_site(store, successor)
    Outbox(store).mark_sent(case_id, "t1", "s1", "1")
    billed = store.conn.execute("SELECT requester_rpps FROM acts WHERE case_id=?", (case_id,)).fetchone()[0]
    assert billed == REQUESTER.rpps
    assert requester_when_sent(store, case_id) == REQUESTER


def test_acts_export_writes_the_year_for_the_billing_software_privately(
    store: Store, engine: Engine, tmp_path: Path
) -> None:
    ids = [make_case(store, seed=n, queue=False) for n in range(2)]
    qualified = store.get_case(ids[0])  # the other stays provisional: its INS identifies nothing
    qualified.patient.identity_status, qualified.patient.identity_document = "qualified", "CN"
    qualified.patient.identity_checked_on = "2026-11-20"
    qualified.patient.used_name = "Leroy"  # the name she goes by: the billing software shows it too
    store.update_case(qualified)
    for case_id in ids:
        store.queue(case_id)
    engine.run_once(poll=False)
    store.close()
    target = tmp_path / "rqd.csv"
    year = utc_now().year
    done = teleavis("acts", "export", "--year", str(year), "--out", str(target))
    assert done.returncode == 0, done.stderr
    assert "2 actes de" in done.stderr
    if os.name != "nt":
        assert target.stat().st_mode & 0o777 == 0o600
    header = target.read_text(encoding="utf-8").splitlines()[0].split(",")
    # Read by position by some billing software: the documented columns keep their places (docs/cli.md),
    # new ones added at the end: the used name, then the ADELI of a requester without RPPS.
    assert header == [
        "date",
        "act_code",
        "requester_rpps",
        "patient_family",
        "patient_given",
        "patient_birth_date",
        "patient_sex",
        "patient_ins",
        "patient_local_id",
        "case_id",
        "billable",
        "reason",
        "patient_used_name",
        "requester_adeli",
    ]
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert sorted(r["case_id"] for r in rows) == sorted(ids)  # (sent in the same second: by case id)
    first, other_row = sorted(rows, key=lambda r: ids.index(r["case_id"]))
    assert (other_row["patient_family"], other_row["patient_ins"]) == ("MARTIN", "")
    assert (
        first["act_code"],
        first["requester_rpps"],
        first["patient_family"],
        first["patient_given"],
        first["patient_birth_date"],
        first["patient_ins"],
        first["billable"],
        first["reason"],
    ) == ("RQD", REQUESTER.rpps, "MARTIN", "PAUL", "1950-02-03", "150028512345615", "oui", "facturable")  # (INS traits)
    assert (first["patient_used_name"], other_row["patient_used_name"]) == ("LEROY", "")
    assert first["date"] == clock.now().date().isoformat()
    other = teleavis("acts", "export", "--year", str(year - 1))
    assert other.returncode == 0 and other.stdout.splitlines()[1:] == []
    assert teleavis("acts", "export", "--year", "26").returncode == 2
    helped = teleavis("acts", "export", "--help")
    assert "0600" in helped.stdout and "données de patients" in helped.stdout
    assert teleavis("acts", "export", "--year", str(year), "--out", str(tmp_path / "no" / "x.csv")).returncode == 1


def test_case_send_says_whether_the_act_is_billable(store: Store) -> None:
    case_id = make_case(store, queue=False)
    store.close()
    done = teleavis("case", "send", case_id)
    assert done.returncode == 0, done.stderr
    assert (
        "Demande facturable à l'Assurance Maladie (1re sur 4 cette année pour ce patient ; code de facturation RQD)"
        in (" ".join(done.stderr.split()))
    )


# -- 16.8 the promised answer time ------------------------------------------------------------------


def test_the_promised_time_comes_from_the_platform_else_seven_days(
    store: Store, engine: Engine, sandbox: SandboxServer
) -> None:
    case_id = make_case(store)
    before = utc_now().replace(microsecond=0)
    engine.run_once(poll=False)
    due = store.due_at(case_id)
    assert due is not None
    assert timedelta(days=7) <= datetime.fromisoformat(due) - before < timedelta(days=7, minutes=1)
    sandbox.expert.step()  # received
    sandbox.expert.step()  # accepted: the expert promises the answer
    engine.run_once()
    task = sandbox.read("Task", store.platform_info(case_id)["task_id"])
    promised = task["restriction"]["period"]["end"]
    assert store.due_at(case_id) == iso(datetime.fromisoformat(promised))


def test_no_act_is_billed_for_a_training_case_or_a_request_the_platform_refused(
    store: Store, engine: Engine, sandbox: SandboxServer
) -> None:
    """Found by a newcomer: the training cases (fictitious patients) went into the billing export as
    billable, and so did a request the platform refused, which also counted among the patient's four."""
    refused = make_case(store)
    engine.run_once(poll=False)
    task = sandbox.read("Task", store.platform_info(refused)["task_id"])
    with sandbox.store.write() as held:
        held.update({**task, "status": "rejected", "statusReason": {"text": "Hors du champ de l'expert"}})
    engine.run_once()
    assert store.state(refused) == CaseState.REJECTED
    assert acts_rows(store) == [(refused, 0, "not-done")]
    assert acts.judge(store, store.get_case(make_case(store, seed=5, queue=False))).rank == 1  # no longer counted

    store.settings.set("training", "auto")  # no platform address: the training sandbox
    training = make_case(store, seed=7)
    assert engine.run_once(poll=False).sent == []  # an engine sends to its own platform only
    Engine(store, engine.client, case_budget_s=10.0).run_once(poll=False)  # the training mode's engine
    assert (training, 0, "training") in acts_rows(store)


def test_an_urgent_request_is_due_in_48_hours_when_the_platform_promises_nothing(store: Store, engine: Engine) -> None:
    """Found from outside: an urgent case (the requester asks for an answer within 48 h) was flagged
    late only after seven days, like a routine one."""
    case_id = make_case(store, queue=False)
    urgent = store.get_case(case_id)
    urgent.priority = "urgent"
    store.update_case(urgent)
    store.queue(case_id)
    before = utc_now().replace(microsecond=0)
    engine.run_once(poll=False)
    due = store.due_at(case_id)
    assert due is not None
    assert timedelta(days=2) <= datetime.fromisoformat(due) - before < timedelta(days=2, minutes=1)


def test_promised_by_reads_restriction_period_end() -> None:
    assert promised_by({"restriction": {"period": {"end": "2026-12-08T10:00:00+01:00"}}}) == "2026-12-08T09:00:00+00:00"
    assert promised_by({"restriction": {"period": {"end": "not a date"}}}) is None
    assert promised_by({}) is None


def test_a_promised_time_given_without_its_zone_is_taken_here_not_a_day_later(paris: None) -> None:
    """Seen from outside: « 2026-12-08T10:00:00 » (no zone, which FHIR forbids) was read as a date
    alone, the end of that day: the case would be said late a day after the expert's promise."""
    assert promised_by({"restriction": {"period": {"end": "2026-12-08T10:00:00"}}}) == "2026-12-08T09:00:00+00:00"
    # A date alone stays the end of that day, here.
    assert promised_by({"restriction": {"period": {"end": "2026-12-08"}}}) == "2026-12-08T23:00:00+00:00"


def mark_sent(store: Store, case_id: str) -> None:
    store.transition(case_id, CaseState.SENDING)
    Outbox(store).mark_sent(case_id, "t-" + case_id, "s-" + case_id, "1")


def make_overdue(store: Store, case_id: str, days: int = 1) -> None:
    with transaction(store.conn) as conn:
        store.set_due(conn, case_id, iso(utc_now() - timedelta(days=days)))


def test_an_overdue_case_is_found_and_shown_by_case_list_and_show(store: Store) -> None:
    late, on_time = make_case(store, seed=1), make_case(store, seed=2)
    for case_id in (late, on_time):
        mark_sent(store, case_id)
    make_overdue(store, late)
    assert [c.id for c in store.overdue()] == [late]
    rows = {r.id: r for r in store.list_cases()}
    assert rows[late].overdue() and not rows[on_time].overdue()
    store.transition(late, CaseState.ON_HOLD)  # the expert waits for the requester: not overdue
    assert store.overdue() == []
    store.transition(late, CaseState.IN_PROGRESS)
    store.close()
    listed = teleavis("case", "list")
    assert listed.returncode == 0, listed.stderr
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert lines[late].endswith("[en retard]") and "en retard" not in lines[on_time]
    as_json = {r["id"]: r for r in json.loads(teleavis("case", "list", "--json").stdout)}
    assert as_json[late]["overdue"] is True and as_json[on_time]["overdue"] is False
    shown = teleavis("case", "show", late)
    assert "Réponse de l'expert en retard : promise pour le" in shown.stdout
    assert re.search(r"Acte de télé-expertise : RQD du \d\d/\d\d/\d{4}, ", shown.stdout), shown.stdout
    doc = json.loads(teleavis("case", "show", on_time, "--json").stdout)
    assert doc["overdue"] is False and doc["due_at"] and doc["act"]["billable"] is True


def test_cases_stored_before_migration_10_keep_working(teleavis_home: Path) -> None:
    from app.db import connect

    with Store.open(teleavis_home) as store:
        case_id = make_case(store)
    conn = connect(teleavis_home / "teleavis.db")
    conn.executescript(
        "DROP INDEX cases_due; DROP TABLE acts; ALTER TABLE cases DROP COLUMN due_at; PRAGMA user_version = 9;"
    )
    conn.close()
    with Store.open(teleavis_home) as store:
        assert store.due_at(case_id) is None
        assert [r.id for r in store.list_cases()] == [case_id]
        assert store.overdue() == [] and acts.act_of(store, case_id) is None


def test_a_key_rotation_keeps_counting_a_patients_acts(teleavis_home: Path) -> None:
    from app import rotation
    from app.keystore import KeyStore
    from tests.conftest import PASSPHRASE
    from tests.sync.sync_helpers import setup_site

    with Store.open(teleavis_home) as store:
        setup_site(store)
        for n in range(4):
            case_id = make_case(store, seed=n)
            store.transition(case_id, CaseState.SENDING)
            Outbox(store).mark_sent(case_id, f"t{n}", f"s{n}", "1")
        rotation.rotate(teleavis_home, store.conn, KeyStore(teleavis_home), store.key, PASSPHRASE)
    with Store.open(teleavis_home) as store:
        fifth = make_case(store, seed=9, queue=False)
        assert acts.judge(store, store.get_case(fifth)).reason == acts.LIMIT


def test_the_training_platforms_promise_never_moves_the_answer_time_earlier(
    store: Store, engine: Engine, sandbox: SandboxServer
) -> None:
    """Found in training: the promised answer time moved a few minutes earlier once the expert took the case
    (and stayed so after her reply to the expert's question). The sandbox's expert promised from the Task's
    ``authoredOn``, when the nurse began the case, while the workstation counts the week from the sending: a
    case prepared at 9:00 and sent at 9:40 was due 40 minutes earlier than the window had said. A platform
    counts from when it received the request."""
    case_id = make_case(store, queue=False)
    began = iso(utc_now() - timedelta(minutes=40))
    with transaction(store.conn):
        store.conn.execute("UPDATE cases SET created_at=? WHERE id=?", (began, case_id))
    store.queue(case_id)
    engine.run_once(poll=False)
    said_at_sending = store.due_at(case_id)
    assert said_at_sending is not None
    sandbox.expert.step()  # received
    sandbox.expert.step()  # accepted: the expert promises the answer
    engine.run_once()
    promised = store.due_at(case_id)
    assert promised is not None and promised >= said_at_sending, (said_at_sending, promised)
    assert datetime.fromisoformat(promised) - datetime.fromisoformat(said_at_sending) < timedelta(minutes=2)
