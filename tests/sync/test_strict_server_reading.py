"""Every request the client makes through a whole case (sent, questioned, answered by the requester,
answered by the expert, another cancelled) read as a strict FHIR R4 server reads it
(tests/support/strict_fhir.py), not as the sandbox does."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import CaseImage, CaseState, Treatment
from app.store import NewImage, Store
from sync import mapping
from sync.client import ClientConfig, PlatformClient, RetryPolicy
from sync.engine import Engine
from sync.follow import cancel, queue_reply
from sync.mapping import prepare_case
from sync.sandbox import SandboxServer
from tests.support.strict_fhir import (
    Problem,
    RecordedExchange,
    problems_of_request,
    problems_of_resource,
    problems_of_transaction,
    record,
)
from tests.sync.sync_helpers import REQUESTER, jpeg, make_case

FAST = RetryPolicy(base_s=0.02, cap_s=0.2)


def _problems(kept: RecordedExchange, server: SandboxServer) -> list[str]:
    def exists(rtype: str, rid: str) -> bool:
        return server.read(rtype, rid) is not None

    found: list[str] = []
    for sent in kept.sent:
        problems: list[Problem] = problems_of_request(sent, exists)
        found += [f"{sent.method} {sent.path}: {p}" for p in problems]
    return found


def _whole_exchange(store: Store, tmp_path: Path, specialty: str) -> tuple[RecordedExchange, list[str]]:
    with (
        SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=3) as server,
        PlatformClient(ClientConfig(server.base_url, 2.0, 10.0), _no_token(), policy=FAST) as client,
    ):
        kept = record(server)
        case_id = make_case(store, specialty)
        other = make_case(store, specialty, seed=5, ins=False)
        engine = Engine(store, client, case_budget_s=10.0)
        engine.run_once()
        cancel(store, client, other)
        server.expert.run_until_idle()
        engine.run_once()
        assert store.state(case_id) == CaseState.ON_HOLD
        if specialty == "ophthalmology":
            record_ = CaseImage(eye="right", view="macula", modality="OP", device="Retinograph NW400")
        else:
            record_ = CaseImage(body_site="dos", view="close-up", note="vue demandée")
        queue_reply(store, case_id, "Voici la vue demandée.", [NewImage(record_, jpeg(seed=99))])
        assert engine.run_once().replies_sent == 1
        server.expert.run_until_idle()
        engine.run_once()
        assert store.state(case_id) == CaseState.ANSWERED
        assert store.state(other) == CaseState.CANCELLED
        return kept, _problems(kept, server)


def _no_token() -> object:
    from sync.auth import StaticToken

    return StaticToken(None)


@pytest.mark.parametrize("specialty", ["dermatology", "ophthalmology", "wound-care", "other"])
def test_every_request_of_a_whole_case_reads_as_valid_to_a_strict_server(
    store: Store, tmp_path: Path, specialty: str
) -> None:
    kept, problems = _whole_exchange(store, tmp_path, specialty)
    assert {s.method for s in kept.sent} >= {"GET", "POST", "PUT"}
    assert problems == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"height": "48"}, "Media.height: PositiveInt must be a JSON number"),
        ({"deviceName": "Canon\x00"}, "Media.deviceName: control character"),
        ({"note": [{"text": "vue\x0bproche"}]}, "Media.note[0].text: control character"),
        ({"identifier": [{"system": "urn:oid:1.2.03", "value": "x"}]}, "malformed urn:oid:"),
        ({"implicitRules": "http://a b"}, "not a valid Uri"),
        ({"subject": {"reference": "#nobody"}}, "ref-1"),
        (
            {"extension": [{"url": "http://x", "valueString": "a", "extension": [{"url": "y", "valueCode": "b"}]}]},
            "ext-1",
        ),
        ({"content": {"contentType": "image/jpeg", "hash": "AAAA"}}, "20 bytes"),
        ({"status ": "completed"}, "unknown element"),
        ({"createdDateTime": "2026-11-20T10:00"}, "not a valid DateTime"),
        ({"basedOn": [{"reference": "Patient/p1"}]}, "a reference to Patient, where R4 allows ServiceRequest"),
        ({"subject": {"type": "Organization", "display": "x"}}, "a reference to Organization, where R4 allows"),
        (
            {"resourceType": "Task", "authoredOn": "2026-11-20T10:00:00Z", "lastModified": "2026-11-20T09:00:00Z"},
            "inv-1",
        ),
    ],
)
def test_the_strict_reading_finds_what_the_models_let_through(change: dict, words: str) -> None:
    """The strict reader is worth its name: each of these passes fhir.resources' R4B model or the
    sandbox, and a strict server refuses it."""
    media = {
        "resourceType": "Media",
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "content": {"contentType": "image/jpeg"},
        **change,
    }
    if media["resourceType"] == "Task":
        media = {k: v for k, v in change.items()} | {"status": "requested", "intent": "order"}
    assert any(words in str(p) for p in problems_of_resource(media)), problems_of_resource(media)


def test_the_strict_reading_of_a_transaction_resolves_every_reference(store: Store) -> None:
    bundle = prepare_case(store.get_case(make_case(store)), REQUESTER).bundle
    assert problems_of_transaction(bundle) == []
    bundle["entry"][4]["resource"]["subject"]["reference"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    del bundle["entry"][1]["request"]
    found = [str(p) for p in problems_of_transaction(bundle)]
    assert any("bdl-3" in p for p in found), found
    assert any("is no fullUrl of the Bundle" in p for p in found), found


def test_text_pasted_with_control_characters_leaves_as_valid_fhir_strings(store: Store) -> None:
    """A question pasted from a word processor carries its line breaks as vertical tabs, a summary copied
    from a PDF its page breaks as form feeds, a camera its model padded with NULs: R4 strings hold no
    character below 32 but tab, CR and LF, and a strict server refused the whole case for one of them.
    They leave as line breaks (or nothing), the words kept."""
    case = store.get_case(make_case(store))
    case.question = "Lésion du dos\x0bavis sur exérèse ?"
    case.summary = "Apparue il y a 6 mois.\x0cSaigne au contact."
    case.images[0].note = "bord irrégulier\x00"
    case.images[0].device = "Canon EOS\x00\x00"
    case.treatments = [Treatment("Metformine\x01 1000 mg", "1 cp\x1f matin")]
    case.form["lesion-duration"] = "6\x0bmois"
    case.consent.recorded_by = "Inf.\x0b Durand"
    bundle = prepare_case(case, REQUESTER).bundle
    assert [str(p) for p in problems_of_transaction(bundle)] == []
    request = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "ServiceRequest")
    assert request["reasonCode"][0]["text"] == "Lésion du dos\navis sur exérèse ?"
    assert request["note"][0]["text"] == "Apparue il y a 6 mois.\nSaigne au contact."
    media = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Media")
    assert media["deviceName"] == "Canon EOS"
    assert media["note"][0]["text"] == "bord irrégulier"


def test_a_note_that_was_only_a_control_character_goes_as_no_note(store: Store) -> None:
    case = store.get_case(make_case(store))
    case.images[0].note = "\x00"
    bundle = prepare_case(case, REQUESTER).bundle
    media = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Media")
    assert [n["text"] for n in media.get("note", [])] == [mapping.TIME_UNKNOWN_NOTE]  # the photo's own note only
    assert problems_of_transaction(bundle) == []


def test_a_case_made_while_the_clock_ran_ahead_can_still_be_cancelled(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R4's Task inv-1: « Last modified date must be greater than or equal to authored-on date ». The
    cancelling PUT said lastModified = now; a case made while the workstation's clock ran a day ahead
    (then put right) has a later authoredOn, and a strict platform refused the cancel for good."""
    from datetime import timedelta

    import app.store
    from app.model import utc_now

    monkeypatch.setattr(app.store, "utc_now", lambda: utc_now() + timedelta(days=1))
    case_id = make_case(store)
    monkeypatch.undo()
    with (
        SandboxServer(tmp_path / "p", answer_after_s=3600.0, run_expert=False, seed=3) as server,
        PlatformClient(ClientConfig(server.base_url, 2.0, 10.0), _no_token(), policy=FAST) as client,
    ):
        kept = record(server)
        Engine(store, client, case_budget_s=10.0).run_once()
        cancel(store, client, case_id)
        assert store.state(case_id) == CaseState.CANCELLED
        [put] = kept.of("PUT")
        body = put.json()
        assert body["lastModified"] >= body["authoredOn"]
