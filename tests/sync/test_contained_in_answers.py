"""What a strict FHIR R4 server may legally answer that the sandbox never does, on the answer's side:
resources contained in the expert's report (R4 references.html#contained), security labels, extensions
Teleavis does not know (R4 extensibility.html: ignored unless they are modifiers)."""

from __future__ import annotations

from pathlib import Path

from app.model import CaseState
from app.store import Store
from tests.support.scripted_platform import following, report, scripted_platform, send_to_sandbox, task

SECURITY = {
    "security": [
        {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"},
        {"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "HTEST"},
    ]
}
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
