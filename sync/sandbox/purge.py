"""Forgetting a case on the sandbox, as retention forgets it on the requester's side.

A case is its ServiceRequest and Task (identified by the case id, docs/platform-api.md §2) and every
resource linked to them that belongs to no one else: Media, their Binaries, Consent, treatments,
form, the messages both ways, the expert's report and its PDF. The requester's and the expert's
Practitioner, PractitionerRole and Organization stay (they are not the patient's); the Patient goes
once no remaining resource refers to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sync.sandbox.storage import Store

CASE_ID_SYSTEM = "urn:teleavis:case-id"
_SHARED = frozenset({"Patient", "Practitioner", "PractitionerRole", "Organization"})
_REF = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/\d+)?$")


def _references(value: Any) -> Iterator[tuple[str, str]]:
    """(type, id) of every `reference` and `url` in a resource that names a resource."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("reference", "url") and isinstance(item, str):
                match = _REF.search(item)
                if match:
                    yield match.group(1), match.group(2)
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def case_ids(store: Store) -> set[str]:
    """The case ids of every case the sandbox holds."""
    found: set[str] = set()
    for rtype in ("ServiceRequest", "Task"):
        for resource in store.all(rtype):
            for item in resource.get("identifier") or []:
                if not isinstance(item, dict):
                    continue
                if item.get("system") == CASE_ID_SYSTEM and isinstance(item.get("value"), str):
                    found.add(item["value"])
    return found


def purge_cases(store: Store, wanted: set[str]) -> int:
    """Delete the cases whose ids are in `wanted`, with what only they use; how many were found."""
    if not wanted:
        return 0
    with store.write():
        everything = {(rtype, r["id"]): r for rtype in store.types() for r in store.all(rtype)}
        members: set[tuple[str, str]] = set()
        for (rtype, rid), resource in everything.items():
            if rtype in ("ServiceRequest", "Task") and any(
                isinstance(i, dict) and i.get("system") == CASE_ID_SYSTEM and i.get("value") in wanted
                for i in resource.get("identifier") or []
            ):
                members.add((rtype, rid))
        roots = {rid for rtype, rid in members if rtype == "ServiceRequest"}
        grown = True
        while grown:
            grown = False
            for handle, resource in everything.items():
                if handle in members or handle[0] in _SHARED:
                    continue
                linked = any(ref in members for ref in _references(resource)) or any(
                    handle in set(_references(everything[m])) for m in members
                )
                if linked:
                    members.add(handle)
                    grown = True
        binaries = {rid for m in members for rtype, rid in _references(everything[m]) if rtype == "Binary"}
        patients = {ref for m in members for ref in _references(everything[m]) if ref[0] == "Patient"}
        for rtype, rid in members:
            store.delete(rtype, rid)
        remaining = [r for h, r in everything.items() if h not in members]
        still_used = {ref for r in remaining for ref in _references(r)}
        for rtype, rid in patients - still_used:
            store.delete(rtype, rid)
    for rid in binaries:
        store.delete_binary(rid)
    return len(roots)


def purge_absent(store: Store, known: set[str]) -> int:
    """Delete every case whose id is not in `known` (the requester's store no longer has it)."""
    return purge_cases(store, case_ids(store) - known)
