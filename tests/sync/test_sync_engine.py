"""The outbox worker and the follower against the sandbox platform (sync/engine.py, sync/follow.py)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest

from app.db import transaction
from app.model import CaseImage, CaseState
from app.outbox import STEP_TRANSACTION, Outbox
from app.store import NewImage, Store
from sync.auth import OAuthToken, SignInRequired, StaticToken
from sync.client import ClientConfig, PlatformClient, RetryPolicy
from sync.engine import Engine, SendJob, _ids_from_response
from sync.follow import cancel, queue_reply
from sync.progress import RecordingListener
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import jpeg, make_case, on_hold_with_a_question

FAST = RetryPolicy(base_s=0.02, cap_s=0.2)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as server:
        yield server


#: When a lost transaction was posted: long enough ago for the platform to have recorded it.
LONG_AGO = "2000-01-01T00:00:00+00:00"


def client_for(server: SandboxServer, tokens: object = None, read_timeout: float = 10.0) -> PlatformClient:
    return PlatformClient(
        ClientConfig(server.base_url, 2.0, read_timeout),
        tokens or StaticToken(None),  # type: ignore[arg-type]
        policy=FAST,
    )


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[PlatformClient]:
    with client_for(sandbox) as made:
        yield made


def test_round_trip_three_specialties(store: Store, sandbox: SandboxServer, client: PlatformClient) -> None:
    ids = [
        make_case(store, specialty, seed=n)
        for n, specialty in enumerate(("dermatology", "ophthalmology", "wound-care"))
    ]
    listener = RecordingListener()
    engine = Engine(store, client, listener, case_budget_s=10.0)
    summary = engine.run_once()
    assert sorted(summary.sent) == sorted(ids)
    for case_id in ids:
        case = store.get_case(case_id)
        assert case.state == CaseState.SENT
        info = store.platform_info(case_id)
        assert sandbox.read("Task", info["task_id"])["identifier"][0]["value"] == case_id
        assert sandbox.count("ServiceRequest", identifier=f"urn:teleavis:case-id|{case_id}") == 1
        assert sandbox.count("Task", identifier=f"urn:teleavis:case-id|{case_id}") == 1
        for image in case.images:
            assert image.binary_id
            assert sandbox.count("Media", identifier=f"urn:teleavis:image-id|{image.id}") == 1
            assert sandbox.binary_bytes(image.binary_id) == store.image_bytes(image)
        assert listener.progress[case_id] == (sum(i.size for i in case.images),) * 2
    eyes = {
        m["bodySite"]["coding"][0]["code"]
        for m in sandbox.resources("Media")
        if m["modality"]["coding"][0]["code"] == "OP"
    }
    assert eyes == {"18944008", "8966001"}
    assert sandbox.binary_uploads == sum(len(store.get_case(i).images) for i in ids)

    sandbox.expert.run_until_idle()
    summary = engine.run_once()
    assert sorted(summary.answered) == sorted(ids)
    for case_id in ids:
        assert store.state(case_id) == CaseState.ANSWERED
        answer = store.answer(case_id)
        assert answer is not None
        assert answer.conclusion
        assert answer.expert
        assert len(answer.pdf_blobs) == 1
        pdf = pypdf.PdfReader(io.BytesIO(store.objects.get(answer.pdf_blobs[0])))
        assert len(pdf.pages) >= 1
        info = store.platform_info(case_id)
        assert info["platform_status"] == "completed"
        actions = [r[0] for r in store.conn.execute("SELECT action FROM audit WHERE case_id=?", (case_id,))]
        assert "sent" in actions
        assert "answered" in actions
    # Answered cases are not fetched again.
    assert engine.run_once().answered == []


def test_a_refused_case_waits_for_the_user_and_the_others_go(
    store: Store, sandbox: SandboxServer, client: PlatformClient
) -> None:
    good1 = make_case(store, seed=1)
    bad = make_case(store, seed=2, queue=False)
    case = store.get_case(bad)
    # A qualified identity's INS goes, as a test patient's in training mode, to a platform that turns out
    # to be a real one: it refuses the case with a 400 naming the INS.
    case.patient.identity_status = "qualified"
    store.update_case(case)
    store.settings.set("training", "on")
    sandbox.platform.national = True
    store.queue(bad)
    good2 = make_case(store, seed=3)
    summary = Engine(store, client, case_budget_s=10.0).run_once()
    assert sorted(summary.sent) == sorted([good1, good2])
    assert summary.needs_attention == [bad]
    assert store.state(bad) == CaseState.NEEDS_ATTENTION
    words = store.platform_info(bad)["last_error"]
    assert "INS" in words
    assert "400" in words
    assert len(store.get_case(bad).images) == 2  # nothing deleted
    assert sandbox.count("ServiceRequest", identifier=f"urn:teleavis:case-id|{bad}") == 0


def test_a_restart_resumes_without_uploading_recorded_images_again(
    store: Store, sandbox: SandboxServer, client: PlatformClient
) -> None:
    case_id = make_case(store, images=4)
    case = store.get_case(case_id)
    # A previous run uploaded two images and recorded them, then died.
    outbox = Outbox(store)
    outbox.begin(case_id)
    for image in case.images[:2]:
        binary_id = client.create_binary(store.image_bytes(image), image.content_type)
        outbox.record_binary(case_id, image.id, binary_id)
    assert store.state(case_id) == CaseState.SENDING
    Engine(store, client, case_budget_s=10.0).run_once(poll=False)
    assert store.state(case_id) == CaseState.SENT
    assert sandbox.binary_uploads == 4
    assert sandbox.count("Media") == 4


def test_a_transaction_that_may_have_arrived_is_looked_up_first(
    store: Store, sandbox: SandboxServer, client: PlatformClient
) -> None:
    case_id = make_case(store)
    job = SendJob(store, client, Outbox(store), case_id, RecordingListener(), 10.0)
    job.prepare()
    job.run()
    # Pretend the answer was lost: the case is back in the queue at the transaction step, posted long enough
    # ago for the platform to have recorded it.
    with transaction(store.conn) as conn:
        conn.execute("UPDATE cases SET state='sending', task_id=NULL WHERE id=?", (case_id,))
        conn.execute(
            "UPDATE outbox SET step=?, next_attempt_at=? WHERE case_id=?", (STEP_TRANSACTION, LONG_AGO, case_id)
        )
    before = sandbox.platform.requests if hasattr(sandbox.platform, "requests") else None
    Engine(store, client, case_budget_s=10.0).run_once(poll=False)
    assert store.state(case_id) == CaseState.SENT
    assert store.platform_info(case_id)["task_id"]
    assert sandbox.count("Task") == 1
    del before


def test_a_case_whose_send_answer_was_lost_while_the_expert_moved_on_follows_the_expert(
    store: Store, sandbox: SandboxServer, client: PlatformClient
) -> None:
    """Found from outside: the transaction's answer lost, and the expert answering before the resend
    looked the Task up. The case was recorded "requested" with the version of the Task as found, so
    the polls took it as already mirrored: sent for good, the answer never shown."""
    case_id = make_case(store)
    job = SendJob(store, client, Outbox(store), case_id, RecordingListener(), 10.0)
    job.prepare()
    job.run()
    with transaction(store.conn) as conn:  # the answer was lost: the case is back at the transaction step
        conn.execute("UPDATE cases SET state='sending', task_id=NULL, task_version=NULL WHERE id=?", (case_id,))
        conn.execute(
            "UPDATE outbox SET step=?, next_attempt_at=? WHERE case_id=?", (STEP_TRANSACTION, LONG_AGO, case_id)
        )
    assert sandbox.expert.run_until_idle() > 0  # meanwhile the expert took the case (and answered, or asked)
    [at_platform] = sandbox.store.all("Task")
    assert at_platform["status"] != "requested"
    engine = Engine(store, client, case_budget_s=10.0)
    engine.run_once(poll=False)
    assert store.state(case_id) == CaseState.SENT and sandbox.count("Task") == 1
    engine.run_once()
    assert store.platform_info(case_id)["platform_status"] == at_platform["status"]
    assert store.state(case_id) != CaseState.SENT


@pytest.mark.parametrize(("status", "version"), [("201 Created", "1"), ("200 OK", None)])
def test_the_version_of_a_task_the_platform_already_had_is_not_taken_as_mirrored(
    status: str, version: str | None
) -> None:
    """A resend whose conditional create matched (200) names a Task that may have moved on: its
    version is left for the next poll to read, like one found by the lookup."""
    sent = {"entry": [{"resource": {"resourceType": "Task"}}, {"resource": {"resourceType": "ServiceRequest"}}]}
    answer = {
        "entry": [
            {"response": {"status": status, "location": "Task/t1/_history/" + (version or "3")}},
            {"response": {"status": status, "location": "ServiceRequest/s1/_history/1"}},
        ]
    }
    assert _ids_from_response(sent, answer) == ("t1", "s1", version)


def test_a_task_the_platform_changed_as_it_made_it_is_left_for_the_next_poll_to_read() -> None:
    """Found by an outside conformance pass: a platform that takes in each request as it stores it (its Task
    made « received » at once, version 1) returned it with the transaction's answer; the case was recorded
    at that version as « requested », so the polls skipped the Task and the case stayed « sent » while the
    platform said received. A Task returned in another status is read by the next poll. A matched entry
    that gives its resource but no location (R4 asks a location only when there is one) is read by its id."""
    sent = {"entry": [{"resource": {"resourceType": "Task"}}, {"resource": {"resourceType": "ServiceRequest"}}]}
    answer = {
        "entry": [
            {
                "response": {"status": "201 Created", "location": "Task/t1/_history/1"},
                "resource": {"resourceType": "Task", "id": "t1", "status": "received"},
            },
            {"response": {"status": "200 OK"}, "resource": {"resourceType": "ServiceRequest", "id": "s1"}},
        ]
    }
    assert _ids_from_response(sent, answer) == ("t1", "s1", None)
    answer["entry"][0]["resource"]["status"] = "requested"
    assert _ids_from_response(sent, answer) == ("t1", "s1", "1")


def test_prepare_needs_no_network(store: Store) -> None:
    case_id = make_case(store)
    client = PlatformClient(ClientConfig("http://127.0.0.1:9/fhir"), StaticToken(None))
    with client:
        prepared = SendJob(store, client, Outbox(store), case_id, RecordingListener(), 1.0).prepare()
    assert prepared.bundle["type"] == "transaction"


def test_expired_token_refreshed_once_then_sending_goes_on(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "p", token="static-secret", run_expert=False) as server:
        tokens = OAuthToken(server.token_url, "teleavis", "sandbox-secret", access_token="stale")
        case_id = make_case(store)
        with client_for(server, tokens) as client:
            summary = Engine(store, client, case_budget_s=10.0).run_once()
        assert summary.sent == [case_id]
        assert server.auth.issued == 1


def test_refused_refresh_stops_with_sign_in_again(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "p", token="static-secret", run_expert=False) as server:
        tokens = OAuthToken(server.token_url, "teleavis", "wrong-secret", access_token="stale")
        case_id = make_case(store)
        with client_for(server, tokens) as client, pytest.raises(SignInRequired, match="« Secret client »"):
            Engine(store, client, case_budget_s=10.0).run_once()
        assert store.state(case_id) == CaseState.QUEUED
        assert server.count("Task") == 0


@pytest.mark.parametrize("access_token", ["stale", None], ids=["with-access-token", "refresh-token-only"])
def test_a_refresh_token_refused_is_forgotten_and_not_sent_again(
    store: Store, tmp_path: Path, access_token: str | None
) -> None:
    """Found in review: a refresh token the endpoint refused (invalid_grant) was sent again by each new
    client (the window's sync starts over every 30 s after its pause): the user must sign in, and it is
    forgotten. Found in review again: with no access token kept (only the refresh token of a sign-in),
    it was not forgotten in the settings either."""
    with SandboxServer(tmp_path / "p", token="static-secret", run_expert=False) as server:
        settings = {
            "platform.url": server.base_url,
            "platform.token_url": server.token_url,
            "platform.client_id": "teleavis",
            "platform.refresh_token": "revoked",
        }
        if access_token:
            settings["platform.token"] = access_token
        for key, value in settings.items():
            store.settings.set(key, value)
        for _ in range(3):
            with (
                PlatformClient.from_store(store) as client,
                pytest.raises(SignInRequired, match=r"config set platform\.refresh_token -"),
            ):
                client.request("GET", "metadata")
        assert server.auth.asked == 1
        assert not store.settings.get("platform.refresh_token")


def test_cancel_while_requested_and_too_late_after_acceptance(
    store: Store, sandbox: SandboxServer, client: PlatformClient
) -> None:
    first, second = make_case(store, seed=1), make_case(store, seed=2)
    Engine(store, client, case_budget_s=10.0).run_once()
    cancel(store, client, first)
    assert store.state(first) == CaseState.CANCELLED
    assert store.platform_info(first)["unread"] == 0  # cancelled by the requester: nothing new to read
    task = sandbox.read("Task", store.platform_info(first)["task_id"])
    assert task["status"] == "cancelled"
    sandbox.expert.step()
    sandbox.expert.step()  # received → accepted
    from app.errors import TeleavisError

    with pytest.raises(TeleavisError, match="Trop tard"):
        cancel(store, client, second)
    assert store.state(second) == CaseState.ACCEPTED


def test_a_cancel_the_platform_accepts_but_does_not_make_is_never_said_made(
    store: Store, sandbox: SandboxServer, client: PlatformClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: a platform answering the PUT without cancelling the Task (the Task read back
    still requested): « annulée » was printed, and the case stayed followed as received."""
    from app.errors import TeleavisError
    from sync.client import Answer

    case_id = make_case(store, seed=1)
    Engine(store, client, case_budget_s=10.0).run_once()
    task_id = store.platform_info(case_id)["task_id"]
    puts: list[object] = []

    def accepted_not_made(*_a: object, **_k: object) -> Answer:
        puts.append(1)
        return Answer(200, {}, sandbox.read("Task", task_id))

    monkeypatch.setattr(client, "update", accepted_not_made)
    with pytest.raises(TeleavisError, match="la demande n'est pas annulée"):
        cancel(store, client, case_id)
    assert len(puts) == 1, "not sent again and again"
    assert store.state(case_id) != CaseState.CANCELLED
    assert sandbox.read("Task", task_id)["status"] == "requested"


def test_expert_question_then_reply_with_an_image(store: Store, tmp_path: Path) -> None:
    with (
        SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=3) as server,
        client_for(server) as client,
    ):
        case_id, engine = on_hold_with_a_question(store, server, client)
        messages = Outbox(store).messages(case_id)
        assert [m.direction for m in messages] == ["from-expert"]
        assert messages[0].text
        assert store.platform_info(case_id)["unread"] == 1
        record = CaseImage(body_site="dos", view="close-up")
        queue_reply(store, case_id, "Voici la vue demandée.", [NewImage(record, jpeg(seed=99))])
        summary = engine.run_once()
        assert summary.replies_sent == 1
        comms = [
            c
            for c in server.resources("Communication")
            if any(i["system"] == "urn:teleavis:message-id" for i in c.get("identifier", []))
        ]
        assert len(comms) == 1
        assert server.count("Media", identifier=f"urn:teleavis:image-id|{record.id}") == 1
        server.expert.run_until_idle()
        engine.run_once()
        assert store.state(case_id) == CaseState.ANSWERED


def test_a_reply_never_takes_an_image_judged_unusable(store: Store, tmp_path: Path) -> None:
    """Found by a nurse's pass: a photo the quality check judged unusable (✗) went to the expert with
    the reply, when the same photo in the case blocks its sending."""
    from app.errors import TeleavisError
    from app.model import QualityFinding

    with (
        SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=3) as server,
        client_for(server) as client,
    ):
        case_id, _ = on_hold_with_a_question(store, server, client)
        blurred = CaseImage(quality=[QualityFinding("sharpness", "blocking", "Image floue.")])
        with pytest.raises(TeleavisError, match="inutilisable"):
            queue_reply(store, case_id, "Voici la vue demandée.", [NewImage(blurred, jpeg(seed=98))])
        assert [m.direction for m in Outbox(store).messages(case_id)] == ["from-expert"]
        assert blurred.id not in {image.id for image in store.get_case(case_id).images}


def test_a_reply_image_goes_only_with_where_it_was_taken(store: Store, tmp_path: Path) -> None:
    """Found from outside (a conformance pass): a photo joined to a reply went without its body site (a
    retinograph without its eye), and the expert could not tell which lesion it showed."""
    from app.errors import TeleavisError

    with (
        SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=3) as server,
        client_for(server) as client,
    ):
        case_id, engine = on_hold_with_a_question(store, server, client)
        unplaced = CaseImage(view="close-up")
        with pytest.raises(TeleavisError, match="Image 1 : indiquez la localisation"):
            queue_reply(store, case_id, "Voici la vue demandée.", [NewImage(unplaced, jpeg(seed=97))])
        assert [m.direction for m in Outbox(store).messages(case_id)] == ["from-expert"]
        assert unplaced.id not in {image.id for image in store.get_case(case_id).images}

        placed = CaseImage(body_site="avant-bras gauche", view="close-up")
        queue_reply(store, case_id, "Voici la vue demandée.", [NewImage(placed, jpeg(seed=97))])
        assert engine.run_once().replies_sent == 1
        [media] = [
            m
            for m in server.resources("Media")
            if {"system": "urn:teleavis:image-id", "value": placed.id} in m.get("identifier", [])
        ]
        assert media["bodySite"]["text"] == "avant-bras gauche"


def test_a_reply_goes_under_the_patient_the_platform_filed_the_case_under(store: Store, tmp_path: Path) -> None:
    """Found from outside: the reply created the Patient again on its identifier. Once the platform
    held two Patients with that file number (sent provisional once, qualified later), the conditional
    create matched both: 412, retried for ever, the reply never sent and nothing said."""
    import copy

    with (
        SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=3) as server,
        client_for(server) as client,
    ):
        case_id, engine = on_hold_with_a_question(store, server, client)
        filed_under = server.read("Task", store.platform_info(case_id)["task_id"])["for"]["reference"]
        patient = server.read("Patient", filed_under.split("/")[1])
        twin = {k: v for k, v in copy.deepcopy(patient).items() if k not in ("id", "meta")}
        with server.store.write() as held:
            held.create(twin)  # the same file number on a second Patient
        patients = server.count("Patient")

        queue_reply(store, case_id, "Depuis trois mois.", [])
        assert engine.run_once().replies_sent == 1
        [reply] = [
            c
            for c in server.resources("Communication")
            if any(i["system"] == "urn:teleavis:message-id" for i in c.get("identifier", []))
        ]
        assert reply["subject"]["reference"] == filed_under and server.count("Patient") == patients


def test_a_sync_with_a_time_limit_stops_at_it_even_in_the_middle_of_retrying_a_case(store: Store) -> None:
    """``teleavis sync --timeout 12`` went on for 85 s against a platform that kept answering « retry »:
    the limit was looked at only between passes, and a pass retries a case for its whole budget."""
    import threading
    import time

    make_case(store)
    with PlatformClient(
        ClientConfig("http://127.0.0.1:9/fhir", 0.5, 1.0), StaticToken(None), policy=RetryPolicy(base_s=0.05, cap_s=0.2)
    ) as client:
        engine = Engine(store, client, case_budget_s=60.0)  # nothing listens there: retried for a minute
        started = time.monotonic()
        engine.run_forever(threading.Event(), timeout=1.0)
        assert time.monotonic() - started < 15.0
        # And once (``sync --once --timeout 300`` ran 9 minutes against an unreachable platform).
        client.stop = threading.Event()
        started = time.monotonic()
        summary = engine.run_once(timeout=1.0)
        assert time.monotonic() - started < 15.0 and summary.sent == [] and len(summary.waiting) == 1
    assert store.state(next(iter(c.id for c in store.list_cases()))) in (CaseState.QUEUED, CaseState.SENDING)


def test_a_task_read_without_its_version_is_cancelled_without_a_false_if_match(
    store: Store, sandbox: SandboxServer, client: PlatformClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From an outside audit: a server that gives a Task's version only in its ETag header got
    ``If-Match: W/"None"``, refused ten times, and the cancel failed. The version is read from the
    ETag; with neither, nothing is sent (a PUT without If-Match could undo the expert's acceptance)."""
    from sync.client import Answer

    case_id = make_case(store, seed=1)
    Engine(store, client, case_budget_s=10.0).run_once()
    request, read = client.request, client.read

    def etag_only(method: str, path: str, **kwargs: Any) -> Answer:
        answer = request(method, path, **kwargs)
        if method == "GET" and path.startswith("Task/") and isinstance(answer.document, dict):
            version = answer.document.pop("meta")["versionId"]
            return Answer(answer.status, {**answer.headers, "ETag": f'W/"{version}"'}, answer.document)
        return answer

    sent: list[str | None] = []
    update = client.update

    def recorded(resource: Any, *, if_match: str | None = None, **kwargs: Any) -> Any:
        sent.append(if_match)
        return update(resource, if_match=if_match, **kwargs)

    monkeypatch.setattr(client, "request", etag_only)
    monkeypatch.setattr(client, "update", recorded)
    cancel(store, client, case_id)
    assert len(sent) == 1 and re.fullmatch(r'W/"\d+"', sent[0] or ""), sent
    assert store.state(case_id) == CaseState.CANCELLED

    from app.errors import TeleavisError

    other = make_case(store, seed=2)
    Engine(store, client, case_budget_s=10.0).run_once()
    monkeypatch.setattr(client, "read", lambda kind, ident: {k: v for k, v in read(kind, ident).items() if k != "meta"})
    with pytest.raises(TeleavisError, match="ne donne pas la version"):
        cancel(store, client, other)
    assert len(sent) == 1, "nothing sent without a version"


@pytest.mark.parametrize("arrived", [False, True])
def test_a_transaction_that_certainly_never_left_leaves_the_case_that_can_be_held_back(
    store: Store, client: PlatformClient, monkeypatch: pytest.MonkeyPatch, arrived: bool
) -> None:
    """From the review: the transaction's step was recorded before posting, and stayed after every try
    failed without a connection: « peut-être déjà arrivé », the wrong patient's case could not be held
    back, and it left when the network came back. Only a try that may have arrived keeps the step."""
    from app.errors import InvalidTransition
    from app.outbox import STEP_IMAGES, STEP_TRANSACTION
    from sync.client import TransientFault

    case_id = make_case(store, seed=1)

    def cut(_bundle: object) -> object:
        raise TransientFault("coupé", outcome_unknown=arrived)

    monkeypatch.setattr(client, "transaction", cut)
    engine = Engine(store, client, case_budget_s=0.3)
    engine.run_once(poll=False)
    outbox = Outbox(store)
    assert store.state(case_id) == CaseState.QUEUED
    row = outbox.row(case_id)
    assert row is not None and row.step == (STEP_TRANSACTION if arrived else STEP_IMAGES)
    if arrived:
        with pytest.raises(InvalidTransition):
            outbox.withdraw(case_id)
    else:
        outbox.withdraw(case_id)
        assert store.state(case_id) == CaseState.DRAFT


def test_a_case_held_back_while_its_photos_leave_sends_nothing_more(
    store: Store, sandbox: SandboxServer, client: PlatformClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a nurse's outside pass: on a dead link a case stays « envoi en cours » for minutes, and
    could not be held back. It can now, until its transaction is claimed: the photos not yet gone
    stay here, and no Task is made."""
    from sync import engine as engine_module

    case_id = make_case(store, seed=1)
    uploads: list[str] = []
    upload = engine_module._upload

    def first_then_held_back(*args: Any) -> str:
        uploads.append(args[4])  # the image id
        binary_id = upload(*args)
        if len(uploads) == 1:
            Outbox(store.clone()).withdraw(case_id)  # the nurse, from the window, meanwhile
        return binary_id

    monkeypatch.setattr(engine_module, "_upload", first_then_held_back)
    summary = Engine(store, client, case_budget_s=10.0).run_once(poll=False)
    assert summary.sent == [] and store.state(case_id) == CaseState.DRAFT
    assert len(uploads) == 1, "no photo after the hold-back"
    assert sandbox.count("Task") == 0


def test_a_reply_whose_queueing_failed_leaves_no_photo_behind_and_goes_when_sent_again(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by fault injection: a reply's photos were stored in the case in one transaction, the reply
    queued in another. The disk filling up between the two (a photo takes megabytes, the reply a few
    kilobytes), or the power cut there, left the photos in the case and no reply: sent again, the same
    photo was refused as « already in this case », and it never reached the expert. Both are one
    transaction now: a failure leaves nothing, and the same reply sent again goes with its photo."""
    from app import messages as M
    from app.errors import StorageError

    with (
        SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=3) as server,
        client_for(server) as client,
    ):
        case_id, engine = on_hold_with_a_question(store, server, client)
        images_before = [image.id for image in store.get_case(case_id).images]
        queue = Outbox.queue_reply
        failures = [StorageError(M.tr("storage.full"))]

        def full_once(self: Outbox, *args: Any, **kwargs: Any) -> str:
            if failures:
                raise failures.pop()
            return queue(self, *args, **kwargs)

        monkeypatch.setattr(Outbox, "queue_reply", full_once)
        record = CaseImage(body_site="dos", view="dermoscopy")
        photo = [NewImage(record, jpeg(seed=96))]
        with pytest.raises(StorageError, match="disque est plein"):
            queue_reply(store, case_id, "Voici la dermoscopie.", photo)
        assert [image.id for image in store.get_case(case_id).images] == images_before, "no photo left behind"
        assert [m.direction for m in Outbox(store).messages(case_id)] == ["from-expert"]

        queue_reply(store, case_id, "Voici la dermoscopie.", photo)  # the nurse clicks Send again
        assert engine.run_once().replies_sent == 1
        assert server.count("Media", identifier=f"urn:teleavis:image-id|{record.id}") == 1


_TASK_RETURNED = {"resourceType": "Task", "id": "t1", "status": "requested", "meta": {"versionId": "4"}}


@pytest.mark.parametrize(
    ("response", "returned"),
    [
        ({"status": "201 Created", "location": "Task/t1", "etag": 'W/"4"'}, None),  # the version in etag only
        ({"status": "201", "location": "https://platform.example/fhir/Task/t1", "etag": '"4"'}, None),
        ({"status": "201 Created", "location": "Task/t1"}, _TASK_RETURNED),  # in the Task returned only
    ],
    ids=["weak-etag", "strong-etag", "meta"],
)
def test_the_version_of_a_task_made_now_is_read_from_the_etag_or_the_task_returned(
    response: dict[str, Any], returned: dict[str, Any] | None
) -> None:
    """Found in review: the Task's version was read only from a ``location`` with ``_history``; a platform
    giving it in ``response.etag`` (as R4's Bundle.entry.response allows) or in the Task returned left it
    unknown, and the next poll read that Task again for nothing (a search not narrowed by date)."""
    sent = {"entry": [{"resource": {"resourceType": "Task"}}, {"resource": {"resourceType": "ServiceRequest"}}]}
    task_entry: dict[str, Any] = {"response": response}
    if returned is not None:
        task_entry["resource"] = returned
    answer = {"entry": [task_entry, {"response": {"status": "201 Created", "location": "ServiceRequest/s1"}}]}
    assert _ids_from_response(sent, answer) == ("t1", "s1", "4")
    response["status"] = "200 OK"  # matched: the Task may have moved on since, read by the next poll
    assert _ids_from_response(sent, answer) == ("t1", "s1", None)


def test_a_sync_left_running_stops_when_asked_while_it_sleeps(store: Store, sandbox: SandboxServer) -> None:
    """Found in review: `teleavis sync` told to stop (SIGTERM, a service stopped) while the engine slept between two
    polls went on sleeping until the next poll, five minutes with the default interval (a service manager kills it
    long before): the sleep looked at the engine's wake only, never at the stop."""
    import threading

    with PlatformClient(ClientConfig(sandbox.base_url, 5.0, 30.0), StaticToken(None)) as client:
        engine = Engine(store, client, poll_interval_s=600.0)
        stop = threading.Event()
        worker = threading.Thread(target=engine.run_forever, args=(stop,), daemon=True)
        worker.start()
        asked = threading.Timer(1.0, stop.set)  # (as SIGTERM's handler does: app/commands/platform.py)
        asked.start()
        worker.join(120.0)
        stopped = not worker.is_alive()
        engine.wake()  # (the code before: let it end, the test said)
        worker.join()
        asked.cancel()
    assert stopped, "still asleep, the poll ten minutes away"
