"""The simulated expert asks and answers about what the case holds.

Found from outside (a nurse's first day in training mode): asked to retake « the disc-centred photo », blurred,
of a case that had none (she had sent the macula-centred field of one eye), she looked for a photo that did not
exist; and the answer to a one-eye case spoke of « both eyes »."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sync.sandbox import SandboxServer
from tests.sandbox.sandbox_cases import CaseBundle, jpeg, post_bundle, upload

EYES = {"right": ("18944008", "Right eye"), "left": ("8966001", "Left eye")}


def photographed(case: CaseBundle, view: str, eye: str = "") -> dict[str, Any]:
    """``case``'s bundle, its photos of ``view`` (and of ``eye``: a retinograph's)."""
    bundle = case.bundle()
    for entry in bundle["entry"]:
        media = entry["resource"]
        if media["resourceType"] != "Media":
            continue
        media["view"] = {"text": view}
        if eye:
            code, display = EYES[eye]
            media["bodySite"] = {"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}]}
            media["modality"]["coding"][0]["code"] = "OP"
    return bundle


def said(tmp_path: Path, specialty: str, view: str, eye: str = "", *, question_rate: float) -> list[str]:
    """What the expert wrote (its questions, its conclusions) to twelve such cases."""
    words: list[str] = []
    with SandboxServer(
        tmp_path / f"{specialty}-{question_rate}",
        answer_after_s=0,
        question_rate=question_rate,
        seed=5,
        run_expert=False,
    ) as sandbox:
        for n in range(1, 13):
            case = CaseBundle(
                [(upload(sandbox.base_url, jpeg()), jpeg())], case_id=str(uuid.UUID(int=n)), specialty=specialty
            )
            response = post_bundle(sandbox.base_url, photographed(case, view, eye))
            assert response.status_code == 200, response.text
        sandbox.expert.run_until_idle()
        words += [c["payload"][0]["contentString"] for c in sandbox.resources("Communication")]
        words += [r["conclusion"] for r in sandbox.resources("DiagnosticReport")]
    assert len(words) == 12, words
    return words


def test_no_retake_asked_of_a_photo_the_case_does_not_have(tmp_path: Path) -> None:
    asked = said(tmp_path, "ophthalmology", "macula", "right", question_rate=1.0)
    assert not [q for q in asked if "papille" in q], asked
    asked = said(tmp_path, "dermatology", "dermoscopy", question_rate=1.0)
    assert not [q for q in asked if "dermoscopie" in q], asked


def test_a_one_eye_case_is_answered_about_that_eye(tmp_path: Path) -> None:
    answered = said(tmp_path, "ophthalmology", "macula", "left", question_rate=0.0)
    assert not [a for a in answered if "deux yeux" in a or "œil droit" in a], answered
