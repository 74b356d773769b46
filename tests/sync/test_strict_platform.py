"""What a strict, conformant FHIR R4 server may answer that the sandbox never does (a conformance pass
of the client against the platform contract, docs/platform-api.md)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote_plus

import pytest
import requests

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.auth import OAuthToken
from sync.sandbox import SandboxServer
from tests.support.http import QuietHandler, serving
from tests.support.scripted_platform import (
    communication,
    following,
    outcome,
    report,
    scripted_platform,
    send_to_sandbox,
    task,
)
from tests.sync.sync_helpers import engine_on, make_case

MODIFIER = [{"url": "http://platform.example/fhir/StructureDefinition/not-for-clinical-use", "valueBoolean": True}]


def _questions(store: Store, case_id: str) -> list[str]:
    return [m.text for m in Outbox(store).messages(case_id) if m.direction == "from-expert"]


def test_a_question_whose_message_or_payload_carries_a_modifier_is_not_shown_as_it_reads(
    store: Store, tmp_path: Path
) -> None:
    """FHIR forbids using a resource whose modifier extension its reader does not know, on the resource
    or on one of its parts (a payload « retracted », « not for the patient's file »): the expert's words
    were shown as a question like any other, and the nurse answered them."""
    (first, first_task), (second, second_task) = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        for case_id, task_id in ((first, first_task), (second, second_task)):
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[first_task] = [
            {**communication("q1", first_task, "Arrêtez le traitement."), "modifierExtension": MODIFIER}
        ]
        modified = communication("q2", second_task, "Arrêtez le traitement.")
        modified["payload"][0]["modifierExtension"] = MODIFIER
        platform.communications[second_task] = [modified]
        with following(store, platform) as engine:
            engine.run_once()
    for case_id in (first, second):
        assert store.state(case_id) == CaseState.ON_HOLD
        [words] = _questions(store, case_id)
        assert "Arrêtez" not in words
        assert "consultez-le sur la plateforme" in words


@pytest.mark.parametrize("where", ["output", "implicitRules"])
def test_a_task_whose_output_carries_a_modifier_is_not_taken_as_it_reads(
    store: Store, tmp_path: Path, where: str
) -> None:
    """A modifier extension on a part of the Task (its output naming the report) changes what that part
    means as much as one on the Task itself, and so may the rules it names in ``implicitRules`` (a modifier
    element of every resource): the answer was shown as any other."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.reports["r1"] = report("r1", "Kératose séborrhéique, bénigne.")
        completed = task(case_id, task_id, "completed", report_ids=("r1",))
        if where == "output":
            completed["output"][0]["modifierExtension"] = MODIFIER
        else:
            completed["implicitRules"] = "http://platform.example/fhir/rules/test-only"
        platform.tasks[task_id] = completed
        with following(store, platform) as engine:
            engine.run_once()
    assert store.state(case_id) == CaseState.SENT and store.answer(case_id) is None
    assert "ne sait pas lire" in str(store.platform_info(case_id)["last_error"])


class _BasicOnlyTokenEndpoint(QuietHandler):
    """A token endpoint as RFC 6749 §2.3.1 requires every one to be: the client's password in HTTP Basic,
    its id and secret form-encoded first. Like many (a client registered « client_secret_basic », the
    OpenID default), it takes it there only, and answers credentials in the body ``invalid_client``."""

    forms: ClassVar[list[dict[str, list[str]]]] = []

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())
        type(self).forms.append(form)
        expected = base64.b64encode(f"{quote_plus(CLIENT)}:{quote_plus(SECRET)}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}" or form.get("grant_type") != ["client_credentials"]:
            self.answer(401, b'{"error": "invalid_client"}', content_type="application/json")
            return
        self.answer(200, b'{"access_token": "fresh", "token_type": "Bearer"}', content_type="application/json")


CLIENT, SECRET = "teleavis site", "s3cr&t:=%"


def test_a_client_secret_goes_in_http_basic_as_every_token_endpoint_must_take_it() -> None:
    """Found by a conformance pass: the client's secret went in the form's body, which RFC 6749 does not
    recommend and a token endpoint need not take; one taking HTTP Basic only (as every one must) refused
    the grant, and the site could never sync. The secret is never in the body."""
    _BasicOnlyTokenEndpoint.forms = []
    with serving(_BasicOnlyTokenEndpoint, path="/oauth/token") as token_url:
        source = OAuthToken(token_url, CLIENT, client_secret=SECRET)
        with requests.Session() as session:
            assert source.refresh(session, (5.0, 5.0))
    assert source.token() == "fresh"
    assert all("client_secret" not in form for form in _BasicOnlyTokenEndpoint.forms)


@contextmanager
def _patients_with_an_include(upstream: str, included: dict[str, Any]) -> Iterator[str]:
    """The sandbox at ``upstream``, behind a server that adds ``included`` to every Patient search's
    answer as an entry of mode ``include`` (as a server adds what a match refers to: a Patient it
    ``link``s to). Its base address, under the same path."""

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            root = upstream.split("/fhir")[0]
            with requests.request(self.command, root + self.path, data=body, headers=headers, timeout=10) as answer:
                content, kind = answer.content, answer.headers.get("Content-Type", "")
                if self.path.endswith("/Patient/_search") and answer.status_code == 200:
                    document = json.loads(content)
                    entry = {"fullUrl": f"{upstream}/Patient/{included['id']}", "resource": included}
                    document.setdefault("entry", []).append({**entry, "search": {"mode": "include"}})
                    content = json.dumps(document).encode()
                hop = {"content-length", "content-type", "content-encoding", "transfer-encoding", "connection", "date"}
                out = {k: v for k, v in answer.headers.items() if k.lower() not in hop | {"server"}}
                self.answer(answer.status_code, content, content_type=kind or None, headers=out)

        do_GET = do_POST = do_PUT = do_PATCH = do_HEAD = do_DELETE = _forward

    with serving(Handler, path="/fhir") as url:
        yield url


def test_a_patient_a_search_includes_is_not_one_that_matched(store: Store, tmp_path: Path) -> None:
    """Found by a conformance pass: a server may return, besides the Patients matching the look-up before
    sending, others with the search mode ``include`` (the record a match links to). The look-up took such
    a Patient of another name for one holding the file number, and the case stopped, « un patient dont le
    nom… diffère », though the platform held this patient under it."""
    with SandboxServer(tmp_path / "p", run_expert=False, seed=1) as sandbox:
        first = make_case(store)
        with engine_on(store, sandbox.base_url) as engine:
            assert engine.run_once(poll=False).sent == [first]
        other = {
            "resourceType": "Patient",
            "id": "linked",
            "name": [{"use": "official", "family": "DUPONT", "given": ["Marie"]}],
            "gender": "female",
            "birthDate": "1962-07-14",
        }
        second = make_case(store, seed=3)
        with _patients_with_an_include(sandbox.base_url, other) as url, engine_on(store, url) as engine:
            assert engine.run_once(poll=False).sent == [second]


class _BodyOnlyTokenEndpoint(QuietHandler):
    """A token endpoint set to take the client's secret in the form's body alone (« client_secret_post »):
    credentials in HTTP Basic are an unknown client to it."""

    forms: ClassVar[list[tuple[str | None, dict[str, list[str]]]]] = []

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())
        type(self).forms.append((self.headers.get("Authorization"), form))
        if self.headers.get("Authorization") or form.get("client_secret") != [SECRET]:
            self.answer(401, b'{"error": "invalid_client"}', content_type="application/json")
            return
        self.answer(200, b'{"access_token": "fresh", "token_type": "Bearer"}', content_type="application/json")


def test_an_endpoint_taking_the_secret_in_the_body_alone_gets_it_there_and_only_there_afterwards() -> None:
    _BodyOnlyTokenEndpoint.forms = []
    with serving(_BodyOnlyTokenEndpoint, path="/oauth/token") as token_url:
        source = OAuthToken(token_url, CLIENT, client_secret=SECRET)
        with requests.Session() as session:
            assert source.refresh(session, (5.0, 5.0))
            assert source.refresh(session, (5.0, 5.0))
    assert source.token() == "fresh"
    basic, body, again = _BodyOnlyTokenEndpoint.forms
    assert basic[0] is not None and body[0] is None and again[0] is None, "Basic once, then the body"


def test_a_question_written_in_a_text_file_on_the_platform_is_read(store: Store, tmp_path: Path) -> None:
    """FHIR lets a message's words be a text attachment held elsewhere on the platform (``url``, a
    Binary), as a report's PDF is: such a question was shown as « the expert attached a file: see it on
    the platform », and the nurse could not read what to answer."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        question = communication("q1", task_id, "")
        attachment = {"contentType": "text/plain; charset=iso-8859-1", "url": "Binary/q1-words", "title": "question"}
        question["payload"] = [{"contentAttachment": attachment}]
        platform.communications[task_id] = [question]
        platform.binaries["q1-words"] = "Depuis quand la lésion a-t-elle changé ?".encode("iso-8859-1")
        with following(store, platform) as engine:
            engine.run_once()
    assert store.state(case_id) == CaseState.ON_HOLD
    assert _questions(store, case_id) == ["Depuis quand la lésion a-t-elle changé ?"]


def test_a_question_whose_text_file_cannot_be_read_now_is_read_at_the_next_poll(store: Store, tmp_path: Path) -> None:
    """Never kept without its words, then with them (news twice): the case is on hold, its question
    read at the next poll."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        question = communication("q1", task_id, "")
        question["payload"] = [{"contentAttachment": {"contentType": "text/plain", "url": "Binary/q1-words"}}]
        platform.communications[task_id] = [question]
        platform.binaries["q1-words"] = b"Depuis quand ?"
        platform.hooks.append(lambda path, _query: outcome(503, "busy") if "q1-words" in path else None)
        with following(store, platform) as engine:
            engine.run_once()
            assert store.state(case_id) == CaseState.ON_HOLD and _questions(store, case_id) == []
            platform.hooks.clear()
            engine.run_once()
    assert _questions(store, case_id) == ["Depuis quand ?"]


class _TusAfterExpiry(QuietHandler):
    """A tus 1.0 server whose uploads expired: an upload it no longer knows is answered 403 without an
    offset (tus 1.0 lets a server answer 404, 410 or 403); a new one takes the bytes and names the Binary."""

    protocol_version = "HTTP/1.1"
    asked: ClassVar[list[str]] = []
    length: ClassVar[str] = ""

    def _tus(self, status: int, headers: dict[str, str]) -> None:
        self.answer(status, headers={"Tus-Resumable": "1.0.0", **headers})

    def do_HEAD(self) -> None:
        type(self).asked.append(f"HEAD {self.path}")
        if self.path.endswith("/old"):
            self.answer(403)
        else:
            self._tus(200, {"Upload-Offset": "0", "Upload-Length": type(self).length})

    def do_POST(self) -> None:
        type(self).asked.append(f"POST {self.path}")
        type(self).length = self.headers.get("Upload-Length", "")
        self._tus(201, {"Location": "/fhir/tus/new"})

    def do_PATCH(self) -> None:
        type(self).asked.append(f"PATCH {self.path}")
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self._tus(204, {"Upload-Offset": str(length), "Content-Location": "Binary/b-1"})


def test_a_resumable_upload_the_server_answers_403_as_unknown_is_made_again(store: Store) -> None:
    """tus 1.0 lets a server answer a ``HEAD`` of an upload it does not know (expired) with 403, as with
    404 or 410: found by a conformance pass, the case stopped as refused by the platform, and again after
    each « send again », the upload's address kept."""
    from app.outbox import Outbox
    from sync.engine import upload_resumable
    from tests.sync.sync_helpers import client_for_url, jpeg

    case_id = make_case(store)
    image = store.get_case(case_id).images[0]
    outbox = Outbox(store)
    _TusAfterExpiry.asked = []
    with serving(_TusAfterExpiry, path="/fhir") as base, client_for_url(base) as client:
        outbox.record_upload(case_id, image.id, f"{base}/tus/old")
        data = jpeg()
        binary_id = upload_resumable(
            client, outbox, f"{base}/tus", case_id, image.id, data, "image/jpeg", lambda _n: None, 5.0
        )
    assert binary_id == "b-1"
    assert _TusAfterExpiry.asked[:2] == ["HEAD /fhir/tus/old", "POST /fhir/tus"]
    assert _TusAfterExpiry.asked[-1] == "PATCH /fhir/tus/new"


def test_a_task_carrying_a_modifier_is_not_cancelled_from_here(store: Store, tmp_path: Path) -> None:
    """A Task whose modifier Teleavis does not know is not to be used, nor written back: the cancel put it
    back whole, its modifier with a meaning Teleavis could not tell, as « cancelled »."""
    from app.errors import TeleavisError
    from sync.follow import cancel
    from tests.sync.sync_helpers import client_for_url

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = {**task(case_id, task_id, "requested"), "modifierExtension": MODIFIER}
        with client_for_url(platform.base_url) as client, pytest.raises(TeleavisError) as refused:
            cancel(store, client, case_id, budget_s=2.0)
    assert "annulez-la sur la plateforme" in refused.value.message
    assert store.state(case_id) == CaseState.SENT
