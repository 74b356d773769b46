"""What a strict FHIR R4 server may legally answer that the sandbox never does: resources contained in the
expert's report (R4 references.html#contained), security labels, extensions Teleavis does not know (R4
extensibility.html: ignored unless they are modifiers), a Task given with the narrative the server generated
from it (and what a cancellation then puts back)."""

from __future__ import annotations

import base64
from pathlib import Path

from app.model import CaseState
from app.store import Store
from tests.support.scripted_platform import PDF, following, report, scripted_platform, send_to_sandbox, task

SECURITY = {
    "security": [
        {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"},
        {"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "HTEST"},
    ]
}
PDF_DATA = base64.b64encode(PDF).decode()
UNKNOWN = [{"url": "http://platform.example/fhir/StructureDefinition/signed-with", "valueString": "CPS"}]


def test_an_expert_named_in_a_resource_contained_in_the_report_is_the_answers_expert(
    store: Store, tmp_path: Path
) -> None:
    """A server keeps the report as the expert's software wrote it: its performer a Practitioner
    contained in it (« #p1 », no display). The answer was taken, the expert who gave it left unnamed."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    answer = report("r1", "Naevus bénin, surveillance.")
    answer["meta"] = {**answer["meta"], **SECURITY}
    answer["extension"] = UNKNOWN
    answer["contained"] = [
        {
            "resourceType": "Practitioner",
            "id": "p1",
            "name": [{"family": "LEGRAND", "given": ["Claire"], "prefix": ["Dr"]}],
        },
        {"resourceType": "Organization", "id": "o1", "name": "CHU de Nulle-Part, dermatologie"},
    ]
    answer["performer"] = [{"reference": "#p1"}, {"reference": "#o1"}]
    with scripted_platform() as platform:
        platform.reports["r1"] = answer
        completed = task(case_id, task_id, "completed", report_ids=("r1",))
        completed["meta"] = {**completed["meta"], **SECURITY}
        completed["extension"] = UNKNOWN
        platform.tasks[task_id] = completed
        with following(store, platform) as engine:
            engine.run_once()
    assert store.state(case_id) == CaseState.ANSWERED
    taken = store.answer(case_id)
    assert taken is not None and taken.conclusion == "Naevus bénin, surveillance."
    assert taken.expert == "Dr Claire LEGRAND, CHU de Nulle-Part, dermatologie"


def test_a_report_contained_in_the_task_names_its_expert_and_its_pdf_beside_it(store: Store, tmp_path: Path) -> None:
    """In R4 a contained resource contains nothing (dom-2): a report carried inside the Task names its expert (a
    role and its practitioner) and its PDF by local references to the Task's other contained resources. Found
    in review: they were looked for inside the report alone, the expert left unnamed and the PDF unreadable."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    inside = report("rep", "Naevus bénin, surveillance.", pdf="b1")
    inside.pop("meta")
    inside["performer"] = [{"reference": "#role"}]
    inside["presentedForm"][0]["url"] = "#pdf"
    with scripted_platform() as platform:
        completed = task(case_id, task_id, "completed", report_ids=("r1",))
        completed["output"][0]["valueReference"]["reference"] = "#rep"
        completed["contained"] = [
            inside,
            {"resourceType": "PractitionerRole", "id": "role", "practitioner": {"reference": "#p1"}},
            {"resourceType": "Practitioner", "id": "p1", "name": [{"family": "LEGRAND", "given": ["Claire"]}]},
            {"resourceType": "Binary", "id": "pdf", "contentType": "application/pdf", "data": PDF_DATA},
        ]
        platform.tasks[task_id] = completed
        with following(store, platform) as engine:
            engine.run_once()
    assert store.state(case_id) == CaseState.ANSWERED
    taken = store.answer(case_id)
    assert taken is not None and taken.conclusion == "Naevus bénin, surveillance."
    assert taken.expert == "Claire LEGRAND"
    assert [store.objects.get(blob) for blob in taken.pdf_blobs] == [PDF], taken.missing


def test_a_cancellation_never_puts_back_a_narrative_generated_from_the_task_it_changes(
    store: Store, tmp_path: Path
) -> None:
    """A strict server may give the Task with the narrative it generated from it (R4 narrative.html,
    ``text.status = generated``: « entirely generated from the core elements »). The cancellation put the
    whole Task back, that narrative still saying « requested » on a Task now « cancelled »: a reader of the
    narrative (R4: « the narrative SHALL reflect » the structured data) was told it still waits."""
    import json

    from sync.follow import cancel
    from sync.sandbox import SandboxServer
    from sync.sandbox.api import json_reply
    from tests.support.strict_fhir import record
    from tests.sync.sync_helpers import client_for_url, make_case

    case_id = make_case(store)
    with SandboxServer(tmp_path / "p", answer_after_s=3600.0, run_expert=False, seed=1) as server:
        from sync.engine import Engine

        with client_for_url(server.base_url) as client:
            Engine(store, client, case_budget_s=10.0).run_once()
            serve = server.platform.handle

            def with_narrative(request: object) -> object:
                reply = serve(request)
                path = str(getattr(request, "path", ""))
                if getattr(request, "method", "") == "GET" and "/Task/" in path and reply.status == 200:
                    task = json.loads(reply.body)
                    div = f'<div xmlns="http://www.w3.org/1999/xhtml">Statut : {task["status"]}</div>'
                    task["text"] = {"status": "generated", "div": div}
                    return json_reply(200, task, reply.headers)
                return reply

            server.platform.handle = with_narrative  # type: ignore[method-assign]
            kept = record(server)
            cancel(store, client, case_id, budget_s=5.0)
    assert store.state(case_id) == CaseState.CANCELLED
    [put] = kept.of("PUT")
    body = put.json()
    assert body["status"] == "cancelled"
    assert "text" not in body, body["text"]


def test_an_expert_acting_in_a_role_contained_in_the_report_is_named_and_a_patient_never_is(
    store: Store, tmp_path: Path
) -> None:
    """R4 lets a report's performer be a PractitionerRole (FR Core names a professional in the role of his
    practice so): contained, it has no name of its own and names its practitioner (contained too, or by its
    display). Found in review: the expert was left unnamed. A performer pointing at a contained resource that
    no performer may be (a Patient) never gives its name as the expert's."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    answer = report("r1", "Naevus bénin, surveillance.")
    answer["contained"] = [
        {"resourceType": "Practitioner", "id": "p1", "name": [{"family": "LEGRAND", "given": ["Claire"]}]},
        {
            "resourceType": "PractitionerRole",
            "id": "r1",
            "practitioner": {"reference": "#p1"},
            "organization": {"display": "CHU de Nulle-Part"},
        },
        {"resourceType": "PractitionerRole", "id": "r2", "practitioner": {"display": "Dr Paul MARCHAND"}},
        {"resourceType": "Patient", "id": "pat", "name": [{"family": "MARTIN", "given": ["Paul"]}]},
    ]
    answer["performer"] = [{"reference": "#r1"}, {"reference": "#r2"}, {"reference": "#pat"}]
    with scripted_platform() as platform:
        platform.reports["r1"] = answer
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r1",))
        with following(store, platform) as engine:
            engine.run_once()
    taken = store.answer(case_id)
    assert taken is not None and taken.conclusion == "Naevus bénin, surveillance."
    assert taken.expert == "Claire LEGRAND, Dr Paul MARCHAND"
