"""Every code and code system of the platform exchange, in one table.

The mapping writes these and the sandbox platform checks them: both import this module, so they
cannot drift apart. Three sources: the contract (docs/platform-api.md: Teleavis's business identifier
systems and codes), FR Core (the French core profiles, package ``hl7.fhir.fr.core``: profiles,
extensions, identifier types, identity-vigilance codes) with the ANS terminologies it binds, and the
FHIR R4 value sets of required bindings that the R4 models leave unchecked.
"""

from __future__ import annotations

from app.identifiers import (
    ADELI_DIRECTORY,
    FINESS_DIRECTORY,
    FINESS_SYSTEM,
    INS_DEMO_SYSTEM,
    INS_NIA_SYSTEM,
    INS_SYSTEM,
    INS_TEST_SYSTEM,
    RPPS_DIRECTORY,
    RPPS_SYSTEM,
    SIRENE_SYSTEM,
)
from app.model import Specialty

__all__ = [
    "ADELI_DIRECTORY",
    "FINESS_DIRECTORY",
    "FINESS_SYSTEM",
    "INS_DEMO_SYSTEM",
    "INS_NIA_SYSTEM",
    "INS_SYSTEM",
    "INS_TEST_SYSTEM",
    "RPPS_DIRECTORY",
    "RPPS_SYSTEM",
    "SIRENE_SYSTEM",
]

# -- the contract's business identifiers (docs/platform-api.md §2) --------------------------------------
CASE_SYSTEM = "urn:teleavis:case-id"
IMAGE_SYSTEM = "urn:teleavis:image-id"
CONSENT_SYSTEM = "urn:teleavis:consent-id"
TREATMENT_SYSTEM = "urn:teleavis:treatment-id"
FORM_SYSTEM = "urn:teleavis:form-id"
MESSAGE_SYSTEM = "urn:teleavis:message-id"
#: The requester's PractitionerRole: ``<RPPS>-<FINESS>``, the same on every case of the site.
ROLE_SYSTEM = "urn:teleavis:practitioner-role-id"
#: Identifier systems whose values are lower-case UUIDs made on the workstation.
UUID_SYSTEMS = frozenset({CASE_SYSTEM, IMAGE_SYSTEM, CONSENT_SYSTEM, TREATMENT_SYSTEM, FORM_SYSTEM, MESSAGE_SYSTEM})

# -- the contract's codes ----------------------------------------------------------------------------------
SPECIALTY_SYSTEM = "urn:teleavis:specialty"
SPECIALTIES = frozenset(s.value for s in Specialty)
ACT_SYSTEM = "urn:teleavis:act"
ACT_TELEEXPERTISE = "teleexpertise"
PRIORITIES = frozenset({"routine", "urgent"})
TASK_CODE_SYSTEM = "http://hl7.org/fhir/CodeSystem/task-code"
TASK_FULFILL = "fulfill"
MEDIA_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/media-type"
MEDIA_IMAGE = "image"
DICOM = "http://dicom.nema.org/resources/ontology/DCM"
#: XC photographs and dermoscopy, OP retinographs.
MODALITIES = frozenset({"XC", "OP"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "application/dicom"})
SNOMED = "http://snomed.info/sct"
EYE_CODES = {"right": ("18944008", "Right eye"), "left": ("8966001", "Left eye")}
LOINC = "http://loinc.org"
CONSENT_CATEGORY = "59284-0"
CONSENT_SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_SCOPE = "treatment"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_POLICY = "OPTIN"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
#: The answer (docs/platform-api.md §5): Task.output types, the DiagnosticReport's code, the follow-up delay.
OUTPUT_SYSTEM = "urn:teleavis:output"
#: The workstation's audit head when it wrote the resource (docs/platform-api.md §4): a ``meta.tag``
#: of the Task and of the requester's Communication, code ``<seq>-<time>-<hash>-<mac>`` (app/audit.py).
AUDIT_HEAD_SYSTEM = "urn:teleavis:audit-head"
#: Task.businessStatus codes of the training platform (docs/platform-api.md §5): the client says a known
#: one in the user's language (app/business_status.py), the platform's text otherwise.
BUSINESS_STATUS_SYSTEM = "urn:teleavis:business-status"
OUTPUT_REPORT = "report"
OUTPUT_FOLLOW_UP = "follow-up-within"
CONSULT_NOTE = "11488-4"
UCUM = "http://unitsofmeasure.org"

# -- FR Core (https://hl7.fr/ig/fhir/core) --------------------------------------------------------------
FR_CORE = "https://hl7.fr/ig/fhir/core"
PROFILE_PATIENT = f"{FR_CORE}/StructureDefinition/fr-core-patient"
PROFILE_PATIENT_INS = f"{FR_CORE}/StructureDefinition/fr-core-patient-ins"
PROFILE_PRACTITIONER = f"{FR_CORE}/StructureDefinition/fr-core-practitioner"
PROFILE_ORGANIZATION = f"{FR_CORE}/StructureDefinition/fr-core-organization"
PROFILE_PRACTITIONER_ROLE = f"{FR_CORE}/StructureDefinition/fr-core-practitioner-role"
#: The profile each requester resource declares (Patient: either, by whether the INS is sent).
PROFILES = {
    "Patient": frozenset({PROFILE_PATIENT, PROFILE_PATIENT_INS}),
    "Practitioner": frozenset({PROFILE_PRACTITIONER}),
    "Organization": frozenset({PROFILE_ORGANIZATION}),
    "PractitionerRole": frozenset({PROFILE_PRACTITIONER_ROLE}),
}
EXT_IDENTITY_RELIABILITY = f"{FR_CORE}/StructureDefinition/fr-core-identity-reliability"
EXT_BIRTH_LIST_GIVEN_NAME = f"{FR_CORE}/StructureDefinition/fr-core-patient-birth-list-given-name"
#: The birth place (HL7's core extension, valueAddress), required by fr-core-patient-ins, with FR Core's
#: INSEE code of the commune (or ``99`` + country) in its address, coded as FR Core's examples code it.
EXT_BIRTH_PLACE = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace"
EXT_ADDRESS_INSEE_CODE = f"{FR_CORE}/StructureDefinition/fr-core-address-insee-code"
TRE_R13_COMMUNE_OM = "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM"
#: FR Core's identifier types (v2-0203 extended for France).
FR_V2_0203 = f"{FR_CORE}/CodeSystem/fr-core-cs-v2-0203"
TYPE_INS_NIR = "INS-NIR"
TYPE_INS_NIR_TEST = "INS-NIR-TEST"
#: A fictitious demonstration patient's INS (never sent by Teleavis; a real platform refuses it).
TYPE_INS_NIR_DEMO = "INS-NIR-DEMO"
TYPE_INS_NIA = "INS-NIA"
TYPE_IDNPS = "IDNPS"
TYPE_RPPS = "RPPS"
TYPE_IDNST = "IDNST"
#: A professional not in the RPPS (fr-core-cs-v2-0203 ADELI); a structure without FINESS (SIRET, SIREN).
TYPE_ADELI = "ADELI"
TYPE_SIRET = "SIRET"
TYPE_SIREN = "SIREN"
TYPE_FINESS = frozenset({"FINEG", "FINEJ"})
TYPE_FINEG = "FINEG"
#: HL7's type of the site's own patient identifier (FR Core slice ``PI``, use ``usual``).
TYPE_PI = "PI"
TYPE_PI_DISPLAY = "Patient internal identifier"
#: The INS slices of fr-core-patient-ins: system → identifier type.
INS_SLICES = {
    INS_SYSTEM: TYPE_INS_NIR,
    INS_TEST_SYSTEM: TYPE_INS_NIR_TEST,
    INS_DEMO_SYSTEM: TYPE_INS_NIR_DEMO,
    INS_NIA_SYSTEM: TYPE_INS_NIA,
}
#: The ``use`` each INS slice fixes: a NIR is official, a NIA temporary.
INS_USES = {INS_SYSTEM: "official", INS_TEST_SYSTEM: "official", INS_DEMO_SYSTEM: "official", INS_NIA_SYSTEM: "temp"}
#: The INS of fictitious patients (test, demonstration), which a real platform refuses.
FICTITIOUS_INS_SYSTEMS = frozenset({INS_TEST_SYSTEM, INS_DEMO_SYSTEM})
#: The identity's confidence status (RNIV), FR Core's ``fr-core-cs-identity-status``.
CS_IDENTITY_STATUS = f"{FR_CORE}/CodeSystem/fr-core-cs-identity-status"
IDENTITY_STATUS_CODES = {"provisional": "PROV", "recovered": "RECUP", "validated": "VALI", "qualified": "QUAL"}
#: The ID document checked (required binding ``fr-core-vs-mode-validation-identity``).
CS_VALIDATION_MODE = f"{FR_CORE}/CodeSystem/fr-core-cs-mode-validation-identity"
VALIDATION_MODES = frozenset({"AN", "CC", "CE", "CM", "CN", "CS", "LE", "PA", "PC", "TC", "DC", "AC", "IE"})
#: The documents fr-core-patient-ins accepts as the validation mode of an identity sent with its INS
#: (value set fr-core-vs-mode-validation-identity-ins, a required binding): passport, identity card,
#: birth certificate, family record book.
VALIDATION_MODES_INS = frozenset({"PA", "CN", "AN", "LE"})
#: Genders the INS profile admits (``fr-core-vs-patient-gender-INS``).
INS_GENDERS = frozenset({"male", "female", "unknown"})
#: HumanName.use (NameUse, a required binding of FR Core's fr-core-human-name): the birth name is
#: ``official`` (slice officialName), the used name, e.g. a spouse's, ``usual`` (slice usualName).
NAME_USES = frozenset({"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"})

# -- ANS terminologies FR Core binds for PractitionerRole --------------------------------------------
TRE_G15 = "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante"
TRE_R38 = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"
_NURSE = ("60", "Infirmier")
_PHYSICIAN = ("10", "Médecin")
_GENERAL_MEDICINE = ("SM54", "Médecine générale (SM)")
#: Words of the site file's ``role`` (lower case) → the profession (TRE-G15), in French and in English: a
#: site set up in English is proposed « General practitioner, nurse… », and its role was sent as text
#: only. The first that matches wins (« nurse practitioner » is a nurse). Not « doctor » alone, as not
#: « docteur »: a doctor of pharmacy is no physician. A role in other words travels as text.
PROFESSIONS = (
    ("infirmi", _NURSE),
    ("nurse", _NURSE),
    ("médecin", _PHYSICIAN),
    ("medecin", _PHYSICIAN),
    ("physician", _PHYSICIAN),  # family physician too
    ("general practi", _PHYSICIAN),  # practitioner, practice
    ("family doctor", _PHYSICIAN),
    ("généraliste", _PHYSICIAN),  # « un généraliste » is a GP; « infirmière généraliste » matched above
    ("generaliste", _PHYSICIAN),
)
#: The profession whose ordinal specialties TRE-R38 lists (the Ordre des médecins').
PHYSICIAN = _PHYSICIAN[0]
#: Words of the role → the ordinal specialty (TRE-R38, the required binding of PractitionerRole.specialty),
#: for a physician only: a nurse's « exercice généraliste » is no specialty of the Ordre des médecins.
ROLE_SPECIALTIES = (
    ("généraliste", _GENERAL_MEDICINE),
    ("generaliste", _GENERAL_MEDICINE),
    ("general practi", _GENERAL_MEDICINE),
    ("family doctor", _GENERAL_MEDICINE),
    ("family physician", _GENERAL_MEDICINE),
)

# -- FHIR R4 required bindings the R4 models do not check ---------------------------------------------
EVENT_STATUS = frozenset(
    {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed", "entered-in-error", "unknown"}
)
REQUEST_PRIORITY = frozenset({"routine", "urgent", "asap", "stat"})
GENDERS = frozenset({"male", "female", "other", "unknown"})
#: resourceType → element → the codes its required binding allows.
REQUIRED_CODES: dict[str, dict[str, frozenset[str]]] = {
    "Bundle": {
        "type": frozenset(
            {
                "document",
                "message",
                "transaction",
                "transaction-response",
                "batch",
                "batch-response",
                "history",
                "searchset",
                "collection",
            }
        )
    },
    "Patient": {"gender": GENDERS},
    "Practitioner": {"gender": GENDERS},
    "ServiceRequest": {
        "status": frozenset({"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}),
        "intent": frozenset(
            {
                "proposal",
                "plan",
                "directive",
                "order",
                "original-order",
                "reflex-order",
                "filler-order",
                "instance-order",
                "option",
            }
        ),
        "priority": REQUEST_PRIORITY,
    },
    "Task": {
        "status": frozenset(
            {
                "draft",
                "requested",
                "received",
                "accepted",
                "rejected",
                "ready",
                "cancelled",
                "in-progress",
                "on-hold",
                "failed",
                "completed",
                "entered-in-error",
            }
        ),
        "intent": frozenset(
            {
                "unknown",
                "proposal",
                "plan",
                "order",
                "original-order",
                "reflex-order",
                "filler-order",
                "instance-order",
                "option",
            }
        ),
        "priority": REQUEST_PRIORITY,
    },
    "Media": {"status": EVENT_STATUS},
    "Communication": {"status": EVENT_STATUS, "priority": REQUEST_PRIORITY},
    "Consent": {"status": frozenset({"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"})},
    "MedicationStatement": {
        "status": frozenset(
            {"active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken"}
        )
    },
    "QuestionnaireResponse": {
        "status": frozenset({"in-progress", "completed", "amended", "entered-in-error", "stopped"})
    },
    "DiagnosticReport": {
        "status": frozenset(
            {
                "registered",
                "partial",
                "preliminary",
                "final",
                "amended",
                "corrected",
                "appended",
                "cancelled",
                "entered-in-error",
                "unknown",
            }
        )
    },
}
