"""The site: requesting practitioner and organisation, from the site file of ``init``."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from app import audit
from app import messages as M
from app.db import transaction
from app.errors import CaseFileError
from app.identifiers import finess_is_valid, rpps_is_valid
from app.model import Requester
from app.settings import Settings

if TYPE_CHECKING:
    from app.store import Store

M.add(
    {
        "site.refused": {"fr": "Fichier de site refusé :", "en": "Site file refused:"},
        "site.rpps": {
            "fr": "practitioner.rpps : le numéro RPPS doit compter 11 chiffres avec une clé de Luhn valide.",
            "en": "practitioner.rpps: the RPPS number must be 11 digits with a valid Luhn check digit.",
        },
        "site.finess": {
            "fr": "organization.finess : le numéro FINESS doit compter 9 caractères (chiffres, 2A ou 2B "
            "en tête pour la Corse) avec une clé valide.",
            "en": "organization.finess: the FINESS number must be 9 characters (digits, 2A or 2B first for "
            "Corsica) with a valid check digit.",
        },
        "site.field": {
            "fr": "{path} : champ obligatoire absent ou vide.",
            "en": "{path}: required field missing or empty.",
        },
        "site.unknown": {"fr": "{path} : clé inconnue « {key} ».", "en": "{path}: unknown key “{key}”."},
        "site.system": {
            "fr": "patient_id_system : une URI est attendue (par exemple urn:oid:1.2.250.1.999.1.1).",
            "en": "patient_id_system: a URI is expected (for example urn:oid:1.2.250.1.999.1.1).",
        },
    }
)

_KEYS = {
    "": {"practitioner", "organization", "patient_id_system"},
    "practitioner": {"rpps", "family", "given", "role"},
    "organization": {"finess", "name"},
}


def parse_site(document: Any) -> Requester:
    """A ``Requester`` from the site file, or ``CaseFileError`` listing every problem."""
    errors: list[str] = []

    def section(name: str) -> dict[str, Any]:
        data = document.get(name) if name else document
        if not isinstance(data, dict):
            errors.append(M.tr("site.field", path=name or "(root)"))
            return {}
        errors.extend(M.tr("site.unknown", path=name or "(root)", key=k) for k in data if k not in _KEYS[name])
        return data

    def text(data: dict[str, Any], key: str, path: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            errors.append(M.tr("site.field", path=f"{path}.{key}" if path else key))
            return ""
        return value.strip()

    if not isinstance(document, dict):
        raise CaseFileError(M.tr("site.refused"), details=[M.tr("site.field", path="(root)")])
    section("")
    prac, org = section("practitioner"), section("organization")
    rpps, finess = text(prac, "rpps", "practitioner"), text(org, "finess", "organization").upper()
    if rpps and not rpps_is_valid(rpps):
        errors.append(M.tr("site.rpps"))
    if finess and not finess_is_valid(finess):
        errors.append(M.tr("site.finess"))
    given = prac.get("given", [])
    given = [given] if isinstance(given, str) else given
    if not isinstance(given, list) or not given or not all(isinstance(g, str) and g.strip() for g in given):
        errors.append(M.tr("site.field", path="practitioner.given"))
        given = []
    system = text(document, "patient_id_system", "")
    if system and ":" not in system:
        errors.append(M.tr("site.system"))
    requester = Requester(
        rpps=rpps,
        family=text(prac, "family", "practitioner"),
        given=list(given),
        role=str(prac.get("role") or ""),
        finess=finess,
        organization=text(org, "name", "organization"),
        patient_id_system=system,
    )
    if errors:
        raise CaseFileError(M.tr("site.refused"), details=errors)
    return requester


def load_requester(settings: Settings) -> Requester | None:
    """The site recorded by ``init``, or ``None`` before it was set up."""
    data = settings.get("site.requester")
    return Requester(**data) if data else None


def save_site(store: Store, requester: Requester) -> bool:
    """Record the site (one transaction with its audit row); False when it was already so."""
    if load_requester(store.settings) == requester:
        return False
    with transaction(store.conn) as conn:
        store.settings.set("site.requester", asdict(requester), in_transaction=True)
        audit.append(conn, store.key, "site", detail=f"RPPS {requester.rpps} FINESS {requester.finess}")
    return True
