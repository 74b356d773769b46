"""A strict FHIR R4 reading of what the client sends, independent of the sandbox and of ``sync.mapping``.

``fhir.resources`` knows the structure but lets through what a strict server (HAPI with its validator,
FR Core loaded) refuses: numbers and booleans written as JSON strings, control characters in strings,
uris with spaces, malformed ``urn:oid:``, leading or trailing blanks in an ``id``, a local reference
without its contained resource (ref-1), an extension with both a value and extensions (ext-1), a
transaction entry without ``request`` (bdl-3), a reference to nothing in the Bundle. This module walks
each resource alongside its R4B model class (for the element types) and applies the R4 datatype
regexes (http://hl7.org/fhir/R4/datatypes.html) and those invariants itself.

A resource declaring an FR Core profile in ``meta.profile`` is also read against that profile's rules, written
here again from FR Core's FSH sources (Interop-Sante/hl7.fhir.fr.core, ``input/fsh``), not taken from
``sync.frcore``: the mapping and the sandbox share that module, so a rule it reads wrong would pass both.

``RecordedExchange`` wraps a sandbox's platform to keep every request the client makes, so that a test
can read each body through ``problems_of_request``.
"""

from __future__ import annotations

import contextvars
import json
import re
import sys
import threading
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

# -- R4 primitive types (http://hl7.org/fhir/R4/datatypes.html), as regexes ------------------------------
_YEAR = r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
_ZONE = r"(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?"
_DATE = rf"{_YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?"
PRIMITIVE_PATTERNS: dict[str, re.Pattern[str]] = {
    "Id": re.compile(r"[A-Za-z0-9\-.]{1,64}"),
    "Code": re.compile(r"[^\s]+( [^\s]+)*"),
    "Uri": re.compile(r"\S+"),
    "Url": re.compile(r"\S+"),
    "Canonical": re.compile(r"\S+"),
    "Oid": re.compile(r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+"),
    "Uuid": re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    "Date": re.compile(_DATE),
    "DateTime": re.compile(
        rf"{_YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T{_TIME}{_ZONE})?)?)?",
    ),
    "Instant": re.compile(rf"{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T{_TIME}{_ZONE}"),
    "Time": re.compile(_TIME),
    "Base64Binary": re.compile(r"([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"),
}
#: Primitive types written as JSON numbers / booleans (http://hl7.org/fhir/R4/json.html#primitive).
NUMBERS = {"Integer": (-(2**31), 2**31 - 1), "PositiveInt": (1, 2**31 - 1), "UnsignedInt": (0, 2**31 - 1)}
TEXTS = {"String", "Markdown", "Xhtml"}
#: R4 datatypes: strings SHOULD hold no character below 32 but tab, CR and LF; XML cannot carry them at
#: all (a platform that files the request as a CDA document fails on them), and Java's ``\S`` of the
#: string regex ``[ \r\n\t\S]+`` excludes vertical tab and form feed. Nor can XML carry U+FFFE, U+FFFF or
#: a lone surrogate (not XML characters: .NET's and Java's XML writers refuse them), and XML 1.1 takes DEL
#: and the C1 controls (U+0080 to U+009F) only as character references.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: The OIDs a French national platform reads identifiers under (``urn:oid:`` + a well-formed OID).
_OID_SYSTEM = re.compile(r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+")
_LITERAL = re.compile(r"([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(/_history/[A-Za-z0-9\-.]{1,64})?")


#: The fullUrls of the transaction being read and their resource types (a reference's target type).
_FULL_URLS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("full_urls", default=None)
#: The fullUrls of the transaction being read and the profiles each resource declares.
_PROFILES: contextvars.ContextVar[dict[str, set[str]] | None] = contextvars.ContextVar("profiles", default=None)


def _model(name: str, near: type | None = None) -> type | None:
    from fhir.resources.R4B import get_fhir_model_class

    if near is not None:
        found = getattr(sys.modules[near.__module__], name, None)
        if isinstance(found, type):
            return found
    try:
        return get_fhir_model_class(name)
    except (KeyError, ValueError):
        return None


def _fields(cls: type) -> dict[str, Any]:
    """JSON name → pydantic field of a model class."""
    return {(f.alias or name): f for name, f in cls.model_fields.items()}  # type: ignore[attr-defined]


def _element_type(annotation: Any) -> tuple[bool, str, bool]:
    """(is a list, type name, is primitive) of a field's annotation."""
    many = False
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin in (typing.Union, types.UnionType):
            annotation = next(a for a in args if a is not type(None))
        elif origin in (list, typing.List):  # noqa: UP006
            many, annotation = True, args[0]
        elif origin is typing.Annotated:
            marker = next((m for m in annotation.__metadata__ if type(m).__module__.startswith("fhir_core")), None)
            return many, type(marker).__name__ if marker is not None else "String", True
        else:
            break
    plain = {bool: "Boolean", int: "Integer", float: "Decimal", str: "String"}
    if annotation in plain:
        return many, plain[annotation], True
    name = getattr(annotation, "__name__", str(annotation))
    return many, name.removesuffix("Type"), False


@dataclass
class Problem:
    path: str
    words: str

    def __str__(self) -> str:
        return f"{self.path}: {self.words}"


def _primitive(kind: str, value: Any, path: str, out: list[Problem]) -> None:
    if kind == "Boolean":
        if not isinstance(value, bool):
            out.append(Problem(path, "boolean written as a JSON true/false"))
        return
    if kind in NUMBERS:
        low, high = NUMBERS[kind]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            out.append(Problem(path, f"{kind} must be a JSON number in [{low}, {high}]"))
        return
    if kind == "Decimal":
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.append(Problem(path, "decimal must be a JSON number"))
        return
    if not isinstance(value, str):
        out.append(Problem(path, f"{kind} must be a JSON string"))
        return
    if not value.strip():
        out.append(Problem(path, "empty or blank string (ele-1)"))
    if _CONTROL.search(value):
        out.append(
            Problem(
                path, "control character or non-XML character in a string (R4 datatypes: none below 32 but tab, CR, LF)"
            )
        )
    pattern = PRIMITIVE_PATTERNS.get(kind)
    if pattern is not None and not pattern.fullmatch(value):
        out.append(Problem(path, f"not a valid {kind}"))
    if len(value.encode("utf-8")) > 1024 * 1024:
        out.append(Problem(path, "string over 1 MB"))


def _walk(value: Any, cls: type, path: str, out: list[Problem], local_ids: dict[str, str]) -> None:
    if not isinstance(value, dict):
        out.append(Problem(path, f"{cls.__name__} must be a JSON object"))
        return
    if not value:
        out.append(Problem(path, "empty object (ele-1)"))
    known = _fields(cls)
    for key, item in value.items():
        at = f"{path}.{key}"
        if key == "resourceType":
            continue
        if key.startswith("_"):
            if key[1:] not in known:
                out.append(Problem(at, "unknown element"))
            continue
        found = known.get(key)
        if found is None or key == "fhir_comments":
            out.append(Problem(at, "unknown element"))
            continue
        many, kind, primitive = _element_type(found.annotation)
        if many != isinstance(item, list):
            out.append(Problem(at, "must be an array" if many else "must not be an array"))
            continue
        items = item if many else [item]
        if many and not items:
            out.append(Problem(at, "empty array (ele-1)"))
        for n, one in enumerate(items):
            here = f"{at}[{n}]" if many else at
            if one is None:
                out.append(Problem(here, "null"))
            elif primitive:
                _primitive(kind, one, here, out)
            elif kind == "Resource":
                _resource(one, here, out)
            else:
                sub = _model(kind, cls)
                if sub is None:
                    out.append(Problem(here, f"(validator) unknown type {kind}"))
                else:
                    _walk(one, sub, here, out, local_ids)
                    _invariants(kind, one, here, out, local_ids)
                    if kind == "Reference":
                        _target(one, (found.json_schema_extra or {}).get("enum_reference_types"), here, out, local_ids)
    _bindings(cls.__name__, value, path, out)


def _target(value: dict[str, Any], allowed: Any, path: str, out: list[Problem], local_ids: dict[str, str]) -> None:
    """The type a Reference points to (its contained resource, the Bundle's entry, ``Type/id`` or ``type``)
    must be one R4 allows for the element (ServiceRequest.requester: Practitioner, PractitionerRole…)."""
    if not isinstance(allowed, list) or not allowed or "Resource" in allowed:
        return
    reference = value.get("reference")
    target: Any = value.get("type")
    if isinstance(reference, str):
        if reference.startswith("#"):
            target = local_ids.get(reference[1:])
        elif reference.startswith("urn:uuid:"):
            target = (_FULL_URLS.get() or {}).get(reference)
        elif literal := _LITERAL.fullmatch(reference.rsplit("/fhir/", 1)[-1]):
            target = literal.group(1)
    if isinstance(target, str) and target not in allowed:
        out.append(Problem(path, f"a reference to {target}, where R4 allows {', '.join(allowed)}"))


def _invariants(kind: str, value: dict[str, Any], path: str, out: list[Problem], local_ids: dict[str, str]) -> None:
    if kind == "Extension":
        has_value = any(k.startswith("value") for k in value)
        if has_value == bool(value.get("extension")):
            out.append(Problem(path, "ext-1: an extension has either extensions or a value[x], not both"))
        if not isinstance(value.get("url"), str):
            out.append(Problem(path, "Extension.url is required"))
    elif kind == "Reference":
        reference = value.get("reference")
        if isinstance(reference, str) and reference.startswith("#") and reference[1:] not in local_ids:
            out.append(Problem(path, "ref-1: a local reference needs its contained resource"))
        if not reference and not value.get("identifier") and not value.get("display"):
            out.append(Problem(path, "a Reference names something (reference, identifier or display)"))
    elif kind == "Identifier":
        system = value.get("system")
        if isinstance(system, str) and system.startswith("urn:oid:") and not _OID_SYSTEM.fullmatch(system):
            out.append(Problem(path, "Identifier.system: malformed urn:oid:"))
    elif kind == "Coding":
        if "code" in value and "system" not in value:
            out.append(Problem(path, "Coding with a code but no system (the code means nothing)"))
    elif kind == "Attachment":
        if "data" in value and "contentType" not in value:
            out.append(Problem(path, "att-1: data needs contentType"))
        digest = value.get("hash")
        if isinstance(digest, str):
            import base64
            import binascii

            try:
                if len(base64.b64decode(digest, validate=True)) != 20:
                    out.append(Problem(f"{path}.hash", "Attachment.hash: base64 of a SHA-1 is 20 bytes"))
            except (binascii.Error, ValueError):
                out.append(Problem(f"{path}.hash", "Attachment.hash: not base64"))


_EVENT_STATUS = {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed", "entered-in-error"}
_REQUEST_PRIORITY = {"routine", "urgent", "asap", "stat"}
_REQUEST_INTENT = {
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
#: The codes R4 allows where it binds a value set as required (each element's page of the R4 specification),
#: by the model class (resource, datatype or backbone element) and element: the R4B models take any code there.
REQUIRED_BINDINGS: dict[str, dict[str, set[str]]] = {
    "Identifier": {"use": {"usual", "official", "temp", "secondary", "old"}},
    "HumanName": {"use": {"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"}},
    "ContactPoint": {
        "system": {"phone", "fax", "email", "pager", "url", "sms", "other"},
        "use": {"home", "work", "temp", "old", "mobile"},
    },
    "Address": {"use": {"home", "work", "temp", "old", "billing"}, "type": {"postal", "physical", "both"}},
    "Narrative": {"status": {"generated", "extensions", "additional", "empty"}},
    "Quantity": {"comparator": {"<", "<=", ">=", ">"}},
    "Duration": {"comparator": {"<", "<=", ">=", ">"}},
    "Patient": {"gender": {"male", "female", "other", "unknown"}},
    "Practitioner": {"gender": {"male", "female", "other", "unknown"}},
    "Bundle": {
        "type": {
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
    },
    "ServiceRequest": {
        "status": {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
        "intent": _REQUEST_INTENT,
        "priority": _REQUEST_PRIORITY,
    },
    "Task": {
        "status": {
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
        },
        "intent": {"unknown", *_REQUEST_INTENT} - {"directive"},
        "priority": _REQUEST_PRIORITY,
    },
    "Media": {"status": {*_EVENT_STATUS, "unknown"}},
    "Communication": {"status": {*_EVENT_STATUS, "unknown"}, "priority": _REQUEST_PRIORITY},
    "Consent": {"status": {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"}},
    "ConsentProvision": {"type": {"deny", "permit"}},
    "MedicationStatement": {
        "status": {"active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken"}
    },
    "QuestionnaireResponse": {"status": {"in-progress", "completed", "amended", "entered-in-error", "stopped"}},
    "DocumentReference": {
        "status": {"current", "superseded", "entered-in-error"},
        "docStatus": {"preliminary", "final", "amended", "entered-in-error"},
    },
}
#: Attachment.contentType: required binding to the MIME types of BCP 13 (type/subtype, parameters allowed).
_MIME = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;\s*\S+=\S+)*")


def _bindings(kind: str, value: dict[str, Any], path: str, out: list[Problem]) -> None:
    """The required bindings of this element's type (REQUIRED_BINDINGS, and Attachment.contentType)."""
    for element, codes in REQUIRED_BINDINGS.get(kind, {}).items():
        code = value.get(element)
        if isinstance(code, str) and code not in codes:
            out.append(Problem(f"{path}.{element}", f"« {code} » outside the required binding of {kind}.{element}"))
    content_type = value.get("contentType") if kind == "Attachment" else None
    if isinstance(content_type, str) and not _MIME.fullmatch(content_type):
        out.append(
            Problem(f"{path}.contentType", f"« {content_type} » outside the required binding (BCP 13 MIME type)")
        )


def _resource(resource: Any, path: str, out: list[Problem]) -> None:
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        out.append(Problem(path, "a resource is an object with resourceType"))
        return
    cls = _model(resource["resourceType"])
    if cls is None:
        out.append(Problem(path, f"unknown resource type {resource['resourceType']}"))
        return
    contained = [c for c in resource.get("contained") or [] if isinstance(c, dict)]
    local_ids = {str(c.get("id")): str(c.get("resourceType")) for c in contained}
    _walk(resource, cls, path, out, local_ids)
    if resource["resourceType"] == "Task":  # inv-1
        authored, modified = resource.get("authoredOn"), resource.get("lastModified")
        if isinstance(authored, str) and isinstance(modified, str) and "T" in authored and "T" in modified:
            from datetime import datetime

            when = [datetime.fromisoformat(v.replace("Z", "+00:00")) for v in (modified, authored)]
            if when[0] < when[1]:
                out.append(Problem(f"{path}.lastModified", "inv-1: lastModified before authoredOn"))
    _fr_core(resource, path, out)
    if resource["resourceType"] == "QuestionnaireResponse":  # qrs-1
        for where, item in _items(resource.get("item"), f"{path}.item"):
            if item.get("answer") and item.get("item"):
                out.append(Problem(where, "qrs-1: an item has answers or items, not both"))
    for n, inner in enumerate(contained):  # dom-2..dom-5, dom-3
        at = f"{path}.contained[{n}]"
        if "contained" in inner:
            out.append(Problem(at, "dom-2: a contained resource contains nothing"))
        meta = inner.get("meta") or {}
        if "versionId" in meta or "lastUpdated" in meta:
            out.append(Problem(at, "dom-4: no meta.versionId or lastUpdated in a contained resource"))
        if "security" in meta:
            out.append(Problem(at, "dom-5: no security label in a contained resource"))
        if "text" in inner:
            out.append(Problem(at, "dom-6 (best practice): no narrative in a contained resource"))
        if not inner.get("id"):
            out.append(Problem(at, "a contained resource has an id"))
        own = json.dumps({k: v for k, v in resource.items() if k != "contained"})
        if f'"#{inner.get("id")}"' not in own:
            out.append(Problem(at, "dom-3: a contained resource is referred to from the resource"))


# -- FR Core (https://hl7.fr/ig/fhir/core), from its FSH sources --------------------------------------------
FR_CORE = "https://hl7.fr/ig/fhir/core/StructureDefinition/"
FR_V2_0203 = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
HL7_V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
RELIABILITY = FR_CORE + "fr-core-identity-reliability"
#: FRCoreCodeSystemIdentityStatus.fsh (bound required to identityStatus): the four RNIV statuses.
IDENTITY_STATUS = (
    "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status",
    {"PROV", "RECUP", "VALI", "QUAL"},
)
VALIDATION_MODE = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-mode-validation-identity"
#: FRCoreValueSetModeValidationIdentityINS.fsh (required on fr-core-patient-ins): PA, CN, AN, LE.
VALIDATION_MODES_INS = {"PA", "CN", "AN", "LE"}
#: FRCorePatientINSProfile.fsh: system → (type code, the uses the slice allows), one slice each.
INS_SLICES = {
    "urn:oid:1.2.250.1.213.1.4.8": ("INS-NIR", {"official", "old"}),  # use from ...-identifier-use-ins
    "urn:oid:1.2.250.1.213.1.4.9": ("INS-NIA", {"temp"}),
    "urn:oid:1.2.250.1.213.1.4.10": ("INS-NIR-TEST", {"official"}),
    "urn:oid:1.2.250.1.213.1.4.11": ("INS-NIR-DEMO", {"official"}),
}
TRE_R38 = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"


def _declared(resource: Any) -> list[str]:
    meta = resource.get("meta") if isinstance(resource, dict) else None
    profiles = meta.get("profile") if isinstance(meta, dict) else None
    return [p.split("|")[0] for p in profiles if isinstance(p, str)] if isinstance(profiles, list) else []


def _coded(concept: Any, system: str, codes: set[str] | str) -> bool:
    wanted = {codes} if isinstance(codes, str) else codes
    codings = concept.get("coding") if isinstance(concept, dict) else None
    return any(
        isinstance(c, dict) and c.get("system") == system and c.get("code") in wanted
        for c in (codings if isinstance(codings, list) else [])
    )


def _list_of(value: Any, key: str) -> list[dict[str, Any]]:
    found = value.get(key) if isinstance(value, dict) else None
    return [v for v in found if isinstance(v, dict)] if isinstance(found, list) else []


def _fr_core(resource: dict[str, Any], path: str, out: list[Problem]) -> None:
    """The rules of the FR Core profiles ``resource`` declares (Patient, Practitioner, Organization,
    PractitionerRole, the ones the requester sends)."""
    declared = set(_declared(resource))
    kind = resource.get("resourceType")
    if kind == "Patient" and declared & {FR_CORE + "fr-core-patient", FR_CORE + "fr-core-patient-ins"}:
        _fr_core_patient(resource, path, out, ins=FR_CORE + "fr-core-patient-ins" in declared)
    elif kind == "Practitioner" and FR_CORE + "fr-core-practitioner" in declared:
        _fr_core_practitioner(resource, path, out)
    elif kind == "Organization" and FR_CORE + "fr-core-organization" in declared:
        _fr_core_organization(resource, path, out)
    elif kind == "PractitionerRole" and FR_CORE + "fr-core-practitioner-role" in declared:
        _fr_core_practitioner_role(resource, path, out)


def _fr_core_patient(resource: dict[str, Any], path: str, out: list[Problem], *, ins: bool) -> None:
    extensions = _list_of(resource, "extension")
    reliability = [e for e in extensions if e.get("url") == RELIABILITY]
    # FRCorePatientIdentityReliabilityExtension.fsh: each sub-extension 0..1, identityStatus from
    # FRCoreValueSetIdentityStatus (required), validationMode from fr-core-vs-mode-validation-identity
    # (required), validationDate a date.
    for n, ext in enumerate(reliability):
        at = f"{path}.extension:identityReliability[{n}]"
        for part in ("identityStatus", "validationMode", "validationDate", "methodCollection"):
            if len([p for p in _list_of(ext, "extension") if p.get("url") == part]) > 1:
                out.append(Problem(f"{at}.extension:{part}", "0..1 in fr-core-identity-reliability"))
        for part in _list_of(ext, "extension"):
            coding = part.get("valueCoding")
            if part.get("url") == "identityStatus" and not (
                isinstance(coding, dict)
                and coding.get("system") == IDENTITY_STATUS[0]
                and coding.get("code") in IDENTITY_STATUS[1]
            ):
                out.append(Problem(f"{at}.extension:identityStatus", "required binding FRCoreValueSetIdentityStatus"))
            if part.get("url") == "validationMode" and not (
                isinstance(coding, dict) and coding.get("system") == VALIDATION_MODE
            ):
                out.append(
                    Problem(f"{at}.extension:validationMode", "required binding fr-core-vs-mode-validation-identity")
                )
            if part.get("url") == "validationDate" and set(part) - {"url"} != {"valueDate"}:
                out.append(Problem(f"{at}.extension:validationDate", "value[x] only date"))
    # FRCorePatientProfile.fsh: birthPlace 0..1, its valueAddress only FRCoreAddressProfile (HL7's
    # patient-birthPlace: value[x] only Address); FRCoreAddressInseeCodeExtension.fsh: value[x] only Coding.
    places = [e for e in extensions if e.get("url") == "http://hl7.org/fhir/StructureDefinition/patient-birthPlace"]
    if len(places) > 1:
        out.append(Problem(f"{path}.extension:birthPlace", "0..1"))
    for place in places:
        values = {k for k in place if k.startswith("value")}
        if values != {"valueAddress"} or not isinstance(place.get("valueAddress"), dict):
            out.append(Problem(f"{path}.extension:birthPlace", "birthPlace: value[x] only Address"))
            continue
        for code in _list_of(place["valueAddress"], "extension"):
            if code.get("url") != FR_CORE + "fr-core-address-insee-code":
                continue
            if {k for k in code if k.startswith("value")} != {"valueCoding"} or not isinstance(
                code.get("valueCoding"), dict
            ):
                out.append(Problem(f"{path}.extension:birthPlace.valueAddress", "inseeCode: value[x] only Coding"))
    identifiers = _list_of(resource, "identifier")
    for n, ident in enumerate(identifiers):
        at = f"{path}.identifier[{n}]"
        # FRCorePatientProfile.fsh, slicing on (type, use) by value: identifier[PI] (v2-0203#PI, usual)
        # has system 1.. and value 1..; identifier[NSS] (v2-0203#NH, official) has the NIR's system.
        pi = _coded(ident.get("type"), HL7_V2_0203, "PI") and ident.get("use") == "usual"
        if pi and not (ident.get("system") and ident.get("value")):
            out.append(Problem(at, "fr-core-patient identifier[PI]: system 1.. and value 1.."))
        if _coded(ident.get("type"), HL7_V2_0203, "NH"):  # the billing NIR, never an INS slice
            if ident.get("use") == "official" and ident.get("system") != "urn:oid:1.2.250.1.213.1.4.8":
                out.append(
                    Problem(f"{at}.system", "fr-core-patient identifier[NSS].system = urn:oid:1.2.250.1.213.1.4.8")
                )
            continue
        # FRCorePatientINSProfile.fsh: the INS slices, each its system, type, use and value 1..; an INS
        # goes in fr-core-patient-ins only (« les slices identifier sont définies au niveau du
        # FRCorePatientINS »).
        slice_ = INS_SLICES.get(str(ident.get("system")))
        if slice_ is None:
            continue
        code, uses = slice_
        if not ins:
            out.append(Problem(at, "an INS identifier goes in fr-core-patient-ins only"))
        if not _coded(ident.get("type"), FR_V2_0203, code):
            out.append(Problem(f"{at}.type", f"identifier[{code}].type = fr-core-cs-v2-0203#{code}"))
        if ident.get("use") not in uses:
            out.append(Problem(f"{at}.use", f"identifier[{code}].use 1.. in {sorted(uses)}"))
        if not ident.get("value"):
            out.append(Problem(f"{at}.value", f"identifier[{code}].value 1.."))
    names = _list_of(resource, "name")
    for n, name in enumerate(names):
        # FRCorePatientProfile.fsh: name[officialName] (use = official) family 1.., given 1..;
        # FRCoreHumanNameProfile.fsh: prefix ..1.
        if name.get("use") == "official" and not (name.get("family") and name.get("given")):
            out.append(Problem(f"{path}.name[{n}]", "fr-core-patient name[officialName]: family 1.. and given 1.."))
        if len(name.get("prefix") or []) > 1:
            out.append(Problem(f"{path}.name[{n}].prefix", "fr-core-human-name: prefix ..1"))
    if not ins:
        return
    # FRCorePatientINSProfile.fsh. (Its birthPlace 1..1 is not read here: the contract sends a qualified
    # identity without birth place, which the platforms it describes take.)
    if not reliability:
        out.append(Problem(f"{path}.extension", "fr-core-patient-ins: extension[identityReliability] 1..*"))
    if not identifiers:
        out.append(Problem(f"{path}.identifier", "fr-core-patient-ins: identifier 1.."))
    if resource.get("gender") not in ("male", "female", "unknown"):
        out.append(Problem(f"{path}.gender", "fr-core-patient-ins: gender 1..1 from fr-core-vs-patient-gender-INS"))
    if not resource.get("birthDate"):
        out.append(Problem(f"{path}.birthDate", "fr-core-patient-ins: birthDate 1.."))
    official = [name for name in names if name.get("use") == "official"]
    if len(official) != 1:
        out.append(Problem(f"{path}.name", "fr-core-patient-ins: name[officialName] 1..1"))
    for name in official:
        if len(name.get("given") or []) != 1:
            out.append(Problem(f"{path}.name", "fr-core-patient-ins: name[officialName].given 1..1"))
        listed = [
            e for e in _list_of(name, "extension") if e.get("url") == FR_CORE + "fr-core-patient-birth-list-given-name"
        ]
        if len(listed) != 1 or not isinstance(listed[0].get("valueString"), str):
            out.append(Problem(f"{path}.name", "fr-core-patient-ins: extension[birth-list-given-name] 1..1"))
    statuses: list[str] = []
    for ext in reliability:
        for part in _list_of(ext, "extension"):
            coding = part.get("valueCoding") if isinstance(part.get("valueCoding"), dict) else {}
            if part.get("url") == "validationMode" and coding.get("code") not in VALIDATION_MODES_INS:
                out.append(
                    Problem(
                        f"{path}.extension:identityReliability",
                        "validationMode from fr-core-vs-mode-validation-identity-ins (required)",
                    )
                )
            if part.get("url") == "identityStatus":
                statuses.append(str(coding.get("code")))
    if "VALI" in statuses:  # fr-core-1 and fr-core-2, their FHIRPath read as written

        def used(system: str, use: str) -> bool:
            return any(i.get("system") == system and i.get("use") == use for i in identifiers)

        nia = used("urn:oid:1.2.250.1.213.1.4.9", "temp")
        if not (
            nia or any(used(system, "official") for system in INS_SLICES if system != "urn:oid:1.2.250.1.213.1.4.9")
        ):
            out.append(Problem(f"{path}.identifier", "fr-core-1: a VALI identity carries its INS"))
        if not (len([i for i in identifiers if i.get("use") == "official"]) == 1 or nia):
            out.append(Problem(f"{path}.identifier", "fr-core-2: a VALI identity has one official identifier"))


def _fr_core_practitioner(resource: dict[str, Any], path: str, out: list[Problem]) -> None:
    """FRCorePractitionerProfile.fsh: slicing on system; idNatPs 0..1 (type IDNPS 1.., value 1..), rpps
    (type RPPS 1.., value 1..)."""
    slices = {"urn:oid:1.2.250.1.71.4.2.1": "IDNPS", "https://rpps.esante.gouv.fr": "RPPS"}
    national = 0
    for n, ident in enumerate(_list_of(resource, "identifier")):
        code = slices.get(str(ident.get("system")))
        if code is None:
            continue
        national += code == "IDNPS"
        if not _coded(ident.get("type"), FR_V2_0203, code):
            out.append(Problem(f"{path}.identifier[{n}].type", f"fr-core-cs-v2-0203#{code} fixed by the slice"))
        if not ident.get("value"):
            out.append(Problem(f"{path}.identifier[{n}].value", "1.."))
    if national > 1:
        out.append(Problem(f"{path}.identifier", "fr-core-practitioner: identifier[idNatPs] 0..1"))


def _fr_core_organization(resource: dict[str, Any], path: str, out: list[Problem]) -> None:
    """FRCoreOrganizationProfile.fsh: identifier.system 1.., value 1..; idNatSt (system
    urn:oid:1.2.250.1.71.4.2.2, type IDNST) use = official, 0..1; finess's type from fr-core-cs-v2-0203."""
    national = 0
    for n, ident in enumerate(_list_of(resource, "identifier")):
        at = f"{path}.identifier[{n}]"
        if not ident.get("system") or not ident.get("value"):
            out.append(Problem(at, "fr-core-organization: identifier.system 1.. and identifier.value 1.."))
        if ident.get("system") == "urn:oid:1.2.250.1.71.4.2.2" and _coded(ident.get("type"), FR_V2_0203, "IDNST"):
            national += 1
            if ident.get("use", "official") != "official":
                out.append(Problem(f"{at}.use", "fr-core-organization: identifier[idNatSt].use = official"))
        if ident.get("system") == "https://finess.esante.gouv.fr" and not any(
            c.get("system") == FR_V2_0203 for c in _list_of(ident.get("type"), "coding")
        ):
            out.append(Problem(f"{at}.type", "fr-core-organization: identifier[finess].type.coding.system fixed"))
    if national > 1:
        out.append(Problem(f"{path}.identifier", "fr-core-organization: identifier[idNatSt] 0..1"))


def _fr_core_practitioner_role(resource: dict[str, Any], path: str, out: list[Problem]) -> None:
    """FRCorePractitionerRoleProfile.fsh: specialty from fr-core-vs-practitioner-specialty (required: TRE-R38);
    practitioner only Reference(FRCorePractitionerProfile), organization only Reference(FRCoreOrganizationProfile)."""
    for n, specialty in enumerate(_list_of(resource, "specialty")):
        codings = _list_of(specialty, "coding")
        if codings and not any(c.get("system") == TRE_R38 for c in codings):
            out.append(
                Problem(f"{path}.specialty[{n}]", "required binding fr-core-vs-practitioner-specialty (TRE-R38)")
            )
    for element, profile in (("practitioner", "fr-core-practitioner"), ("organization", "fr-core-organization")):
        reference = resource.get(element, {}).get("reference") if isinstance(resource.get(element), dict) else None
        target = (_PROFILES.get() or {}).get(str(reference))
        if target is not None and FR_CORE + profile not in target:
            out.append(Problem(f"{path}.{element}", f"only Reference({profile}): the target does not declare it"))


def _items(items: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for n, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            yield f"{path}[{n}]", item
            yield from _items(item.get("item"), f"{path}[{n}].item")
            for m, answer in enumerate(item.get("answer") or []):
                if isinstance(answer, dict):
                    yield from _items(answer.get("item"), f"{path}[{n}].answer[{m}].item")


def problems_of_resource(resource: Any, path: str = "") -> list[Problem]:
    """What a strict R4 server refuses in one resource."""
    out: list[Problem] = []
    _resource(resource, path or str(resource.get("resourceType") if isinstance(resource, dict) else "?"), out)
    return out


def problems_of_transaction(bundle: Any, exists: Callable[[str, str], bool] | None = None) -> list[Problem]:
    """A transaction Bundle: every resource, bdl-3 (a request on each entry), method and url, conditional
    create syntax, fullUrls unique ``urn:uuid:``, and every reference resolvable in the Bundle (or on the
    server, through ``exists(type, id)``), of a type its element allows."""
    entries = [e for e in bundle.get("entry") or [] if isinstance(e, dict)] if isinstance(bundle, dict) else []
    kinds = {
        e["fullUrl"]: e["resource"]["resourceType"]
        for e in entries
        if isinstance(e.get("fullUrl"), str)
        and isinstance(e.get("resource"), dict)
        and isinstance(e["resource"].get("resourceType"), str)
    }
    declared = {
        e["fullUrl"]: set(_declared(e["resource"]))
        for e in entries
        if isinstance(e.get("fullUrl"), str) and isinstance(e.get("resource"), dict)
    }
    token, profiles = _FULL_URLS.set(kinds), _PROFILES.set(declared)
    try:
        out = problems_of_resource(bundle, "Bundle")
    finally:
        _FULL_URLS.reset(token)
        _PROFILES.reset(profiles)
    if not isinstance(bundle, dict) or bundle.get("type") != "transaction":
        return [*out, Problem("Bundle.type", "transaction expected")]
    full_urls: dict[str, str] = {}
    entries = [e for e in bundle.get("entry") or [] if isinstance(e, dict)]
    for n, entry in enumerate(entries):
        at = f"Bundle.entry[{n}]"
        full_url, resource, request = entry.get("fullUrl"), entry.get("resource"), entry.get("request")
        if not isinstance(full_url, str) or not PRIMITIVE_PATTERNS["Uuid"].fullmatch(full_url):
            out.append(Problem(f"{at}.fullUrl", "a transaction's new resource has a urn:uuid: fullUrl"))
        elif full_url in full_urls:
            out.append(Problem(f"{at}.fullUrl", "bdl-7: fullUrl twice"))
        if not isinstance(resource, dict):
            out.append(Problem(f"{at}.resource", "missing"))
            continue
        full_urls[str(full_url)] = str(resource.get("resourceType"))
        if "id" in resource:
            out.append(Problem(f"{at}.resource.id", "a POST carries no id"))
        if not isinstance(request, dict):
            out.append(Problem(f"{at}.request", "bdl-3: each entry of a transaction has a request"))
            continue
        method, url = request.get("method"), request.get("url")
        if method not in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"):
            out.append(Problem(f"{at}.request.method", "not an http verb"))
        if method == "POST" and url != resource.get("resourceType"):
            out.append(Problem(f"{at}.request.url", "a POST's url is the resource type"))
        condition = request.get("ifNoneExist")
        if condition is not None and not (
            isinstance(condition, str)
            and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_:.\-]*=[^&=\s]+(&[^&=\s]+=[^&=\s]+)*", condition)
        ):
            out.append(Problem(f"{at}.request.ifNoneExist", "not a search query (name=value&…) without spaces"))
    for n, entry in enumerate(entries):
        resource = entry.get("resource")
        for where, reference in _references(resource, f"Bundle.entry[{n}].resource"):
            if reference.startswith("#"):
                continue
            if reference.startswith("urn:uuid:"):
                if reference not in full_urls:
                    out.append(Problem(where, f"{reference} is no fullUrl of the Bundle"))
                continue
            literal = _LITERAL.fullmatch(reference)
            if literal is None:
                out.append(Problem(where, f"« {reference} » is neither a fullUrl nor Type/id"))
            elif exists is not None and not exists(literal.group(1), literal.group(2)):
                out.append(Problem(where, f"{reference} does not exist on the server"))
    return out


def _references(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield f"{path}.reference", item
            elif key != "contained":
                yield from _references(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _references(item, f"{path}[{n}]")


# -- what the client sent ----------------------------------------------------------------------------


@dataclass
class Sent:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    status: int

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class RecordedExchange:
    """Every request a sandbox's platform served, in order (install with ``record(sandbox)``)."""

    sent: list[Sent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, method: str, path_end: str = "") -> list[Sent]:
        return [s for s in self.sent if s.method == method and s.path.rstrip("/").endswith(path_end)]


def record(sandbox: Any) -> RecordedExchange:
    """Keep every request the sandbox ``sandbox`` (a started ``SandboxServer``) serves."""
    kept = RecordedExchange()
    platform = sandbox.platform
    serve = platform.handle

    def handle(request: Any) -> Any:
        reply = serve(request)
        with kept.lock:
            kept.sent.append(
                Sent(
                    request.method, request.path, list(request.query), dict(request.headers), request.body, reply.status
                )
            )
        return reply

    platform.handle = handle
    return kept


FHIR_TYPES = ("application/fhir+json", "application/json")


def problems_of_request(sent: Sent, exists: Callable[[str, str], bool] | None = None) -> list[Problem]:
    """A request read as a strict server reads it: its media types, then its body."""
    out: list[Problem] = []
    accept = sent.headers.get("accept", "")
    content_type = sent.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    params = {p.split("=")[0].strip().lower(): p.split("=", 1)[-1].strip() for p in content_type.split(";")[1:]}
    if media in FHIR_TYPES:
        if params.get("charset", "utf-8").lower() != "utf-8":
            out.append(Problem("Content-Type", "FHIR JSON is UTF-8"))
        if "fhirversion" in params and params["fhirversion"] not in ("4.0", "4.0.1"):
            out.append(Problem("Content-Type", "fhirVersion other than R4"))
        try:
            body = sent.json()
        except (UnicodeDecodeError, json.JSONDecodeError):
            return [*out, Problem("body", "not JSON")]
        if sent.method == "POST" and sent.path.rstrip("/").endswith("/fhir"):
            out += problems_of_transaction(body, exists)
        else:
            out += problems_of_resource(body)
    elif sent.path.rstrip("/").endswith("/_search"):
        if media != "application/x-www-form-urlencoded":
            out.append(Problem("Content-Type", "a search by POST is a form"))
    elif sent.method in ("POST", "PUT") and not sent.path.rstrip("/").endswith("/Binary") and "/tus" not in sent.path:
        out.append(Problem("Content-Type", f"« {content_type} » on a FHIR interaction"))
    if (
        "/tus" not in sent.path
        and accept
        and not any(t in accept for t in (*FHIR_TYPES, "*/*", "application/pdf", "image/"))
    ):
        out.append(Problem("Accept", f"« {accept} »"))
    for name, value in sent.query:
        if name == "_format" and value not in ("json", "application/fhir+json", "application/json"):
            out.append(Problem("_format", value))
    return out
