"""The sandbox's FHIR REST interface, independent of sockets: a request in, a reply out.

Policy comes first, in the order a real deployment applies it: injected faults and overload
(a proxy or load balancer answers before the platform), then authentication, then routing.
"""

from __future__ import annotations

import base64
import binascii
import collections
import json
import logging
import random
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

from sync.sandbox.auth import OAuthError, TokenAuthority
from sync.sandbox.capability import READABLE_TYPES, capability_statement
from sync.sandbox.errors import FhirError, Issue, operation_outcome
from sync.sandbox.phrases import business_status
from sync.sandbox.search import search
from sync.sandbox.shapes import SearchShape
from sync.sandbox.storage import BinaryInfo, Store, parse_instant
from sync.sandbox.transaction import CaseTransaction
from sync.sandbox.tus import TusUploads
from sync.sandbox.validation import validate_resource

log = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
BINARY_TYPES = {
    "image/jpeg": lambda data: data.startswith(b"\xff\xd8\xff"),
    "image/png": lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"),
    "application/dicom": lambda data: data[128:132] == b"DICM",
    "application/pdf": lambda data: data.startswith(b"%PDF-"),
}
_ID = r"[A-Za-z0-9\-.]{1,64}"
_TUS_ROUTE = re.compile(rf"^/fhir/tus(?:/(?P<id>{_ID}))?/?$")
_ROUTE = re.compile(rf"^/fhir(?:/(?P<type>[A-Za-z]+)(?:/(?P<id>{_ID}|_search)(?:/_history/(?P<vid>\d+))?)?)?/?$")


def _route(path: str) -> str:
    """The route a request took for the log, its id left out: a client chooses the id it PUTs, and a site's
    file number is one it may choose."""
    for route in (_ROUTE, _TUS_ROUTE):
        match = route.match(path)
        if match:
            if match.group("id") in (None, "_search"):
                return path
            return path[: match.start("id")] + "{id}" + path[match.end("id") :]
    return path if path.rstrip("/") == "/oauth/token" else "{path}"


@dataclass
class Request:
    """What the HTTP layer read: path without query, query pairs, lower-case headers, body."""

    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: A tus PATCH's body, read as it arrives (`read(n)`, b"" at its end), instead of `body`.
    stream: Callable[[int], bytes] | None = None


@dataclass
class Reply:
    """What to send back."""

    status: int
    body: bytes = b""
    content_type: str = FHIR_JSON
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(
    status: int, resource: Any, headers: dict[str, str] | None = None, content_type: str = FHIR_JSON
) -> Reply:
    """A JSON body (UTF-8, accents kept as they are)."""
    body = json.dumps(resource, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, content_type, dict(headers or {}))


def error_reply(error: FhirError) -> Reply:
    """An OperationOutcome reply for a refusal."""
    return json_reply(error.status, operation_outcome(error.issues), error.headers)


def _version_headers(resource: Mapping[str, Any]) -> dict[str, str]:
    meta = resource["meta"]
    return {
        "ETag": f'W/"{meta["versionId"]}"',
        "Last-Modified": format_datetime(parse_instant(meta["lastUpdated"]), usegmt=True),
    }


@dataclass
class Fault:
    """An answer the sandbox gives instead of serving a request (tests of the client's retries)."""

    status: int
    retry_after: str | None = None
    html: bool = False


class Platform:
    """The FHIR API over a store; `handle()` serves one request."""

    def __init__(
        self,
        store: Store,
        auth: TokenAuthority,
        on_case: Callable[[], None],
        max_binary_bytes: int = 20 * 1024 * 1024,
        overload_rate: float = 0.0,
        max_concurrent: int | None = None,
        retry_after_s: int = 1,
        check_magic: bool = True,
        seed: int | None = None,
        national: bool = False,
        resumable: bool = True,
    ) -> None:
        self.store, self.auth, self.on_case = store, auth, on_case
        #: Whether the tus endpoint is advertised and served (a platform without it gets plain POSTs).
        self.resumable = resumable
        # A real (national) platform refuses the INS of fictitious test patients; the training one takes them.
        self.national = national
        self.max_binary_bytes, self.overload_rate, self.retry_after_s = (
            max_binary_bytes,
            overload_rate,
            retry_after_s,
        )
        self.max_concurrent, self.check_magic = max_concurrent, check_magic
        self.base_url = "http://127.0.0.1/fhir"
        self.faults: collections.deque[Fault] = collections.deque()
        #: How searches page (tests of clients facing other platforms' habits).
        self.search_shape = SearchShape()
        self._queries: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        #: Binary id → where `GET Binary/<id>` redirects (a platform keeping files on a storage host).
        self.binary_redirects: dict[str, str] = {}
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._in_flight = 0
        self.requests_served = 0
        #: Resumable uploads (tus 1.0), advertised in the CapabilityStatement.
        self.tus = TusUploads(max_binary_bytes, lambda media_type: media_type in BINARY_TYPES, self._store_upload)

    # -- policy -------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Serve one request; every error becomes an OperationOutcome (or an OAuth error)."""
        with self._lock:
            self.requests_served += 1
            fault = self.faults.popleft() if self.faults else None
            busy = self.max_concurrent is not None and self._in_flight >= self.max_concurrent
            overloaded = fault is None and not busy and self._random.random() < self.overload_rate
            admitted = fault is None and not busy and not overloaded
            if admitted:
                self._in_flight += 1
        retry = {"Retry-After": str(self.retry_after_s)}
        if fault is not None:
            return self._fault_reply(fault)
        if busy:
            return error_reply(
                FhirError.one(429, "Trop de requêtes simultanées, réessayer plus tard", code="throttled", headers=retry)
            )
        if overloaded:
            return error_reply(
                FhirError.one(503, "Plateforme surchargée, réessayer plus tard", code="transient", headers=retry)
            )
        try:
            return self._serve(request)
        except FhirError as error:
            return error_reply(error)
        except Exception:
            log.exception("sandbox bug serving %s %s", request.method, _route(request.path))
            return error_reply(FhirError.one(500, "Erreur interne du bac à sable", code="exception"))
        finally:
            with self._lock:
                self._in_flight -= 1

    def _fault_reply(self, fault: Fault) -> Reply:
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        if fault.html:
            page = b"<html><body><h1>Portail captif</h1><p>Connectez-vous au Wi-Fi.</p></body></html>"
            return Reply(fault.status, page, "text/html; charset=utf-8", headers)
        return error_reply(
            FhirError.one(fault.status, "Panne simulée par le bac à sable", code="transient", headers=headers)
        )

    def _serve(self, request: Request) -> Reply:
        if request.path.rstrip("/") == "/oauth/token":
            return self._token(request)
        tus = _TUS_ROUTE.match(request.path) if self.resumable else None
        if tus:
            self.auth.check(request.headers.get("authorization"))
            return self._tus(tus.group("id"), request)
        match = _ROUTE.match(request.path)
        if not match:
            raise FhirError.one(404, f"Aucune ressource à {request.path} (base : {self.base_url})", code="not-found")
        self.auth.check(request.headers.get("authorization"))
        rtype, rid, vid = match.group("type"), match.group("id"), match.group("vid")
        method = request.method
        if rtype == "metadata" and rid is None and method == "GET":
            return json_reply(
                200,
                capability_statement(
                    self.base_url,
                    self.base_url.rsplit("/fhir", 1)[0] + "/oauth/token",
                    self.auth.required,
                    self.max_binary_bytes,
                    "tus" if self.resumable else None,
                ),
            )
        if rtype is None and method == "POST":
            return self._transaction(request)
        if rtype is None and method == "GET" and any(name == "_getpages" for name, _ in request.query):
            return self._next_page(request.query)
        if rtype == "Binary" and rid is None and method == "POST":
            return self.upload_binary(request.headers.get("content-type", ""), request.body)
        if rtype == "Binary" and rid and method == "GET":
            return self._read_binary(rid, request.headers.get("accept", ""))
        if rtype in READABLE_TYPES and rid == "_search" and vid is None and method == "POST":
            # FHIR's search by POST: the parameters in a form body (and any in the URL).
            if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                raise FhirError.one(
                    415, "POST _search : corps application/x-www-form-urlencoded attendu", code="not-supported"
                )
            params = request.query + parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
            return json_reply(
                200, search(self.store.all(rtype), rtype, params, self.base_url, self.search_shape, self._keep_query)
            )
        if rid == "_search":
            raise FhirError.one(405, f"{method} {request.path} n'est pas permis", code="not-supported")
        if rtype in READABLE_TYPES and method == "GET":
            if rid is None:
                return json_reply(
                    200,
                    search(
                        self.store.all(rtype), rtype, request.query, self.base_url, self.search_shape, self._keep_query
                    ),
                )
            return self._read(rtype, rid, int(vid) if vid else None)
        if rtype == "Task" and rid and vid is None and method == "PUT":
            return self._cancel_task(rid, request)
        if rtype is not None and rtype not in READABLE_TYPES and rtype != "Binary":
            raise FhirError.one(404, f"Type {rtype} non servi par cette plateforme", code="not-supported")
        raise FhirError.one(
            405,
            f"{method} {request.path} n'est pas permis ; les créations passent par une "
            "transaction (POST sur la base) et seules les Task s'annulent par PUT",
            code="not-supported",
        )

    def _keep_query(self, rtype: str, params: list[tuple[str, str]]) -> str:
        """Remember a search for its `_getpages` links; its id."""
        with self._lock:
            query_id = f"q{len(self._queries) + 1}"
            self._queries[query_id] = (rtype, params)
        return query_id

    def _next_page(self, query: list[tuple[str, str]]) -> Reply:
        """`[base]?_getpages=<id>&_getpagesoffset=n&_count=c`: a page of a remembered search."""
        wanted = dict(query)
        with self._lock:
            kept = self._queries.get(wanted.get("_getpages", ""))
        if kept is None:
            raise FhirError.one(410, "Page de recherche expirée : relancer la recherche", code="not-found")
        rtype, params = kept
        page = [(n, v) for n, v in query if n in ("_count", "_getpagesoffset")]
        return json_reply(
            200,
            search(self.store.all(rtype), rtype, [*params, *page], self.base_url, self.search_shape, self._keep_query),
        )

    def _token(self, request: Request) -> Reply:
        if request.method != "POST":
            return json_reply(
                405,
                {"error": "invalid_request", "error_description": "POST exigé"},
                content_type="application/json",
            )
        try:
            answer = self.auth.token_endpoint(request.body, request.headers.get("authorization"))
        except OAuthError as error:
            return json_reply(error.status, error.to_json(), content_type="application/json")
        return json_reply(200, answer, {"Cache-Control": "no-store"}, "application/json")

    # -- resources ----------------------------------------------------------------------------------

    def _read(self, rtype: str, rid: str, vid: int | None) -> Reply:
        resource = self.store.read(rtype, rid) if vid is None else self.store.read_version(rtype, rid, vid)
        if resource is None:
            raise FhirError.one(404, f"{rtype}/{rid}{f'/_history/{vid}' if vid else ''} introuvable", code="not-found")
        return json_reply(200, resource, _version_headers(resource))

    def _transaction(self, request: Request) -> Reply:
        _require_json(request)
        bundle = _parse_json(request.body)
        response = CaseTransaction(self.store, bundle, national=self.national).apply(self.base_url)
        self.on_case()
        return json_reply(200, response)

    def _cancel_task(self, rid: str, request: Request) -> Reply:
        """The requester's only update: status → cancelled while requested/received, under If-Match."""
        _require_json(request)
        if_match = request.headers.get("if-match")
        if not if_match:
            raise FhirError.one(428, 'If-Match: W/"<versionId>" exigé pour modifier une Task', code="required")
        body = _parse_json(request.body)
        issues = validate_resource(body, "Task")
        if isinstance(body, dict) and (body.get("resourceType") != "Task" or body.get("id") != rid):
            issues.append(Issue(f"Task.id: le corps doit être la Task {rid}", "Task.id", "value"))
        if issues:
            raise FhirError(400, issues)
        with self.store.write():
            current = self.store.read("Task", rid)
            if current is None:
                raise FhirError.one(404, f"Task/{rid} introuvable", code="not-found")
            version = current["meta"]["versionId"]
            if if_match.strip().removeprefix("W/").strip('"') != version:
                raise FhirError.one(
                    412,
                    f"La Task a changé (version {version}, If-Match {if_match}) : relire",
                    code="conflict",
                )
            if body.get("identifier") is not None and body.get("identifier") != current.get("identifier"):
                raise FhirError.one(
                    400,
                    "Task.identifier: ne correspond pas à la Task enregistrée",
                    "Task.identifier",
                    "value",
                )
            wanted, status = body["status"], current["status"]
            if wanted == status:
                return json_reply(200, current, _version_headers(current))
            if wanted != "cancelled":
                raise FhirError.one(
                    422,
                    f"Task.status: le demandeur ne peut passer la Task qu'à « cancelled », pas à « {wanted} »",
                    "Task.status",
                    "business-rule",
                )
            if status not in ("requested", "received"):
                raise FhirError.one(
                    409,
                    f"Task.status: « {status} » ; l'annulation n'est possible que tant "
                    "que la Task est requested ou received",
                    "Task.status",
                    "business-rule",
                )
            current["status"] = "cancelled"
            current["businessStatus"] = business_status("cancelled-by-requester")
            tags = merged_tags(current, body)
            if tags:
                current["meta"] = {**current["meta"], "tag": tags}
            current["lastModified"] = self.store.next_instant()
            if body.get("statusReason"):
                current["statusReason"] = body["statusReason"]
            stored = self.store.update(current)
        return json_reply(200, stored, _version_headers(stored))

    # -- resumable uploads (tus 1.0) ------------------------------------------------------------------

    def _tus(self, upload_id: str | None, request: Request) -> Reply:
        method, headers = request.method, request.headers
        if method == "OPTIONS":
            return Reply(204, b"", "text/plain", self.tus.options())
        self.tus.check_version(headers.get("tus-resumable"))
        if upload_id is None and method == "POST":
            upload, _ = self.tus.create(headers.get("upload-length"), headers.get("upload-metadata"))
            # Relative, as Binary Locations are: the platform may be reached through a reverse proxy.
            location = f"tus/{upload.id}"
            return Reply(201, b"", "text/plain", self.tus.headers(Location=location))
        if upload_id is not None and method == "HEAD":
            return Reply(200, b"", "text/plain", self.tus.head(upload_id))
        if upload_id is not None and method == "PATCH":
            read = request.stream or _reader(request.body)
            declared = int(headers.get("content-length", "0") or "0")
            return Reply(
                204,
                b"",
                "text/plain",
                self.tus.patch(
                    upload_id, headers.get("content-type", ""), headers.get("upload-offset"), read, declared
                ),
            )
        if upload_id is not None and method == "DELETE":
            return Reply(204, b"", "text/plain", self.tus.delete(upload_id))
        raise FhirError.one(
            405,
            f"{method} {request.path} n'est pas permis (tus : POST, HEAD, PATCH, DELETE)",
            code="not-supported",
            headers=self.tus.headers(),
        )

    def _store_upload(self, media_type: str, data: bytes) -> str:
        """A finished resumable upload becomes a Binary as `POST Binary` makes one; its id."""
        self._check_binary(media_type, data)
        return self.store.put_binary(media_type, data, origin="upload").id

    # -- binaries -----------------------------------------------------------------------------------

    def upload_binary(self, content_type: str, data: bytes) -> Reply:
        """`POST Binary`: raw bytes (or a FHIR Binary in JSON) → 201 with its Location."""
        media_type = content_type.split(";")[0].strip().lower()
        if media_type in (FHIR_JSON, "application/json"):
            resource = _parse_json(data)
            issues = validate_resource(resource, "Binary")
            if issues:
                raise FhirError(400, issues)
            try:
                media_type, data = (
                    resource["contentType"],
                    base64.b64decode(resource.get("data", ""), validate=True),
                )
            except (binascii.Error, ValueError):
                raise FhirError.one(400, "Binary.data: base64 invalide", "Binary.data") from None
        if media_type not in BINARY_TYPES:
            raise FhirError.one(
                415,
                f"Content-Type « {media_type} » refusé ; acceptés : {', '.join(BINARY_TYPES)}",
                code="not-supported",
            )
        self._check_binary(media_type, data)
        info = self.store.put_binary(media_type, data, origin="upload")
        headers = {"Location": f"Binary/{info.id}/_history/1", "ETag": 'W/"1"'}
        return json_reply(201, _binary_resource(info), headers)

    def _check_binary(self, media_type: str, data: bytes) -> None:
        if not data:
            raise FhirError.one(400, "Binary vide", code="required")
        if len(data) > self.max_binary_bytes:
            raise self.too_large(len(data))
        if self.check_magic and not BINARY_TYPES[media_type](data):
            raise FhirError.one(
                400,
                f"Le contenu ne ressemble pas à du {media_type} (signature absente) : fichier chiffré ou corrompu ?",
                code="invalid",
            )

    def too_large(self, size: int) -> FhirError:
        """The 413 for a Binary over the limit."""
        return FhirError.one(
            413, f"Binary de {size} octets : la limite est {self.max_binary_bytes} octets", code="too-long"
        )

    def _read_binary(self, rid: str, accept: str) -> Reply:
        if rid in self.binary_redirects:
            return Reply(302, b"", "text/plain", {"Location": self.binary_redirects[rid]})
        info = self.store.binary_info(rid)
        if info is None:
            raise FhirError.one(404, f"Binary/{rid} introuvable", code="not-found")
        data = self.store.binary_bytes(rid)
        headers = {
            "ETag": 'W/"1"',
            "Last-Modified": format_datetime(parse_instant(info.last_updated), usegmt=True),
        }
        if FHIR_JSON in accept or "application/json" in accept:
            resource = _binary_resource(info)
            resource["data"] = base64.b64encode(data).decode("ascii")
            return json_reply(200, resource, headers)
        return Reply(200, data, info.content_type, headers)


def merged_tags(current: Mapping[str, Any], body: Any) -> list[Any]:
    """The stored resource's ``meta.tag`` with the update's added, as FHIR servers keep tags across an
    update (HAPI merges them; removing one takes ``$meta-delete``)."""

    def tags(resource: Any) -> list[Any]:
        meta = resource.get("meta") if isinstance(resource, Mapping) else None
        found = meta.get("tag") if isinstance(meta, Mapping) else None
        return [t for t in found if isinstance(t, dict)] if isinstance(found, list) else []

    merged = tags(current)
    seen = {(t.get("system"), t.get("code")) for t in merged}
    for tag in tags(body):
        if (tag.get("system"), tag.get("code")) not in seen:
            seen.add((tag.get("system"), tag.get("code")))
            merged.append(tag)
    return merged


def _reader(body: bytes) -> Callable[[int], bytes]:
    view, position = memoryview(body), [0]

    def read(size: int) -> bytes:
        piece = bytes(view[position[0] : position[0] + size])
        position[0] += len(piece)
        return piece

    return read


def _binary_resource(info: BinaryInfo) -> dict[str, Any]:
    return {
        "resourceType": "Binary",
        "id": info.id,
        "meta": {"versionId": "1", "lastUpdated": info.last_updated},
        "contentType": info.content_type,
    }


def _require_json(request: Request) -> None:
    media_type, *parameters = request.headers.get("content-type", "").split(";")
    media_type = media_type.strip().lower()
    if media_type not in (FHIR_JSON, "application/json"):
        raise FhirError.one(
            415,
            f"Content-Type « {media_type or 'absent'} » : application/fhir+json attendu",
            code="not-supported",
        )
    # R4 names its version in the media type (http.html#version: fhirVersion=4.0), and JSON is UTF-8.
    said = {name.strip().lower(): value.strip().strip('"') for name, _, value in (p.partition("=") for p in parameters)}
    version, charset = said.get("fhirversion"), said.get("charset")
    if version is not None and version not in ("4.0", "4.0.1"):
        raise FhirError.one(415, f"fhirVersion={version} : cette plateforme sert FHIR R4 (4.0)", code="not-supported")
    if charset is not None and charset.lower() not in ("utf-8", "utf8"):
        raise FhirError.one(415, f"charset={charset} : le JSON FHIR s'écrit en UTF-8", code="not-supported")


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FhirError.one(400, f"Corps JSON illisible : {error}", code="structure") from None
