"""From a case to the FHIR R4 resources of the expertise contract (docs/platform-api.md §2–§5).

Pure functions: no network, no store. ``prepare_case`` builds the whole transaction Bundle of §3,
every create conditional on its business identifier, with fresh ``urn:uuid:`` fullUrls, and
validates every resource against the R4 models of ``fhir.resources`` before anything is sent.
The Media's ``content.url`` holds a placeholder until the image's Binary id is known;
``PreparedCase.bundle_with`` fills it in at run time.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from app import forms
from app import messages as M
from app.case_record import note_words
from app.identifiers import ins_system, normalize_ins
from app.messages import specialty_name
from app.model import Case, CaseImage, Message, Requester, iso, utc_now
from app.moments import fhir_date_time
from app.report_text import view_words
from sync import codes as C
from sync import frcore
from sync.codes import (
    ACT_SYSTEM,
    CONSENT_SYSTEM,
    DICOM,
    EYE_CODES,
    FINESS_DIRECTORY,
    FINESS_SYSTEM,
    FORM_SYSTEM,
    IMAGE_SYSTEM,
    MESSAGE_SYSTEM,
    ROLE_SYSTEM,
    RPPS_DIRECTORY,
    RPPS_SYSTEM,
    SNOMED,
    SPECIALTY_SYSTEM,
    TREATMENT_SYSTEM,
)
from sync.codes import CASE_SYSTEM as CASE_SYSTEM  # re-exported: sync.follow reads it here

#: What ``content.url`` holds until the image is uploaded (a valid uri, never sent).
PLACEHOLDER = "Binary/pending"
#: The language of what Teleavis writes for the expert (a Media's title and notes): the platform's, French.
PLATFORM_LANGUAGE = "fr"


def platform_words(key: str, /, **params: object) -> str:
    """A catalogue message as the platform's expert reads it (:data:`PLATFORM_LANGUAGE`), whatever the window's
    language: every word Teleavis itself writes into what it sends (found in review: a Media's title, the
    single-eye note and the cancellation's reason went in English from an English window)."""
    return M.CATALOGUE.tr_in(key, PLATFORM_LANGUAGE, **params)


#: Said to the expert (in the platform's language) of a photo whose file gave no capture time: its
#: ``createdDateTime``, which the contract requires, is then the time of its import.
TIME_UNKNOWN_NOTE = (
    "Date de prise de vue inconnue (le fichier ne la donne pas) : la date indiquée est celle de son import."
)

M.add(
    {
        # ServiceRequest.note[1]: why a retinography shows one eye only (note[0] is the clinical summary).
        "fhir.single_eye": {
            "fr": "Un seul œil photographié, parce que : {reason}",
            "en": "Only one eye photographed, because: {reason}",
        },
    }
)
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


class MappingError(ValueError):
    """A case the mapping cannot turn into valid FHIR: a bug (the checklist should have caught it)."""


def is_fhir_id(value: str) -> bool:
    return bool(_FHIR_ID.match(value))


#: Characters FHIR search gives a meaning inside a token (``a,b`` is "a or b"), escaped with ``\``.
_SEARCH_SPECIAL = re.compile(r"([\\|,$])")
#: What stays literal in the query string (the rest is percent-encoded, as in any URL).
_QUERY_SAFE = ":/.-_~"


def search_token(text: str) -> str:
    """``text`` as one literal part of a token search parameter: FHIR's escapes, then percent-encoding."""
    return quote(_SEARCH_SPECIAL.sub(r"\\\1", text), safe=_QUERY_SAFE)


def token_value(system: str, value: str) -> str:
    """``system|value`` as a token search parameter's value, FHIR's escapes made (not percent-encoded:
    for a client that encodes the query itself)."""
    return "|".join(_SEARCH_SPECIAL.sub(r"\\\1", part) for part in (system, value))


def conditional(system: str, value: str) -> str:
    """The ``ifNoneExist`` of a conditional create on one identifier. A site's local id is typed by
    people ("12,5", "A&B", "n° 7"): unescaped, a comma would make the server match either half (another
    patient), an ampersand would start another parameter."""
    return f"identifier={search_token(system)}|{search_token(value)}"


#: R4 strings hold no character below 32 but tab, CR and LF (http://hl7.org/fhir/R4/datatypes.html#primitive,
#: the string regex ``[ \r\n\t\S]+``): a strict server refuses the case for one. Text pasted from a word
#: processor brings its line breaks as vertical tabs, from a PDF its page breaks as form feeds; a camera
#: pads its model with NULs. The breaks leave as line breaks, the other controls as nothing; so does DEL, a
#: control too (a terminal's backspace; found by a conformance pass: a reply holding one went out as it was,
#: which the strict reading refuses, as a platform filing the request as XML 1.1 or CDA does). So do, found in
#: review, the C1 controls XML 1.1 takes only escaped (U+0080 to U+009F, NEL leaving as a line break, which it
#: is there), U+FFFE and U+FFFF, and a lone surrogate (half an emoji pasted broken): no XML carries those (.NET's
#: and Java's XML writers refuse them), and the last made the case refused as « not valid FHIR R4 ».
_BREAKS = re.compile(r"[\x0b\x0c\x1c-\x1e\x85]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def fhir_text(text: str) -> str:
    """``text`` as a FHIR string holds it: no control character but tab, CR and LF, no character XML cannot
    carry."""
    return _CONTROLS.sub("", _BREAKS.sub("\n", text))


def _fhir_strings(value: Any) -> Any:
    """``value`` with every string made a FHIR string, and what that alone left empty taken out (FHIR JSON
    has no empty string, array or object: a note that was only a NUL goes as no note). What was empty
    before stays, for the validation to name."""
    if isinstance(value, str):
        return fhir_text(value)
    if isinstance(value, list):
        return [kept for item in value if not _emptied(item, kept := _fhir_strings(item))]
    if isinstance(value, dict):
        return {key: kept for key, item in value.items() if not _emptied(item, kept := _fhir_strings(item))}
    return value


def _emptied(before: Any, after: Any) -> bool:
    """Whether cleaning the strings made ``before`` empty."""

    def blank(value: Any) -> bool:
        return isinstance(value, str | list | dict) and not (value.strip() if isinstance(value, str) else value)

    return blank(after) and not blank(before)


def _identifier(system: str, value: str) -> list[dict[str, str]]:
    return [{"system": system, "value": value}]


class _Entries:
    """Bundle entries with fresh fullUrls that never equal an identifier value."""

    def __init__(self, avoid: Iterable[str]) -> None:
        self.avoid = {v.lower() for v in avoid}
        self.entries: list[dict[str, Any]] = []

    def fresh(self) -> str:
        while True:
            value = str(uuid.uuid4())
            if value not in self.avoid:
                self.avoid.add(value)
                return "urn:uuid:" + value

    def add(self, resource: dict[str, Any], system: str, value: str) -> str:
        """``resource`` created unless one with this identifier exists, under a fresh fullUrl; the fullUrl."""
        return self.put(self.fresh(), resource, system, value)

    def put(self, full_url: str, resource: dict[str, Any], system: str, value: str) -> str:
        """``add`` under a fullUrl taken before (``fresh``: one the resources before it already point to)."""
        self.entries.append(
            {
                "fullUrl": full_url,
                "resource": _fhir_strings(resource),
                "request": {
                    "method": "POST",
                    "url": resource["resourceType"],
                    # The identifier as the resource carries it, cleaned as FHIR strings are.
                    "ifNoneExist": conditional(system, fhir_text(value)),
                },
            }
        )
        return full_url


def _type(system: str, code: str, display: str = "") -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, **({"display": display} if display else {})}]}


def ins_identifier(case: Case, *, training: bool = False) -> tuple[str, str] | None:
    """(system, value) of the INS that goes to the platform, or None: only a qualified identity's
    INS leaves the workstation (RNIV). In training mode it goes as the INS of a fictitious test
    patient (the INS-NIR-TEST OID), which the training platform takes and a real one refuses."""
    p = case.patient
    if not (p.ins_sent() and p.ins):
        return None
    return ins_system(p.ins, training=training), normalize_ins(p.ins)


def patient_identifier(case: Case, requester: Requester, *, training: bool = False) -> tuple[str, str]:
    """(system, value) the Patient is conditional on: the INS when it is sent, else the site's local id."""
    sent = ins_identifier(case, training=training)
    if sent:
        return sent
    # As the Patient carries it (``fhir_text``): its look-up and conditional create must name the same, and
    # never an empty value (``system|`` would match every patient of the site).
    local_id = fhir_text(case.patient.local_id or "").strip()
    if local_id and requester.patient_id_system:
        return requester.patient_id_system, local_id
    raise MappingError("the patient has neither a qualified INS nor a local id")


def _reliability(case: Case, *, ins: bool) -> dict[str, Any]:
    """FR Core's identity-reliability extension: the status always, the document and date when known (for a
    validated or qualified identity).
    With the INS (fr-core-patient-ins), the document only when that profile's value set has it: another
    (a residence permit) stays in the case here and is not sent, the validation mode being optional."""
    p = case.patient
    modes = C.VALIDATION_MODES_INS if ins else C.VALIDATION_MODES
    parts: list[dict[str, Any]] = [
        {
            "url": "identityStatus",
            "valueCoding": {
                "system": C.CS_IDENTITY_STATUS,
                "code": C.IDENTITY_STATUS_CODES.get(p.identity_status, "PROV"),
            },
        }
    ]
    # A provisional or recovered identity rests on no ID document checked (RNIV): a document and date kept from
    # before (a trait corrected, the status fallen back; or given beside it in a case file) stay in the case,
    # never sent as a check the status says was not done.
    checked = p.identity_status in ("validated", "qualified")
    if checked and p.identity_document in modes:
        parts.append(
            {"url": "validationMode", "valueCoding": {"system": C.CS_VALIDATION_MODE, "code": p.identity_document}}
        )
    if checked and p.identity_checked_on:
        parts.append({"url": "validationDate", "valueDate": p.identity_checked_on})
    return {"url": C.EXT_IDENTITY_RELIABILITY, "extension": parts}


def _patient(case: Case, requester: Requester, *, training: bool = False) -> tuple[dict[str, Any], str, str]:
    """The Patient as FR Core wants it: fr-core-patient-ins when the INS is sent, else fr-core-patient."""
    system, value = patient_identifier(case, requester, training=training)
    p = case.patient
    ins = ins_identifier(case, training=training)
    identifiers: list[dict[str, Any]] = []
    if ins:
        identifiers.append(
            {
                "use": C.INS_USES[ins[0]],
                "type": _type(C.FR_V2_0203, C.INS_SLICES[ins[0]]),
                "system": ins[0],
                "value": ins[1],
            }
        )
    if p.local_id and p.local_id.strip() and requester.patient_id_system:
        identifiers.append(
            {
                "use": "usual",
                # As fr-core-patient's PI slice fixes it (display included), so the identifier falls in it.
                "type": _type(C.V2_0203, C.TYPE_PI, C.TYPE_PI_DISPLAY),
                "system": requester.patient_id_system,
                "value": p.local_id.strip(),
            }
        )
    profile = C.PROFILE_PATIENT_INS if ins else C.PROFILE_PATIENT
    extensions = [_reliability(case, ins=bool(ins))]
    if p.birth_place:
        # FR Core: the birth place's INSEE code (commune, or 99 + country), for either profile.
        insee = {"system": C.TRE_R13_COMMUNE_OM, "code": p.birth_place}
        extensions.append(
            {
                "url": C.EXT_BIRTH_PLACE,
                "valueAddress": {"extension": [{"url": C.EXT_ADDRESS_INSEE_CODE, "valueCoding": insee}]},
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "meta": {"profile": [profile]},
        "extension": extensions,
        "identifier": identifiers,
    }
    name: dict[str, Any] = {"use": "official"}
    # With the INS, the birth name and birth given names are its traits, written as the INSi teleservice
    # writes them: in capitals without accents (« LEVEQUE », « JEAN-NOEL »). They went as typed (« LÉVÊQUE »,
    # « Jean-Noël »), traits the national identity does not hold beside its number. Without the INS, as the
    # window and the PDF show them: the birth name in capitals (a name typed in lower case reached the
    # expert's letter as typed), accents kept.
    family, given = p.names_sent(with_ins=ins is not None)  # (a DICOM header sent is written by the same rule)
    if family:
        name["family"] = family
    if given:
        # FR Core: the first given name, and every given name of the birth certificate in the list.
        name["given"] = given[:1]
        name["extension"] = [{"url": C.EXT_BIRTH_LIST_GIVEN_NAME, "valueString": " ".join(given)}]
    names = [name] if len(name) > 1 else []
    if used := p.used_name_shown():
        # FR Core's usualName, sent only when there is one (a spouse's name): its family alone. Its
        # given names would be the « prénom utilisé », which Teleavis does not collect; the birth name
        # above stays as it is (officialName, never altered).
        names.append({"use": "usual", "family": used})
    if names:
        resource["name"] = names
    if p.sex:
        resource["gender"] = p.sex
    if p.birth_date:
        resource["birthDate"] = p.birth_date
    return resource, system, value


def _practitioner(requester: Requester) -> tuple[dict[str, Any], str]:
    """fr-core-practitioner: national id (IDNPS, ``8`` + RPPS) and the RPPS; conditional on the first.
    A professional not in the RPPS: ``0`` + ADELI and the ADELI (FR Core's adeli slice, type ADELI)."""
    if requester.rpps:
        value, own = "8" + requester.rpps, (C.TYPE_RPPS, RPPS_DIRECTORY, requester.rpps)
    else:
        value, own = "0" + requester.adeli, (C.TYPE_ADELI, C.ADELI_DIRECTORY, requester.adeli)
    name: dict[str, Any] = {"family": requester.family}
    if requester.given:
        name["given"] = list(requester.given)
    practitioner = {
        "resourceType": "Practitioner",
        "meta": {"profile": [C.PROFILE_PRACTITIONER]},
        "identifier": [
            {"use": "official", "type": _type(C.FR_V2_0203, C.TYPE_IDNPS), "system": RPPS_SYSTEM, "value": value},
            {"use": "official", "type": _type(C.FR_V2_0203, own[0]), "system": own[1], "value": own[2]},
        ],
        "name": [name],
    }
    return practitioner, value


def _organization(requester: Requester) -> tuple[dict[str, Any], str, str]:
    """fr-core-organization: the FINESS (a geographic entity) and the national structure id, ``1`` +
    FINESS; conditional on the FINESS. A structure without FINESS: ``3`` + SIRET (or ``2`` + SIREN) and
    the SIRET or SIREN itself (FR Core's siret and siren slices); conditional on the national id, the one
    identifier whose value names its kind. Returns the resource and the (system, value) it is conditional on."""
    if requester.finess:
        own, national = (C.TYPE_FINEG, FINESS_DIRECTORY, requester.finess), "1" + requester.finess
    elif requester.siret:
        own, national = (C.TYPE_SIRET, C.SIRENE_SYSTEM, requester.siret), "3" + requester.siret
    else:
        own, national = (C.TYPE_SIREN, C.SIRENE_SYSTEM, requester.siren), "2" + requester.siren
    resource = {
        "resourceType": "Organization",
        "meta": {"profile": [C.PROFILE_ORGANIZATION]},
        "identifier": [
            {"use": "official", "type": _type(C.FR_V2_0203, own[0]), "system": own[1], "value": own[2]},
            {"use": "official", "type": _type(C.FR_V2_0203, C.TYPE_IDNST), "system": FINESS_SYSTEM, "value": national},
        ],
        "name": requester.organization,
    }
    key = (FINESS_DIRECTORY, requester.finess) if requester.finess else (FINESS_SYSTEM, national)
    return resource, *key


def role_identifier(requester: Requester) -> str:
    return f"{requester.professional_number}-{requester.structure_number}"


def _coded_role(role: str, table: tuple[tuple[str, tuple[str, str]], ...], system: str) -> dict[str, Any] | None:
    words = role.lower()
    for needle, (code, display) in table:
        if needle in words:
            return {"coding": [{"system": system, "code": code, "display": display}], "text": role.strip()}
    return None


def _practitioner_role(requester: Requester, prac_ref: str, org_ref: str) -> dict[str, Any]:
    """fr-core-practitioner-role: the requester at the requesting site, with the profession (TRE-G15)
    and ordinal specialty (TRE-R38) when the site file's role names them, else the role in words."""
    resource: dict[str, Any] = {
        "resourceType": "PractitionerRole",
        "meta": {"profile": [C.PROFILE_PRACTITIONER_ROLE]},
        "identifier": _identifier(ROLE_SYSTEM, role_identifier(requester)),
        "active": True,
        "practitioner": {"reference": prac_ref},
        "organization": {"reference": org_ref},
    }
    role = requester.role.strip()
    if role:
        profession = _coded_role(role, C.PROFESSIONS, C.TRE_G15)
        resource["code"] = [profession or {"text": role}]
        physician = profession is not None and profession["coding"][0]["code"] == C.PHYSICIAN
        specialty = _coded_role(role, C.ROLE_SPECIALTIES, C.TRE_R38) if physician else None
        if specialty:
            resource["specialty"] = [specialty]
    return resource


def _body_sites(images: list[CaseImage]) -> list[dict[str, Any]]:
    """The request's body sites, one CodeableConcept each: the codings of one concept are the same
    site in other code systems, so both eyes in one would be read as the right eye alone."""
    eyes = [e for e in dict.fromkeys(i.eye for i in images) if e in EYE_CODES]
    if eyes:
        return [{"coding": [{"system": SNOMED, "code": EYE_CODES[e][0], "display": EYE_CODES[e][1]}]} for e in eyes]
    return [{"text": site} for site in dict.fromkeys(i.body_site.strip() for i in images) if site]


def media_resource(
    image: CaseImage, position: int, patient_ref: str, request_ref: str, binary_url: str = PLACEHOLDER
) -> dict[str, Any]:
    """The Media of one image (§3), its content pointing at ``binary_url``."""
    modality = "OP" if image.modality == "OP" or image.eye else "XC"
    resource: dict[str, Any] = {
        "resourceType": "Media",
        "identifier": _identifier(IMAGE_SYSTEM, image.id),
        "basedOn": [{"reference": request_ref}],
        "status": "completed",
        "type": {"coding": [{"system": C.MEDIA_TYPE_SYSTEM, "code": C.MEDIA_IMAGE}]},
        "modality": {"coding": [{"system": DICOM, "code": modality}]},
        "subject": {"reference": patient_ref},
    }
    created = fhir_date_time(image.captured_at)  # images stored before times carried their zone
    if created:
        resource["createdDateTime"] = created
    if image.eye in EYE_CODES:
        code, display = EYE_CODES[image.eye]
        resource["bodySite"] = {"coding": [{"system": SNOMED, "code": code, "display": display}]}
    elif image.body_site.strip():
        resource["bodySite"] = {"text": image.body_site.strip()}
    if image.view.strip():
        resource["view"] = {"text": image.view.strip()}
    if image.device.strip():
        resource["deviceName"] = image.device.strip()
    if image.height > 0:
        resource["height"] = image.height
    if image.width > 0:
        resource["width"] = image.width
    # The title is for the expert to read, in words (found from outside: « Image 1 — far — copie réduite »).
    # In the platform's language, French, whatever the window's (found in review: « back, far view » sent from an
    # English window to a French expert).
    title = f"Image {position + 1} — {view_words(image, PLATFORM_LANGUAGE)}"
    resource["content"] = {
        "contentType": image.content_type,
        "url": binary_url,
        "size": image.size,
        "hash": image.sha1,
        "title": title,
    }
    # In the platform's language (a reply photo's note stored by an English window before: in French too).
    notes = [note_words(image.note.strip(), PLATFORM_LANGUAGE)] if image.note.strip() else []
    if image.time_unknown:
        # The contract wants a time: the expert is told it is not when the photo was taken.
        notes.append(TIME_UNKNOWN_NOTE)
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    return resource


@dataclass
class PreparedCase:
    """The validated transaction Bundle of one case, Binary urls still to be filled."""

    case_id: str
    bundle: dict[str, Any]
    #: image id → index of its Media entry in ``bundle["entry"]``.
    media_entries: dict[str, int] = field(default_factory=dict)

    def bundle_with(self, binary_ids: Mapping[str, str]) -> dict[str, Any]:
        """A copy of the bundle with every Media pointing at its uploaded Binary."""
        bundle = copy.deepcopy(self.bundle)
        for image_id, index in self.media_entries.items():
            binary_id = binary_ids.get(image_id)
            if not binary_id or not is_fhir_id(binary_id):
                raise MappingError(f"image {image_id} has no valid Binary id")
            bundle["entry"][index]["resource"]["content"]["url"] = f"Binary/{binary_id}"
        return bundle


def prepare_case(
    case: Case,
    requester: Requester,
    *,
    validate: bool = True,
    training: bool = False,
    audit_head: str | None = None,
) -> PreparedCase:
    """The whole transaction Bundle of §3 for ``case``, validated (``MappingError`` when invalid).

    ``training``: the platform is the training sandbox, so a qualified INS goes as a test INS.
    ``audit_head``: the workstation's audit head (``app.audit.current_witness``), tagged on the Task."""
    if not case.consent.given:
        raise MappingError("no consent, no sending")
    if not case.images:
        raise MappingError("a case needs at least one image")
    avoid = [case.id, case.consent.id, case.form_id, *(i.id for i in case.images), *(t.id for t in case.treatments)]
    entries = _Entries(avoid)
    patient, p_system, p_value = _patient(case, requester, training=training)
    patient_ref = entries.add(patient, p_system, p_value)
    practitioner, rpps_value = _practitioner(requester)
    prac_ref = entries.add(practitioner, RPPS_SYSTEM, rpps_value)
    org_ref = entries.add(*_organization(requester))
    # The requester at the requesting site (docs/platform-api.md §3): the ServiceRequest's requester.
    role_ref = entries.add(_practitioner_role(requester, prac_ref, org_ref), ROLE_SYSTEM, role_identifier(requester))
    # The ServiceRequest and the Task refer to each other's fullUrls: reserve them first.
    request_ref, task_ref = entries.fresh(), entries.fresh()
    authored = case.created_at or iso(utc_now())
    supporting: list[dict[str, str]] = []
    media_positions: dict[str, int] = {}
    later: list[tuple[dict[str, Any], str, str]] = []
    for position, image in enumerate(case.images):
        media_positions[image.id] = len(later)
        later.append((media_resource(image, position, patient_ref, request_ref), IMAGE_SYSTEM, image.id))
    for treatment in case.treatments:
        statement: dict[str, Any] = {
            "resourceType": "MedicationStatement",
            "identifier": _identifier(TREATMENT_SYSTEM, treatment.id),
            "status": "active",
            "medicationCodeableConcept": {"text": treatment.name.strip()},
            "subject": {"reference": patient_ref},
        }
        if treatment.dosage.strip():
            statement["dosage"] = [{"text": treatment.dosage.strip()}]
        later.append((statement, TREATMENT_SYSTEM, treatment.id))
    # The person who recorded the consent (a nurse, often, requesting on the physician's behalf) is the
    # consent's performer and the form's author (cli.md). Known by name only, they travel as a
    # Practitioner contained in each resource; the requester stays the site's practitioner.
    recorder = case.consent.recorded_by.strip()
    contained: list[dict[str, Any]] = []
    consent_by: dict[str, Any] = {"reference": prac_ref}
    if recorder:
        contained = [{"resourceType": "Practitioner", "id": "recorder", "name": [{"text": recorder}]}]
        consent_by = {"reference": "#recorder", "display": recorder}
    later.append(
        (
            {
                "resourceType": "Consent",
                **({"contained": contained} if contained else {}),
                "identifier": _identifier(CONSENT_SYSTEM, case.consent.id),
                "status": "active",
                "scope": {"coding": [{"system": C.CONSENT_SCOPE_SYSTEM, "code": C.CONSENT_SCOPE}]},
                "category": [{"coding": [{"system": C.LOINC, "code": C.CONSENT_CATEGORY}]}],
                "patient": {"reference": patient_ref},
                "dateTime": case.consent.date,
                "performer": [consent_by],
                "organization": [{"reference": org_ref}],
                "policyRule": {"coding": [{"system": C.ACT_CODE_SYSTEM, "code": C.CONSENT_POLICY}]},
            },
            CONSENT_SYSTEM,
            case.consent.id,
        )
    )
    try:
        items = forms.response_items(case.specialty, case.form)
    except ValueError as exc:
        raise MappingError(str(exc)) from exc
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        **({"contained": contained} if contained else {}),
        "identifier": {"system": FORM_SYSTEM, "value": case.form_id},
        "questionnaire": forms.form_url(case.specialty),
        "status": "completed",
        "subject": {"reference": patient_ref},
        "authored": authored,
        "author": consent_by,
    }
    if items:
        response["item"] = items
    later.append((response, FORM_SYSTEM, case.form_id))
    later_refs = [entries.fresh() for _ in later]
    supporting = [{"reference": ref} for ref in later_refs]
    specialty = {
        "coding": [{"system": SPECIALTY_SYSTEM, "code": case.specialty}],
        "text": specialty_name(case.specialty, PLATFORM_LANGUAGE),  # (the expert's language, as the form's)
    }
    service_request: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "identifier": _identifier(CASE_SYSTEM, case.id),
        "status": "active",
        "intent": "order",
        "category": [{"coding": [{"system": ACT_SYSTEM, "code": C.ACT_TELEEXPERTISE}]}],
        "priority": case.priority,
        "code": specialty,
        "subject": {"reference": patient_ref},
        "authoredOn": authored,
        "requester": {"reference": role_ref},
        "reasonCode": [{"text": case.question.strip()}],
        "note": [{"text": case.summary.strip()}],
        "supportingInfo": supporting,
    }
    if case.single_eye_reason.strip():
        service_request["note"].append(
            {"text": platform_words("fhir.single_eye", reason=case.single_eye_reason.strip())}
        )
    body_sites = _body_sites(case.images)
    if body_sites:
        service_request["bodySite"] = body_sites
    task: dict[str, Any] = {
        "resourceType": "Task",
        "identifier": _identifier(CASE_SYSTEM, case.id),
        "status": "requested",
        "intent": "order",
        "priority": case.priority,
        "code": {"coding": [{"system": C.TASK_CODE_SYSTEM, "code": C.TASK_FULFILL}]},
        "focus": {"reference": request_ref},
        "for": {"reference": patient_ref},
        "authoredOn": authored,
        # docs/platform-api.md §4: the Task's requester is the practitioner (the ServiceRequest's role is theirs).
        "requester": {"reference": prac_ref},
    }
    tag_audit_head(task, audit_head)
    entries.put(request_ref, service_request, CASE_SYSTEM, case.id)
    entries.put(task_ref, task, CASE_SYSTEM, case.id)
    first_later = len(entries.entries)
    for full_url, (resource, system, value) in zip(later_refs, later, strict=True):
        entries.put(full_url, resource, system, value)
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries.entries}
    prepared = PreparedCase(case.id, bundle, {i: first_later + n for i, n in media_positions.items()})
    if validate:
        validate_bundle(bundle)
    return prepared


def prepare_reply(
    case: Case,
    requester: Requester,
    message: Message,
    images: list[CaseImage],
    *,
    task_id: str,
    request_id: str,
    expert_message_id: str | None,
    patient_id: str | None = None,
    validate: bool = True,
    training: bool = False,
    audit_head: str | None = None,
) -> PreparedCase:
    """The transaction of the requester's answer to the expert (§4): new Media, then the Communication
    (tagged with ``audit_head``, as the Task is)."""
    entries = _Entries([case.id, message.id, *(i.id for i in images)])
    if patient_id:
        # The Patient the platform filed the case under (the Task's ``for``): created again on its
        # identifier, it could match two Patients (one provisional, one qualified) and be refused
        # with 412 for ever, the reply never sent.
        patient_ref = f"Patient/{patient_id}"
    else:
        patient, p_system, p_value = _patient(case, requester, training=training)
        patient_ref = entries.add(patient, p_system, p_value)
    practitioner, rpps_value = _practitioner(requester)
    prac_ref = entries.add(practitioner, RPPS_SYSTEM, rpps_value)
    request_ref = f"ServiceRequest/{request_id}"
    media_entries: dict[str, int] = {}
    media_refs: list[str] = []
    for position, image in enumerate(images):
        media_entries[image.id] = len(entries.entries)
        media_refs.append(
            entries.add(media_resource(image, position, patient_ref, request_ref), IMAGE_SYSTEM, image.id)
        )
    payload: list[dict[str, Any]] = []
    if message.text.strip():
        payload.append({"contentString": message.text.strip()})
    payload.extend({"contentReference": {"reference": ref}} for ref in media_refs)
    communication: dict[str, Any] = {
        "resourceType": "Communication",
        "identifier": _identifier(MESSAGE_SYSTEM, message.id),
        "basedOn": [{"reference": request_ref}],
        "status": "completed",
        "subject": {"reference": patient_ref},
        "about": [{"reference": f"Task/{task_id}"}],
        "sent": message.sent_at or iso(utc_now()),
        "sender": {"reference": prac_ref},
        "payload": payload,
    }
    if expert_message_id:
        communication["inResponseTo"] = [{"reference": f"Communication/{expert_message_id}"}]
    tag_audit_head(communication, audit_head)
    entries.add(communication, MESSAGE_SYSTEM, message.id)
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries.entries}
    if validate:
        validate_bundle(bundle)
    return PreparedCase(case.id, bundle, media_entries)


def tag_audit_head(resource: dict[str, Any], audit_head: str | None) -> None:
    """Put the workstation's audit head in ``meta.tag`` (base R4: a Coding, no profile, no extension),
    in place of any earlier one of ours; nothing when there is no head. The platform keeps it and gives
    it back when the resource is read, so it witnesses how far the audit trail had gone."""
    if not audit_head:
        return
    found = resource.get("meta")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    tags = [t for t in meta.get("tag") or [] if not (isinstance(t, dict) and t.get("system") == C.AUDIT_HEAD_SYSTEM)]
    resource["meta"] = {**meta, "tag": [*tags, {"system": C.AUDIT_HEAD_SYSTEM, "code": audit_head}]}


def audit_heads(resource: Any) -> list[str]:
    """The audit-head codes a resource read from the platform carries (none when it has no such tag)."""
    meta = resource.get("meta") if isinstance(resource, dict) else None
    tags = meta.get("tag") if isinstance(meta, dict) else None
    return [
        t["code"]
        for t in (tags if isinstance(tags, list) else [])
        if isinstance(t, dict) and t.get("system") == C.AUDIT_HEAD_SYSTEM and isinstance(t.get("code"), str)
    ]


#: Every resource type the requester sends or reads (the sandbox validates the same ones).
MODEL_TYPES = (
    "Bundle",
    "Patient",
    "Practitioner",
    "Organization",
    "PractitionerRole",
    "ServiceRequest",
    "Task",
    "Consent",
    "Media",
    "MedicationStatement",
    "QuestionnaireResponse",
    "Communication",
    "DiagnosticReport",
    "OperationOutcome",
)


def warm_up() -> None:
    """Build the R4 models now. Building one holds the interpreter for up to ~40 ms at a time, which
    would stall the window if it happened while a case is being sent; the sync worker calls this
    when it starts."""
    from fhir.resources.R4B import get_fhir_model_class

    for kind in MODEL_TYPES:
        get_fhir_model_class(kind)


def validate_resource(resource: Mapping[str, Any]) -> None:
    """Check one resource against the R4 model and the codes of its required bindings
    (``MappingError`` naming the element when invalid)."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    kind = resource.get("resourceType")
    if not isinstance(kind, str):
        raise MappingError("resource without resourceType")
    empty = _first_empty(resource, kind)
    if empty:
        raise MappingError(f"{empty}: FHIR JSON allows no null, empty string, array or object")
    # The messages name the elements and what is wrong, never the values: they end up in the log,
    # and a value here can be the patient's name or birth date.
    try:
        model = get_fhir_model_class(kind)
        model.model_validate(dict(resource))
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['type']}"
            for e in exc.errors(include_url=False, include_context=False, include_input=False)
        )
        raise MappingError(f"{kind} is not valid FHIR R4: {where}") from None
    except (KeyError, ValueError) as exc:
        raise MappingError(f"{kind} is not valid FHIR R4 ({type(exc).__name__})") from None
    for element, codes in C.REQUIRED_CODES.get(kind, {}).items():
        value = resource.get(element)
        if value is not None and value not in codes:
            raise MappingError(f"{kind}.{element}: not a code of its required value set")
    problems = frcore.check(dict(resource))
    if problems:  # the elements only: the platform's sentences may quote an identifier
        raise MappingError(f"{kind} breaks FR Core at " + ", ".join(f"{kind}.{path}" for path, _ in problems))


def _first_empty(value: Any, path: str) -> str | None:
    """The path of the first null or empty value, which FHIR JSON forbids and the models let pass."""
    if value is None or (
        isinstance(value, str | list | dict) and not (value.strip() if isinstance(value, str) else value)
    ):
        return path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _first_empty(item, f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]")
        if found:
            return found
    return None


def validate_bundle(bundle: Mapping[str, Any]) -> None:
    """The Bundle and (the models do not look inside ``entry.resource``) each resource in it, and the type
    each reference points to (its entry's, its contained resource's, ``Type/id``'s)."""
    shell = {**bundle, "entry": [{k: v for k, v in e.items() if k != "resource"} for e in bundle["entry"]]}
    validate_resource(shell)
    seen: set[str] = set()
    for entry in bundle["entry"]:
        full_url = entry["fullUrl"]
        if full_url in seen or not full_url.startswith("urn:uuid:"):
            raise MappingError("fullUrls must be fresh urn:uuid: values")
        seen.add(full_url)
        validate_resource(entry["resource"])
    kinds = {e["fullUrl"]: e["resource"]["resourceType"] for e in bundle["entry"]}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        contained = {str(c.get("id")): c.get("resourceType") for c in resource.get("contained") or []}
        for where, reference, allowed in typed_references(resource):
            literal = _LITERAL_REFERENCE.fullmatch(reference)
            target = (
                contained.get(reference[1:])
                if reference.startswith("#")
                else kinds.get(reference, literal.group(1) if literal else None)
            )
            if target is not None and target not in allowed:
                raise MappingError(f"{where}: a reference to {target}, where R4 allows {', '.join(allowed)}")


_LITERAL_REFERENCE = re.compile(r"([A-Z][A-Za-z]+)/[A-Za-z0-9\-.]{1,64}(/_history/[A-Za-z0-9\-.]{1,64})?")


def typed_references(resource: Mapping[str, Any]) -> Iterable[tuple[str, str, list[str]]]:
    """(path, reference, the types R4 allows) of each Reference in ``resource`` whose element does not take
    any resource, walking the R4B model's fields (``enum_reference_types``); the sandbox checks the same."""
    from fhir.resources.R4B import get_fhir_model_class

    def walk(value: Any, cls: Any, at: str) -> Iterable[tuple[str, str, list[str]]]:
        fields = {(f.alias or name): f for name, f in cls.model_fields.items()}
        for key, item in value.items():
            found = fields.get(key)
            if found is None or key in ("contained", "resourceType"):
                continue
            kind = _model_class(found.annotation, cls)
            if kind is None:
                continue
            for n, one in enumerate(item if isinstance(item, list) else [item]):
                here = f"{at}.{key}[{n}]" if isinstance(item, list) else f"{at}.{key}"
                if not isinstance(one, dict):
                    continue
                if kind.__name__ == "Reference":
                    extra = found.json_schema_extra if isinstance(found.json_schema_extra, dict) else {}
                    allowed = extra.get("enum_reference_types")
                    if (
                        isinstance(one.get("reference"), str)
                        and isinstance(allowed, list)
                        and "Resource" not in allowed
                    ):
                        yield here, one["reference"], [str(a) for a in allowed]
                yield from walk(one, kind, here)

    kind = str(resource["resourceType"])
    yield from walk(resource, get_fhir_model_class(kind), kind)


def _model_class(annotation: Any, near: Any) -> Any:
    """The model class of a field's complex type (``Optional`` and ``List`` taken off; a backbone element
    found beside its resource), or None for a primitive."""
    import sys
    import typing

    from fhir.resources.R4B import get_fhir_model_class

    while typing.get_origin(annotation) is not typing.Annotated and (args := typing.get_args(annotation)):
        annotation = next((a for a in args if a is not type(None)), None)
    name = getattr(annotation, "__name__", "")
    if typing.get_origin(annotation) is typing.Annotated or annotation in (bool, int, float, str) or not name:
        return None
    name = name.removesuffix("Type")
    found = getattr(sys.modules[near.__module__], name, None)
    if isinstance(found, type) and hasattr(found, "model_fields"):
        return found
    try:
        return get_fhir_model_class(name)
    except (KeyError, ValueError):
        return None


def location_id(location: str, resource_type: str) -> str:
    """The logical id in a ``Location`` (``Binary/<id>/_history/<v>``, possibly absolute)."""
    parts = location.split("?")[0].rstrip("/").split("/")
    for index in range(len(parts) - 1, 0, -1):
        if parts[index - 1] == resource_type and is_fhir_id(parts[index]):
            return parts[index]
    raise ValueError(f"no {resource_type} id in the location")
