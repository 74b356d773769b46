"""A case the platform answers 409 or 412 to (found from outside, against a strict FHIR server: a
conditional create whose identifier matches several Patients already on the platform).

The contract keeps these statuses retryable, so the case stays queued; but the platform gave its answer,
which seconds do not change: it is not posted again within the pass (it was, every few seconds, for
ever), the history does not call it a cut, and the user is told in words why the case has not left,
quoting the platform, as for a refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.model import CaseState, iso, utc_now
from app.outbox import STEP_IMAGES, Outbox, held_by_platform
from app.report_text import history_words
from app.store import Store
from sync.sandbox import SandboxServer
from sync.sandbox.api import Reply, Request, json_reply
from tests.sync.sync_helpers import engine_on, make_case, setup_site

WORDS = "Patient: plusieurs ressources portent urn:oid:1.2.250.1.999.1.1|D-2291"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "platform", answer_after_s=3600.0, run_expert=False, seed=1) as server:
        yield server


def _answering(sandbox: SandboxServer, status: int, monkeypatch: pytest.MonkeyPatch) -> list[Request]:
    """The platform answers every transaction ``status`` with an OperationOutcome; the requests it got."""
    served: list[Request] = []
    handle = sandbox.platform.handle

    def answer(request: Request) -> Reply:
        served.append(request)
        if request.method == "POST" and b'"transaction"' in request.body:
            issue = {"severity": "error", "code": "duplicate", "diagnostics": WORDS}
            return json_reply(status, {"resourceType": "OperationOutcome", "issue": [issue]})
        return handle(request)

    monkeypatch.setattr(sandbox.platform, "handle", answer)
    return served


@pytest.mark.parametrize("status", [409, 412])
def test_a_conflict_is_posted_once_a_pass_and_the_case_says_why_it_has_not_left(
    store: Store, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    case_id = make_case(store)
    served = _answering(sandbox, status, monkeypatch)
    with engine_on(store, sandbox.base_url, case_budget_s=2.0) as engine:
        summary = engine.run_once(poll=False)

        transactions = [r for r in served if r.method == "POST" and b'"transaction"' in r.body]
        assert len(transactions) == 1  # not again and again within the pass (a dozen in two seconds)
        assert not [r for r in served if "Task" in r.path]  # nor looked up: nothing of it was recorded
        assert summary.waiting == [case_id] and store.state(case_id) == CaseState.QUEUED  # retryable, as asked
        row = Outbox(store).row(case_id)
        assert row is not None and row.step == STEP_IMAGES  # it certainly did not arrive: it can be held back
        words = str(store.platform_info(case_id)["last_error"])
        assert f"({status})" in words and WORDS in words and "fusionner des fiches en double" in words
        history = store.history(case_id)
        said = " ".join(history_words(event, "fr") for event in history)
        assert "coupure" not in said and "pas enregistré par la plateforme" in said
        assert held_by_platform(CaseState.QUEUED.value, history)
        assert Outbox(store).held_by_platform() == [case_id]

        monkeypatch.undo()  # the platform's administrators merged the duplicates: it goes
        # at its next try, brought to now (its wait grows as a busy platform's: on a loaded host the second
        # pass could come before it and send nothing)
        with store.conn:
            store.conn.execute("UPDATE outbox SET next_attempt_at = ? WHERE case_id = ?", (iso(utc_now()), case_id))
        assert engine.run_once(poll=False).sent == [case_id]
    assert Outbox(store).held_by_platform() == []


@pytest.mark.parametrize("resumable", [False, True], ids=["POST Binary", "tus"])
def test_an_image_the_platform_will_not_store_yet_gives_no_advice_about_duplicate_patients(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch, resumable: bool
) -> None:
    """A 409 on an image's upload (found in review): the words said the platform's administrators may
    have to merge duplicate patients, advice that belongs to the case's transaction only. Plain words:
    the platform would not store the image for now, and it will be tried again."""
    with SandboxServer(tmp_path / "platform", run_expert=False, seed=1, resumable=resumable) as sandbox:
        case_id = make_case(store)
        handle = sandbox.platform.handle
        uploads: list[Request] = []

        def answer(request: Request) -> Reply:
            if request.method == "POST" and request.path.rstrip("/") in ("/fhir/Binary", "/fhir/tus"):
                uploads.append(request)
                issue = {"severity": "error", "code": "conflict", "diagnostics": "Binary: verrou en cours"}
                return json_reply(409, {"resourceType": "OperationOutcome", "issue": [issue]})
            return handle(request)

        monkeypatch.setattr(sandbox.platform, "handle", answer)
        with engine_on(store, sandbox.base_url, case_budget_s=2.0) as engine:
            assert engine.run_once(poll=False).waiting == [case_id]
    assert uploads and store.state(case_id) == CaseState.QUEUED
    words = str(store.platform_info(case_id)["last_error"])
    assert "une image" in words and "(409)" in words and "verrou en cours" in words, words
    assert "fusionner" not in words and "double" not in words, words


def _qualify(store: Store, case_id: str) -> None:
    case = store.get_case(case_id)
    case.patient.identity_status, case.patient.identity_document = "qualified", "CN"
    case.patient.identity_checked_on = "2026-11-20"
    store.update_case(case)


def teleavis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.main", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_commands_say_why_a_case_the_platform_cannot_record_waits(
    teleavis_home: Path, sandbox: SandboxServer
) -> None:
    """Against the sandbox, which answers 412 as a FHIR server does when two Patients carry the local id
    the case's Patient is conditional on: ``sync`` names the case without the platform's words (cron's
    mail), ``case show`` says why it has not left in them, ``status`` counts it."""
    with Store.open(teleavis_home) as store:
        setup_site(store)
        store.settings.set("platform.url", sandbox.base_url)
        with engine_on(store, sandbox.base_url) as engine:
            make_case(store, seed=1)  # provisional: its Patient goes under the local id
            engine.run_once(poll=False)
            qualified = make_case(store, seed=2, queue=False)  # qualified: a second Patient, same local id
            _qualify(store, qualified)
            store.queue(qualified)
            engine.run_once(poll=False)
        ambiguous = make_case(store, seed=3)

    done = teleavis("sync", "--once", "--timeout", "60")

    assert done.returncode == 0, done.stderr
    assert "en attente : 1" in done.stdout
    assert f"Dossier {ambiguous} en attente : la plateforme ne peut pas l'enregistrer" in done.stderr
    assert f"teleavis case show {ambiguous[:8]}" in done.stderr
    assert "plusieurs ressources" not in done.stderr + done.stdout and "D-2291" not in done.stderr
    shown = teleavis("case", "show", ambiguous[:8])
    assert shown.returncode == 0, shown.stderr
    [why] = [line for line in shown.stdout.splitlines() if line.startswith("Pourquoi il n'est pas parti :")]
    assert "(412)" in why and "plusieurs ressources portent" in why and "fusionner des fiches en double" in why
    assert "coupure" not in shown.stdout
    status = teleavis("status")
    assert f"ne peut pas l'enregistrer pour l'instant : 1 dossier ({ambiguous[:8]})" in status.stdout
    # Said last: every line the output had before keeps its place (found in review: it came before
    # « Dernière synchronisation », shifting it and every line after by one).
    lines = status.stdout.splitlines()
    assert lines[-1].startswith("En attente car la plateforme ne peut pas"), lines
    assert [line for line in lines if line.startswith("Dernière synchronisation")] == [lines[-4]], lines
    assert "held" not in json.loads(teleavis("status", "--json").stdout)  # the JSON stays as documented
