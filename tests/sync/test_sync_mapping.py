"""The FHIR mapping of a case (sync/mapping.py): the §3 transaction, conditional, valid R4."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.model import Message, new_id
from app.store import Store
from sync import mapping
from sync.mapping import MappingError, prepare_case, prepare_reply, validate_bundle, validate_resource
from tests.sync.sync_helpers import REQUESTER, make_case


def _by_type(bundle: dict, kind: str) -> list[dict]:
    return [e for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.mark.parametrize("specialty", ["dermatology", "ophthalmology", "wound-care", "other"])
def test_bundle_holds_every_resource_conditionally(store: Store, specialty: str) -> None:
    case = store.get_case(make_case(store, specialty))
    prepared = prepare_case(case, REQUESTER)
    bundle = prepared.bundle
    assert bundle["type"] == "transaction"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    for kind in (
        "Patient",
        "Practitioner",
        "Organization",
        "PractitionerRole",
        "ServiceRequest",
        "Task",
        "Consent",
        "QuestionnaireResponse",
        "MedicationStatement",
    ):
        assert kinds.count(kind) == 1, kind
    assert kinds.count("Media") == len(case.images)
    identifiers = set()
    for entry in bundle["entry"]:
        resource, request = entry["resource"], entry["request"]
        assert request["method"] == "POST"
        assert request["url"] == resource["resourceType"]
        ident = resource["identifier"]
        ident = ident if isinstance(ident, dict) else ident[0]
        assert request["ifNoneExist"] == f"identifier={ident['system']}|{ident['value']}"
        identifiers.add(ident["value"])
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    assert all(u.startswith("urn:uuid:") and u[9:] not in identifiers for u in full_urls)
    # Every fullUrl appears only where it is meant to: as a reference, never inside a text.
    text = json.dumps(bundle)
    assert case.id not in {u[9:] for u in full_urls}
    assert text.count(case.id) == 4  # SR + Task identifiers and their ifNoneExist


def test_references_point_inside_the_bundle(store: Store) -> None:
    case = store.get_case(make_case(store, "ophthalmology"))
    bundle = prepare_case(case, REQUESTER).bundle
    urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in bundle["entry"]}
    sr = _by_type(bundle, "ServiceRequest")[0]["resource"]
    task = _by_type(bundle, "Task")[0]["resource"]
    assert task["focus"]["reference"] == urls["ServiceRequest"]
    assert task["for"]["reference"] == sr["subject"]["reference"] == urls["Patient"]
    assert sr["requester"]["reference"] == urls["PractitionerRole"]
    assert task["requester"]["reference"] == urls["Practitioner"]
    role = _by_type(bundle, "PractitionerRole")[0]["resource"]
    assert role["practitioner"]["reference"] == urls["Practitioner"]
    assert role["organization"]["reference"] == urls["Organization"]
    supporting = {s["reference"] for s in sr["supportingInfo"]}
    expected = {
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] in ("Media", "MedicationStatement", "Consent", "QuestionnaireResponse")
    }
    assert supporting == expected
    assert sr["code"]["coding"][0] == {"system": "urn:teleavis:specialty", "code": "ophthalmology"}
    assert sr["code"]["text"]
    assert sr["reasonCode"][0]["text"]
    assert sr["note"][0]["text"]
    # Found by an outside FHIR audit: both eyes were two codings of one concept, which a reader takes
    # for one site (the first coding, the right eye). Each eye is its own body site.
    assert sorted(site["coding"][0]["code"] for site in sr["bodySite"]) == ["18944008", "8966001"]
    assert all(len(site["coding"]) == 1 for site in sr["bodySite"])
    assert task["code"]["coding"][0] == {"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}
    assert (task["status"], task["intent"]) == ("requested", "order")
    assert (sr["status"], sr["intent"]) == ("active", "order")


def test_the_nurse_who_recorded_the_consent_performs_it_and_authors_the_form(store: Store) -> None:
    """docs/cli.md: the recorder is the consent's performer and the form's author; the requester stays the
    site's practitioner. Known by name only, the recorder is a Practitioner contained in each."""
    case = store.get_case(make_case(store, "dermatology"))
    bundle = prepare_case(case, REQUESTER).bundle
    urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in bundle["entry"]}
    consent = _by_type(bundle, "Consent")[0]["resource"]
    form = _by_type(bundle, "QuestionnaireResponse")[0]["resource"]
    for resource, reference in ((consent, consent["performer"][0]), (form, form["author"])):
        assert reference == {"reference": "#recorder", "display": "Inf. Durand"}
        assert resource["contained"] == [
            {"resourceType": "Practitioner", "id": "recorder", "name": [{"text": "Inf. Durand"}]}
        ]
        validate_resource(resource)
    assert _by_type(bundle, "ServiceRequest")[0]["resource"]["requester"]["reference"] == urls["PractitionerRole"]
    assert _by_type(bundle, "Task")[0]["resource"]["requester"]["reference"] == urls["Practitioner"]


def test_media_carries_size_and_sha1_of_the_stored_bytes(store: Store) -> None:
    case = store.get_case(make_case(store, "ophthalmology"))
    prepared = prepare_case(case, REQUESTER)
    ids = {image.id: f"bin{n}" for n, image in enumerate(case.images)}
    bundle = prepared.bundle_with(ids)
    medias = {e["resource"]["identifier"][0]["value"]: e["resource"] for e in _by_type(bundle, "Media")}
    for image in case.images:
        data = store.image_bytes(image)
        media = medias[image.id]
        assert media["content"]["size"] == len(data)
        digest = hashlib.sha1(data, usedforsecurity=False).digest()
        assert media["content"]["hash"] == base64.b64encode(digest).decode()
        assert media["content"]["url"] == f"Binary/{ids[image.id]}"
        assert media["modality"]["coding"][0]["code"] == "OP"
        eye_code = {"right": "18944008", "left": "8966001"}[image.eye or ""]
        assert media["bodySite"]["coding"][0]["code"] == eye_code
        assert media["view"]["text"] == image.view
        assert media["deviceName"] == "Retinograph NW400"
    validate_bundle(bundle)
    # The prepared bundle itself still holds placeholders: filling copies.
    placeholders = [e["resource"]["content"]["url"] for e in _by_type(prepared.bundle, "Media")]
    assert set(placeholders) == {mapping.PLACEHOLDER}


def test_a_media_title_says_the_image_in_words(store: Store) -> None:
    """Found from outside: titles read « Image 1 — far », and « Image 1 — far — copie réduite » once
    reduced: the view's code, in English, in the French the expert reads."""
    case = store.get_case(make_case(store, "dermatology"))
    bundle = prepare_case(case, REQUESTER).bundle_with({image.id: "b" for image in case.images})
    titles = [e["resource"]["content"]["title"] for e in _by_type(bundle, "Media")]
    assert titles == ["Image 1 — dos, vue éloignée", "Image 2 — dos, vue rapprochée"]


def test_what_the_expert_reads_of_an_image_is_in_french_whatever_the_window_language(store: Store) -> None:
    """Found in review: the words Teleavis writes for the expert were in the window's language: an English
    window sent a French expert « Image 1 — back, far view », « reduced copy », « Reduced copy (…) sent over a
    slow link ». They are in the platform's language, French, whichever the window's."""
    from app import i18n
    from sync.reduced import CopySent, mark_copies

    case = store.get_case(make_case(store, "dermatology"))
    i18n.set_language("en")
    try:
        prepared = prepare_case(case, REQUESTER)
        bundle = prepared.bundle_with({image.id: "b" for image in case.images})
        first = case.images[0]
        copy = CopySent("image/jpeg", 1000, "aGFzaA==", 800, 600)
        mark_copies(bundle, prepared.media_entries, {first.id: copy}, {first.id: 3_800_000})
    finally:
        i18n.set_language("fr")
    media = [entry["resource"] for entry in _by_type(bundle, "Media")]
    assert [m["content"]["title"] for m in media] == [
        "Image 1 — dos, vue éloignée — copie réduite",
        "Image 2 — dos, vue rapprochée",
    ]
    note = media[0]["note"][-1]["text"]
    assert note.startswith("Copie réduite (800 × 600 px") and "(3,8 Mo)" in note, note


def test_missing_binary_id_is_refused(store: Store) -> None:
    case = store.get_case(make_case(store))
    prepared = prepare_case(case, REQUESTER)
    with pytest.raises(MappingError):
        prepared.bundle_with({case.images[0].id: "b1"})
    with pytest.raises(MappingError):
        prepared.bundle_with({i.id: "not an id/" for i in case.images})


def test_fullurls_are_fresh_each_time(store: Store) -> None:
    case = store.get_case(make_case(store))
    first = {e["fullUrl"] for e in prepare_case(case, REQUESTER).bundle["entry"]}
    second = {e["fullUrl"] for e in prepare_case(case, REQUESTER).bundle["entry"]}
    assert not first & second


def test_patient_without_ins_is_conditional_on_the_local_id(store: Store) -> None:
    case = store.get_case(make_case(store, ins=False))
    patient = _by_type(prepare_case(case, REQUESTER).bundle, "Patient")[0]
    assert patient["request"]["ifNoneExist"] == f"identifier={REQUESTER.patient_id_system}|D-2291"


def test_requester_identifiers(store: Store) -> None:
    bundle = prepare_case(store.get_case(make_case(store)), REQUESTER).bundle
    prac = _by_type(bundle, "Practitioner")[0]
    org = _by_type(bundle, "Organization")[0]
    patient = _by_type(bundle, "Patient")[0]
    assert prac["request"]["ifNoneExist"] == "identifier=urn:oid:1.2.250.1.71.4.2.1|810101010105"
    assert org["request"]["ifNoneExist"] == "identifier=https://finess.esante.gouv.fr|750000010"
    # Provisional identity: the INS stays on the workstation, the local id identifies the patient.
    assert patient["request"]["ifNoneExist"] == f"identifier={REQUESTER.patient_id_system}|D-2291"
    assert "150028512345615" not in json.dumps(bundle)
    case = store.get_case(make_case(store))
    case.patient.identity_status = "qualified"
    patient = _by_type(prepare_case(case, REQUESTER).bundle, "Patient")[0]
    assert patient["request"]["ifNoneExist"] == "identifier=urn:oid:1.2.250.1.213.1.4.8|150028512345615"


def test_an_invalid_resource_is_caught_before_sending(store: Store) -> None:
    case = store.get_case(make_case(store))
    case.priority = "whenever"
    with pytest.raises(MappingError, match="ServiceRequest"):
        prepare_case(case, REQUESTER)
    with pytest.raises(MappingError):
        validate_resource({"resourceType": "Media", "status": "completed"})  # content is required
    with pytest.raises(MappingError):
        validate_resource({"resourceType": "Media", "status": "completed", "content": {}, "bogus": 1})
    with pytest.raises(MappingError, match="note"):
        validate_resource(
            {"resourceType": "Media", "status": "completed", "content": {"url": "Binary/1"}, "note": [{"text": " "}]}
        )


@pytest.mark.parametrize(
    ("kind", "element", "target"),
    [("Media", "basedOn", "Patient"), ("ServiceRequest", "requester", "Consent"), ("Task", "focus", None)],
)
def test_a_reference_to_a_type_r4_does_not_allow_there_is_caught_before_sending(
    store: Store, kind: str, element: str, target: str | None
) -> None:
    """A strict server refuses a reference to a type its element does not list (Media.basedOn: ServiceRequest
    or CarePlan); fhir.resources does not look at the target. Task.focus takes any resource."""
    bundle = prepare_case(store.get_case(make_case(store)), REQUESTER).bundle
    urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in bundle["entry"]}
    resource = _by_type(bundle, kind)[0]["resource"]
    reference = {"reference": urls[target or "Consent"]}
    resource[element] = [reference] if isinstance(resource[element], list) else reference
    if target is None:
        validate_bundle(bundle)
        return
    with pytest.raises(MappingError, match=f"{kind}.{element}.*{target}"):
        validate_bundle(bundle)


def test_no_consent_no_bundle(store: Store) -> None:
    case = store.get_case(make_case(store))
    case.consent.given = False
    with pytest.raises(MappingError):
        prepare_case(case, REQUESTER)


def test_reply_bundle(store: Store) -> None:
    case = store.get_case(make_case(store))
    message = Message(id=new_id(), direction="to-expert", text="Voici une vue rapprochée.")
    prepared = prepare_reply(
        case, REQUESTER, message, case.images[:1], task_id="t1", request_id="sr1", expert_message_id="c9"
    )
    bundle = prepared.bundle_with({case.images[0].id: "b7"})
    comm = _by_type(bundle, "Communication")[0]
    assert comm["request"]["ifNoneExist"] == f"identifier=urn:teleavis:message-id|{message.id}"
    res = comm["resource"]
    assert res["inResponseTo"] == [{"reference": "Communication/c9"}]
    assert res["about"] == [{"reference": "Task/t1"}]
    assert res["basedOn"] == [{"reference": "ServiceRequest/sr1"}]
    media_url = _by_type(bundle, "Media")[0]["fullUrl"]
    assert {"contentReference": {"reference": media_url}} in res["payload"]
    validate_bundle(bundle)


def test_location_id() -> None:
    assert mapping.location_id("Binary/abc/_history/1", "Binary") == "abc"
    assert mapping.location_id("http://x/fhir/Task/t-1/_history/3", "Task") == "t-1"
    with pytest.raises(ValueError, match="no Binary"):
        mapping.location_id("Task/1", "Binary")


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(str.strip)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    question=_text, summary=_text, note=_text, site=_text, view=_text, dosage=st.text(max_size=20), urgent=st.booleans()
)
def test_any_complete_case_maps_to_valid_fhir(
    store: Store, question: str, summary: str, note: str, site: str, view: str, dosage: str, urgent: bool
) -> None:
    case_id = store.conn.execute("SELECT id FROM cases LIMIT 1").fetchone()
    case = store.get_case(case_id[0] if case_id else make_case(store, queue=False))
    case.question, case.summary, case.priority = question, summary, "urgent" if urgent else "routine"
    case.treatments[0].dosage = dosage
    case.images[0].note, case.images[0].body_site, case.images[0].view = note, site, view
    prepared = prepare_case(case, REQUESTER)
    validate_bundle(prepared.bundle_with({i.id: "b1" for i in case.images}))


def test_a_single_eye_reason_travels_as_a_second_service_request_note(store: Store) -> None:
    case = store.get_case(make_case(store, "ophthalmology", queue=False))
    case.images = [image for image in case.images if image.eye == "right"]
    case.single_eye_reason = "Énucléation de l'œil gauche (2019)"
    bundle = prepare_case(case, REQUESTER).bundle  # validated as R4 on the way
    sr = _by_type(bundle, "ServiceRequest")[0]["resource"]
    assert sr["note"] == [
        {"text": case.summary.strip()},
        {"text": "Un seul œil photographié, parce que : Énucléation de l'œil gauche (2019)"},
    ]
    assert sr["bodySite"] == [
        {"coding": [{"system": "http://snomed.info/sct", "code": "18944008", "display": "Right eye"}]}
    ]
    case.single_eye_reason = "  "
    sr = _by_type(prepare_case(case, REQUESTER).bundle, "ServiceRequest")[0]["resource"]
    assert sr["note"] == [{"text": case.summary.strip()}]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_single_eye_reason_is_introduced_in_french_whatever_the_window_language(store: Store, lang: str) -> None:
    """Found in review (a sibling of the Media title's words): « Only one eye photographed, because: … » went to
    a French expert from an English window. The words Teleavis adds go in the platform's language."""
    from app import i18n

    case = store.get_case(make_case(store, "ophthalmology", queue=False))
    case.images = [image for image in case.images if image.eye == "right"]
    case.single_eye_reason = "Énucléation de l'œil gauche (2019)"
    i18n.set_language(lang)
    try:
        bundle = prepare_case(case, REQUESTER).bundle
    finally:
        i18n.set_language("fr")
    sr = _by_type(bundle, "ServiceRequest")[0]["resource"]
    assert sr["note"][-1] == {"text": "Un seul œil photographié, parce que : Énucléation de l'œil gauche (2019)"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_specialty_is_named_in_french_whatever_the_window_language(store: Store, lang: str) -> None:
    """Found reviewing words36 (a sibling of the single-eye note it moved to French): the ServiceRequest's
    code named the specialty in the window's language, « Dermatology » to a French expert from an English
    window. Its words go in the platform's language, as the form's questions do."""
    from app import i18n

    case = store.get_case(make_case(store, "dermatology", queue=False))
    i18n.set_language(lang)
    try:
        bundle = prepare_case(case, REQUESTER).bundle
    finally:
        i18n.set_language("fr")
    sr = _by_type(bundle, "ServiceRequest")[0]["resource"]
    assert sr["code"]["text"] == "Dermatologie"


def test_a_file_number_holding_a_control_character_is_looked_up_as_it_is_sent(store: Store) -> None:
    """Found in review: the Patient left with its file number cleaned of a control character (a strict
    server refuses one), while its conditional create, and the look-up before the send, named it as typed:
    the platform would never find the Patient it holds under that number, and would make another at each
    case of that patient."""
    case = store.get_case(make_case(store, ins=False))
    case.patient.local_id = "D-22\x0191"
    patient = _by_type(prepare_case(case, REQUESTER).bundle, "Patient")[0]
    [sent] = [i["value"] for i in patient["resource"]["identifier"] if i["system"] == REQUESTER.patient_id_system]
    assert sent == "D-2291"
    assert patient["request"]["ifNoneExist"] == f"identifier={REQUESTER.patient_id_system}|{sent}"
    assert mapping.patient_identifier(case, REQUESTER) == (REQUESTER.patient_id_system, sent)


def test_a_file_number_of_control_characters_only_is_no_identifier(store: Store) -> None:
    """Cleaned, it is empty: ``system|`` would match every patient of the site."""
    case = store.get_case(make_case(store, ins=False))
    case.patient.local_id = "\x01\x02"
    with pytest.raises(MappingError):
        mapping.patient_identifier(case, REQUESTER)
