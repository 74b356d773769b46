"""Strict FHIR R4 validation of one resource, as the regional platform does it.

Three layers, cheapest first: JSON rules FHIR states but the models do not check (no empty
strings, arrays or objects, no nulls, no control character in a string), the fhir.resources R4B
model (structure, cardinality, primitive formats), then the codes of required bindings the models
leave open (a status of "bogus" passes the model but no platform takes it).
"""

from __future__ import annotations

import re
import threading
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
#: the string regex ``[ \r\n\t\S]+``; XML cannot carry them): the R4B models let them through.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _json_rule_violations(value: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if value is None:
        yield loc, "null n'est pas permis en JSON FHIR"
    elif isinstance(value, str):
        if not value.strip():
            yield loc, "une chaîne vide n'est pas permise en FHIR"
        elif _CONTROL.search(value):
            yield loc, "caractère de contrôle interdit dans une chaîne FHIR (seuls tabulation, CR et LF sont permis)"
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
