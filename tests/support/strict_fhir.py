"""A strict FHIR R4 reading of what the client sends, independent of the sandbox and of ``sync.mapping``.

``fhir.resources`` knows the structure but lets through what a strict server (HAPI with its validator,
FR Core loaded) refuses: numbers and booleans written as JSON strings, control characters in strings,
uris with spaces, malformed ``urn:oid:``, leading or trailing blanks in an ``id``, a local reference
without its contained resource (ref-1), an extension with both a value and extensions (ext-1), a
transaction entry without ``request`` (bdl-3), a reference to nothing in the Bundle. This module walks
each resource alongside its R4B model class (for the element types) and applies the R4 datatype
regexes (http://hl7.org/fhir/R4/datatypes.html) and those invariants itself.

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
#: string regex ``[ \r\n\t\S]+`` excludes vertical tab and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The OIDs a French national platform reads identifiers under (``urn:oid:`` + a well-formed OID).
_OID_SYSTEM = re.compile(r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+")
_LITERAL = re.compile(r"([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(/_history/[A-Za-z0-9\-.]{1,64})?")


#: The fullUrls of the transaction being read and their resource types (a reference's target type).
_FULL_URLS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("full_urls", default=None)


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
        out.append(Problem(path, "control character in a string (R4 datatypes: none below 32 but tab, CR, LF)"))
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
    token = _FULL_URLS.set(kinds)
    try:
        out = problems_of_resource(bundle, "Bundle")
    finally:
        _FULL_URLS.reset(token)
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
