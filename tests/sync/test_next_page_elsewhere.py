"""A search's ``next`` link naming another address than the platform's: a HAPI server behind a reverse proxy
with no public address set (``hapi.fhir.server_address``) writes its own, ``http://localhost:8080/fhir?
_getpages=…``, or ``http://`` for a site reached in https, or its path without the gateway's prefix. Never
followed there (the token would go with it), such a search never read whole: at every poll, its Tasks were
read one by one, its reports too. The page is now asked of the platform itself, under its base, the link's
path tail and query kept: the token never goes elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.model import CaseState
from app.store import Store
from sync.client import PlatformClient
from tests.support.scripted_platform import (
    Reply,
    answer_each,
    bundle,
    fhir,
    following,
    scripted_platform,
    send_to_sandbox,
    task,
)
from tests.sync.sync_helpers import client_for_url


def _paged(platform: Any, elsewhere: str, resources: str) -> Any:
    """A hook paging every search of ``resources`` one match a page, its next page linked at ``elsewhere``
    (the server's own idea of its base) as HAPI links them: ``[base]?_getpages=<id>&_getpagesoffset=<n>``."""
    pages: dict[str, list[dict[str, Any]]] = {}

    def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
        if path.rstrip("/").endswith("/fhir") and "_getpages" in query:
            found = pages.get(query["_getpages"][0])
            if found is None:
                return None
            offset = int(query["_getpagesoffset"][0])
        elif path.endswith(f"/{resources}") and "_id" in query:
            held = platform.tasks if resources == "Task" else platform.reports
            asked = ",".join(query["_id"]).split(",")
            found = [held[i] for i in asked if i in held]
            pages[f"p{len(pages)}"] = found
            query = {"_getpages": [f"p{len(pages) - 1}"]}
            offset = 0
        else:
            return None
        link = []
        if offset + 1 < len(found):
            name = query["_getpages"][0]
            link = [{"relation": "next", "url": f"{elsewhere}?_getpages={name}&_getpagesoffset={offset + 1}&_count=1"}]
        return fhir({**bundle(found[offset : offset + 1], link=link), "total": len(found)})

    return hook


def test_tasks_paged_under_the_servers_own_address_are_read_whole_not_one_by_one(store: Store, tmp_path: Path) -> None:
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    with scripted_platform() as platform:
        answer_each(platform, cases)
        platform.hooks.append(_paged(platform, "http://localhost:8080/fhir", "Task"))
        with following(store, platform) as engine:
            before = len(platform.requests)
            engine.run_once()
            asked = platform.requests[before:]
    assert all(store.state(c) == CaseState.ANSWERED for c, _ in cases), [store.platform_info(c) for c, _ in cases]
    alone = [r for r in asked if any(r.startswith(f"/fhir/Task/{t}") for _c, t in cases)]
    assert alone == [], asked  # the search read whole: no Task read one by one
    assert sum("_getpages=" in r for r in asked) >= 2, asked


def test_a_page_linked_under_the_servers_address_is_asked_under_the_platforms_base_only(tmp_path: Path) -> None:
    """Behind a gateway adding a prefix (``/gw/fhir`` outside, ``/fhir`` inside), and a server writing
    ``http`` for a site reached otherwise: the tail of the link (its resource type, its query) is kept, the
    address is the platform's base."""
    seen: list[str] = []
    with scripted_platform() as platform:
        platform.tasks.update({t: task("c", t, "requested") for t in ("a", "b")})

        def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
            seen.append(path + "?" + "&".join(f"{k}={v[0]}" for k, v in sorted(query.items())))
            if path == "/gw/fhir/Task" and query.get("page") == ["2"]:
                return fhir(bundle([platform.tasks["b"]]))
            if path == "/gw/fhir/Task":
                inner = "http://fhir-internal:8443/fhir/Task?_id=a,b&page=2"
                return fhir(bundle([platform.tasks["a"]], link=[{"relation": "next", "url": inner}]))
            return None

        platform.hooks.append(hook)
        client: PlatformClient
        with client_for_url(platform.base_url.replace("/fhir", "/gw/fhir")) as client:
            found = client.search_pages("Task", {"_id": "a,b"})
    assert [t["id"] for t in found.resources] == ["a", "b"] and found.complete, seen
    assert seen[-1] == "/gw/fhir/Task?_id=a,b&page=2", seen
