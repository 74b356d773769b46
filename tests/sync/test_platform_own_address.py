"""A platform that names its own resources under another address than the one Teleavis reaches it at: a
server behind a reverse proxy that writes its internal base into what it serves (Firely's Spark makes every
reference absolute under ``http://localhost:<port>/fhir``, its ``fullUrl``s too, FirelyTeam/spark#82). R4
takes an absolute reference under the server's own base for the local one (references.html, search.html
#reference), and the server says which base is its own in the ``fullUrl`` of each resource it lists
(bundle.html: ``[base]/[type]/[id]``). Found by a conformance pass: the expert's report so named was kept as
« adresse hors plateforme », its conclusion and PDF never shown. Such an address is now asked of the
platform under its base (the token never goes to the address named); one under a base the platform never
named as its own stays off the platform, never asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.store import Store
from tests.support.scripted_platform import (
    PDF,
    Reply,
    ScriptedPlatform,
    fhir,
    following,
    report,
    scripted_platform,
    send_to_sandbox,
    task,
)

INTERNAL = "http://localhost:49911/fhir"


def _named_internally(platform: ScriptedPlatform, base: str) -> None:
    """Every search answered as Spark answers it: each match's ``fullUrl`` under ``base``, with its version."""

    def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
        kind = path.rstrip("/").rsplit("/", 1)[-1]
        held = {"Task": platform.tasks, "DiagnosticReport": platform.reports}.get(kind)
        if held is None or "_id" not in query:
            return None
        ids = ",".join(query["_id"]).split(",")
        entries = [
            {
                "fullUrl": f"{base}/{kind}/{i}/_history/{held[i]['meta']['versionId']}",
                "resource": held[i],
                "search": {"mode": "match"},
            }
            for i in ids
            if i in held
        ]
        return fhir({"resourceType": "Bundle", "type": "searchset", "entry": entries})

    platform.hooks.append(hook)


def _answered_under(platform: ScriptedPlatform, case_id: str, task_id: str, base: str) -> None:
    answered: dict[str, Any] = task(case_id, task_id, "completed", report_ids=("r",))
    answered["output"][0]["valueReference"]["reference"] = f"{base}/DiagnosticReport/r"
    platform.tasks[task_id] = answered
    platform.reports["r"] = report("r", "Naevus bénin, surveillance.", pdf="b")
    platform.reports["r"]["presentedForm"][0]["url"] = f"{base}/Binary/b"
    platform.binaries["b"] = PDF


def test_a_report_named_under_the_platforms_own_internal_address_is_read_on_the_platform(
    store: Store, tmp_path: Path
) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        _named_internally(platform, INTERNAL)
        _answered_under(platform, case_id, task_id, INTERNAL)
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.missing == []
    assert answer.conclusion == "Naevus bénin, surveillance."
    assert [store.objects.get(blob) for blob in answer.pdf_blobs] == [PDF]
    assert "/fhir/DiagnosticReport/r" in platform.requests and "/fhir/Binary/b" in platform.requests


def test_a_report_under_a_base_the_platform_never_named_its_own_stays_off_the_platform(
    store: Store, tmp_path: Path
) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        _named_internally(platform, INTERNAL)
        _answered_under(platform, case_id, task_id, "http://reports.other-host.example/fhir")
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == ""
    assert [m["reason"] for m in answer.missing] == ["foreign-url"]
    assert not any("DiagnosticReport/r" in asked or "Binary/b" in asked for asked in platform.requests)


def _read_with_its_own_address(platform: ScriptedPlatform, base: str, task_id: str, *, named_id: str = "") -> None:
    """The Task read (``GET Task/<id>``) answered with its ``Content-Location`` under ``base`` (R4 http.html,
    vread: « the version id from a content location returned from a read »; HAPI and Spark give it so), while
    the searches name nothing under ``base``."""

    def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
        if path.rstrip("/").endswith(f"/Task/{task_id}"):
            held = platform.tasks[task_id]
            status, headers, body = fhir(held)
            location = f"{base}/Task/{named_id or task_id}/_history/{held['meta']['versionId']}"
            return status, {**headers, "Content-Location": location}, body
        return None

    platform.hooks.append(hook)


def test_a_report_reached_through_a_task_read_alone_is_read_on_the_platform(store: Store, tmp_path: Path) -> None:
    """Found by a conformance pass: the base a server writes into its references was learnt only from the
    ``fullUrl`` of a search's matches; a Task read alone (the cancellation asked too late, the reply to a
    question) left its report « adresse hors plateforme ». The read's ``Content-Location`` is the Task's own
    address: its base is the platform's too."""
    from sync.follow import Follower

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        _read_with_its_own_address(platform, INTERNAL, task_id)
        _answered_under(platform, case_id, task_id, INTERNAL)
        with following(store, platform) as engine:
            task = engine.client.read("Task", task_id)
            Follower(store, engine.client).mirror(case_id, task, None, 3.0)
    answer = store.answer(case_id)
    assert answer is not None and answer.missing == []
    assert answer.conclusion == "Naevus bénin, surveillance."
    assert [store.objects.get(blob) for blob in answer.pdf_blobs] == [PDF]


def test_a_content_location_naming_another_resource_teaches_no_base(store: Store, tmp_path: Path) -> None:
    """Only the resource's own identity says the base: a ``Content-Location`` naming another Task (a gateway's
    cache key, a representation elsewhere) is not the platform naming itself."""
    from sync.follow import Follower

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        _read_with_its_own_address(platform, INTERNAL, task_id, named_id="another-task")
        _answered_under(platform, case_id, task_id, INTERNAL)
        with following(store, platform) as engine:
            task = engine.client.read("Task", task_id)
            Follower(store, engine.client).mirror(case_id, task, None, 3.0)
    answer = store.answer(case_id)
    assert answer is not None and [m["reason"] for m in answer.missing] == ["foreign-url"]
    assert not any("DiagnosticReport/r" in asked for asked in platform.requests)


def test_the_base_a_transaction_response_names_what_it_made_under_is_the_platforms() -> None:
    """A transaction's ``response.location`` (bundle.html: the location header of each operation) names what
    the platform made under its own base: learnt there too, at the sending, before any search."""
    import json

    from tests.support.http import QuietHandler, serving
    from tests.sync.sync_helpers import client_for_url

    made = {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [{"response": {"status": "201 Created", "location": f"{INTERNAL}/Task/t1/_history/1"}}],
    }

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.answer(200, json.dumps(made).encode())

    sent = {"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": {"resourceType": "Task"}}]}
    with serving(Handler, path="/fhir/") as base, client_for_url(base) as client:
        assert client.platform_url(f"{INTERNAL}/DiagnosticReport/r") is None
        client.transaction(sent)
        assert client.platform_url(f"{INTERNAL}/DiagnosticReport/r") == f"{base}DiagnosticReport/r"
        assert client.platform_url("http://localhost:1/fhir/DiagnosticReport/r") is None
