"""Type-level search (`GET [base]/<Type>?…`) over the parameters the client polls with.

Unknown parameters are refused with 400 rather than ignored: a strict platform makes a
misspelt `_lastUpdated` fail loudly instead of silently returning every Task.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sync.sandbox.errors import FhirError
from sync.sandbox.shapes import SearchShape
from sync.sandbox.storage import identifiers_of, new_id, parse_instant

# Reference search parameters: name -> element holding the Reference(s), per type.
REFERENCE_PARAMS: dict[str, dict[str, str]] = {
    "Task": {
        "focus": "focus",
        "patient": "for",
        "subject": "for",
        "owner": "owner",
        "requester": "requester",
    },
    # FHIR R4's own parameters only: ``about`` and ``inResponseTo`` are elements a strict server
    # cannot be searched on (HAPI FHIR answers 400), so the sandbox refuses them too.
    "Communication": {
        "based-on": "basedOn",
        "part-of": "partOf",
        "subject": "subject",
        "patient": "subject",
    },
    "DiagnosticReport": {"based-on": "basedOn", "subject": "subject", "patient": "subject"},
    "Media": {"based-on": "basedOn", "subject": "subject", "patient": "subject"},
    "ServiceRequest": {"subject": "subject", "patient": "subject", "requester": "requester"},
    "Consent": {"patient": "patient"},
    "MedicationStatement": {"subject": "subject", "patient": "subject"},
    "QuestionnaireResponse": {"subject": "subject", "patient": "subject"},
}
TOKEN_PARAMS: dict[str, dict[str, str]] = {
    "Task": {"status": "status"},
    "ServiceRequest": {"status": "status"},
    "DiagnosticReport": {"status": "status"},
    "Communication": {"status": "status"},
}
COMMON_PARAMS = ("_id", "_lastUpdated", "identifier", "_count", "_sort", "_offset")
#: Parameters that say which page, not what to find.
PAGE_PARAMS = ("_count", "_offset", "_getpages", "_getpagesoffset", "_bundletype")

Predicate = Callable[[dict[str, Any]], bool]


def supported_params(rtype: str) -> list[str]:
    """The search parameters a type accepts (for the CapabilityStatement)."""
    return [*COMMON_PARAMS, *REFERENCE_PARAMS.get(rtype, {}), *TOKEN_PARAMS.get(rtype, {})]


def token_alternatives(value: str) -> list[tuple[str | None, str]]:
    """A token parameter's value as FHIR search reads it: alternatives at the unescaped commas, each
    ``system|code`` split at its unescaped ``|`` (system None when there is none), and the escapes
    (``\\,`` ``\\|`` ``\\$`` ``\\\\``) undone. ``ValueError`` for a second ``|`` or a dangling ``\\``."""
    alternatives: list[tuple[str | None, str]] = []
    parts: list[str] = [""]

    def close() -> None:
        alternatives.append((parts[0], parts[1]) if len(parts) == 2 else (None, parts[0]))

    escaped = False
    for char in value:
        if escaped:
            parts[-1] += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            if len(parts) == 2:
                raise ValueError(f"a second | in {value!r}")
            parts.append("")
        elif char == ",":
            close()
            parts = [""]
        else:
            parts[-1] += char
    if escaped:
        raise ValueError(f"a dangling escape in {value!r}")
    close()
    return alternatives


def _identifier_predicate(system: str | None, code: str) -> Predicate:
    def matches(resource: dict[str, Any]) -> bool:
        return any((system is None or s == system) and (not code or v == code) for s, v in identifiers_of(resource))

    return matches


def _tokens(name: str, value: str) -> list[tuple[str | None, str]]:
    try:
        return token_alternatives(value)
    except ValueError:
        raise FhirError.one(400, f"{name} : « {value} » n'est pas un jeton de recherche FHIR", name, "value") from None


def _last_updated_predicate(value: str) -> Predicate:
    prefix, text = (value[:2], value[2:]) if value[:2] in ("gt", "ge", "lt", "le", "eq") else ("eq", value)
    # A "+01:00" offset left unencoded in a query string arrives as a space.
    text = text.replace(" ", "+")
    try:
        bound = parse_instant(text)
    except ValueError:
        raise FhirError.one(
            400, f"_lastUpdated: « {value} » n'est pas un instant FHIR avec fuseau", "_lastUpdated", "value"
        ) from None

    def matches(resource: dict[str, Any]) -> bool:
        moment: datetime = parse_instant(resource["meta"]["lastUpdated"])
        return {
            "gt": moment > bound,
            "ge": moment >= bound,
            "lt": moment < bound,
            "le": moment <= bound,
            "eq": moment == bound,
        }[prefix]

    return matches


def _reference_predicate(element: str, value: str, rtype_hint: str | None) -> Predicate:
    wanted = value.rstrip("/").split("/")
    # "Task/123", an absolute ".../Task/123", or a bare "123".
    tail = "/".join(wanted[-2:]) if len(wanted) >= 2 else None
    bare = wanted[-1]

    def matches(resource: dict[str, Any]) -> bool:
        raw = resource.get(element)
        items = raw if isinstance(raw, list) else [raw] if raw else []
        for item in items:
            ref = item.get("reference", "") if isinstance(item, dict) else ""
            if (tail and ref == tail) or (tail is None and ref.split("/")[-1] == bare):
                return True
        return False

    return matches


def build_predicates(rtype: str, params: list[tuple[str, str]]) -> tuple[list[Predicate], int | None, bool]:
    """Predicates for a query string's parameters (AND between parameters, OR inside a comma list).

    Returns the predicates, the `_count` limit, and whether `_sort=-_lastUpdated` asked for newest first.
    """
    predicates: list[Predicate] = []
    count: int | None = None
    newest_first = False
    for name, value in params:
        if name == "_id":
            ids = set(value.split(","))
            predicates.append(lambda r, ids=ids: r["id"] in ids)  # type: ignore[misc]
        elif name == "_lastUpdated":
            predicates.append(_last_updated_predicate(value))
        elif name == "identifier":
            alternatives = [_identifier_predicate(system, code) for system, code in _tokens(name, value)]
            predicates.append(lambda r, alts=alternatives: any(p(r) for p in alts))  # type: ignore[misc]
        elif name in ("_format", "_offset"):
            continue  # Always JSON; clients add it out of habit. The page's offset is read by `search`.
        elif name == "_count":
            if not value.isdigit():
                raise FhirError.one(400, f"_count: « {value} » n'est pas un entier", "_count", "value")
            count = int(value)
        elif name == "_sort":
            if value not in ("_lastUpdated", "-_lastUpdated"):
                raise FhirError.one(400, "_sort: seul _lastUpdated est pris en charge", "_sort", "not-supported")
            newest_first = value.startswith("-")
        elif name in REFERENCE_PARAMS.get(rtype, {}):
            element = REFERENCE_PARAMS[rtype][name]
            alternatives = [_reference_predicate(element, v, None) for v in value.split(",")]
            predicates.append(lambda r, alts=alternatives: any(p(r) for p in alts))  # type: ignore[misc]
        elif name in TOKEN_PARAMS.get(rtype, {}):
            element, codes = TOKEN_PARAMS[rtype][name], {code for _, code in _tokens(name, value)}
            predicates.append(lambda r, e=element, c=codes: r.get(e) in c)  # type: ignore[misc]
        else:
            raise FhirError.one(
                400,
                f"{rtype}?{name}: paramètre de recherche non pris en charge "
                f"(acceptés : {', '.join(supported_params(rtype))})",
                name,
                "not-supported",
            )
    return predicates, count, newest_first


def search(
    resources: list[dict[str, Any]],
    rtype: str,
    params: list[tuple[str, str]],
    base_url: str,
    shape: SearchShape | None = None,
    keep_query: Callable[[str, list[tuple[str, str]]], str] | None = None,
) -> dict[str, Any]:
    """A searchset Bundle of the `resources` of `rtype` matching `params`, one page of it.

    A page holds `_count` resources at most (and the shape's page size at most); a `next` link,
    written the shape's way, leads to the rest. `keep_query(rtype, params)` stores a query and
    returns its id, for `_getpages` links.
    """
    shape = shape or SearchShape()
    for name, _ in params:
        if name in shape.refuse:
            words = f"{rtype}?{name}: paramètre de recherche non pris en charge"
            raise FhirError.one(400, words, name, "not-supported")
    if not shape.last_updated:  # A platform that accepts `_lastUpdated` and ignores it.
        params = [(name, value) for name, value in params if name != "_lastUpdated"]
    predicates, count, newest_first = build_predicates(
        rtype, [(name, value) for name, value in params if name not in ("_getpages", "_getpagesoffset", "_bundletype")]
    )
    offset = next((int(v) for n, v in params if n in ("_offset", "_getpagesoffset") and v.isdigit()), 0)
    matched = [r for r in resources if all(p(r) for p in predicates)]
    matched.sort(key=lambda r: parse_instant(r["meta"]["lastUpdated"]), reverse=newest_first)
    total = len(matched)
    sizes = [n for n in (count, shape.page_size) if n is not None]
    page = min(sizes) if sizes else None
    matched = matched[offset:] if page is None else matched[offset : offset + page]
    bundle: dict[str, Any] = {"resourceType": "Bundle", "id": new_id(), "type": "searchset"}
    if shape.total:
        bundle["total"] = total
    if page is not None and page > 0 and offset + page < total:
        bundle["link"] = [
            {"relation": "next", "url": _next_link(rtype, params, offset + page, page, base_url, shape, keep_query)}
        ]
    if matched:  # FHIR JSON has no empty arrays.
        bundle["entry"] = [
            {
                "fullUrl": f"{base_url}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in matched
        ]
    return bundle


def _next_link(
    rtype: str,
    params: list[tuple[str, str]],
    offset: int,
    page: int,
    base_url: str,
    shape: SearchShape,
    keep_query: Callable[[str, list[tuple[str, str]]], str] | None,
) -> str:
    query = [(n, v) for n, v in params if n not in PAGE_PARAMS]
    if shape.next_link == "getpages" and keep_query is not None:
        pages = urlencode(
            {
                "_getpages": keep_query(rtype, query),
                "_getpagesoffset": offset,
                "_count": page,
                "_bundletype": "searchset",
            }
        )
        return f"{base_url}?{pages}"
    rest = urlencode([*query, ("_count", str(page)), ("_offset", str(offset))])
    if shape.next_link == "relative":
        return f"{rtype}?{rest}"
    if shape.next_link == "foreign":
        return f"{shape.foreign_base.rstrip('/')}/{rtype}?{rest}"
    return f"{base_url}/{rtype}?{rest}"
