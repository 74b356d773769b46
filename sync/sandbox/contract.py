"""The content docs/platform-api.md §3–§5 requires of each resource the requester sends.

Valid FHIR is not enough: a platform also refuses a case without a question, a Task that
is not `fulfill`, an image without its hash. Each rule here is one line of the contract;
references are checked through a resolver that knows the bundle and the server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from app.identifiers import finess_is_valid, idnps_is_valid, idnst_is_valid, ins_is_valid
from sync import codes as C
from sync import frcore
from sync.sandbox.errors import Issue
from sync.sandbox.validation import join

# reference string -> type of the resource it designates, or None when it designates nothing.
Resolver = Callable[[str], str | None]

INS = C.INS_SYSTEM
INS_TEST = C.INS_TEST_SYSTEM
RPPS = C.RPPS_SYSTEM
FINESS = C.FINESS_DIRECTORY
CASE_ID = C.CASE_SYSTEM
IMAGE_ID = C.IMAGE_SYSTEM
CONSENT_ID = C.CONSENT_SYSTEM
TREATMENT_ID = C.TREATMENT_SYSTEM
FORM_ID = C.FORM_SYSTEM
MESSAGE_ID = C.MESSAGE_SYSTEM

# The identifier system each requester resource is made unique by (Patient: its INS when sent, else
# the site's own system).
IDENTIFIER_SYSTEM = {
    "ServiceRequest": CASE_ID,
    "Task": CASE_ID,
    "Media": IMAGE_ID,
    "Consent": CONSENT_ID,
    "MedicationStatement": TREATMENT_ID,
    "QuestionnaireResponse": FORM_ID,
    "Communication": MESSAGE_ID,
    "Practitioner": RPPS,
    "Organization": FINESS,
    "PractitionerRole": C.ROLE_SYSTEM,
}
ACCEPTED_TYPES = frozenset({"Patient", *IDENTIFIER_SYSTEM})
SPECIALTIES = C.SPECIALTIES
IMAGE_TYPES = C.IMAGE_TYPES
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def has_coding(concept: Any, system: str, codes: frozenset[str] | str) -> bool:
    """Whether a CodeableConcept (or a list of them) holds a coding of `system` with one of `codes`."""
    wanted = frozenset({codes}) if isinstance(codes, str) else codes
    concepts = concept if isinstance(concept, list) else [concept]
    return any(
        isinstance(coding, dict) and coding.get("system") == system and coding.get("code") in wanted
        for item in concepts
        if isinstance(item, dict)
        for coding in item.get("coding") or []
    )


def contained_type(resource: dict[str, Any], reference: str) -> str | None:
    """The type of the resource contained in ``resource`` that ``#id`` names, or None."""
    for inner in resource.get("contained") or []:
        if isinstance(inner, dict) and f"#{inner.get('id')}" == reference:
            return str(inner.get("resourceType"))
    return None


class _Rules:
    """Collects the issues of one resource against the contract."""

    def __init__(self, resource: dict[str, Any], where: str, resolve: Resolver) -> None:
        self.resource, self.where, self.resolve = resource, where, resolve
        self.rtype: str = resource["resourceType"]
        self.issues: list[Issue] = []

    def fail(self, path: str, message: str, code: str = "business-rule") -> None:
        self.issues.append(Issue(f"{self.rtype}.{path}: {message}", join(self.where, path), code))

    def present(self, *paths: str) -> None:
        for path in paths:
            if self.resource.get(path) in (None, "", [], {}):
                self.fail(path, "exigé par le contrat de la plateforme", "required")

    def equals(self, path: str, value: str) -> None:
        if self.resource.get(path) != value:
            self.fail(path, f"doit valoir « {value} »", "value")

    def coded(self, path: str, system: str, codes: frozenset[str] | str) -> None:
        if not has_coding(self.resource.get(path), system, codes):
            shown = codes if isinstance(codes, str) else " ou ".join(sorted(codes))
            self.fail(path, f"doit porter le code {system}|{shown}", "value")

    def kind(self, reference: str) -> str | None:
        """The resource type a reference points to: a contained resource (``#id``) or one the resolver knows."""
        return contained_type(self.resource, reference) if reference.startswith("#") else self.resolve(reference)

    def refers(self, path: str, types: frozenset[str] | str, required: bool = True) -> None:
        """A Reference (or list of References) at `path` pointing only to `types`."""
        wanted = frozenset({types}) if isinstance(types, str) else types
        value = self.resource.get(path)
        if value is None:
            if required:
                self.fail(path, f"référence vers {' ou '.join(sorted(wanted))} exigée", "required")
            return
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            at = f"{path}[{index}]" if isinstance(value, list) else path
            reference = item.get("reference") if isinstance(item, dict) else None
            if not isinstance(reference, str):
                self.fail(at, "Reference.reference exigée", "required")
            elif self.kind(reference) not in wanted:
                self.fail(f"{at}.reference", f"« {reference} » doit désigner {' ou '.join(sorted(wanted))}", "value")

    def identified(self) -> None:
        system = IDENTIFIER_SYSTEM.get(self.rtype)
        # A structure without FINESS (a health centre with a SIRET) is identified by its national id.
        also = {C.FINESS_SYSTEM} if self.rtype == "Organization" else set()
        pairs = [(s, v) for s, v in _identifiers(self.resource) if system is None or s == system or s in also]
        if not pairs:
            self.fail("identifier", f"identifiant {system or ''} exigé (idempotence)".replace("  ", " "), "required")
        for found_system, value in pairs:
            if found_system in C.UUID_SYSTEMS and not _UUID.match(value):
                self.fail("identifier", f"« {value} » doit être un UUID en minuscules", "value")
            elif found_system in (INS, INS_TEST) and not ins_is_valid(value):
                self.fail("identifier", f"INS « {value} » : matricule ou clé de contrôle invalide", "value")
            elif found_system == RPPS and not idnps_is_valid(value):
                self.fail(
                    "identifier",
                    f"« {value} » doit être 8 suivi d'un RPPS valide (11 chiffres, clé de Luhn), ou 0 d'un ADELI",
                    "value",
                )
            elif found_system == FINESS and not finess_is_valid(value):
                self.fail("identifier", f"FINESS « {value} » invalide (9 caractères, clé de Luhn)", "value")
            elif found_system == C.FINESS_SYSTEM and not idnst_is_valid(value):
                self.fail(
                    "identifier",
                    f"« {value} » doit être 1 suivi d'un FINESS valide (2 d'un SIREN, 3 d'un SIRET)",
                    "value",
                )

    def fr_core(self, national: bool) -> None:
        """FR Core's profile rules (sync/frcore.py) for Patient, Practitioner, Organization, PractitionerRole."""
        for path, message in frcore.check(self.resource, national=national):
            self.fail(path, message, "structure" if path == "meta.profile" else "business-rule")


def _identifiers(resource: dict[str, Any]) -> list[tuple[str, str]]:
    raw = resource.get("identifier")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    return [(i.get("system", ""), i.get("value", "")) for i in items if isinstance(i, dict)]


def check_contract(resource: dict[str, Any], where: str, resolve: Resolver, *, national: bool = False) -> list[Issue]:
    """Issues of a requester's resource against docs/platform-api.md §3–§5 and FR Core (empty when it
    conforms). ``national``: play a real platform, which refuses test INS."""
    rules = _Rules(resource, where, resolve)
    if rules.rtype not in ACCEPTED_TYPES:
        rules.fail("resourceType", "type de ressource non accepté dans un envoi de demande", "not-supported")
        return rules.issues
    rules.identified()
    rules.fr_core(national)
    specific = _RULES_BY_TYPE.get(rules.rtype)
    if specific is not None:
        specific(rules)
    return rules.issues


def _service_request(rules: _Rules) -> None:
    sr = rules.resource
    rules.equals("status", "active")
    rules.equals("intent", "order")
    rules.present("authoredOn")
    rules.coded("category", C.ACT_SYSTEM, C.ACT_TELEEXPERTISE)
    rules.coded("code", C.SPECIALTY_SYSTEM, SPECIALTIES)
    if not (sr.get("code") or {}).get("text"):
        rules.fail("code.text", "la spécialité en clair est exigée", "required")
    if sr.get("priority") not in ("routine", "urgent"):
        rules.fail("priority", "doit valoir « routine » ou « urgent »", "value")
    rules.refers("subject", "Patient")
    rules.refers("requester", "PractitionerRole")  # the requester at the requesting site (§2)
    reasons = sr.get("reasonCode") or [{}]
    if not (isinstance(reasons[0], dict) and reasons[0].get("text")):
        rules.fail("reasonCode[0].text", "la question posée à l'expert est exigée", "required")
    notes = sr.get("note") or [{}]
    if not (isinstance(notes[0], dict) and notes[0].get("text")):
        rules.fail("note[0].text", "le résumé clinique est exigé", "required")
    rules.refers("supportingInfo", frozenset({"Media", "MedicationStatement", "Consent", "QuestionnaireResponse"}))


def _task(rules: _Rules) -> None:
    rules.equals("status", "requested")
    rules.equals("intent", "order")
    if rules.resource.get("priority") not in ("routine", "urgent"):
        rules.fail("priority", "doit valoir « routine » ou « urgent »", "value")
    rules.coded("code", C.TASK_CODE_SYSTEM, C.TASK_FULFILL)
    rules.refers("focus", "ServiceRequest")
    rules.refers("for", "Patient")
    rules.refers("requester", "Practitioner")
    rules.present("authoredOn")
    rules.refers("owner", frozenset({"Organization", "Practitioner", "PractitionerRole", "CareTeam"}), required=False)


def _media(rules: _Rules) -> None:
    media = rules.resource
    rules.equals("status", "completed")
    rules.coded("type", C.MEDIA_TYPE_SYSTEM, C.MEDIA_IMAGE)
    rules.coded("modality", C.DICOM, C.MODALITIES)
    rules.refers("subject", "Patient")
    rules.refers("basedOn", "ServiceRequest")
    rules.present("createdDateTime")
    content = media.get("content") or {}
    for element in ("contentType", "url", "size", "hash", "title"):
        if content.get(element) in (None, ""):
            rules.fail(f"content.{element}", "exigé par le contrat de la plateforme", "required")
    if content.get("contentType") and content["contentType"] not in IMAGE_TYPES:
        rules.fail("content.contentType", f"doit être l'un de {', '.join(sorted(IMAGE_TYPES))}", "value")
    if isinstance(content.get("url"), str) and not re.fullmatch(r"Binary/[A-Za-z0-9\-.]{1,64}", content["url"]):
        rules.fail("content.url", "doit être de la forme Binary/<id>", "value")


def _consent(rules: _Rules) -> None:
    rules.equals("status", "active")
    rules.coded("scope", C.CONSENT_SCOPE_SYSTEM, C.CONSENT_SCOPE)
    rules.coded("category", C.LOINC, C.CONSENT_CATEGORY)
    rules.refers("patient", "Patient")
    rules.present("dateTime")
    rules.refers(
        "performer",
        frozenset({"Practitioner", "PractitionerRole", "Patient", "RelatedPerson", "Organization"}),
    )
    rules.refers("organization", "Organization")
    rules.coded("policyRule", C.ACT_CODE_SYSTEM, C.CONSENT_POLICY)


def _medication_statement(rules: _Rules) -> None:
    rules.equals("status", "active")
    if not (rules.resource.get("medicationCodeableConcept") or {}).get("text"):
        rules.fail("medicationCodeableConcept.text", "le traitement en clair est exigé", "required")
    rules.refers("subject", "Patient")


def _questionnaire_response(rules: _Rules) -> None:
    rules.present("questionnaire", "authored", "item")
    rules.equals("status", "completed")
    rules.refers("subject", "Patient")
    rules.refers("author", frozenset({"Practitioner", "PractitionerRole", "Patient", "RelatedPerson", "Organization"}))


def _communication(rules: _Rules) -> None:
    comm = rules.resource
    rules.refers("inResponseTo", "Communication")
    rules.refers("about", "Task")
    rules.refers("basedOn", "ServiceRequest")
    payload = comm.get("payload") or []
    if not any(isinstance(p, dict) and p.get("contentString") for p in payload):
        rules.fail("payload", "une réponse en texte (contentString) est exigée", "required")
    for index, part in enumerate(payload):
        if isinstance(part, dict) and "contentReference" in part:
            reference = (part["contentReference"] or {}).get("reference", "")
            if rules.kind(reference) != "Media":
                rules.fail(f"payload[{index}].contentReference", "doit désigner une Media", "value")


def _practitioner_role(rules: _Rules) -> None:
    rules.refers("practitioner", "Practitioner")
    rules.refers("organization", "Organization")


_RULES_BY_TYPE: dict[str, Callable[[_Rules], None]] = {
    "PractitionerRole": _practitioner_role,
    "ServiceRequest": _service_request,
    "Task": _task,
    "Media": _media,
    "Consent": _consent,
    "MedicationStatement": _medication_statement,
    "QuestionnaireResponse": _questionnaire_response,
    "Communication": _communication,
}
