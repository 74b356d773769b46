"""The sandbox's CapabilityStatement (`GET metadata`): what it serves, as FHIR R4 states it."""

from __future__ import annotations

from typing import Any

from sync.sandbox.contract import ACCEPTED_TYPES
from sync.sandbox.search import REFERENCE_PARAMS, TOKEN_PARAMS

READABLE_TYPES = frozenset({*ACCEPTED_TYPES, "DiagnosticReport"})

_PARAM_TYPES = {"_id": "token", "_lastUpdated": "date", "identifier": "token"}


#: The extension by which a platform offers resumable uploads (docs/platform-api.md §4): valueUrl = tus endpoint.
RESUMABLE_UPLOAD = "urn:teleavis:resumable-upload"


def capability_statement(
    base_url: str, token_url: str, auth_required: bool, max_binary_bytes: int, tus_url: str | None = None
) -> dict[str, Any]:
    """The CapabilityStatement for a sandbox serving at `base_url` (offering tus at `tus_url` if given,
    relative to the FHIR base as the Locations it answers are)."""
    resources: list[dict[str, Any]] = []
    for rtype in sorted(READABLE_TYPES):
        interactions = [{"code": "read"}, {"code": "vread"}, {"code": "search-type"}]
        if rtype in ACCEPTED_TYPES:
            interactions.append({"code": "create"})  # Conditionally, inside a transaction only.
        if rtype == "Task":
            interactions.append({"code": "update"})
        params = [{"name": name, "type": kind} for name, kind in _PARAM_TYPES.items()]
        params += [{"name": name, "type": "reference"} for name in REFERENCE_PARAMS.get(rtype, {})]
        params += [{"name": name, "type": "token"} for name in TOKEN_PARAMS.get(rtype, {})]
        resource: dict[str, Any] = {
            "type": rtype,
            "interaction": interactions,
            "versioning": "versioned",
            "readHistory": False,
            "updateCreate": False,
            "conditionalCreate": rtype in ACCEPTED_TYPES,
            "searchParam": params,
        }
        if rtype == "Task":
            resource["conditionalUpdate"] = False
            resource["documentation"] = (
                "PUT réservé au demandeur pour passer la Task à « cancelled » tant qu'elle est requested ou "
                'received ; If-Match: W/"<versionId>" obligatoire (428 sans, 412 s\'il ne correspond plus).'
            )
        resources.append(resource)
    resources.append(
        {
            "type": "Binary",
            "interaction": [{"code": "read"}, {"code": "create"}],
            "documentation": f"Octets bruts (image/jpeg, image/png, application/dicom, application/pdf), "
            f"au plus {max_binary_bytes} octets ; 413 au-delà.",
        }
    )
    security: dict[str, Any] = {
        "cors": False,
        "description": "Authorization: Bearer <jeton> "
        + ("exigé." if auth_required else "facultatif (bac à sable ouvert)."),
        "service": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "code": "OAuth",
                    }
                ]
            }
        ],
        "extension": [
            {
                "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                "extension": [{"url": "token", "valueUri": token_url}],
            }
        ],
    }
    rest: dict[str, Any] = {
        "mode": "server",
        "security": security,
        "resource": resources,
        "interaction": [
            {
                "code": "transaction",
                "documentation": "Créations conditionnelles (POST + ifNoneExist) seulement, tout ou rien.",
            }
        ],
    }
    if tus_url:
        rest["extension"] = [{"url": RESUMABLE_UPLOAD, "valueUrl": tus_url}]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-01-01",
        "publisher": "Teleavis",
        "kind": "instance",
        "software": {"name": "Teleavis sandbox platform", "version": "1"},
        "implementation": {
            "description": "Plateforme de télé-expertise simulée (contrat v1)",
            "url": base_url,
        },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [rest],
    }
