"""A request made by a signed-in professional on behalf of the site's requester.

The site file names the requester (``ServiceRequest.requester`` → their PractitionerRole). When the
professional signed in with Pro Santé Connect is someone else (a nurse of a cart requesting for the
site's physician), the request still goes in the requester's name, and says who made it: the
ServiceRequest carries a contained ``Provenance`` (R4: ``target``, ``recorded``, ``agent``), found
through ``ServiceRequest.relevantHistory``, whose agent is the signed-in professional (``author``,
by national id, 8 + RPPS or 0 + ADELI) ``onBehalfOf`` the site's PractitionerRole (by its identifier).
Nothing else changes: same resources, same conditional creates, valid R4 and FR Core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.model import Requester, iso, utc_now
from sync.codes import CASE_SYSTEM, ROLE_SYSTEM, RPPS_SYSTEM
from sync.mapping import role_identifier, validate_resource
from sync.ports import SettingsReader

if TYPE_CHECKING:
    from sync.psc import Professional

PROVENANCE_ID = "signed-in"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"


def provenance(case_id: str, professional: Professional, requester: Requester) -> dict[str, Any]:
    """The contained Provenance: ``professional`` made the request on behalf of the site's requester."""
    return {
        "resourceType": "Provenance",
        "id": PROVENANCE_ID,
        "target": [{"type": "ServiceRequest", "identifier": {"system": CASE_SYSTEM, "value": case_id}}],
        "recorded": iso(utc_now()),
        "agent": [
            {
                "type": {"coding": [{"system": PARTICIPANT_TYPE, "code": "author"}]},
                # The national id (IDNPS: 8 + RPPS, 0 + ADELI), as the Practitioner resources and PSC's
                # SubjectNameID carry it.
                "who": {
                    "type": "Practitioner",
                    "identifier": {"system": RPPS_SYSTEM, "value": professional.national_id},
                    "display": professional.name,
                },
                "onBehalfOf": {
                    "type": "PractitionerRole",
                    "identifier": {"system": ROLE_SYSTEM, "value": role_identifier(requester)},
                },
            }
        ],
    }


def record_on_behalf(bundle: dict[str, Any], case_id: str, settings: SettingsReader, requester: Requester) -> bool:
    """Add the Provenance to the bundle's ServiceRequest when the professional signed in (settings) is not
    the requester; True when added. The ServiceRequest is validated again (``MappingError`` if it fails)."""
    from sync.psc import signed_in  # authlib loads only when someone signed in or sends

    professional = signed_in(settings)
    # By national id: two professionals under ADELI have the same empty RPPS.
    if professional is None or professional.national_id == requester.national_id:
        return False
    for entry in bundle.get("entry", []):
        resource = entry.get("resource", {})
        if resource.get("resourceType") == "ServiceRequest":
            resource.setdefault("contained", []).append(provenance(case_id, professional, requester))
            resource.setdefault("relevantHistory", []).append({"reference": f"#{PROVENANCE_ID}"})
            validate_resource(resource)
            return True
    return False
