"""What a strict, conformant FHIR R4 server may answer that the sandbox never does (a conformance pass
of the client against the platform contract, docs/platform-api.md)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, quote_plus

import requests

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.auth import OAuthToken
from tests.support.http import QuietHandler, serving
from tests.support.scripted_platform import communication, following, report, scripted_platform, send_to_sandbox, task

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


def test_a_task_whose_output_carries_a_modifier_is_not_taken_as_it_reads(store: Store, tmp_path: Path) -> None:
    """A modifier extension on a part of the Task (its output naming the report) changes what that part
    means as much as one on the Task itself: the answer was shown as any other."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.reports["r1"] = report("r1", "Kératose séborrhéique, bénigne.")
        completed = task(case_id, task_id, "completed", report_ids=("r1",))
        completed["output"][0]["modifierExtension"] = MODIFIER
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
