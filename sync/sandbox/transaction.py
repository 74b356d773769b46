"""The case transaction (docs/platform-api.md §4): checked whole, then written all-or-nothing.

Every entry is a conditional create. Conditionals are resolved and the bundle is checked
while the store's write lock is held, so two copies of the same case arriving together
still make one case, and a refused bundle leaves no trace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from sync import codes as C
from sync.mapping import typed_references
from sync.sandbox.contract import IDENTIFIER_SYSTEM, INS, INS_TEST, check_contract, contained_type
from sync.sandbox.errors import FhirError, Issue
from sync.sandbox.search import token_alternatives
from sync.sandbox.storage import Store, identifiers_of, new_id
from sync.sandbox.validation import validate_resource

_FULL_URL = re.compile(r"^urn:uuid:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")
_LITERAL = re.compile(r"^([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/\d+)?$")
_ENTRY_KEYS = frozenset({"fullUrl", "resource", "request"})
_REQUEST_KEYS = frozenset({"method", "url", "ifNoneExist"})


def identifier_condition(condition: str) -> tuple[str, str] | None:
    """(system, value) of ``identifier=<system>|<value>``, the one search parameter an ``ifNoneExist``
    may hold here, read as a FHIR server reads it: the query string decoded (``%2C``, ``+``), then the
    token as any search reads it (``token_alternatives``). Several alternatives (a bare comma: "either
    value") are refused, as a second parameter is."""
    name, _, raw = condition.partition("=")
    if name != "identifier" or not raw or "&" in raw or "=" in raw:
        return None
    try:
        alternatives = token_alternatives(unquote_plus(raw))
    except ValueError:
        return None
    if len(alternatives) != 1:
        return None
    system, value = alternatives[0]
    return (system, value) if system and value else None


@dataclass
class _Entry:
    index: int
    full_url: str
    resource: dict[str, Any]
    system: str
    value: str
    rid: str = ""
    existing: bool = False
    valid: bool = True

    @property
    def rtype(self) -> str:
        return str(self.resource["resourceType"])

    @property
    def where(self) -> str:
        return f"Bundle.entry[{self.index}].resource"


def references_in(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(FHIRPath, reference) for every Reference.reference inside a resource."""
    if isinstance(value, dict):
        for key, item in value.items():
            at = f"{path}.{key}" if path else key
            if key == "reference" and isinstance(item, str):
                yield at, item
            else:
                yield from references_in(item, at)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from references_in(item, f"{path}[{index}]")


def _rewrite(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, list):
        return [_rewrite(item, mapping) for item in value]
    if isinstance(value, dict):
        return {key: _rewrite(item, mapping) for key, item in value.items()}
    return value


def _parse_entries(bundle: Any) -> list[_Entry]:
    """Structural checks of the bundle and its entries; raises 400 listing every problem."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise FhirError.one(400, "Le corps doit être un Bundle FHIR", "Bundle", "structure")
    if bundle.get("type") != "transaction":
        raise FhirError.one(400, "Bundle.type: seul « transaction » est accepté ici", "Bundle.type", "value")
    raw_entries = bundle.get("entry")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise FhirError.one(400, "Bundle.entry: une transaction vide n'a pas de sens", "Bundle.entry", "required")
    issues: list[Issue] = []
    entries: list[_Entry] = []
    seen_urls: set[str] = set()
    seen_conditions: set[tuple[str, str, str]] = set()
    for index, raw in enumerate(raw_entries):
        at = f"Bundle.entry[{index}]"
        if not isinstance(raw, dict):
            issues.append(Issue(f"{at}: doit être un objet", at, "structure"))
            continue
        for key in sorted(set(raw) - _ENTRY_KEYS):
            issues.append(
                Issue(f"Bundle.entry.{key}: élément non permis dans une transaction", f"{at}.{key}", "structure")
            )
        full_url, resource, request = raw.get("fullUrl"), raw.get("resource"), raw.get("request")
        if not isinstance(full_url, str) or not _FULL_URL.match(full_url):
            issues.append(
                Issue(
                    f"Bundle.entry.fullUrl: « {full_url} » doit être un urn:uuid:<uuid> frais",
                    f"{at}.fullUrl",
                    "value",
                )
            )
        elif full_url in seen_urls:
            issues.append(
                Issue(f"Bundle.entry.fullUrl: « {full_url} » apparaît deux fois", f"{at}.fullUrl", "duplicate")
            )
        else:
            seen_urls.add(full_url)
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            issues.append(Issue("Bundle.entry.resource: ressource exigée", f"{at}.resource", "required"))
            continue
        rtype = resource["resourceType"]
        if not isinstance(request, dict):
            issues.append(Issue("Bundle.entry.request: exigé dans une transaction", f"{at}.request", "required"))
            continue
        for key in sorted(set(request) - _REQUEST_KEYS):
            issues.append(
                Issue(
                    f"Bundle.entry.request.{key}: non accepté par cette plateforme",
                    f"{at}.request.{key}",
                    "not-supported",
                )
            )
        if request.get("method") != "POST":
            issues.append(
                Issue(
                    f"Bundle.entry.request.method: « {request.get('method')} » refusé ; seules les "
                    "créations conditionnelles (POST + ifNoneExist) sont acceptées",
                    f"{at}.request.method",
                    "not-supported",
                )
            )
        if request.get("url") != rtype:
            issues.append(Issue(f"Bundle.entry.request.url: doit valoir « {rtype} »", f"{at}.request.url", "value"))
        condition = request.get("ifNoneExist")
        match = identifier_condition(condition) if isinstance(condition, str) else None
        if match is None:
            issues.append(
                Issue(
                    "Bundle.entry.request.ifNoneExist: « identifier=<system>|<value> » exigé "
                    "(toute création doit être conditionnelle)",
                    f"{at}.request.ifNoneExist",
                    "required",
                )
            )
            continue
        system, value = match
        pairs = identifiers_of(resource)
        if (system, value) not in pairs:
            issues.append(
                Issue(
                    f"Bundle.entry.request.ifNoneExist: la ressource ne porte pas l'identifiant {system}|{value}",
                    f"{at}.request.ifNoneExist",
                    "value",
                )
            )
        ins = next((s for s, _ in pairs if s in (INS, INS_TEST)), None)
        wanted = IDENTIFIER_SYSTEM.get(rtype) or ins
        if rtype == "Organization" and not any(s == wanted for s, _ in pairs):
            # A structure without FINESS (a health centre known by its SIRET): on its national id.
            wanted = C.FINESS_SYSTEM
        if wanted and system != wanted:
            issues.append(
                Issue(
                    f"Bundle.entry.request.ifNoneExist: {rtype} doit être conditionnel sur {wanted}",
                    f"{at}.request.ifNoneExist",
                    "value",
                )
            )
        if (rtype, system, value) in seen_conditions:
            issues.append(
                Issue(
                    f"Bundle.entry.request.ifNoneExist: {rtype} {system}|{value} apparaît deux fois",
                    f"{at}.request.ifNoneExist",
                    "duplicate",
                )
            )
        seen_conditions.add((rtype, system, value))
        body = {key: item for key, item in resource.items() if key not in ("id", "meta")}
        found = resource.get("meta")
        meta: dict[str, Any] = found if isinstance(found, dict) else {}
        # The profiles the resource claims are checked and kept, and its tags kept as a FHIR server keeps
        # them (the requester's audit head rides there); the rest of meta is the server's.
        kept = {name: meta[name] for name in ("profile", "tag") if meta.get(name)}
        if kept:
            body["meta"] = kept
        entries.append(_Entry(index, full_url if isinstance(full_url, str) else "", body, system, value))
    uuids = {u.lower() for u in (m.group(1) for m in map(_FULL_URL.match, seen_urls) if m)}
    for entry in entries:
        for _system, value in identifiers_of(entry.resource):
            if value.lower() in uuids:
                issues.append(
                    Issue(
                        f"{entry.rtype}.identifier: la valeur {value} réutilise un fullUrl du bundle",
                        f"{entry.where}.identifier",
                        "value",
                    )
                )
    if issues:
        raise FhirError(400, issues)
    return entries


class CaseTransaction:
    """One transaction Bundle being checked and applied to a store."""

    def __init__(self, store: Store, bundle: Any, *, national: bool = False) -> None:
        self.store = store
        self.national = national
        self.entries = _parse_entries(bundle)
        # Model validation needs no lock; its issues are reported with the contract's, in one answer.
        self.invalid: list[Issue] = []
        for entry in self.entries:
            issues = validate_resource(entry.resource, entry.where)
            entry.valid = not issues
            self.invalid += issues
        self.by_url = {entry.full_url: entry for entry in self.entries}

    def resolve(self, reference: str) -> str | None:
        """The type of the resource a reference designates, in the bundle or on the server."""
        if reference in self.by_url:
            return self.by_url[reference].rtype
        match = _LITERAL.match(reference)
        if match and self.store.exists(match.group(1), match.group(2)):
            return match.group(1)
        return None

    def apply(self, base_url: str) -> dict[str, Any]:
        """Check against the contract and the server's content, then write; the transaction-response."""
        with self.store.write():
            for entry in self.entries:
                found = self.store.find_by_identifier(entry.rtype, entry.system, entry.value)
                if len(found) > 1:
                    raise FhirError.one(
                        412,
                        f"{entry.rtype}: plusieurs ressources portent {entry.system}|{entry.value}",
                        f"{entry.where}.identifier",
                        "multiple-matches",
                    )
                entry.existing, entry.rid = (True, found[0]) if found else (False, new_id())
            issues = self._check()
            if issues:
                raise FhirError(400, issues)
            mapping = {entry.full_url: f"{entry.rtype}/{entry.rid}" for entry in self.entries}
            results = []
            for entry in self.entries:
                if entry.existing:
                    stored = self.store.read(entry.rtype, entry.rid)
                    assert stored is not None
                    results.append(_response(stored, "200 OK", base_url))
                else:
                    stored = self.store.create(_rewrite(entry.resource, mapping), entry.rid)
                    results.append(_response(stored, "201 Created", base_url))
        return {"resourceType": "Bundle", "id": new_id(), "type": "transaction-response", "entry": results}

    def _check(self) -> list[Issue]:
        issues: list[Issue] = list(self.invalid)
        for entry in self.entries:
            if entry.valid:  # The contract's rules assume a structurally valid resource.
                issues += check_contract(entry.resource, entry.where, self.resolve, national=self.national)
            for path, reference in references_in(entry.resource):
                if reference.startswith("#"):  # a local reference: to a resource contained in this one
                    if contained_type(entry.resource, reference) is None:
                        issues.append(
                            Issue(
                                f"{entry.rtype}.{path}: « {reference} » ne désigne aucune ressource "
                                "contenue (contained)",
                                f"{entry.where}.{path}",
                                "not-found",
                            )
                        )
                elif self.resolve(reference) is None:
                    issues.append(
                        Issue(
                            f"{entry.rtype}.{path}: référence « {reference} » introuvable "
                            "(ni dans le bundle ni sur la plateforme)",
                            f"{entry.where}.{path}",
                            "not-found",
                        )
                    )
            if entry.valid:
                issues += self._check_target_types(entry)
            if entry.rtype == "Media" and entry.valid:
                issues += self._check_media_content(entry)
        if all(entry.valid for entry in self.entries):
            issues += self._check_case()
            issues += self._check_requester()
            issues += self._check_replies()
        return issues

    def _check_target_types(self, entry: _Entry) -> list[Issue]:
        """Each reference names a type R4 allows for its element, as a strict server checks it."""
        issues = []
        for path, reference, allowed in typed_references(entry.resource):
            target = contained_type(entry.resource, reference) if reference.startswith("#") else self.resolve(reference)
            if target is not None and target not in allowed:
                where = path.split(".", 1)[1] if "." in path else path
                issues.append(
                    Issue(
                        f"{path}: « {reference} » désigne un(e) {target}, or R4 n'y admet que {', '.join(allowed)}",
                        f"{entry.where}.{where}",
                        "value",
                    )
                )
        return issues

    def _check_media_content(self, entry: _Entry) -> list[Issue]:
        content = entry.resource.get("content") or {}
        url = content.get("url")
        if not isinstance(url, str) or not url.startswith("Binary/"):
            return []
        info = self.store.binary_info(url.removeprefix("Binary/"))
        at = f"{entry.where}.content"
        if info is None:
            return [
                Issue(
                    f"Media.content.url: {url} n'existe pas sur la plateforme (envoyer le Binary d'abord)",
                    f"{at}.url",
                    "not-found",
                )
            ]
        issues = []
        if content.get("size") != info.size:
            issues.append(
                Issue(
                    f"Media.content.size: {content.get('size')} ne correspond pas aux {info.size} octets de {url}",
                    f"{at}.size",
                    "value",
                )
            )
        if content.get("hash") != info.sha1_b64:
            issues.append(
                Issue(
                    f"Media.content.hash: ne correspond pas au SHA-1 (base64) des octets de {url}",
                    f"{at}.hash",
                    "value",
                )
            )
        if content.get("contentType") and content["contentType"] != info.content_type:
            issues.append(
                Issue(
                    f"Media.content.contentType: {content['contentType']} alors que {url} est {info.content_type}",
                    f"{at}.contentType",
                    "value",
                )
            )
        return issues

    def _check_case(self) -> list[Issue]:
        """A case bundle lists every supporting resource and carries an active consent."""
        issues: list[Issue] = []
        for sr in (e for e in self.entries if e.rtype == "ServiceRequest"):
            listed = {
                item.get("reference") for item in sr.resource.get("supportingInfo") or [] if isinstance(item, dict)
            }
            for entry in self.entries:
                if (
                    entry.rtype in ("Media", "MedicationStatement", "Consent", "QuestionnaireResponse")
                    and entry.full_url not in listed
                ):
                    issues.append(
                        Issue(
                            f"ServiceRequest.supportingInfo: {entry.rtype} {entry.full_url} du bundle n'y figure pas",
                            f"{sr.where}.supportingInfo",
                            "business-rule",
                        )
                    )
            consents = [self._target(ref) for ref in listed if isinstance(ref, str)]
            if not any(c and c.get("resourceType") == "Consent" and c.get("status") == "active" for c in consents):
                issues.append(
                    Issue(
                        "ServiceRequest.supportingInfo: pas de Consent actif ; pas de consentement, pas d'envoi",
                        f"{sr.where}.supportingInfo",
                        "business-rule",
                    )
                )
        return issues

    def _check_requester(self) -> list[Issue]:
        """The ServiceRequest's PractitionerRole is the Task's requester at the requesting site."""
        issues: list[Issue] = []
        tasks = {
            self._canonical((e.resource.get("focus") or {}).get("reference")): self._canonical(
                (e.resource.get("requester") or {}).get("reference")
            )
            for e in self.entries
            if e.rtype == "Task"
        }
        for sr in (e for e in self.entries if e.rtype == "ServiceRequest"):
            ref = (sr.resource.get("requester") or {}).get("reference")
            role = self._target(ref) if isinstance(ref, str) else None
            if role is None or role.get("resourceType") != "PractitionerRole":
                continue  # already reported by the contract's reference rules
            who = self._canonical((role.get("practitioner") or {}).get("reference"))
            task_requester = tasks.get(f"ServiceRequest/{sr.rid}")
            if task_requester is not None and who != task_requester:
                issues.append(
                    Issue(
                        "ServiceRequest.requester: le PractitionerRole doit être celui du demandeur "
                        "de la Task (Task.requester)",
                        f"{sr.where}.requester",
                        "business-rule",
                    )
                )
        return issues

    def _check_replies(self) -> list[Issue]:
        """A requester's Communication answers a question the platform asked about the same Task."""
        issues: list[Issue] = []
        for entry in (e for e in self.entries if e.rtype == "Communication"):
            question_refs = [
                i.get("reference") for i in entry.resource.get("inResponseTo") or [] if isinstance(i, dict)
            ]
            for ref in question_refs:
                question = self._target(ref) if isinstance(ref, str) else None
                if question is None or question.get("resourceType") != "Communication":
                    continue  # Already reported as unresolvable or of the wrong type.
                mine = {self._canonical(i.get("reference")) for i in entry.resource.get("about") or []}
                theirs = {i.get("reference") for i in question.get("about") or []}
                if not mine & theirs:
                    issues.append(
                        Issue(
                            f"Communication.about: doit désigner la Task de la question {ref}",
                            f"{entry.where}.about",
                            "business-rule",
                        )
                    )
        return issues

    def _canonical(self, reference: Any) -> Any:
        if isinstance(reference, str) and reference in self.by_url:
            entry = self.by_url[reference]
            return f"{entry.rtype}/{entry.rid}"
        return reference

    def _target(self, reference: str) -> dict[str, Any] | None:
        if reference in self.by_url:
            entry = self.by_url[reference]
            return self.store.read(entry.rtype, entry.rid) if entry.existing else entry.resource
        match = _LITERAL.match(reference)
        return self.store.read(match.group(1), match.group(2)) if match else None


def _response(stored: dict[str, Any], status: str, base_url: str) -> dict[str, Any]:
    meta = stored["meta"]
    return {
        "fullUrl": f"{base_url}/{stored['resourceType']}/{stored['id']}",
        "response": {
            "status": status,
            "location": f"{stored['resourceType']}/{stored['id']}/_history/{meta['versionId']}",
            "etag": f'W/"{meta["versionId"]}"',
            "lastModified": meta["lastUpdated"],
        },
    }
