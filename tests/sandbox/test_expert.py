"""The simulated expert: the whole loop a new user sees, from a sent case to the PDF answer."""

from __future__ import annotations

import io
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from pypdf import PdfReader

from sync.sandbox import SandboxServer
from sync.sandbox.validation import validate_resource
from tests.sandbox.sandbox_cases import QUESTION, CaseBundle, jpeg, new_case, post_bundle, sha1_b64, upload, urn

FHIR = {"Accept": "application/fhir+json"}


def _get(sandbox: SandboxServer, path: str, **params: str) -> dict[str, Any]:
    response = requests.get(f"{sandbox.base_url}/{path}", params=params, headers=FHIR, timeout=10)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _send(sandbox: SandboxServer, case: CaseBundle | None = None) -> str:
    case = case or new_case(sandbox.base_url)
    assert post_bundle(sandbox.base_url, case.bundle()).status_code == 200
    return next(t["id"] for t in sandbox.resources("Task") if t["identifier"][0]["value"] == case.case_id)


def test_expert_completes_the_case_with_a_report_and_a_pdf_letter(sandbox: SandboxServer) -> None:
    task_id = _send(sandbox)
    sandbox.expert.run_until_idle()
    task = _get(sandbox, f"Task/{task_id}")
    assert task["status"] == "completed"
    statuses = [version["status"] for version in sandbox.history("Task", task_id)]
    assert statuses == ["requested", "received", "accepted", "in-progress", "completed"]
    assert task["meta"]["versionId"] == "5"
    assert validate_resource(task, "Task") == []

    report_ref = next(o["valueReference"]["reference"] for o in task["output"] if "valueReference" in o)
    report = _get(sandbox, report_ref)
    assert validate_resource(report, "DiagnosticReport") == []
    assert report["status"] == "final"
    assert report["code"]["coding"][0]["system"] == "http://loinc.org"
    assert report["code"]["coding"][0]["code"] == "11488-4"
    assert report["conclusion"]
    assert report["basedOn"] == [task["focus"]]
    assert report["subject"] == task["for"]
    expert = _get(sandbox, report["performer"][0]["reference"])
    assert expert["resourceType"] == "Practitioner"

    (form,) = report["presentedForm"]
    assert form["contentType"] == "application/pdf"
    pdf = requests.get(f"{sandbox.base_url}/{form['url']}", headers={"Accept": "application/pdf"}, timeout=10)
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert form["size"] == len(pdf.content)
    assert form["hash"] == sha1_b64(pdf.content)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert QUESTION in text
    assert "Paul MARTIN" in text
    assert "03/02/1950" in text
    assert report["conclusion"].split()[0] in text
    # The platform's own PDFs are not uploads.
    assert sandbox.binary_uploads == 1


def test_follow_up_output_is_a_ucum_duration_in_days(sandbox: SandboxServer) -> None:
    # Fixed case ids: with a seed, the expert's choices depend on them only.
    for n in range(1, 7):
        _send(sandbox, CaseBundle([(upload(sandbox.base_url, jpeg()), jpeg())], case_id=str(uuid.UUID(int=n))))
    sandbox.expert.run_until_idle()
    assert {len(t["output"]) for t in sandbox.resources("Task")} == {1, 2}
    durations = [
        o["valueDuration"]
        for t in sandbox.resources("Task")
        for o in t["output"]
        if o["type"]["coding"][0]["code"] == "follow-up-within"
    ]
    for duration in durations:
        assert duration["unit"] == "d"
        assert duration["system"] == "http://unitsofmeasure.org"
        assert duration["code"] == "d"
        assert duration["value"] > 0


def test_background_expert_answers_after_the_delay(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "live", answer_after_s=0.3, seed=1) as live:
        task_id = _send(live)
        deadline = time.monotonic() + 60
        while _get(live, f"Task/{task_id}")["status"] != "completed":
            assert time.monotonic() < deadline, "the expert never answered"
            time.sleep(0.05)
        assert live.count("DiagnosticReport") == 1


def _reply_bundle(sandbox: SandboxServer, task: dict[str, Any], question: dict[str, Any]) -> dict[str, Any]:
    data = jpeg(5)
    binary_id = upload(sandbox.base_url, data)
    image_id, message_id = str(uuid.uuid4()), str(uuid.uuid4())
    media_url, comm_url = urn(), urn()
    media = {
        "resourceType": "Media",
        "identifier": [{"system": "urn:teleavis:image-id", "value": image_id}],
        "status": "completed",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/media-type", "code": "image"}]},
        "modality": {"coding": [{"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "XC"}]},
        "subject": task["for"],
        "basedOn": [task["focus"]],
        "createdDateTime": "2026-11-21T10:00:00+01:00",
        "content": {
            "contentType": "image/jpeg",
            "url": f"Binary/{binary_id}",
            "size": len(data),
            "hash": sha1_b64(data),
            "title": "dos-regle.jpg",
        },
    }
    comm = {
        "resourceType": "Communication",
        "identifier": [{"system": "urn:teleavis:message-id", "value": message_id}],
        "status": "completed",
        "inResponseTo": [{"reference": f"Communication/{question['id']}"}],
        "about": [{"reference": f"Task/{task['id']}"}],
        "basedOn": [task["focus"]],
        "subject": task["for"],
        "sent": "2026-11-21T10:01:00+01:00",
        "payload": [
            {"contentString": "Voici la vue rapprochée avec une règle."},
            {"contentReference": {"reference": media_url}},
        ],
    }

    def entry(url: str, resource: dict[str, Any], system: str, value: str) -> dict[str, Any]:
        return {
            "fullUrl": url,
            "resource": resource,
            "request": {
                "method": "POST",
                "url": resource["resourceType"],
                "ifNoneExist": f"identifier={system}|{value}",
            },
        }

    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            entry(media_url, media, "urn:teleavis:image-id", image_id),
            entry(comm_url, comm, "urn:teleavis:message-id", message_id),
        ],
    }


def test_on_hold_question_answered_by_the_requester_then_completed(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "q", answer_after_s=0, question_rate=1.0, seed=3, run_expert=False) as sandbox:
        task_id = _send(sandbox)
        sandbox.expert.run_until_idle()
        task = _get(sandbox, f"Task/{task_id}")
        assert task["status"] == "on-hold"
        search = _get(sandbox, "Communication", **{"based-on": task["focus"]["reference"]})
        (question,) = [e["resource"] for e in search["entry"]]
        assert question["about"] == [{"reference": f"Task/{task_id}"}]
        assert question["basedOn"] == [task["focus"]]
        assert "?" in question["payload"][0]["contentString"]
        assert task["businessStatus"]["text"].endswith(question["payload"][0]["contentString"])
        assert _get(sandbox, "Communication", **{"based-on": task["focus"]["reference"]})["total"] == 1
        assert sandbox.expert.step() == 0  # Waits for the requester.

        bundle = _reply_bundle(sandbox, task, question)
        response = post_bundle(sandbox.base_url, bundle)
        assert response.status_code == 200, response.text
        assert sandbox.expert.step() == 1
        assert _get(sandbox, f"Task/{task_id}")["status"] == "in-progress"
        sandbox.expert.run_until_idle()
        assert _get(sandbox, f"Task/{task_id}")["status"] == "completed"  # Asked once only.
        assert sandbox.count("Communication") == 2
        assert sandbox.count("Media") == 2
        found = _get(sandbox, "Communication", **{"based-on": task["focus"]["reference"]})
        [reply] = [
            e["resource"]
            for e in found["entry"]
            if e["resource"].get("inResponseTo") == [{"reference": f"Communication/{question['id']}"}]
        ]
        assert reply["payload"][1]["contentReference"]["reference"].startswith("Media/")
        # Sending the reply again (a retry) changes nothing.
        assert post_bundle(sandbox.base_url, bundle).status_code == 200
        assert sandbox.count("Communication") == 2


def test_reply_about_another_task_is_refused(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "q", answer_after_s=0, question_rate=1.0, seed=3, run_expert=False) as sandbox:
        task_id = _send(sandbox)
        sandbox.expert.run_until_idle()
        other_id = _send(sandbox)
        task = _get(sandbox, f"Task/{task_id}")
        (question,) = sandbox.resources("Communication")
        bundle = _reply_bundle(sandbox, task, question)
        bundle["entry"][1]["resource"]["about"] = [{"reference": f"Task/{other_id}"}]
        response = post_bundle(sandbox.base_url, bundle)
        assert response.status_code == 400
        assert "Communication.about" in response.text


@pytest.mark.parametrize("question_rate", [0.0, 1.0])
def test_same_seed_same_case_same_answer(tmp_path: Path, question_rate: float) -> None:
    outcomes = []
    case_id = str(uuid.uuid4())
    for run in range(2):
        with SandboxServer(
            tmp_path / f"run{run}", answer_after_s=0, question_rate=question_rate, seed=42, run_expert=False
        ) as sandbox:
            case = CaseBundle([(upload(sandbox.base_url, jpeg()), jpeg())], case_id=case_id)
            _send(sandbox, case)
            sandbox.expert.run_until_idle()
            said = [c["payload"][0]["contentString"] for c in sandbox.resources("Communication")]
            said += [r["conclusion"] for r in sandbox.resources("DiagnosticReport")]
            outcomes.append(said)
    assert outcomes[0] == outcomes[1]
    assert outcomes[0]


@pytest.mark.parametrize(
    ("names", "shown"),
    [
        ([{"use": "official", "family": "DUPONT", "given": ["Jeanne"]}], "Jeanne DUPONT"),
        (
            [{"use": "usual", "family": "LEROY"}, {"use": "official", "family": "DUPONT", "given": ["Jeanne"]}],
            "Jeanne DUPONT (nom utilisé : LEROY)",
        ),
        ([], "(nom non transmis)"),
    ],
)
def test_the_experts_letter_names_the_patient_by_her_birth_name_then_her_used_name(
    names: list[dict[str, Any]], shown: str
) -> None:
    """Whatever the order the platform keeps the names in, the birth name is the one that identifies."""
    from sync.sandbox.expert import _person_name

    assert _person_name({"resourceType": "Patient", "name": names}) == shown
