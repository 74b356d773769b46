"""``teleavis sync``, ``case cancel`` and ``status`` from the command line (docs/cli.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.db import transaction
from app.model import CaseState
from app.store import Store
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import make_case, setup_site


def teleavis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.main", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_sync_once_in_training_mode_sends_to_the_built_in_sandbox(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        setup_site(store)
        case_id = make_case(store)
    done = teleavis("sync", "--once", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sent"] == [case_id]
    assert "Mode formation" in done.stderr
    assert (teleavis_home / "sandbox").is_dir()
    with Store.open(teleavis_home) as store:
        # The simulated expert may already have received it when the poll ran.
        assert store.state(case_id) in (CaseState.SENT, CaseState.RECEIVED)
        assert store.platform_info(case_id)["task_id"]


def test_cancel_and_status_against_a_configured_platform(teleavis_home: Path, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "platform", run_expert=False) as sandbox:
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.url", sandbox.base_url)
            case_id = make_case(store)
        done = teleavis("sync", "--once")
        assert done.returncode == 0, done.stderr
        assert "Envoyés : 1" in done.stdout
        status = teleavis("status", "--json")
        assert status.returncode == 0, status.stderr
        platform = json.loads(status.stdout)["platform"]
        assert platform["reachable"] is True
        cancelled = teleavis("case", "cancel", case_id[:8])
        assert cancelled.returncode == 0, cancelled.stderr
        assert sandbox.count("Task", status="cancelled") == 1
        again = teleavis("case", "cancel", case_id)
        assert again.returncode == 0
    with Store.open(teleavis_home) as store:
        assert store.state(case_id) == CaseState.CANCELLED
    status = teleavis("status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["platform"]["reachable"] is False


def test_the_sync_summary_counts_the_expert_questions_apart_from_the_cases_waiting_to_be_sent(
    teleavis_home: Path, tmp_path: Path
) -> None:
    """Found from outside: a question arrived, and the summary said only « en attente : 0 » (the cases
    waiting to be sent), while the list calls « En attente » a case whose expert waits for the
    requester: the questions to reply to are counted at the end (the summary's first four stay)."""
    with SandboxServer(
        tmp_path / "platform", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=3
    ) as sandbox:
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.url", sandbox.base_url)
            case_id = make_case(store)
        assert teleavis("sync", "--once").returncode == 0
        sandbox.expert.run_until_idle()  # the expert asks
        done = teleavis("sync", "--once")
        assert done.returncode == 0, done.stderr
        assert "en attente : 0 — à corriger : 0 — questions de l'expert à répondre : 1" in done.stdout
        assert json.loads(teleavis("sync", "--once", "--json").stdout)["on_hold"] == [case_id]


def test_sync_stops_with_sign_in_again_when_the_token_is_refused(teleavis_home: Path, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "platform", token="good", run_expert=False) as sandbox:
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.url", sandbox.base_url)
            store.settings.set("platform.token", "revoked")
            make_case(store)
        done = teleavis("sync", "--once")
    assert done.returncode == 1
    assert "Appelez la personne qui a installé Teleavis" in done.stderr, done.stderr
    assert "teleavis config set platform.token -" in done.stderr


def test_sync_once_with_the_platform_unreachable_returns_at_once_and_says_why(
    teleavis_home: Path, capsys: Any, monkeypatch: Any
) -> None:
    """From an outside run of docs/cli.md: « --once returns when nothing is left to do now », yet with
    the platform down (connection refused) it waited out each case's retries, 108 s a case, without
    saying why. Nothing can be done now: it says so, and the cases wait."""
    from sync.client import PlatformClient
    from tests.support.cli import closed_port, run_inprocess

    port = closed_port()  # the connection is refused at once
    with Store.open(teleavis_home) as store:
        setup_site(store)
        store.settings.set("platform.url", f"http://127.0.0.1:{port}/fhir")
        case_id = make_case(store)
    waits: list[float] = []
    monkeypatch.setattr(PlatformClient, "wait", lambda self, seconds: waits.append(seconds))
    done = run_inprocess(capsys, "sync", "--once", "--json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["waiting"] == [case_id]
    assert "Plateforme injoignable pour l'instant (pas de réseau, ou adresse introuvable)" in done.err
    assert "Errno" not in done.err  # the system's words go to the log, for support
    assert waits == [1.0], "asked twice a second apart, and no case's retries waited out"
    with Store.open(teleavis_home) as store:
        assert store.state(case_id) == CaseState.QUEUED


def test_a_queued_case_is_taken_back_before_it_leaves(teleavis_home: Path, capsys: Any) -> None:
    """From an outside run of docs/cli.md: `case cancel` on a case queued and not yet sent said there
    was nothing to cancel on the platform, and the case left at the next sync (the wrong photo, the
    wrong patient, with no way to hold it back). It is taken back: a draft again, nothing sent."""
    from app.outbox import STEP_TRANSACTION, Outbox
    from tests.support.cli import run_inprocess

    with Store.open(teleavis_home) as store:
        setup_site(store)
        case_id = make_case(store)
        other = make_case(store, seed=2)
    done = run_inprocess(capsys, "case", "cancel", case_id)
    assert done.code == 0, done.err
    assert "retiré de la file d'envoi : il n'est pas parti, il redevient un brouillon" in done.err
    with Store.open(teleavis_home) as store:
        assert store.state(case_id) == CaseState.DRAFT
        assert Outbox(store).row(case_id) is None
        assert store.history(case_id)[-1]["detail"] == "taken-back"
        # Its transaction being posted, or maybe arrived (a cut answer): not taken back, and said what to do.
        store.transition(other, CaseState.SENDING)
        Outbox(store).record_step(other, STEP_TRANSACTION)
    refused = run_inprocess(capsys, "case", "cancel", other)
    assert refused.code == 1 and "en train de partir" in refused.err
    with Store.open(teleavis_home) as store:
        store.transition(other, CaseState.QUEUED)
    refused = run_inprocess(capsys, "case", "cancel", other)
    assert refused.code == 1 and "peut-être déjà arrivé" in refused.err
    # Its photos leaving (a dead link retried for minutes, found by a nurse's outside pass): held back.
    with Store.open(teleavis_home) as store:
        store.transition(other, CaseState.SENDING)
        Outbox(store).record_step(other, "images")
    assert run_inprocess(capsys, "case", "cancel", other).code == 0
    # Queued again, it goes.
    assert run_inprocess(capsys, "case", "send", case_id).code == 0
    sent = run_inprocess(capsys, "sync", "--once", "--json")
    assert case_id in json.loads(sent.out)["sent"]


def test_a_case_taken_back_while_a_pass_reads_the_queue_is_not_sent(store: Store) -> None:
    """The pass read the queue, then the user took the case back before it began: it is left a
    draft (the pass goes on with the others), not an error that ends the pass."""
    from app.outbox import Outbox
    from sync.auth import StaticToken
    from sync.client import ClientConfig, PlatformClient
    from sync.engine import Engine

    setup_site(store)
    case_id = make_case(store)
    assert [row.case_id for row in Outbox(store).due()] == [case_id]  # what the pass read
    Outbox(store).withdraw(case_id)  # then the user, in the window or another command
    with PlatformClient(ClientConfig("http://127.0.0.1:9/fhir", 1.0, 1.0), StaticToken(None)) as client:
        assert Engine(store, client)._send_case(case_id) == CaseState.DRAFT
    assert store.state(case_id) == CaseState.DRAFT


def test_cancel_with_the_platform_unreachable_says_so_not_an_internal_error(
    teleavis_home: Path, capsys: Any, monkeypatch: Any
) -> None:
    """Found by a nurse's pass: `case cancel` with no network said « Erreur interne inattendue … signalez-la
    au support »."""
    from sync.client import PlatformClient
    from tests.support.cli import closed_port, run_inprocess

    port = closed_port()  # the connection is refused at once
    with Store.open(teleavis_home) as store:
        setup_site(store)
        store.settings.set("platform.url", f"http://127.0.0.1:{port}/fhir")
        case_id = make_case(store, queue=False)
        store.queue(case_id)
        with transaction(store.conn) as conn:
            conn.execute("UPDATE cases SET state='sent', task_id='t1', request_id='r1' WHERE id=?", (case_id,))
    monkeypatch.setattr(PlatformClient, "wait", lambda self, seconds: None)
    done = run_inprocess(capsys, "case", "cancel", case_id)
    assert done.code == 1
    assert "La plateforme ne répond pas" in done.err and "Erreur interne" not in done.err


def test_cancel_on_a_draft_says_where_it_is_deleted(teleavis_home: Path, capsys: Any, monkeypatch: Any) -> None:
    """From an outside newcomer test: `case cancel` on a draft said only that there was nothing to cancel,
    and nothing anywhere deleted it. A draft never sent is deleted in the window (cli.md has no command for
    it): the refusal says where, with the same exit code. A draft once queued, then held back, may be on the
    platform: it is not offered for deletion."""
    from app.model import Case
    from app.outbox import Outbox
    from tests.support.cli import run_inprocess

    with Store.open(teleavis_home) as store:
        setup_site(store)
        draft = store.create_case(Case(), [])
        held = make_case(store)
        Outbox(store).withdraw(held)
    refused = run_inprocess(capsys, "case", "cancel", draft)
    assert refused.code == 1
    assert "brouillon jamais envoyé" in refused.err and "Dossiers > Supprimer le brouillon…" in refused.err
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    english = run_inprocess(capsys, "case", "cancel", draft)
    assert english.code == 1 and "Cases > Delete draft…" in english.err
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    other = run_inprocess(capsys, "case", "cancel", held)
    assert other.code == 1 and "il n'y a rien à annuler là-bas" in other.err and "Supprimer" not in other.err
    with Store.open(teleavis_home) as store:
        assert {draft, held} <= {c.id for c in store.list_cases()}


def test_case_show_gives_the_experts_question_it_asks_to_answer(
    teleavis_home: Path, tmp_path: Path, capsys: Any
) -> None:
    """Found from outside: `status` sent the nurse to the case (« À lire … réponse ou question de
    l'expert »), `case show` said « L'expert attend votre réponse à sa question », and nowhere in the
    text or the JSON was the question: she could not know what the expert asked without the window."""
    from tests.support.cli import run_inprocess
    from tests.support.scripted_platform import on_hold_with_a_question

    with Store.open() as store:
        setup_site(store)
        (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    shown = run_inprocess(capsys, "case", "show", case_id)
    assert shown.code == 0
    lines = shown.out.splitlines()
    asked = lines.index("Questions de l'expert et réponses :")
    assert lines[asked + 1].endswith("— Expert : Depuis quand ?")
    assert lines[asked + 2].startswith("L'expert attend votre réponse à sa question")
    (message,) = run_inprocess(capsys, "case", "show", case_id, "--json").json()["messages"]
    assert (message["direction"], message["text"], message["withdrawn"]) == ("from-expert", "Depuis quand ?", False)
