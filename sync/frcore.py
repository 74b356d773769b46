"""FR Core's profile rules for the resources that identify people and places, as a strict national
platform checks them.

Written from FR Core's FSH sources (profiles ``fr-core-patient``, ``fr-core-patient-ins``,
``fr-core-practitioner``, ``fr-core-organization``, ``fr-core-practitioner-role``, extension
``fr-core-identity-reliability``, code systems ``fr-core-cs-v2-0203``, ``fr-core-cs-identity-status``,
``fr-core-cs-mode-validation-identity``): the slices' fixed systems and types, their required
elements, the required bindings, the INS profile's invariants, and the identity-vigilance rule
(the INS only for a qualified identity). The sandbox platform answers a resource that breaks one with
a 400; the mapping runs the same checks before anything leaves the workstation.

The birth place (``patient-birthPlace`` with FR Core's INSEE code) is checked when present, never
required: FR Core's INS profile has it 1..1, but the platform contract (docs/platform-api.md §3)
shows qualified identities without it, and the platforms it describes take them.

Each problem is ``(element path, sentence)``, the sentence in French as the platform writes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.identifiers import (
    adeli_is_valid,
    birth_place_is_valid,
    finess_is_valid,
    idnps_is_valid,
    idnst_is_valid,
    ins_disagreements,
    ins_is_valid,
    is_nia,
    rpps_is_valid,
    siren_is_valid,
    siret_is_valid,
)
from sync import codes as C

Problem = tuple[str, str]


def _codings(concept: Any) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def _has_code(concept: Any, system: str, codes: frozenset[str] | str) -> bool:
    wanted = frozenset({codes}) if isinstance(codes, str) else codes
    return any(c.get("system") == system and c.get("code") in wanted for c in _codings(concept))


def _identifiers(resource: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    raw = resource.get("identifier")
    return [(n, i) for n, i in enumerate(raw if isinstance(raw, list) else []) if isinstance(i, dict)]


def _profile(resource: dict[str, Any], rtype: str, out: list[Problem]) -> set[str]:
    """meta.profile must declare the resource's FR Core profile."""
    declared = {p for p in (resource.get("meta") or {}).get("profile") or [] if isinstance(p, str)}
    if not declared & C.PROFILES[rtype]:
        out.append(("meta.profile", f"doit déclarer le profil FR Core {' ou '.join(sorted(C.PROFILES[rtype]))}"))
    return declared


def _sub(extension: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [e for e in extension.get("extension") or [] if isinstance(e, dict) and e.get("url") == url]


def identity_status(resource: dict[str, Any]) -> str | None:
    """The identity-reliability extension's status code (``PROV``…), or None."""
    for ext in resource.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == C.EXT_IDENTITY_RELIABILITY:
            for status in _sub(ext, "identityStatus"):
                coding = status.get("valueCoding") or {}
                if coding.get("system") == C.CS_IDENTITY_STATUS:
                    return str(coding.get("code"))
    return None


def _reliability(resource: dict[str, Any], out: list[Problem]) -> None:
    """The identity-reliability extension: present once, its status from the required value set,
    its validation mode from the required value set, its date a date."""
    found = [
        (n, e)
        for n, e in enumerate(resource.get("extension") or [])
        if isinstance(e, dict) and e.get("url") == C.EXT_IDENTITY_RELIABILITY
    ]
    if not found:
        out.append(("extension", "l'extension fr-core-identity-reliability (statut de l'identité) est exigée"))
        return
    if len(found) > 1:
        out.append(("extension", "une seule extension fr-core-identity-reliability est attendue"))
    n, ext = found[0]
    at = f"extension[{n}]"
    if any(k.startswith("value") for k in ext):
        out.append((at, "extension complexe : pas de value[x] à ce niveau"))
    statuses = _sub(ext, "identityStatus")
    if len(statuses) != 1:
        out.append((f"{at}.extension", "identityStatus exigé, une fois (PROV, RECUP, VALI ou QUAL)"))
    for status in statuses:
        coding = status.get("valueCoding")
        if not (
            isinstance(coding, dict)
            and coding.get("system") == C.CS_IDENTITY_STATUS
            and coding.get("code") in C.IDENTITY_STATUS_CODES.values()
        ):
            out.append(
                (
                    f"{at}.extension:identityStatus.valueCoding",
                    f"code de {C.CS_IDENTITY_STATUS} exigé (PROV, RECUP, VALI ou QUAL)",
                )
            )
    for mode in _sub(ext, "validationMode"):
        coding = mode.get("valueCoding")
        if not (
            isinstance(coding, dict)
            and coding.get("system") == C.CS_VALIDATION_MODE
            and coding.get("code") in C.VALIDATION_MODES
        ):
            out.append(
                (
                    f"{at}.extension:validationMode.valueCoding",
                    f"code de {C.CS_VALIDATION_MODE} exigé (pièce d'identité contrôlée : CN, PA, CS…)",
                )
            )
    for when in _sub(ext, "validationDate"):
        if not isinstance(when.get("valueDate"), str):
            out.append((f"{at}.extension:validationDate", "valueDate exigée"))


def _names(resource: dict[str, Any], out: list[Problem]) -> None:
    """Each name's use from NameUse (fr-core-human-name, required); a used name (usualName, ``use =
    usual``: « n'est transmis que s'il est défini ») carries a name; a birth name (fr-core-patient's
    officialName, ``use = official``) has its family and a given name (``family 1..``, ``given 1..``,
    on every FR Core patient, qualified or not). More than one name is FR Core's own shape: the birth
    name (officialName) and the used name side by side."""
    for n, name in enumerate(resource.get("name") or []):
        if not isinstance(name, dict):
            continue
        use = name.get("use")
        if use == "official":
            if not (isinstance(name.get("family"), str) and name["family"].strip()):
                out.append((f"name[{n}].family", "nom de naissance exigé (officialName.family 1..)"))
            if not name.get("given"):
                out.append(
                    (f"name[{n}].given", "premier prénom exigé avec le nom de naissance (officialName.given 1..)")
                )
        if use is not None and use not in C.NAME_USES:
            out.append((f"name[{n}].use", f"« {use} » n'est pas un usage de nom (NameUse) : official, usual…"))
        elif (
            use == "usual"
            and not (isinstance(name.get("family"), str) and name["family"].strip())
            and not name.get("given")
        ):
            out.append((f"name[{n}]", "nom utilisé (use = usual) vide : il ne se transmet que s'il est défini"))


def _birth_place(resource: dict[str, Any], out: list[Problem]) -> None:
    """The birth place, when given: once, an Address carrying one FR Core INSEE code (TRE-R13) of a
    commune or of ``99`` + country. Its presence is not required here although fr-core-patient-ins
    says 1..1: the contract's qualified identities come without it, and must still be taken."""
    found = [
        (n, e)
        for n, e in enumerate(resource.get("extension") or [])
        if isinstance(e, dict) and e.get("url") == C.EXT_BIRTH_PLACE
    ]
    if len(found) > 1:
        out.append(("extension", "un seul lieu de naissance (patient-birthPlace) est attendu"))
    for n, ext in found:
        at = f"extension[{n}]"
        address = ext.get("valueAddress")
        if not isinstance(address, dict) or any(k.startswith("value") and k != "valueAddress" for k in ext):
            out.append((at, "patient-birthPlace : valueAddress exigée (et elle seule)"))
            continue
        codes = _sub(address, C.EXT_ADDRESS_INSEE_CODE)
        if len(codes) != 1:
            out.append(
                (
                    f"{at}.valueAddress.extension",
                    "lieu de naissance : un code INSEE (fr-core-address-insee-code) exigé, un seul",
                )
            )
        for insee in codes:
            coding = insee.get("valueCoding")
            if not isinstance(coding, dict) or coding.get("system") != C.TRE_R13_COMMUNE_OM:
                out.append(
                    (
                        f"{at}.valueAddress.extension:inseeCode.valueCoding",
                        f"code INSEE de {C.TRE_R13_COMMUNE_OM} exigé",
                    )
                )
            elif not isinstance(coding.get("code"), str) or not birth_place_is_valid(coding["code"]):
                out.append(
                    (
                        f"{at}.valueAddress.extension:inseeCode.valueCoding.code",
                        f"code INSEE « {coding.get('code')} » invalide (commune sur 5 caractères, "
                        "ou 99 suivi du code du pays)",
                    )
                )


def check_patient(resource: dict[str, Any], *, national: bool = False) -> list[Problem]:
    """fr-core-patient / fr-core-patient-ins, and the INS of a qualified identity only.

    ``national``: a real platform, which refuses the INS of fictitious test patients."""
    out: list[Problem] = []
    declared = _profile(resource, "Patient", out)
    _reliability(resource, out)
    _birth_place(resource, out)
    _names(resource, out)
    status = identity_status(resource)
    ins_profile = C.PROFILE_PATIENT_INS in declared
    ins_found: list[tuple[str, str]] = []
    for n, ident in _identifiers(resource):
        at = f"identifier[{n}]"
        system, value = ident.get("system"), ident.get("value")
        type_ = ident.get("type")
        if system in C.INS_SLICES:
            kind = C.INS_SLICES[system]
            if not _has_code(type_, C.FR_V2_0203, kind):
                if _has_code(type_, C.V2_0203, "NH") and system == C.INS_SYSTEM:
                    continue  # the billing NIR (slice NSS) shares the OID: not an INS
                out.append((f"{at}.type", f"{system} porte un INS : type {C.FR_V2_0203}|{kind} exigé"))
                continue
            ins_found.append((str(system), str(value or "")))
            if ident.get("use") != C.INS_USES[system]:
                out.append((f"{at}.use", f"l'INS {kind} se transmet avec use = {C.INS_USES[system]}"))
            national_ins = system in (C.INS_SYSTEM, C.INS_NIA_SYSTEM)  # (a test patient's goes under its own)
            if national_ins and isinstance(value, str) and (system == C.INS_NIA_SYSTEM) != is_nia(value):
                out.append((f"{at}.system", "un NIA (7 ou 8 en tête) se transmet en INS-NIA, un NIR en INS-NIR"))
            if not isinstance(value, str) or not ins_is_valid(value):
                out.append((f"{at}.value", f"INS « {value} » : matricule ou clé de contrôle invalide"))
            if system in C.FICTITIOUS_INS_SYSTEMS and national:
                what = "INS de test" if system == C.INS_TEST_SYSTEM else "INS de démonstration"
                out.append((f"{at}.system", f"{what} (patient fictif) refusé par une plateforme réelle"))
        elif _has_code(type_, C.FR_V2_0203, frozenset({C.TYPE_INS_NIR, C.TYPE_INS_NIR_TEST, C.TYPE_INS_NIR_DEMO})):
            out.append((f"{at}.system", "un identifiant de type INS-NIR doit avoir le système de l'INS"))
        elif _has_code(type_, C.V2_0203, C.TYPE_PI):
            if ident.get("use") != "usual":
                out.append((f"{at}.use", "l'identifiant local (PI) se transmet avec use = usual"))
            if not system or not value:
                out.append((at, "l'identifiant local (PI) exige system et value"))
    if ins_found:
        if status != "QUAL":
            out.append(("identifier", "l'INS ne se transmet que pour une identité qualifiée (identityStatus = QUAL)"))
        if not ins_profile:
            out.append(("meta.profile", f"un patient transmis avec son INS déclare {C.PROFILE_PATIENT_INS}"))
        gender, born = resource.get("gender"), resource.get("birthDate")
        for system, value in ins_found:
            wrong = ins_disagreements(value, str(gender or ""), str(born or ""))
            if wrong:
                what = " et ".join({"sex": "le sexe", "birth": "l'année et le mois de naissance"}[w] for w in wrong)
                out.append(("identifier", f"l'INS {system} contredit {what} du patient"))
    elif ins_profile:
        out.append(("identifier", "fr-core-patient-ins sans INS : déclarez fr-core-patient"))
    if ins_profile:
        out.extend(_ins_profile(resource, status))
        out.extend(_ins_validation_mode(resource))
    return out


def _ins_validation_mode(resource: dict[str, Any]) -> list[Problem]:
    """fr-core-patient-ins binds the validation mode to fr-core-vs-mode-validation-identity-ins (required):
    passport, identity card, birth certificate, family record book."""
    out: list[Problem] = []
    for n, ext in enumerate(resource.get("extension") or []):
        if not isinstance(ext, dict) or ext.get("url") != C.EXT_IDENTITY_RELIABILITY:
            continue
        for mode in _sub(ext, "validationMode"):
            coding = mode.get("valueCoding")
            code = coding.get("code") if isinstance(coding, dict) else None
            if code in C.VALIDATION_MODES and code not in C.VALIDATION_MODES_INS:
                out.append(
                    (
                        f"extension[{n}].extension:validationMode.valueCoding",
                        f"« {code} » n'est pas une pièce de fr-core-vs-mode-validation-identity-ins "
                        "(PA, CN, AN ou LE) exigée avec l'INS",
                    )
                )
    return out


def _ins_profile(resource: dict[str, Any], status: str | None) -> list[Problem]:
    """fr-core-patient-ins: gender and birthDate required, the official name with one given name and
    the birth list of given names; invariants fr-core-1 and fr-core-2."""
    out: list[Problem] = []
    if resource.get("gender") not in C.INS_GENDERS:
        out.append(("gender", "exigé par fr-core-patient-ins : male, female ou unknown"))
    if not resource.get("birthDate"):
        out.append(("birthDate", "exigée par fr-core-patient-ins"))
    official = [
        (n, name)
        for n, name in enumerate(resource.get("name") or [])
        if isinstance(name, dict) and name.get("use") == "official"
    ]
    if len(official) != 1:
        out.append(("name", "fr-core-patient-ins exige un nom de naissance (use = official), un seul"))
    for n, name in official:  # (its family: ``_names``, as on every FR Core patient)
        if len(name.get("given") or []) != 1:
            out.append((f"name[{n}].given", "fr-core-patient-ins : le premier prénom seul"))
        listed = [
            e
            for e in name.get("extension") or []
            if isinstance(e, dict) and e.get("url") == C.EXT_BIRTH_LIST_GIVEN_NAME
        ]
        if len(listed) != 1 or not isinstance(listed[0].get("valueString"), str):
            out.append(
                (
                    f"name[{n}].extension",
                    "la liste des prénoms de naissance (fr-core-patient-birth-list-given-name) est exigée",
                )
            )
    if status == "VALI":  # fr-core-1 and fr-core-2, as FR Core writes them
        identifiers = [i for _, i in _identifiers(resource)]
        # Each INS slice with its own use: a NIR official, a NIA temp (FRCorePatientINSProfile.fsh).
        ins = [i for i in identifiers if i.get("system") in C.INS_SLICES and i.get("use") == C.INS_USES[i["system"]]]
        nia = any(i.get("system") == C.INS_NIA_SYSTEM for i in ins)
        if not ins:
            out.append(("identifier", "fr-core-1 : une identité VALI sur fr-core-patient-ins porte son INS"))
        if not nia and len([i for i in identifiers if i.get("use") == "official"]) != 1:
            out.append(("identifier", "fr-core-2 : une identité VALI n'a qu'un identifiant official (ou un INS-NIA)"))
    return out


def held_only_as_billing_number(resource: dict[str, Any], system: str, value: str) -> bool:
    """Whether ``resource`` carries the INS ``system|value`` without ever typing it as the INS.

    FR Core's NSS slice (FRCorePatientProfile: the billing NIR, type v2-0203 ``NH``) has the INS-NIR's own
    OID: an identifier search on an INS also finds the Patients holding that number as their billing
    number, which is the insured's, a parent's for a child or a spouse's. Such a Patient is this patient
    only when its traits say so (``traits_complete`` and then compared)."""
    if system not in C.INS_SLICES:
        return False
    carrying = [i for _, i in _identifiers(resource) if i.get("system") == system and i.get("value") == value]
    return bool(carrying) and not any(_has_code(i.get("type"), C.FR_V2_0203, C.INS_SLICES[system]) for i in carrying)


def may_hold_identifier(resource: dict[str, Any], system: str, value: str) -> bool:
    """Whether ``resource`` may be a Patient an identifier search on ``system|value`` matched: it carries that
    identifier (its value whatever its case and blanks around it: a server may match it so), or it shows no
    identifier at all, or one under ``system`` showing no value (masked, FHIR's data-absent-reason: it cannot be
    told apart; found in review, the holder under other traits whose value was masked was left out, and the case
    filed under it). A Patient showing only other identifiers was returned by a server that did not apply the
    search (FHIR's lenient default: a parameter it does not read is ignored), and is not the one the case's
    conditional create would file it under."""
    shown = _identifiers(resource)
    wanted = value.strip().casefold()
    return not shown or any(
        i.get("system") == system
        and (not isinstance(i.get("value"), str) or not i["value"].strip() or i["value"].strip().casefold() == wanted)
        for _, i in shown
    )


def traits_complete(resource: dict[str, Any]) -> bool:
    """Whether a Patient gives every strict trait compared before reuse: a birth name with a family and a
    first given name, the birth date, a sex of male or female."""
    names = (
        [n for n in resource.get("name") or [] if isinstance(n, dict)] if isinstance(resource.get("name"), list) else []
    )
    named = any(
        isinstance(n.get("family"), str)
        and n["family"].strip()
        and isinstance(n.get("given"), list)
        and any(isinstance(g, str) and g.strip() for g in n["given"])
        for n in ([n for n in names if n.get("use") == "official"] or names)
    )
    born = resource.get("birthDate")
    return named and isinstance(born, str) and len(born) == 10 and resource.get("gender") in ("male", "female")


def check_practitioner(resource: dict[str, Any]) -> list[Problem]:
    """fr-core-practitioner: idNatPs (IDNPS, ``8`` + RPPS, or ``0`` + ADELI) and the rpps (or adeli)
    slice, agreeing."""
    out: list[Problem] = []
    _profile(resource, "Practitioner", out)
    national: list[str] = []
    own: list[str] = []
    for n, ident in _identifiers(resource):
        at, system, value = f"identifier[{n}]", ident.get("system"), str(ident.get("value") or "")
        if system == C.RPPS_SYSTEM:
            national.append(value)
            if not _has_code(ident.get("type"), C.FR_V2_0203, C.TYPE_IDNPS):
                out.append((f"{at}.type", f"type {C.FR_V2_0203}|{C.TYPE_IDNPS} exigé (slice idNatPs)"))
            if not idnps_is_valid(value):
                out.append(
                    (
                        f"{at}.value",
                        f"« {value} » doit être 8 suivi d'un RPPS valide (11 chiffres, clé de Luhn), "
                        "ou 0 suivi d'un ADELI valide",
                    )
                )
        elif system == C.RPPS_DIRECTORY:
            own.append("8" + value)
            if not _has_code(ident.get("type"), C.FR_V2_0203, C.TYPE_RPPS):
                out.append((f"{at}.type", f"type {C.FR_V2_0203}|{C.TYPE_RPPS} exigé (slice rpps)"))
            if not rpps_is_valid(value):
                out.append((f"{at}.value", f"RPPS « {value} » invalide (11 chiffres, clé de Luhn)"))
        elif system == C.ADELI_DIRECTORY:
            own.append("0" + value)
            if not _has_code(ident.get("type"), C.FR_V2_0203, C.TYPE_ADELI):
                out.append((f"{at}.type", f"type {C.FR_V2_0203}|{C.TYPE_ADELI} exigé (slice adeli)"))
            if not adeli_is_valid(value):
                out.append(
                    (f"{at}.value", f"ADELI « {value} » invalide (9 chiffres, clé de Luhn; 2A, 2B, 9A-9F + 7 chiffres)")
                )
    if len(national) > 1:
        out.append(("identifier", "un seul identifiant national (idNatPs)"))
    if national and own and national[0] not in own:  # (an RPPS beside an older ADELI: the RPPS agrees)
        out.append(
            ("identifier", "l'identifiant national doit être 8 suivi du RPPS transmis, ou 0 suivi de l'ADELI transmis")
        )
    return out


def check_organization(resource: dict[str, Any]) -> list[Problem]:
    """fr-core-organization: every identifier has system and value; idNatSt is ``1`` + FINESS, ``2`` +
    SIREN or ``3`` + SIRET (type IDNST), the FINESS slice carries a FINEG/FINEJ type, the SIREN and SIRET
    slices (one system) their own type; the national id agrees with the number sent."""
    out: list[Problem] = []
    _profile(resource, "Organization", out)
    national: list[str] = []
    own: list[str] = []
    for n, ident in _identifiers(resource):
        at, system, value = f"identifier[{n}]", ident.get("system"), str(ident.get("value") or "")
        if not system or not value:
            out.append((at, "system et value exigés par fr-core-organization"))
            continue
        if system == C.FINESS_SYSTEM:
            national.append(value)
            if not _has_code(ident.get("type"), C.FR_V2_0203, C.TYPE_IDNST):
                out.append((f"{at}.type", f"type {C.FR_V2_0203}|{C.TYPE_IDNST} exigé (slice idNatSt)"))
            elif ident.get("use", "official") != "official":
                # fr-core-organization: identifier[idNatSt].use = #official, a fixed value of the slice.
                out.append((f"{at}.use", "identifiant national de structure (slice idNatSt : use = official)"))
            if finess_is_valid(value):
                out.append(
                    (f"{at}.value", "l'identifiant national de structure est 1 suivi du FINESS, jamais le FINESS seul")
                )
            elif not idnst_is_valid(value):
                out.append(
                    (
                        f"{at}.value",
                        f"« {value} » doit être 1 suivi d'un FINESS valide (ou 2 suivi d'un SIREN, 3 d'un SIRET)",
                    )
                )
        elif system == C.FINESS_DIRECTORY:
            own.append("1" + value)
            if not _has_code(ident.get("type"), C.FR_V2_0203, C.TYPE_FINESS):
                out.append((f"{at}.type", f"type {C.FR_V2_0203}|FINEG (ou FINEJ) exigé (slice finess)"))
            if not finess_is_valid(value):
                out.append((f"{at}.value", f"FINESS « {value} » invalide (9 caractères, clé de Luhn)"))
        elif system == C.SIRENE_SYSTEM:
            # One system for both slices, told apart by the type (FRCoreOrganizationProfile: siren, siret).
            if _has_code(ident.get("type"), C.FR_V2_0203, C.TYPE_SIRET):
                own.append("3" + value)
                if not siret_is_valid(value):
                    out.append((f"{at}.value", f"SIRET « {value} » invalide (14 chiffres, clé de Luhn)"))
            elif _has_code(ident.get("type"), C.FR_V2_0203, C.TYPE_SIREN):
                own.append("2" + value)
                if not siren_is_valid(value):
                    out.append((f"{at}.value", f"SIREN « {value} » invalide (9 chiffres, clé de Luhn)"))
            else:
                out.append((f"{at}.type", f"type {C.FR_V2_0203}|SIRET ou SIREN exigé (slices siret, siren)"))
    if national and own and national[0] not in own:
        out.append(
            (
                "identifier",
                "l'identifiant national de structure doit être 1 suivi du FINESS transmis "
                "(2 suivi du SIREN, 3 du SIRET sans FINESS)",
            )
        )
    return out


def check_practitioner_role(resource: dict[str, Any]) -> list[Problem]:
    """fr-core-practitioner-role: the specialty from TRE-R38 (required binding); profession codes
    from TRE-G15 when coded."""
    out: list[Problem] = []
    _profile(resource, "PractitionerRole", out)
    for n, specialty in enumerate(resource.get("specialty") or []):
        for coding in _codings(specialty):
            if coding.get("system") != C.TRE_R38:
                out.append((f"specialty[{n}].coding", f"spécialité ordinale de {C.TRE_R38} exigée"))
    return out


_CHECKS: dict[str, Callable[[dict[str, Any]], list[Problem]]] = {
    "Practitioner": check_practitioner,
    "Organization": check_organization,
    "PractitionerRole": check_practitioner_role,
}


def check(resource: dict[str, Any], *, national: bool = False) -> list[Problem]:
    """The FR Core problems of a requester's Patient, Practitioner, Organization or PractitionerRole
    (empty for other types and for a conforming resource)."""
    rtype = resource.get("resourceType")
    if rtype == "Patient":
        return check_patient(resource, national=national)
    rule = _CHECKS.get(str(rtype))
    return rule(resource) if rule else []
