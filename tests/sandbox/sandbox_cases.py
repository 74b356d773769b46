"""A case transaction built by hand from docs/platform-api.md §4, to post to the sandbox."""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.support.images import jpeg_bytes, skin_photo

FHIR_JSON = "application/fhir+json"
QUESTION = "Lésion pigmentée évolutive du dos : avis sur exérèse ?"


def jpeg(seed: int = 0) -> bytes:
    """A small real JPEG."""
    return jpeg_bytes(skin_photo(96, 72, seed=seed))


def upload(base_url: str, data: bytes, content_type: str = "image/jpeg", token: str | None = None) -> str:
    """POST Binary; the new Binary's id."""
    headers = {"Content-Type": content_type} | ({"Authorization": f"Bearer {token}"} if token else {})
    response = requests.post(f"{base_url}/Binary", data=data, headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    return response.headers["Location"].split("/")[1]


def sha1_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode("ascii")


def urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


@dataclass
class CaseBundle:
    """One case's ids and the bundle that sends it; `images` are (binary id, bytes)."""

    images: list[tuple[str, bytes]]
    case_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    image_ids: list[str] = field(default_factory=list)
    question: str = QUESTION
    specialty: str = "dermatology"
    #: A fictitious test patient's INS (what training takes); the real INS OID is 1.2.250.1.213.1.4.8.
    ins_system: str = "urn:oid:1.2.250.1.213.1.4.10"

    def __post_init__(self) -> None:
        self.image_ids = [str(uuid.uuid4()) for _ in self.images]
        self.consent_id, self.treatment_id, self.form_id = (str(uuid.uuid4()) for _ in range(3))
        # Fresh urn:uuid fullUrls, distinct from every identifier value (§2).
        self.urls = {
            name: urn()
            for name in (
                "patient",
                "practitioner",
                "role",
                "organization",
                "sr",
                "task",
                "consent",
                "treatment",
                "form",
            )
        }
        self.media_urls = [urn() for _ in self.images]

    def entry(
        self, key: str, resource: dict[str, Any], system: str, value: str, url: str | None = None
    ) -> dict[str, Any]:
        return {
            "fullUrl": url or self.urls[key],
            "resource": resource,
            "request": {
                "method": "POST",
                "url": resource["resourceType"],
                "ifNoneExist": f"identifier={system}|{value}",
            },
        }

    def bundle(self) -> dict[str, Any]:
        u = self.urls
        fr = "https://hl7.fr/ig/fhir/core"
        cs = f"{fr}/CodeSystem/fr-core-cs-v2-0203"
        test = self.ins_system.endswith(".10")
        patient = {
            "resourceType": "Patient",
            "meta": {"profile": [f"{fr}/StructureDefinition/fr-core-patient-ins"]},
            "extension": [
                {
                    "url": f"{fr}/StructureDefinition/fr-core-identity-reliability",
                    "extension": [
                        {
                            "url": "identityStatus",
                            "valueCoding": {"system": f"{fr}/CodeSystem/fr-core-cs-identity-status", "code": "QUAL"},
                        },
                        {
                            "url": "validationMode",
                            "valueCoding": {
                                "system": f"{fr}/CodeSystem/fr-core-cs-mode-validation-identity",
                                "code": "CN",
                            },
                        },
                        {"url": "validationDate", "valueDate": "2026-11-20"},
                    ],
                }
            ],
            "identifier": [
                {
                    "use": "official",
                    "type": {"coding": [{"system": cs, "code": "INS-NIR-TEST" if test else "INS-NIR"}]},
                    "system": self.ins_system,
                    "value": "150028512345615",
                }
            ],
            "name": [
                {
                    "use": "official",
                    "family": "MARTIN",
                    "given": ["Paul"],
                    "extension": [
                        {
                            "url": f"{fr}/StructureDefinition/fr-core-patient-birth-list-given-name",
                            "valueString": "Paul Marie",
                        }
                    ],
                }
            ],
            "gender": "male",
            "birthDate": "1950-02-03",
        }
        practitioner = {
            "resourceType": "Practitioner",
            "meta": {"profile": [f"{fr}/StructureDefinition/fr-core-practitioner"]},
            "identifier": [
                {
                    "type": {"coding": [{"system": cs, "code": "IDNPS"}]},
                    "system": "urn:oid:1.2.250.1.71.4.2.1",
                    "value": "810101010105",
                },
                {
                    "type": {"coding": [{"system": cs, "code": "RPPS"}]},
                    "system": "https://rpps.esante.gouv.fr",
                    "value": "10101010105",
                },
            ],
            "name": [{"family": "DURAND", "given": ["Anne"], "prefix": ["Dr"]}],
        }
        organization = {
            "resourceType": "Organization",
            "meta": {"profile": [f"{fr}/StructureDefinition/fr-core-organization"]},
            "identifier": [
                {
                    "type": {"coding": [{"system": cs, "code": "FINEG"}]},
                    "system": "https://finess.esante.gouv.fr",
                    "value": "750000010",
                },
                {
                    "type": {"coding": [{"system": cs, "code": "IDNST"}]},
                    "system": "urn:oid:1.2.250.1.71.4.2.2",
                    "value": "1750000010",
                },
            ],
            "name": "Centre de santé de Saint-Martin",
        }
        role = {
            "resourceType": "PractitionerRole",
            "meta": {"profile": [f"{fr}/StructureDefinition/fr-core-practitioner-role"]},
            "identifier": [{"system": "urn:teleavis:practitioner-role-id", "value": "10101010105-750000010"}],
            "practitioner": {"reference": u["practitioner"]},
            "organization": {"reference": u["organization"]},
            "code": [
                {
                    "coding": [
                        {
                            "system": "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/"
                            "TRE-G15-ProfessionSante",
                            "code": "10",
                        }
                    ]
                }
            ],
        }
        consent = {
            "resourceType": "Consent",
            "identifier": [{"system": "urn:teleavis:consent-id", "value": self.consent_id}],
            "status": "active",
            "scope": {
                "coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "treatment"}]
            },
            "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
            "patient": {"reference": u["patient"]},
            "dateTime": "2026-11-20T09:00:00+01:00",
            "performer": [{"reference": u["practitioner"]}],
            "organization": [{"reference": u["organization"]}],
            "policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}]},
        }
        treatment = {
            "resourceType": "MedicationStatement",
            "identifier": [{"system": "urn:teleavis:treatment-id", "value": self.treatment_id}],
            "status": "active",
            "medicationCodeableConcept": {"text": "Metformine 1000 mg"},
            "subject": {"reference": u["patient"]},
            "dosage": [{"text": "1 cp matin et soir"}],
        }
        form = {
            "resourceType": "QuestionnaireResponse",
            "identifier": {"system": "urn:teleavis:form-id", "value": self.form_id},
            "questionnaire": "urn:teleavis:form:dermatology",
            "status": "completed",
            "subject": {"reference": u["patient"]},
            "authored": "2026-11-20T09:05:00+01:00",
            "author": {"reference": u["practitioner"]},
            "item": [{"linkId": "lesion-duration", "answer": [{"valueString": "6 mois"}]}],
        }
        media = [
            {
                "resourceType": "Media",
                "identifier": [{"system": "urn:teleavis:image-id", "value": image_id}],
                "status": "completed",
                "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/media-type", "code": "image"}]},
                "modality": {"coding": [{"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "XC"}]},
                "subject": {"reference": u["patient"]},
                "basedOn": [{"reference": u["sr"]}],
                "createdDateTime": "2026-11-20T08:55:00+01:00",
                "bodySite": {"text": "dos"},
                "view": {"text": "close-up"},
                "deviceName": "Webcam",
                "height": 72,
                "width": 96,
                "content": {
                    "contentType": "image/jpeg",
                    "url": f"Binary/{binary_id}",
                    "size": len(data),
                    "hash": sha1_b64(data),
                    "title": f"dos-{n}.jpg",
                },
            }
            for n, ((binary_id, data), image_id) in enumerate(zip(self.images, self.image_ids, strict=True))
        ]
        service_request = {
            "resourceType": "ServiceRequest",
            "identifier": [{"system": "urn:teleavis:case-id", "value": self.case_id}],
            "status": "active",
            "intent": "order",
            "priority": "routine",
            "authoredOn": "2026-11-20T09:10:00+01:00",
            "category": [{"coding": [{"system": "urn:teleavis:act", "code": "teleexpertise"}]}],
            "code": {
                "coding": [{"system": "urn:teleavis:specialty", "code": self.specialty}],
                "text": "Dermatologie",
            },
            "subject": {"reference": u["patient"]},
            "requester": {"reference": u["role"]},
            "reasonCode": [{"text": self.question}],
            "note": [{"text": "Apparue il y a 6 mois, saigne au contact."}],
            "supportingInfo": [{"reference": url} for url in self.media_urls]
            + [{"reference": u["treatment"]}, {"reference": u["consent"]}, {"reference": u["form"]}],
        }
        task = {
            "resourceType": "Task",
            "identifier": [{"system": "urn:teleavis:case-id", "value": self.case_id}],
            "status": "requested",
            "intent": "order",
            "priority": "routine",
            "code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]},
            "focus": {"reference": u["sr"]},
            "for": {"reference": u["patient"]},
            "requester": {"reference": u["practitioner"]},
            "authoredOn": "2026-11-20T09:10:00+01:00",
        }
        entries = [
            self.entry("patient", patient, self.ins_system, "150028512345615"),
            self.entry("practitioner", practitioner, "urn:oid:1.2.250.1.71.4.2.1", "810101010105"),
            self.entry("organization", organization, "https://finess.esante.gouv.fr", "750000010"),
            self.entry("role", role, "urn:teleavis:practitioner-role-id", "10101010105-750000010"),
            self.entry("sr", service_request, "urn:teleavis:case-id", self.case_id),
            self.entry("task", task, "urn:teleavis:case-id", self.case_id),
            self.entry("consent", consent, "urn:teleavis:consent-id", self.consent_id),
            self.entry("treatment", treatment, "urn:teleavis:treatment-id", self.treatment_id),
            self.entry("form", form, "urn:teleavis:form-id", self.form_id),
        ]
        entries += [
            self.entry("", m, "urn:teleavis:image-id", image_id, url)
            for m, image_id, url in zip(media, self.image_ids, self.media_urls, strict=True)
        ]
        return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def post_bundle(base_url: str, bundle: dict[str, Any], **kwargs: Any) -> requests.Response:
    """POST a transaction Bundle to the base URL."""
    return requests.post(base_url, json=bundle, headers={"Content-Type": FHIR_JSON}, timeout=30, **kwargs)


def new_case(base_url: str, images: int = 1) -> CaseBundle:
    """Upload `images` JPEGs and return the case ready to post."""
    uploaded = []
    for n in range(images):
        data = jpeg(n)
        uploaded.append((upload(base_url, data), data))
    return CaseBundle(uploaded)
