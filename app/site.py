"""The site: requesting practitioner and organisation, from the site file of ``init``."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from app import audit
from app import messages as M
from app.db import transaction
from app.errors import CaseFileError
from app.identifiers import (
    adeli_is_valid,
    finess_is_valid,
    is_code_system,
    national_arc,
    national_system,
    rpps_is_valid,
    siren_is_valid,
    siret_is_valid,
)
from app.model import Requester, iso, utc_now
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
        "site.adeli": {
            "fr": "practitioner.adeli : le numéro ADELI doit compter 9 chiffres avec une clé de Luhn valide "
            "(ou, en Corse et outre-mer, 2A, 2B ou 9A à 9F suivis de 7 chiffres).",
            "en": "practitioner.adeli: the ADELI number must be 9 digits with a valid Luhn check digit "
            "(or, in Corsica and overseas, 2A, 2B or 9A to 9F followed by 7 digits).",
        },
        "site.siret": {
            "fr": "organization.siret : le numéro SIRET doit compter 14 chiffres avec une clé de Luhn valide.",
            "en": "organization.siret: the SIRET number must be 14 digits with a valid Luhn check digit.",
        },
        "site.siren": {
            "fr": "organization.siren : le numéro SIREN doit compter 9 chiffres avec une clé de Luhn valide.",
            "en": "organization.siren: the SIREN number must be 9 digits with a valid Luhn check digit.",
        },
        "site.siren_siret": {
            "fr": "organization.siren : le SIREN doit être celui du SIRET (ses 9 premiers chiffres).",
            "en": "organization.siren: the SIREN must be the SIRET's (its first 9 digits).",
        },
        "site.no_professional": {
            "fr": "practitioner.rpps : champ obligatoire absent ou vide (practitioner.adeli pour un professionnel "
            "sans numéro RPPS).",
            "en": "practitioner.rpps: required field missing or empty (practitioner.adeli for a professional "
            "without an RPPS number).",
        },
        "site.no_structure": {
            "fr": "organization.finess : champ obligatoire absent ou vide (organization.siret ou organization.siren "
            "pour une structure sans numéro FINESS).",
            "en": "organization.finess: required field missing or empty (organization.siret or organization.siren "
            "for a structure without a FINESS number).",
        },
        "site.field": {
            "fr": "{path} : champ obligatoire absent ou vide.",
            "en": "{path}: required field missing or empty.",
        },
        "site.root": {"fr": "(racine)", "en": "(root)"},
        "site.unknown": {
            "fr": "{path} : clé inconnue « {key} » (faute de frappe ?). Clés possibles : {known}.",
            "en": "{path}: unknown key “{key}” (a typo?). Known keys: {known}.",
        },
        "site.quoted": {
            "fr": '{path} : un numéro s\'écrit entre guillemets, comme du texte ("10101010105") ; sans eux, '
            "ses zéros de tête sont perdus.",
            "en": '{path}: a number is written in quotes, as text ("10101010105"); without them, its leading '
            "zeros are lost.",
        },
        "site.system": {
            "fr": "patient_id_system : une URI est attendue (l'OID de votre structure, urn:oid:…).",
            "en": "patient_id_system: a URI is expected (your organisation's OID, urn:oid:…).",
        },
        "site.system_space": {
            "fr": "patient_id_system : une URI ne contient pas d'espace ; la plateforme refuserait chaque patient "
            "envoyé sans INS.",
            "en": "patient_id_system: a URI holds no space; the platform would refuse every patient sent without "
            "an INS.",
        },
        "site.system_oid": {
            "fr": "patient_id_system : « {system} » n'est pas un OID bien écrit : urn:oid: puis des nombres séparés "
            "par des points, le premier 0, 1 ou 2, sans zéro en tête (urn:oid:1.2.250.1…).",
            "en": "patient_id_system: “{system}” is not a well-written OID: urn:oid: then numbers separated by dots, "
            "the first 0, 1 or 2, without a leading zero (urn:oid:1.2.250.1…).",
        },
        "site.system_national": {
            "fr": "patient_id_system : « {system} » est le système d'un identifiant national ({what}), pas celui "
            "de vos n° de dossier : la plateforme refuserait vos patients ou les confondrait avec ceux d'une autre "
            "structure. Mettez celui de votre service informatique, ou {own}, propre à votre structure.",
            "en": "patient_id_system: “{system}” is the system of a national identifier ({what}), not of your file "
            "numbers: the platform would refuse your patients or mix them up with another organisation's. Use "
            "your IT department's, or {own}, proper to your organisation.",
        },
        "site.system_national_arc": {
            "fr": "patient_id_system : « {system} » est une branche de {root}, l'OID d'un identifiant national "
            "({what}) : seul l'organisme de cet identifiant en attribue, jamais à une structure. Vos patients "
            "seraient refusés par la plateforme ou confondus avec ceux d'une autre structure. Mettez l'OID de "
            "votre structure donné par votre service informatique (urn:oid:…), ou {own}.",
            "en": "patient_id_system: “{system}” is a branch of {root}, the OID of a national identifier ({what}): "
            "only that identifier's authority assigns them, never to an organisation. Your patients would be "
            "refused by the platform or mixed up with another organisation's. Use your organisation's OID from "
            "your IT department (urn:oid:…), or {own}.",
        },
        "site.system_code": {
            "fr": "patient_id_system : « {system} » est l'adresse d'une terminologie (une liste de codes, comme "
            "les types d'identifiant), pas l'origine de vos n° de dossier : toute structure qui la met aurait "
            "la même, et la plateforme confondrait ses patients avec les vôtres. Mettez l'OID de votre "
            "structure donné par votre service informatique (urn:oid:…), ou {own}.",
            "en": "patient_id_system: “{system}” is the address of a terminology (a list of codes, such as the "
            "kinds of identifier), not the origin of your file numbers: any organisation that puts it would "
            "have the same, and the platform would mix its patients up with yours. Use your organisation's OID "
            "from your IT department (urn:oid:…), or {own}.",
        },
        "site.example_system": {
            "fr": "Attention : l'origine des n° de dossier ({system}) est l'exemple de la documentation. Une "
            "autre structure qui l'a gardée aussi verrait ses patients confondus avec les vôtres sur la "
            "plateforme quand un n° de dossier est le même. Mettez celle de votre service informatique, ou "
            "{own}, propre à votre structure.",
            "en": "Warning: the origin of patient file numbers ({system}) is the documentation's example. "
            "Another organisation that kept it too would see its patients mixed up with yours on the "
            "platform whenever a file number is the same. Use your IT department's, or {own}, proper to "
            "your organisation.",
        },
    }
)

#: The site file's example in the documentation. Sites that all keep it share one system of local
#: patient ids: the platform's conditional create on ``system|D-2291`` then finds another site's
#: patient, and the case goes to the expert under someone else's identity.
EXAMPLE_PATIENT_SYSTEM = "urn:oid:1.2.250.1.999.1.1"


def own_patient_system(finess: str) -> str:
    """A system of local patient ids that no other structure shares, for a site without an OID of its
    own: one per FINESS (a structure's file numbers are unique within it)."""
    return f"urn:teleavis:local-patient-id:{finess.strip().upper()}"


def shared_system_warning(system: str, finess: str) -> str:
    """What to say when a site's patient ids' system is the documentation's example, else ""."""
    if system.strip() != EXAMPLE_PATIENT_SYSTEM:
        return ""
    return M.tr("site.example_system", system=EXAMPLE_PATIENT_SYSTEM, own=own_patient_system(finess))


#: An OID as FHIR R4 writes it (datatypes.html#oid).
_OID = re.compile(r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+")
_KEYS = {
    "": {"practitioner", "organization", "patient_id_system"},
    "practitioner": {"rpps", "adeli", "family", "given", "role"},
    "organization": {"finess", "siret", "siren", "name"},
}


def parse_site(document: Any) -> Requester:
    """A ``Requester`` from the site file, or ``CaseFileError`` listing every problem."""
    errors: list[str] = []

    def section(name: str) -> dict[str, Any]:
        data = document.get(name) if name else document
        if not isinstance(data, dict):
            errors.append(M.tr("site.field", path=name or M.tr("site.root")))
            return {}
        known = ", ".join(sorted(_KEYS[name]))
        errors.extend(
            M.tr("site.unknown", path=name or M.tr("site.root"), key=k, known=known)
            for k in data
            if k not in _KEYS[name]
        )
        return data

    def text(data: dict[str, Any], key: str, path: str, *, optional: bool = False) -> str:
        value = data.get(key)
        where = f"{path}.{key}" if path else key
        if isinstance(value, int | float) and not isinstance(value, bool):
            # A number (no quotes): its leading zeros are already gone (a FINESS of Ain, 01…).
            errors.append(M.tr("site.quoted", path=where))
            return ""
        if optional and value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            errors.append(M.tr("site.field", path=where))
            return ""
        return value.strip()

    if not isinstance(document, dict):
        raise CaseFileError(M.tr("site.refused"), details=[M.tr("site.field", path=M.tr("site.root"))])
    section("")
    prac, org = section("practitioner"), section("organization")
    # The RPPS, or the ADELI of a professional not in the RPPS; the FINESS, or the SIRET or SIREN of a
    # structure without one (FR Core's identifier slices for each).
    rpps = text(prac, "rpps", "practitioner", optional=True)
    adeli = text(prac, "adeli", "practitioner", optional=True).upper()  # (2A/2B, 9A-9F: a department)
    finess = text(org, "finess", "organization", optional=True).upper()
    siret, siren = (text(org, key, "organization", optional=True).replace(" ", "") for key in ("siret", "siren"))
    if rpps and not rpps_is_valid(rpps):
        errors.append(M.tr("site.rpps"))
    if adeli and not adeli_is_valid(adeli):
        errors.append(M.tr("site.adeli"))
    if not (rpps or adeli or "rpps" in prac or "adeli" in prac):
        errors.append(M.tr("site.no_professional"))
    if finess and not finess_is_valid(finess):
        errors.append(M.tr("site.finess"))
    if siret and not siret_is_valid(siret):
        errors.append(M.tr("site.siret"))
    if siren and not siren_is_valid(siren):
        errors.append(M.tr("site.siren"))
    elif siren and siret and siret[:9] != siren:
        errors.append(M.tr("site.siren_siret"))
    if not (finess or siret or siren or {"finess", "siret", "siren"} & set(org)):
        errors.append(M.tr("site.no_structure"))
    given = prac.get("given", [])
    given = [given] if isinstance(given, str) else given
    if not isinstance(given, list) or not given or not all(isinstance(g, str) and g.strip() for g in given):
        errors.append(M.tr("site.field", path="practitioner.given"))
        given = []
    system = text(document, "patient_id_system", "")
    if system and ":" not in system:
        errors.append(M.tr("site.system"))
    elif any(ch.isspace() for ch in system):
        errors.append(M.tr("site.system_space"))
    elif system.lower().startswith("urn:oid:") and not _OID.fullmatch(system):
        # It goes as Identifier.system of every patient without an INS (R4 oid, RFC 3061): a strict platform
        # would refuse each of them.
        errors.append(M.tr("site.system_oid", system=system))
    elif root := national_arc(system):
        own = own_patient_system(finess or siret or siren)
        errors.append(M.tr("site.system_national_arc", system=system, root=root, what=national_system(root), own=own))
    elif what := national_system(system):
        own = own_patient_system(finess or siret or siren)
        errors.append(M.tr("site.system_national", system=system, what=what, own=own))
    elif is_code_system(system):
        errors.append(M.tr("site.system_code", system=system, own=own_patient_system(finess or siret or siren)))
    requester = Requester(
        rpps=rpps,
        family=text(prac, "family", "practitioner"),
        given=list(given),
        role=str(prac.get("role") or ""),
        finess=finess,
        organization=text(org, "name", "organization"),
        patient_id_system=system,
        adeli=adeli,
        siret=siret,
        siren=siren,
    )
    if errors:
        raise CaseFileError(M.tr("site.refused"), details=errors)
    return requester


def load_requester(settings: Settings) -> Requester | None:
    """The site recorded by ``init``, or ``None`` before it was set up."""
    data = settings.get("site.requester")
    return Requester(**data) if data else None


def site_patient_system(settings: Settings) -> str:
    """The system of the site's patient file numbers (their issuer, ``patient_id_system``), "" before the
    site was set up: a DICOM worklist of the site may write it with the patient's file number."""
    requester = load_requester(settings)
    return requester.patient_id_system if requester is not None else ""


#: Each site saved, with when it began to name the cases sent (``requester_when_sent``): a list of
#: ``{"from": ISO instant, "after_event": the last case event's id then, "after_case": that event's case,
#: "requester": {...}}``; the first one's ``from`` empty and ``after_event`` 0 when it stood since always (an
#: earlier version kept no history). Told by the events' order, not by the clock: a case may leave in the same
#: second as the site is changed; by the clock only once that last event is gone (a draft deleted: SQLite
#: numbers the next event as the deleted one was).
SITE_HISTORY = "state.site.history"


def site_ever_set(store: Store) -> bool:
    """Whether this workstation's site was ever set up: its row (even deleted since, or altered), its
    history, or the audit's record of it. Read as stored, without the data key (the start asks the lock's
    code before fetching it): for words only, never to act on."""
    conn = store.conn
    rows = conn.execute("SELECT 1 FROM settings WHERE key IN ('site.requester', ?) LIMIT 1", (SITE_HISTORY,)).fetchone()
    return rows is not None or conn.execute("SELECT 1 FROM audit WHERE action = 'site' LIMIT 1").fetchone() is not None


def save_site(store: Store, requester: Requester) -> bool:
    """Record the site (one transaction with its audit row, and in the site's history); False when it was
    already so."""
    before = load_requester(store.settings)
    if before == requester:
        return False
    history = list(store.settings.get(SITE_HISTORY) or [])
    if not history and before is not None:  # set up by a version that kept no history: in effect until now
        history.append({"from": "", "after_event": 0, "requester": asdict(before)})
    with transaction(store.conn) as conn:
        # Read in the saving transaction: a case marked sent meanwhile on another connection is before it.
        last = conn.execute("SELECT id, case_id FROM case_events ORDER BY id DESC LIMIT 1").fetchone()
        history.append(
            {
                "from": iso(utc_now()),
                "after_event": int(last[0]) if last else 0,
                "after_case": str(last[1]) if last else "",
                "requester": asdict(requester),
            }
        )
        store.settings.set("site.requester", asdict(requester), in_transaction=True)
        store.settings.set(SITE_HISTORY, history, in_transaction=True)
        numbers = [("ADELI", requester.adeli), ("SIRET", requester.siret), ("SIREN", requester.siren)]
        detail = " ".join([f"RPPS {requester.rpps} FINESS {requester.finess}", *(f"{k} {v}" for k, v in numbers if v)])
        audit.append(conn, store.key, "site", detail=detail)
    return True


def requester_when_sent(store: Store, case_id: str) -> Requester | None:
    """The practitioner and organisation ``case_id`` was sent in the name of: the site in effect when it
    first left (its history), else the site as it is now (a case not sent yet, a site never changed since
    its history began); its report, its act billed and the same-site check take it. Found from outside: a
    case's report, printed again once the site had been given to a successor, named the successor as the
    one who had asked for the advice."""
    current = load_requester(store.settings)
    # The last start of its sending before it was first sent: its request is made with the site of then, just
    # before (sync/engine.py SendJob); the platform's « sent » may come minutes later, its photos uploading
    # (found in review: the site changed meanwhile named the successor). Else its first « sent ».
    sent = store.conn.execute(
        "SELECT s.id, s.at FROM case_events s WHERE s.case_id = ?1 AND s.to_state IN ('sending', 'sent') "
        "AND s.id <= (SELECT MIN(f.id) FROM case_events f WHERE f.case_id = ?1 AND f.to_state = 'sent') "
        "ORDER BY s.to_state = 'sending' DESC, s.id DESC LIMIT 1",
        (case_id,),
    ).fetchone()
    history = store.settings.get(SITE_HISTORY) or []
    if sent is None or not isinstance(history, list):
        return current

    def began_before(entry: dict[str, Any]) -> bool:
        after = int(entry.get("after_event") or 0)
        if after < sent[0]:  # an event numbered after the last one at the change came after it
            return True
        # Numbered before: truly so while that last event is still there (SQLite numbers a new event after the
        # last one kept); once it is gone, its number and those before may have been given again (found in
        # review: the drafts left before the change deleted, the successor's first case took their numbers).
        last = store.conn.execute("SELECT case_id FROM case_events WHERE id = ?", (after,)).fetchone()
        if last is not None and str(last[0]) == str(entry.get("after_case", last[0])):
            return False
        return bool(entry.get("from")) and str(entry["from"]) < str(sent[1])

    in_effect = [entry for entry in history if isinstance(entry, dict) and began_before(entry)]
    return Requester(**in_effect[-1]["requester"]) if in_effect else current
