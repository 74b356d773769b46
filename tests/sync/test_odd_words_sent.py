"""What the nurse types, however unusual (nothing, a lone apostrophe, emoji, right-to-left text, control
characters pasted from another program, a very long summary), goes out as resources a strict FHIR server
takes: each read by fhir.resources' R4B model and by the strict reading of tests/support/strict_fhir.py, or
the case is refused before it leaves with a clear reason (``MappingError``), never sent as one a strict
server refuses."""

from __future__ import annotations

import base64
from typing import Any

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from app.case_record import Message, Treatment
from sync.mapping import MappingError, prepare_case, prepare_reply
from tests.support.strict_fhir import problems_of_resource
from tests.sync.sync_helpers import REQUESTER, image_records, new_case

ODD = [
    "",
    " ",
    "'",
    "’",
    "-",
    "😀",
    "👩🏽‍⚕️ 🩺",
    "שלום עולם",
    "مرحبا بالعالم",
    "\u202eevil\u202c",
    "\u200b",
    "e\u0301\u0301",
    "a\x00b",
    "a\x07b",
    "a\x7fb",
    "a\x85b\x9fc",
    "a\ufffeb\uffffc",
    "a\ud800b\udfffc",
    "a\x0bb\x0cc",
    "a\tb\r\nc",
    "\x1b[31mrouge",
    "\ufeffBOM",
    "x" * 100_000,
    "Ligne\u2028séparée",
    "&<script>alert(1)</script>",
    "\\u0000",
    "\U0001d54f\U0001d550",
]


def _text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(ODD), st.text(max_size=40))


def _images() -> list[Any]:
    """The case's photos as the store records them (their size and SHA-1, which the Media carries)."""
    images = image_records("dermatology")
    for n, image in enumerate(images):
        image.size, image.sha1, image.width, image.height = 1000 + n, base64.b64encode(bytes(20)).decode(), 64, 48
    return images


def _r4b(resource: dict[str, Any]) -> list[str]:
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except ValidationError as error:
        return [f"{resource['resourceType']} R4B {e['loc']}: {e['msg']}" for e in error.errors()]
    return []


def _problems(bundle: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        found += _r4b(resource)
        found += [f"{resource['resourceType']}: {p}" for p in problems_of_resource(resource)]
    return found


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    question=_text(),
    summary=_text(),
    family=_text(),
    given_name=_text(),
    used=_text(),
    treatment=_text(),
    dosage=_text(),
    recorded_by=_text(),
    form_value=_text(),
    qualified=st.booleans(),
)
@example(*["Pr\x7furit"] * 9, True)
@example(*["Pr\x85ur\x9fit\ufffe\uffff\ud800"] * 9, False)
def test_a_case_of_odd_words_is_sent_valid_or_refused_before_it_leaves(
    question: str,
    summary: str,
    family: str,
    given_name: str,
    used: str,
    treatment: str,
    dosage: str,
    recorded_by: str,
    form_value: str,
    qualified: bool,
) -> None:
    case = new_case("dermatology", ins=qualified)
    if qualified:  # sent with its INS, under FR Core's INS profile
        case.patient.identity_status, case.patient.identity_document = "qualified", "CNI"
        case.patient.identity_checked_on = "2026-11-01"
    case.images = _images()
    case.question, case.summary = question, summary
    case.patient.family, case.patient.given, case.patient.used_name = family, [given_name], used
    case.treatments = [Treatment(treatment, dosage)]
    case.consent.recorded_by = recorded_by
    case.form["lesion-duration"] = form_value  # (free text; the others are choices, checked as such)
    try:
        prepared = prepare_case(case, REQUESTER)
    except MappingError as refused:
        # Refused before it leaves, for what the nurse typed (an empty name), never for how Teleavis wrote it.
        why = str(refused)
    else:
        why = ""
    event(f"refused: {why[:60]}" if why else "sent")
    assert "Media" not in why, why
    # Never refused for a character the nurse cannot see (half of an emoji pasted broken: a lone surrogate).
    assert "string_unicode" not in why, why
    if why:
        return
    assert _problems(prepared.bundle) == []


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(words=_text())
@example(words="Oui\x7f, depuis mai.")
@example(words="Oui\x85 depuis\x9f mai\ufffe\uffff\udc00.")
def test_a_reply_of_odd_words_is_sent_valid_or_refused_before_it_leaves(words: str) -> None:
    case = new_case("dermatology", ins=False)
    case.images = _images()
    message = Message(id="m1", direction="to-expert", text=words)
    try:
        prepared = prepare_reply(
            case, REQUESTER, message, [], task_id="t1", request_id="sr1", expert_message_id="c1", patient_id="p1"
        )
    except MappingError as refused:
        why = str(refused)
    else:
        why = ""
    # Never refused for a character the nurse cannot see (half of an emoji pasted broken: a lone surrogate).
    assert "string_unicode" not in why, why
    if not why:
        assert _problems(prepared.bundle) == []
