"""Strict FHIR R4 validation of one resource, as the regional platform does it.

Three layers, cheapest first: JSON rules FHIR states but the models do not check (no empty
strings, arrays or objects, no nulls, no control character in a string; numbers and booleans written
as JSON numbers and booleans, uris without spaces, OIDs well formed), the fhir.resources R4B
model (structure, cardinality, primitive formats), then the codes of required bindings the models
leave open (a status of "bogus" passes the model but no platform takes it).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pydantic

from sync import codes as C
from sync.sandbox.errors import Issue

# Required bindings on the elements the contract uses: one table with the mapping's (sync/codes.py).
REQUIRED_CODES = C.REQUIRED_CODES

_model_lock = threading.Lock()
_models: dict[str, Callable[[dict[str, Any]], object]] = {}


def model_validator(resource_type: str) -> Callable[[dict[str, Any]], object] | None:
    """The R4B model's `model_validate` for a type, imported on first use; None if no such type."""
    with _model_lock:
        if resource_type not in _models:
            # Importing fhir.resources models is slow (pydantic builds them): once per type.
            from fhir.resources.R4B import get_fhir_model_class

            try:
                model = get_fhir_model_class(resource_type)
            except ValueError:
                return None
            _models[resource_type] = model.model_validate
        return _models[resource_type]


def fhirpath(loc: tuple[Any, ...] | list[Any]) -> str:
    """('note', 0, 'text') -> 'note[0].text'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif isinstance(part, str):
            text += f".{part}" if text else part
    return text


def join(prefix: str, path: str) -> str:
    """Append an element path to an expression prefix."""
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


#: R4 strings hold no character below 32 but tab, CR and LF (http://hl7.org/fhir/R4/datatypes.html#primitive:
#: the string regex ``[ \r\n\t\S]+``; XML cannot carry them): the R4B models let them through. Nor can XML
#: carry U+FFFE, U+FFFF or a lone surrogate, and XML 1.1 takes DEL and the C1 controls only escaped: found in
#: review, DEL went through here while a strict platform (tests/support/strict_fhir.py) refuses it.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _json_rule_violations(value: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if value is None:
        yield loc, "null n'est pas permis en JSON FHIR"
    elif isinstance(value, str):
        if not value.strip():
            yield loc, "une chaîne vide n'est pas permise en FHIR"
        elif _CONTROL.search(value):
            yield (
                loc,
                "caractère de contrôle (ou que XML ne peut porter) interdit dans une chaîne FHIR "
                "(seuls tabulation, CR et LF sont permis)",
            )
    elif isinstance(value, list):
        if not value:
            yield loc, "un tableau vide n'est pas permis en FHIR"
        for index, item in enumerate(value):
            yield from _json_rule_violations(item, (*loc, index))
    elif isinstance(value, dict):
        if not value:
            yield loc, "un objet vide n'est pas permis en FHIR"
        for key, item in value.items():
            yield from _json_rule_violations(item, (*loc, key))


# -- FHIR JSON's primitive representations (http://hl7.org/fhir/R4/json.html#primitive), which the
# models coerce: « "48" » becomes 48, « "true" » True. The element types come from the model's fields.
_NUMBERS = frozenset({"Integer", "PositiveInt", "UnsignedInt", "Integer64"})
_URIS = frozenset({"Uri", "Url", "Canonical", "Oid", "Uuid"})
_OID = re.compile(r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+")
_fields_lock = threading.Lock()
_fields: dict[type, dict[str, tuple[str, bool]]] = {}


def _element_kind(annotation: Any) -> tuple[str, bool]:
    """(type name, is primitive) of a model field's annotation (``Optional``, ``List`` taken off)."""
    while True:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin in (typing.Union, types.UnionType):
            annotation = next(a for a in args if a is not type(None))
        elif origin is list:
            annotation = args[0]
        elif origin is typing.Annotated:
            marker = next((m for m in annotation.__metadata__ if type(m).__module__.startswith("fhir_core")), None)
            return (type(marker).__name__ if marker is not None else "String"), True
        else:
            break
    plain = {bool: "Boolean", int: "Integer", float: "Decimal", str: "String"}
    if annotation in plain:
        return plain[annotation], True
    return getattr(annotation, "__name__", "").removesuffix("Type"), False


def _json_fields(cls: type) -> dict[str, tuple[str, bool]]:
    with _fields_lock:
        if cls not in _fields:
            model_fields = getattr(cls, "model_fields", {})
            _fields[cls] = {(f.alias or name): _element_kind(f.annotation) for name, f in model_fields.items()}
        return _fields[cls]


def _element_class(kind: str, near: type) -> type | None:
    """The model class of a complex type, a backbone element being found beside its resource's."""
    found = getattr(sys.modules[near.__module__], kind, None)
    if isinstance(found, type):
        return found
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(kind)
    except (KeyError, ValueError):
        return None


def _primitive_violation(kind: str, value: Any) -> str | None:
    if kind == "Boolean":
        return None if isinstance(value, bool) else "booléen à écrire en JSON true ou false, sans guillemets"
    if kind in _NUMBERS or kind == "Decimal":
        numeric = isinstance(value, int) if kind in _NUMBERS else isinstance(value, int | float)
        return None if numeric and not isinstance(value, bool) else "nombre à écrire en nombre JSON, sans guillemets"
    if not isinstance(value, str):
        return "valeur à écrire en chaîne JSON"
    if kind in _URIS and any(ch.isspace() for ch in value):
        return "une uri ne contient pas d'espace"
    if (kind == "Oid" or value.startswith("urn:oid:")) and kind in _URIS and not _OID.fullmatch(value):
        return "OID mal formé (urn:oid: suivi de nombres sans zéro en tête séparés par des points)"
    return None


def _typed_violations(value: Any, cls: type, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Each primitive of ``value`` (an element of model class ``cls``) not written as FHIR JSON writes it."""
    if not isinstance(value, dict):
        return
    fields = _json_fields(cls)
    for key, item in value.items():
        if key not in fields or key == "resourceType":
            continue  # unknown elements are the model's to report
        kind, primitive = fields[key]
        for index, one in enumerate(item if isinstance(item, list) else [item]):
            at = (*loc, key, index) if isinstance(item, list) else (*loc, key)
            if one is None:
                continue  # the JSON rules report nulls
            if primitive:
                problem = _primitive_violation(kind, one)
                if problem:
                    yield at, problem
            elif kind == "Resource" and isinstance(one, dict):
                inner = _resource_class(one.get("resourceType"))
                if inner is not None:
                    yield from _typed_violations(one, inner, at)
            elif (sub := _element_class(kind, cls)) is not None:
                yield from _typed_violations(one, sub, at)


def _invariant_violations(resource: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """R4's invariants of every resource and extension the models leave unchecked: ext-1 on each
    (modifier) extension; dom-2, dom-3, dom-4 and dom-5 on each contained resource."""
    yield from _extension_violations(resource, ())
    if resource.get("resourceType") == "Task" and _before(resource.get("lastModified"), resource.get("authoredOn")):
        yield ("lastModified",), "inv-1 : lastModified ne peut précéder authoredOn"
    contained = resource.get("contained")
    if not isinstance(contained, list):
        return
    text = json.dumps(resource, ensure_ascii=False)
    for index, inner in enumerate(contained):
        if not isinstance(inner, dict):
            continue
        at = ("contained", index)
        if "contained" in inner:
            yield at, "dom-2 : une ressource contenue n'en contient pas d'autre"
        if json.dumps(f"#{inner.get('id')}") not in text:
            yield at, "dom-3 : une ressource contenue doit être désignée ailleurs dans la ressource (#id)"
        meta = inner.get("meta")
        if isinstance(meta, dict) and ("versionId" in meta or "lastUpdated" in meta):
            yield (*at, "meta"), "dom-4 : pas de meta.versionId ni de meta.lastUpdated dans une ressource contenue"
        if isinstance(meta, dict) and "security" in meta:
            yield (*at, "meta"), "dom-5 : pas d'étiquette de sécurité dans une ressource contenue"


def _before(first: Any, second: Any) -> bool:
    """Whether dateTime ``first`` is certainly before ``second`` (both with a time and a zone; FHIRPath
    leaves a comparison of other precisions undecided, and the invariant then holds)."""
    from datetime import datetime

    try:
        one, two = (datetime.fromisoformat(str(v).replace("Z", "+00:00")) for v in (first, second))
    except ValueError:
        return False
    return "T" in str(first) and "T" in str(second) and one.tzinfo is not None and two.tzinfo is not None and one < two


def _extension_violations(value: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("extension", "modifierExtension") and isinstance(item, list):
                for index, extension in enumerate(item):
                    if isinstance(extension, dict):
                        valued = any(k.startswith("value") for k in extension)
                        if valued == bool(extension.get("extension")):
                            yield (
                                (*loc, key, index),
                                "ext-1 : une extension a des sous-extensions ou une valeur, pas les deux",
                            )
            yield from _extension_violations(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _extension_violations(item, (*loc, index))


def _resource_class(rtype: Any) -> type | None:
    if not isinstance(rtype, str):
        return None
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(rtype)
    except (KeyError, ValueError):
        return None


def validate_resource(resource: Any, where: str) -> list[Issue]:
    """Everything wrong with one resource; `where` is the FHIRPath of the resource in the request.

    Diagnostics start with the element named `Type.path` so a user reads which field is wrong.
    """
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        return [Issue("La ressource doit être un objet JSON avec resourceType", where, "structure")]
    rtype = resource["resourceType"]
    issues = [
        Issue(
            f"{rtype}.{fhirpath(loc)}: {message}" if loc else f"{rtype}: {message}",
            join(where, fhirpath(loc)),
        )
        for loc, message in _json_rule_violations(resource, ())
    ]
    issues += [
        Issue(f"{rtype}.{fhirpath(loc)}: {message}", join(where, fhirpath(loc)), "invariant")
        for loc, message in _invariant_violations(resource)
    ]
    model = _resource_class(rtype)
    if model is not None:
        issues += [
            Issue(f"{rtype}.{fhirpath(loc)}: {message}", join(where, fhirpath(loc)), "value")
            for loc, message in _typed_violations(resource, model, ())
        ]
    validate = model_validator(rtype)
    if validate is None:
        return [
            *issues,
            Issue(f"{rtype} n'est pas un type de ressource FHIR R4", join(where, "resourceType")),
        ]
    try:
        validate(resource)
    except pydantic.ValidationError as error:
        for detail in error.errors():
            path = fhirpath(detail["loc"])
            message = detail["msg"].replace("Value error, ", "")
            code = (
                "required"
                if detail["type"] == "missing"
                else "structure"
                if detail["type"] == "extra_forbidden"
                else "value"
            )
            if detail["type"] == "extra_forbidden":
                message = "élément inconnu en FHIR R4"
            elif detail["type"] == "missing":
                message = "élément obligatoire absent"
            issues.append(Issue(f"{rtype}.{path}: {message}", join(where, path), code))
    for element, allowed in REQUIRED_CODES.get(rtype, {}).items():
        value = resource.get(element)
        if isinstance(value, str) and value not in allowed:
            issues.append(
                Issue(
                    f"{rtype}.{element}: code « {value} » hors du jeu de valeurs requis ({', '.join(sorted(allowed))})",
                    join(where, element),
                    "code-invalid",
                )
            )
    return issues
