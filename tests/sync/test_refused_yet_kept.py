"""A platform that answers the case's transaction with a refusal (400 and its OperationOutcome) when it has in
fact recorded it: R4's all-or-nothing broken, as a server validating after it has written, or a gateway
answering in its place. Held as refused here without its Task's id, the case was never followed: an answer or a
question of the expert there was never seen, unless the nurse sent it again. Looked up by its identifier before
it is held as refused, the case found on the platform is followed as sent (its Task's id kept, the platform's
words said on it), never posted a second time; one the platform does not hold is refused as before."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import requests

from app.model import CaseState, iso, utc_now
from app.report_text import history_words
from app.store import Store
from sync.mapping import CASE_SYSTEM
from sync.progress import PrintingListener, RecordingListener
from sync.sandbox.server import SandboxServer
from tests.support.http import QuietHandler, serving
from tests.sync.sync_helpers import engine_on, make_case, new_case
from tests.sync.test_dicom_identity_at_sending import dicom_image
from tests.sync.test_image_file_lost import lose

WORDS = "ServiceRequest.reasonCode : valeur refusée"
REFUSAL = json.dumps(
    {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "invalid", "diagnostics": WORDS}]}
).encode()


@contextmanager
def transactions_refused(
    sandbox: str,
    *,
    recorded: bool,
    tasks_found: bool = True,
    search_ignored: bool = False,
    cut: bool = False,
    refusing: bool = True,
) -> Iterator[tuple[str, dict[str, int]]]:
    """In front of the sandbox: each case's transaction answered 400 with an OperationOutcome, after the
    sandbox has recorded it (``recorded``) or without it reaching the sandbox; without ``tasks_found``, every
    search of Tasks answered empty (a platform whose search sees a new Task only later); with
    ``search_ignored``, a search of Tasks by identifier answered with every Task, none naming its case (a
    lenient server ignoring the parameter, its Tasks without the case's identifier); everything else goes
    through. With ``cut``, the transaction is answered by a web page in place of the refusal (a proxy's: it may
    have arrived). Without ``refusing``, the transaction goes through to the sandbox and its answer back (a
    platform that records it, its search still late). Yields its base URL and the counts of transactions posted
    (``"posted"``) and of Tasks searched by identifier (``"searched"``)."""
    seen = {"posted": 0, "searched": 0}

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def _go(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            transaction = self.command == "POST" and self.path.rstrip("/") == "/fhir"
            seen["searched"] += self.command == "GET" and self.path.startswith("/fhir/Task?identifier=")
            seen["posted"] += transaction
            if transaction and refusing:
                if recorded:
                    kept = requests.post(sandbox, data=body, headers=headers, timeout=10)
                    assert kept.status_code == 200, kept.text
                if cut:
                    self.answer(200, b"<html>Proxy</html>", content_type="text/html")
                    return
                self.answer(400, REFUSAL, content_type="application/fhir+json")
                return
            if not tasks_found and self.command == "GET" and self.path.removeprefix("/fhir").startswith("/Task"):
                empty = {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": []}
                self.answer(200, json.dumps(empty).encode(), content_type="application/fhir+json")
                return
            if search_ignored and self.command == "GET" and self.path.startswith("/fhir/Task?identifier="):
                every = requests.get(f"{sandbox}/Task", headers=headers, timeout=10).json()
                for entry in every.get("entry", []):
                    entry["resource"].pop("identifier", None)
                self.answer(200, json.dumps(every).encode(), content_type="application/fhir+json")
                return
            got = requests.request(
                self.command, sandbox + self.path.removeprefix("/fhir"), data=body, headers=headers, timeout=10
            )
            dropped = ("content-length", "content-type", "content-encoding", "transfer-encoding", "connection")
            kept_headers = {k: v for k, v in got.headers.items() if k.lower() not in dropped}
            self.answer(
                got.status_code, got.content, content_type=got.headers.get("Content-Type"), headers=kept_headers
            )

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _go

    with serving(Handler, path="/fhir") as base:
        yield base, seen


def _refused_two_days_ago(store: Store, case_id: str) -> None:
    """The case refused (and queued) two days ago: its history and its outbox row say so."""
    two_days_ago = iso(utc_now() - timedelta(days=2))
    store.conn.execute("UPDATE outbox SET queued_at=? WHERE case_id=?", (two_days_ago, case_id))
    store.conn.execute(
        "UPDATE case_events SET at=? WHERE id=(SELECT MAX(id) FROM case_events WHERE case_id=? AND kind='state')",
        (two_days_ago, case_id),
    )


def _tasks(base: str, case_id: str) -> list[str]:
    found = requests.get(f"{base}/Task", params={"identifier": f"{CASE_SYSTEM}|{case_id}"}, timeout=10).json()
    return [e["resource"]["id"] for e in found.get("entry", [])]


def test_a_case_refused_yet_recorded_is_followed_and_its_answer_seen(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        with (
            transactions_refused(sandbox.base_url, recorded=True) as (base, seen),
            engine_on(store, base) as engine,
        ):
            engine.run_once(poll=False)
            [kept] = _tasks(sandbox.base_url, case_id)  # (the platform recorded it: the premise)
            assert store.state(case_id) == CaseState.SENT
            assert store.platform_info(case_id)["task_id"] == kept
            assert WORDS in str(store.platform_info(case_id)["last_error"])  # what the platform said, kept

            sandbox.expert.run_until_idle()  # the expert answers it there
            engine.run_once()
            assert store.state(case_id) == CaseState.ANSWERED  # and the answer is seen here
            assert seen["posted"] == 1  # never posted again
        assert _tasks(sandbox.base_url, case_id) == [kept]


def test_a_case_refused_and_not_recorded_waits_for_the_user_as_before(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        with transactions_refused(sandbox.base_url, recorded=False) as (base, _), engine_on(store, base) as engine:
            engine.run_once(poll=False)
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION
        assert WORDS in str(store.platform_info(case_id)["last_error"])
        assert store.platform_info(case_id)["task_id"] is None
        assert _tasks(sandbox.base_url, case_id) == []

        store.queue(case_id)  # corrected and sent again: it goes, once
        with engine_on(store, sandbox.base_url) as engine:
            engine.run_once(poll=False)
        assert store.state(case_id) == CaseState.SENT
        assert _tasks(sandbox.base_url, case_id) == [store.platform_info(case_id)["task_id"]]


def _refused_not_found(store: Store, sandbox: SandboxServer, case_id: str) -> str:
    """The queued case's transaction recorded by the sandbox but answered as refused, its Task not found by the
    search then: the case waits for the user. Returns the one Task there all the same (the premise)."""
    with (
        transactions_refused(sandbox.base_url, recorded=True, tasks_found=False) as (base, _),
        engine_on(store, base) as engine,
    ):
        engine.run_once(poll=False)
    assert store.state(case_id) == CaseState.NEEDS_ATTENTION
    [kept] = _tasks(sandbox.base_url, case_id)
    return kept


def test_a_case_refused_whose_task_was_not_found_is_one_task_once_sent_again(store: Store, tmp_path: Path) -> None:
    """The sibling: a case held as refused while its Task is there (not found at the time) and sent again by the
    user is not a second Task for the expert: the one there is found and followed."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        kept = _refused_not_found(store, sandbox, case_id)

        store.queue(case_id)  # the user sends it again
        with engine_on(store, sandbox.base_url) as engine:
            engine.run_once(poll=False)
        assert store.state(case_id) == CaseState.SENT
        assert _tasks(sandbox.base_url, case_id) == [kept]
        assert store.platform_info(case_id)["task_id"] == kept
        assert sandbox.count("ServiceRequest") == 1


NOT_LEFT = (
    "La plateforme avait déjà enregistré la première version de ce dossier : vos corrections ne sont pas parties."
)


def _sent_again(store: Store, sandbox: SandboxServer, case_id: str) -> str:
    """The case queued again by the user and sent, to the sandbox itself (its search finds the Task now): what
    ``teleavis sync`` says of it on stderr (its listener's lines)."""
    store.queue(case_id)
    stderr = io.StringIO()
    with engine_on(store, sandbox.base_url) as engine:
        engine.listener = PrintingListener(stderr)
        engine.run_once(poll=False)
    return stderr.getvalue()


def test_a_case_refused_then_corrected_and_bound_to_its_first_task_says_the_corrections_did_not_leave(
    store: Store, tmp_path: Path
) -> None:
    """A case refused after its transaction was posted, its Task not found then (it waits for the user), that the
    nurse corrects and sends again: its re-sending finds the Task of its first posting and follows it (one Task,
    never two), but that Task is the version before her correction. It was said « envoyé » and nothing more: the
    expert saw the first version, her corrections never left, and she never knew. It is now said to her, on the
    case (its words, its history) and on the sync's console line."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        kept = _refused_not_found(store, sandbox, case_id)
        corrected = store.get_case(case_id)
        corrected.question = "Lésion corrigée : œil gauche, pas le droit."
        store.update_case(corrected)  # the nurse corrects it

        heard = _sent_again(store, sandbox, case_id)
        assert store.state(case_id) == CaseState.SENT  # followed (the expert's answer will come here)
        assert store.platform_info(case_id)["task_id"] == kept
        assert sandbox.count("ServiceRequest") == 1  # never a second request
        assert NOT_LEFT in str(store.platform_info(case_id)["last_error"])  # the follow view's, case show's words
        said = [history_words(event, "fr") for event in store.history(case_id)]
        assert any("vos corrections ne sont pas parties" in words for words in said), said
        assert NOT_LEFT in heard  # on the sync's console line
        assert "teleavis case cancel " + case_id in heard  # what she can do, with its case's number


def test_a_photo_removed_after_the_refusal_matched_by_the_conditional_create_is_said_too(
    store: Store, tmp_path: Path
) -> None:
    """The same when the platform's search is still late at the re-sending: its conditional create on the case's
    identifier returns the Task of the first posting (200), the photo the nurse removed still in it."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0, images=3)  # (its far and close-up views without the third)
        kept = _refused_not_found(store, sandbox, case_id)
        store.delete_image(case_id, store.get_case(case_id).images[2].id)  # the wrong photo, removed

        store.queue(case_id)
        heard = RecordingListener()
        with (
            transactions_refused(sandbox.base_url, recorded=False, tasks_found=False, refusing=False) as (base, _),
            engine_on(store, base) as engine,
        ):
            engine.listener = heard
            engine.run_once(poll=False)
        assert store.state(case_id) == CaseState.SENT
        assert store.platform_info(case_id)["task_id"] == kept
        assert sandbox.count("ServiceRequest") == 1
        assert NOT_LEFT in str(store.platform_info(case_id)["last_error"])
        assert any(state == CaseState.SENT.value and NOT_LEFT in detail for _, state, detail in heard.states)


def test_a_corrected_case_found_when_one_of_its_retinographs_cannot_be_read_is_said_too(
    store: Store, tmp_path: Path
) -> None:
    """Sent again corrected, one of its retinographs' files then lost here (a DICOM is read again before anything
    goes): looked up before it is held, it is found and followed on the Task of its first posting, and that her
    corrections did not leave is said as well."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case = new_case("ophthalmology")
        case_id = store.create_case(case, [dicom_image(case.patient, "R"), dicom_image(case.patient, "L")])
        store.queue(case_id)
        kept = _refused_not_found(store, sandbox, case_id)
        corrected = store.get_case(case_id)
        corrected.question = "Rétinopathie : contrôle de l'œil gauche, pas du droit."
        store.update_case(corrected)
        store.queue(case_id)
        lose(store, store.get_case(case_id).images[0], "missing")

        with engine_on(store, sandbox.base_url) as engine:
            engine.run_once(poll=False)
        assert store.state(case_id) == CaseState.SENT
        assert store.platform_info(case_id)["task_id"] == kept
        assert NOT_LEFT in str(store.platform_info(case_id)["last_error"])


def test_a_case_refused_and_sent_again_unchanged_says_nothing_more(store: Store, tmp_path: Path) -> None:
    """Its sibling: sent again as it was posted, the Task found is the case as it stands: nothing to say."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        _refused_not_found(store, sandbox, case_id)

        heard = _sent_again(store, sandbox, case_id)
        assert store.state(case_id) == CaseState.SENT
        assert NOT_LEFT not in str(store.platform_info(case_id)["last_error"])
        said = [history_words(event, "fr") for event in store.history(case_id)]
        assert not any("vos corrections ne sont pas parties" in words for words in said), said
        assert NOT_LEFT not in heard


def test_a_case_refused_not_recorded_then_corrected_goes_as_corrected_and_says_nothing_more(
    store: Store, tmp_path: Path
) -> None:
    """A refusal the platform did not record: the corrected case sent again is a new Task, the corrected one:
    nothing of a first version is said."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        with transactions_refused(sandbox.base_url, recorded=False) as (base, _), engine_on(store, base) as engine:
            engine.run_once(poll=False)
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION
        corrected = store.get_case(case_id)
        corrected.question = "Lésion corrigée : œil gauche, pas le droit."
        store.update_case(corrected)

        heard = _sent_again(store, sandbox, case_id)
        assert store.state(case_id) == CaseState.SENT
        assert _tasks(sandbox.base_url, case_id) == [store.platform_info(case_id)["task_id"]]
        assert NOT_LEFT not in str(store.platform_info(case_id)["last_error"])
        assert NOT_LEFT not in heard


def test_a_case_refused_whose_task_was_not_found_then_is_followed_at_the_next_poll(
    store: Store, tmp_path: Path
) -> None:
    """Its Task not found when it was refused (the platform's search late, or refused before this version of
    Teleavis looked), the case waiting for the user is looked up again at the next poll: found, it is followed
    as sent, its expert's answer seen, without the user having to send it again."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        kept = _refused_not_found(store, sandbox, case_id)

        with engine_on(store, sandbox.base_url) as engine:
            # Said among the cases sent (found in review: gone from those to see without a word in the summary
            # of sync --once, its JSON's "sent" without it).
            assert engine.run_once().sent == [case_id]
            assert store.state(case_id) == CaseState.SENT
            assert store.platform_info(case_id)["task_id"] == kept
            assert WORDS in str(store.platform_info(case_id)["last_error"])
            # Its history and the audit log say what happened, not a sending of that moment (found in review).
            said = [history_words(event, "fr") for event in store.history(case_id)]
            assert "Refusé par la plateforme, mais enregistré par elle : suivi comme envoyé" in said
            [sent] = store.conn.execute("SELECT detail FROM audit WHERE case_id=? AND action='sent'", (case_id,))
            assert sent[0] == f"Task/{kept} refused-yet-kept"

            sandbox.expert.run_until_idle()  # the expert answers it there
            engine.run_once()
        assert store.state(case_id) == CaseState.ANSWERED  # and the answer is seen here
        assert _tasks(sandbox.base_url, case_id) == [kept]
        assert sandbox.count("ServiceRequest") == 1


def test_a_refused_case_corrected_by_the_user_is_not_followed_as_sent_in_her_place(
    store: Store, tmp_path: Path
) -> None:
    """Found in review: the window asks the nurse to correct a refused case (« Corrigez-le puis envoyez-le à
    nouveau ») and she can, the case staying refused while she does. The poll that found the Task of the first
    sending then followed the case as sent: her correction (a question, a patient's name, a photo removed) never
    left, the case showing it as sent and no longer editable. A case changed since it was last queued is left
    for her to send again."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        _refused_not_found(store, sandbox, case_id)
        corrected = store.get_case(case_id)
        corrected.question = "Lésion corrigée : œil gauche, pas le droit."
        store.update_case(corrected)  # the nurse corrects it, not sent again yet

        with engine_on(store, sandbox.base_url) as engine:
            engine.run_once()
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION  # hers to send: what the platform holds is not it
        assert store.get_case(case_id).question == "Lésion corrigée : œil gauche, pas le droit."
        assert store.platform_info(case_id)["task_id"] is None


def test_a_refused_case_is_never_bound_to_a_task_that_does_not_name_it(store: Store, tmp_path: Path) -> None:
    """Found in review: a platform ignoring the search's identifier (FHIR's lenient default) whose one Task, another
    case's, did not carry its case's identifier: that Task was taken as the refused case's own (a search that
    returned nothing else), the case followed as sent, its expert's answer about another patient to come on it.
    A case the platform said it refused is followed only on a Task that names it."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        other = make_case(store, seed=1)
        with engine_on(store, sandbox.base_url) as engine:
            assert engine.run_once(poll=False).sent == [other]
        case_id = make_case(store, seed=0)
        with (
            transactions_refused(sandbox.base_url, recorded=False, search_ignored=True) as (base, _),
            engine_on(store, base) as engine,
        ):
            engine.run_once(poll=False)  # refused: looked up at once
            assert store.state(case_id) == CaseState.NEEDS_ATTENTION
            engine.run_once()  # and before the poll
            assert store.state(case_id) == CaseState.NEEDS_ATTENTION
        assert store.platform_info(case_id)["task_id"] is None
        assert _tasks(sandbox.base_url, case_id) == []


def test_a_platform_asking_to_wait_at_the_look_up_is_not_polled_at_once(store: Store, tmp_path: Path) -> None:
    """Found in review: the refused cases' look-up answered 429 with « Retry-After: 600 » was only logged, and
    the poll went on at once, every open case asked (the contract: polling respects Retry-After). The platform
    asking to wait is left alone, the poll too, until then."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        other = make_case(store, seed=1)
        with engine_on(store, sandbox.base_url) as engine:
            assert engine.run_once(poll=False).sent == [other]
        case_id = make_case(store, seed=0)
        with transactions_refused(sandbox.base_url, recorded=False) as (base, _), engine_on(store, base) as engine:
            engine.run_once(poll=False)
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION

        asked: list[str] = []

        class Busy(QuietHandler):
            def do_GET(self) -> None:
                asked.append(self.path)
                if self.path.startswith("/fhir/Task?identifier="):
                    busy = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "throttled"}]}
                    self.answer(429, json.dumps(busy).encode(), headers={"Retry-After": "600"})
                    return
                got = requests.get(sandbox.base_url + self.path.removeprefix("/fhir"), timeout=10)
                self.answer(got.status_code, got.content, content_type=got.headers.get("Content-Type"))

        with serving(Busy, path="/fhir") as busy, engine_on(store, busy) as engine:
            engine.run_once()
            assert len(asked) == 1, asked  # the look-up, nothing after it
            assert engine._held_for() > 500  # and the next poll waits as asked
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION


def test_a_case_refused_days_ago_is_not_looked_up_at_every_poll(store: Store, tmp_path: Path) -> None:
    """Found in review: every refused case was looked up again before every poll, for as long as it waited for
    the user (a search each 5 minutes each, for days, for cases the platform never held: most refusals). The
    look-ups thin out with the refusal's age (a search late by a day at most), each still looked up daily."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        with transactions_refused(sandbox.base_url, recorded=False) as (base, seen):
            with engine_on(store, base) as engine:
                engine.run_once(poll=False)
            assert store.state(case_id) == CaseState.NEEDS_ATTENTION
            _refused_two_days_ago(store, case_id)
            seen["searched"] = 0
            for _ in range(3):  # three polls, a window's sync left running, or a timer's sync --once
                with engine_on(store, base) as engine:
                    engine.run_once()
            assert seen["searched"] == 1
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION


def test_a_platform_refusing_the_look_up_is_not_asked_it_again_at_every_poll(store: Store, tmp_path: Path) -> None:
    """A strict platform refusing the search of Tasks by identifier (400): the refused case's look-up was asked
    again before every poll, refused every time. It thins out as a look-up that found nothing does."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        with transactions_refused(sandbox.base_url, recorded=False) as (base, _), engine_on(store, base) as engine:
            engine.run_once(poll=False)
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION
        _refused_two_days_ago(store, case_id)

        refused: list[str] = []

        class Strict(QuietHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/fhir/Task?identifier="):
                    refused.append(self.path)
                    self.answer(400, REFUSAL)
                    return
                got = requests.get(sandbox.base_url + self.path.removeprefix("/fhir"), timeout=10)
                self.answer(got.status_code, got.content, content_type=got.headers.get("Content-Type"))

        with serving(Strict, path="/fhir") as strict:
            for _ in range(3):
                with engine_on(store, strict) as engine:
                    engine.run_once()
        assert len(refused) == 1
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION


def test_a_case_held_here_for_its_patient_is_not_followed_as_sent_by_the_poll(store: Store, tmp_path: Path) -> None:
    """Found in review: the poll looked up every case waiting for the user whose transaction had once been
    claimed, whatever held it. One whose sending was cut after its transaction went, then held here at its next
    try because the platform's Patient under its INS is not this patient (identity vigilance: it would be filed
    under that patient), was followed as sent at the next poll, the hold lifted, said « la plateforme a répondu
    en refusant cet envoi ». Only a case the platform refused as its transaction's answer is looked up."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        with (
            transactions_refused(sandbox.base_url, recorded=True, tasks_found=False, cut=True) as (base, _),
            engine_on(store, base, case_budget_s=1.0) as engine,
        ):
            engine.run_once(poll=False)  # it went, its answer a proxy's page: it may have arrived
        assert store.state(case_id) == CaseState.QUEUED
        assert len(_tasks(sandbox.base_url, case_id)) == 1  # (there: the premise)
        patients = requests.get(f"{sandbox.base_url}/Patient", timeout=10).json()
        [patient] = [e["resource"] for e in patients["entry"]]
        other = {k: v for k, v in patient.items() if k != "id"} | {"birthDate": "1931-02-03"}
        other["identifier"] = [*other["identifier"], {"system": "urn:oid:1.2.3.4", "value": "AUTRE-1"}]
        bundle = {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {
                    "fullUrl": "urn:uuid:0b7e6c58-2f7a-4d55-9a47-2c1f6f0e9d11",
                    "resource": other,
                    "request": {
                        "method": "POST",
                        "url": "Patient",
                        "ifNoneExist": "identifier=urn:oid:1.2.3.4|AUTRE-1",
                    },
                }
            ],
        }
        made = requests.post(
            sandbox.base_url, json=bundle, headers={"Content-Type": "application/fhir+json"}, timeout=10
        )
        assert made.status_code == 200, made.text  # another patient under that INS (another workstation's)
        store.conn.execute("UPDATE outbox SET next_attempt_at=? WHERE case_id=?", (iso(utc_now()), case_id))

        with engine_on(store, sandbox.base_url) as engine:
            engine.run_once(poll=False)
            assert store.state(case_id) == CaseState.NEEDS_ATTENTION  # held here: identity vigilance
            engine.run_once()
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION  # and held still
        assert store.platform_info(case_id)["task_id"] is None


def test_a_case_queued_long_ago_and_refused_now_is_looked_up_at_the_next_polls(store: Store, tmp_path: Path) -> None:
    """The look-ups thin out with the age of the refusal, not of the queueing: a case queued days ago (waiting for
    the end of training mode, sent again after a correction: its row keeps its first queueing) and refused now was
    looked up once, then not for half a day, a search late by moments missed for that long."""
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, seed=0)
        two_days_ago = iso(utc_now() - timedelta(days=2))
        store.conn.execute("UPDATE outbox SET queued_at=? WHERE case_id=?", (two_days_ago, case_id))
        with transactions_refused(sandbox.base_url, recorded=False) as (base, seen):
            with engine_on(store, base) as engine:
                engine.run_once(poll=False)
            assert store.state(case_id) == CaseState.NEEDS_ATTENTION
            seen["searched"] = 0
            for _ in range(3):
                with engine_on(store, base) as engine:
                    engine.run_once()
            assert seen["searched"] == 3  # refused moments ago: looked up at each poll
