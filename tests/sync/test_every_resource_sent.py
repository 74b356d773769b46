"""Every resource the client sends, read twice: by fhir.resources' R4B model (the structure, the types) and by
the strict reading of tests/support/strict_fhir.py (what a strict server with FR Core refuses and the models let
through: empty strings and arrays, ids, dates and their precision, local references, extensions without url,
numbers written as strings, base64 with line breaks, codes of required bindings). The cases: the reference case
file of docs/cli.md, an ophthalmology case with both eyes, a reply with photos, a cancel; for the site of
docs/cli.md and for a nurse under ADELI in a health centre known by its SIRET."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest

from app.casefile import parse_case
from app.model import CaseImage, CaseState
from app.site import parse_site
from app.store import NewImage, Store
from sync.auth import StaticToken
from sync.client import ClientConfig, PlatformClient, RetryPolicy
from sync.engine import Engine
from sync.follow import cancel, queue_reply
from sync.sandbox import SandboxServer
from tests.support.strict_fhir import RecordedExchange, problems_of_request, record
from tests.sync.sync_helpers import REQUESTER, jpeg, make_case

DOCS = Path(__file__).resolve().parents[2] / "docs"
FAST = RetryPolicy(base_s=0.02, cap_s=0.2)
NURSE = replace(REQUESTER, rpps="", adeli="879101558", finess="", siret="77220148900022", role="Infirmière")


def _blocks() -> list[Any]:
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", page, flags=re.DOTALL)]


def _reference_case(store: Store, folder: Path) -> str:
    """The case file of docs/cli.md, as written, its images real JPEGs."""
    document = next(b for b in _blocks() if isinstance(b, dict) and "specialty" in b)
    folder.mkdir(parents=True, exist_ok=True)
    for n, image in enumerate(document["images"]):
        (folder / image["file"]).write_bytes(jpeg(seed=40 + n))
    parsed = parse_case(document, folder)
    return store.create_case(parsed.case, [NewImage(ref.record, ref.path.read_bytes(), None) for ref in parsed.images])


def _r4b_problems(resource: dict[str, Any], where: str) -> list[str]:
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except ValidationError as error:
        return [f"{where}: R4B {e['loc']}: {e['msg']}" for e in error.errors()]
    return []


def _resources(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or "resourceType" not in body:
        return []
    if body["resourceType"] == "Bundle":
        return [body, *(e["resource"] for e in body.get("entry") or [] if isinstance(e.get("resource"), dict))]
    return [body]


def _read_all(kept: RecordedExchange, server: SandboxServer) -> tuple[list[str], list[str]]:
    """(every problem found, the resource types read)."""

    def exists(rtype: str, rid: str) -> bool:
        return server.read(rtype, rid) is not None

    problems: list[str] = []
    kinds: list[str] = []
    for sent in kept.sent:
        problems += [f"{sent.method} {sent.path}: {p}" for p in problems_of_request(sent, exists)]
        if sent.method in ("POST", "PUT") and "json" in sent.headers.get("content-type", "").lower():
            for resource in _resources(sent.json()):
                kinds.append(resource["resourceType"])
                problems += _r4b_problems(resource, f"{sent.method} {sent.path} {resource['resourceType']}")
    return problems, kinds


@pytest.mark.parametrize("site", ["docs", "adeli-siret"])
def test_every_resource_of_the_reference_case_an_ophthalmology_case_a_reply_and_a_cancel_is_valid(
    store: Store, tmp_path: Path, site: str
) -> None:
    requester = parse_site(next(b for b in _blocks() if isinstance(b, dict) and "practitioner" in b))
    store.settings.set("site.requester", asdict(requester if site == "docs" else NURSE))
    store.settings.set("training", "off")  # a real platform (the sandbox as one): the INS under its national OID
    with (
        SandboxServer(
            tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=3, national=True
        ) as server,
        PlatformClient(ClientConfig(server.base_url, 2.0, 10.0), StaticToken(None), policy=FAST) as client,
    ):
        kept = record(server)
        reference = _reference_case(store, tmp_path / "case-file")
        store.queue(reference)
        # Paul MARTIN under a file number of his own: docs/cli.md's patient has D-2291, the helper's default, and
        # two patients of one site under one number are a duplicate the platform refuses to choose between (412).
        eyes = make_case(store, "ophthalmology", seed=7, local_id="D-3107")
        assert {i.eye for i in store.get_case(eyes).images} == {"right", "left"}
        cancelled = make_case(store, seed=5, ins=False, local_id="D-3107")
        engine = Engine(store, client, case_budget_s=10.0)
        engine.run_once()
        assert store.state(reference) == CaseState.SENT, store.platform_info(reference)["last_error"]
        assert store.state(cancelled) == CaseState.SENT, store.platform_info(cancelled)["last_error"]
        cancel(store, client, cancelled)
        server.expert.run_until_idle()
        engine.run_once()
        assert store.state(eyes) == CaseState.ON_HOLD, store.platform_info(eyes)["last_error"]
        photos = [
            NewImage(CaseImage(eye=eye, view="macula", modality="OP", device="Retinograph NW400"), jpeg(seed=90 + n))
            for n, eye in enumerate(("right", "left"))
        ]
        queue_reply(store, eyes, "Voici les deux yeux, centrés sur la macula.", photos)
        assert engine.run_once().replies_sent == 1
        server.expert.run_until_idle()
        engine.run_once()
        assert store.state(eyes) == CaseState.ANSWERED and store.state(cancelled) == CaseState.CANCELLED
        problems, kinds = _read_all(kept, server)
    assert problems == []
    assert {"Patient", "Practitioner", "Organization", "PractitionerRole", "ServiceRequest", "Task"} <= set(kinds)
    assert {"Media", "Consent", "MedicationStatement", "QuestionnaireResponse", "Communication"} <= set(kinds)


@pytest.mark.parametrize(
    ("resource", "words"),
    [
        ({"resourceType": "Patient", "identifier": [{"use": "offical", "value": "1"}]}, "Patient.identifier[0].use"),
        ({"resourceType": "Patient", "name": [{"use": "birth", "family": "X"}]}, "Patient.name[0].use"),
        ({"resourceType": "Patient", "gender": "M"}, "Patient.gender"),
        ({"resourceType": "Practitioner", "telecom": [{"system": "mobile", "value": "06"}]}, "telecom[0].system"),
        (
            {"resourceType": "Media", "status": "done", "content": {"contentType": "image/jpeg"}},
            "Media.status",
        ),
        (
            {"resourceType": "Media", "status": "completed", "content": {"contentType": "jpeg"}},
            "Media.content.contentType",
        ),
        ({"resourceType": "Task", "status": "sent", "intent": "order"}, "Task.status"),
        ({"resourceType": "Task", "status": "requested", "intent": "request"}, "Task.intent"),
        ({"resourceType": "ServiceRequest", "status": "active", "intent": "order", "priority": "high"}, "priority"),
        ({"resourceType": "Consent", "status": "signed"}, "Consent.status"),
        ({"resourceType": "Communication", "status": "sent"}, "Communication.status"),
        ({"resourceType": "QuestionnaireResponse", "status": "done"}, "QuestionnaireResponse.status"),
        ({"resourceType": "MedicationStatement", "status": "taking"}, "MedicationStatement.status"),
        ({"resourceType": "Bundle", "type": "batch-transaction"}, "Bundle.type"),
        ({"resourceType": "Patient", "text": {"status": "done", "div": "<div/>"}}, "Patient.text.status"),
    ],
)
def test_the_strict_reading_refuses_a_code_outside_a_required_binding(resource: dict[str, Any], words: str) -> None:
    """fhir.resources' R4B models take any code where R4 binds a value set as required (a typo of ``official``,
    ``M`` for a sex, a status of another resource): a strict server refuses the request for it."""
    from tests.support.strict_fhir import problems_of_resource

    element = words.rsplit(".", 1)[-1].split("[")[0]
    assert not any(element in p for p in _r4b_problems(resource, "")), "R4B checks this one itself"
    found = [str(p) for p in problems_of_resource(resource)]
    assert any(words in p and "required binding" in p for p in found), found


def test_reduced_copies_and_dicom_retinographs_are_sent_valid_too(store: Store, tmp_path: Path) -> None:
    """Two paths the cases above do not take (conformance pass, session 39): photos sent as reduced copies
    (``case send --reduced``: each Media then carries the copy's size, hash and dimensions, « copie réduite »
    in its title and a note) and retinographs imported as DICOM (``application/dicom``, the eye read from the
    header). Both read by the R4B models and the strict reading, as the others."""
    from app.model import CaseImage
    from sync.reduced import LONGEST_SIDE as MAX_SIDE
    from tests.sync.sync_helpers import new_case
    from tests.sync.test_dicom_identity_at_sending import dicom_image

    requester = parse_site(next(b for b in _blocks() if isinstance(b, dict) and "practitioner" in b))
    store.settings.set("site.requester", asdict(requester))
    store.settings.set("training", "off")
    with (
        SandboxServer(tmp_path / "p", answer_after_s=3600.0, run_expert=False, seed=3, national=True) as server,
        PlatformClient(ClientConfig(server.base_url, 2.0, 20.0), StaticToken(None), policy=FAST) as client,
    ):
        kept = record(server)
        big = [
            NewImage(
                CaseImage(body_site="dos", view="far", width=MAX_SIDE + 1000, height=MAX_SIDE),
                jpeg(MAX_SIDE + 1000, MAX_SIDE, seed=60),
            ),
            NewImage(
                CaseImage(body_site="dos", view="close-up", width=MAX_SIDE + 500, height=MAX_SIDE - 200),
                jpeg(MAX_SIDE + 500, MAX_SIDE - 200, seed=61),
            ),
        ]
        reduced = store.create_case(new_case("dermatology", local_id="D-4001"), big)
        store.queue(reduced, reduced=True)
        retinographs = store.create_case(
            new_case("ophthalmology", local_id="D-4002"), [dicom_image(None, "R"), dicom_image(None, "L")]
        )
        store.queue(retinographs)
        Engine(store, client, case_budget_s=20.0).run_once(poll=False)
        for case_id in (reduced, retinographs):
            assert store.state(case_id) == CaseState.SENT, store.platform_info(case_id)["last_error"]
        problems, _kinds = _read_all(kept, server)
        media = [r for s in kept.of("POST") if s.path.rstrip("/").endswith("/fhir") for r in _resources(s.json())]
    titles = [m["content"]["title"] for m in media if m["resourceType"] == "Media"]
    assert sum("copie réduite" in t for t in titles) == 2, titles
    kinds = {m["content"]["contentType"] for m in media if m["resourceType"] == "Media"}
    assert kinds == {"image/jpeg", "application/dicom"}
    assert problems == []
