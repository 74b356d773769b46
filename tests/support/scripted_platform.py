"""A platform whose every answer a test writes: Tasks, reports, Binaries and Communications held as
dicts, served as FHIR JSON, and hooks that answer a request their own way (a page that expired, a
server that ignores a search parameter). For the answers shaped otherwise than the sandbox's: the
cases are sent to the sandbox first (``send_to_sandbox``), then followed here under the same ids."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.store import Store
from sync.engine import Engine
from sync.mapping import CASE_SYSTEM
from sync.sandbox import SandboxServer
from tests.sync.recording_server import PDF
from tests.sync.sync_helpers import engine_on, make_case

Reply = tuple[int, dict[str, str], bytes]
Query = dict[str, list[str]]
Hook = Callable[[str, Query], Reply | None]
#: An update's answer of a test's own: the path and the resource sent (``PUT``).
PutHook = Callable[[str, dict[str, Any]], Reply | None]

__all__ = [
    "PDF",
    "Reply",
    "ScriptedPlatform",
    "answer_each",
    "bundle",
    "communication",
    "fhir",
    "following",
    "outcome",
    "report",
    "scripted_platform",
    "send_to_sandbox",
    "task",
]


def fhir(doc: Any, status: int = 200) -> Reply:
    return status, {"Content-Type": "application/fhir+json; charset=utf-8"}, json.dumps(doc).encode()


def outcome(status: int, words: str) -> Reply:
    issue = {"severity": "error", "code": "processing", "diagnostics": words}
    return fhir({"resourceType": "OperationOutcome", "issue": [issue]}, status)


def bundle(resources: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    entries = [
        {"fullUrl": f"http://x/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}}
        for r in resources
    ]
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources), "entry": entries, **extra}


def follow_up_output(value: float, code: str, unit: str = "") -> dict[str, Any]:
    """A Task output giving the expert's follow-up advice (the contract's ``follow-up-within``)."""
    duration: dict[str, Any] = {"value": value, "code": code, **({"unit": unit} if unit else {})}
    return {
        "type": {"coding": [{"system": "urn:teleavis:output", "code": "follow-up-within"}]},
        "valueDuration": duration,
    }


def task(
    case_id: str, task_id: str, status: str, *, version: str = "2", report_ids: tuple[str, ...] = ()
) -> dict[str, Any]:
    outputs = [
        {
            "type": {"coding": [{"system": "urn:teleavis:output", "code": "report"}]},
            "valueReference": {"reference": f"DiagnosticReport/{report_id}"},
        }
        for report_id in report_ids
    ]
    return {
        "resourceType": "Task",
        "id": task_id,
        "meta": {"versionId": version, "lastUpdated": "2026-11-21T10:00:00.123+01:00"},
        "identifier": [{"system": CASE_SYSTEM, "value": case_id}],
        "status": status,
        "intent": "order",
        **({"output": outputs} if outputs else {}),
    }


def report(
    report_id: str, conclusion: str, *, status: str = "final", version: str = "1", pdf: str = ""
) -> dict[str, Any]:
    form = {
        "contentType": "application/pdf",
        "url": f"Binary/{pdf}",
        "size": len(PDF),
        "hash": base64.b64encode(hashlib.sha1(PDF).digest()).decode(),  # noqa: S324 - FHIR's Attachment.hash
    }
    return {
        "resourceType": "DiagnosticReport",
        "id": report_id,
        "meta": {"versionId": version, "lastUpdated": f"2026-11-21T10:0{version}:00.123+01:00"},
        "status": status,
        "code": {"coding": [{"system": "http://loinc.org", "code": "11488-4"}]},
        "issued": "2026-11-21T10:00:00+01:00",
        "performer": [{"display": "Dr Expert"}],
        "conclusion": conclusion,
        **({"presentedForm": [form]} if pdf else {}),
    }


def communication(comm_id: str, task_id: str, words: str) -> dict[str, Any]:
    return {
        "resourceType": "Communication",
        "id": comm_id,
        "status": "completed",
        "about": [{"reference": f"Task/{task_id}"}],
        "sent": "2026-11-21T10:00:00+01:00",
        "payload": [{"contentString": words}],
    }


@dataclass
class ScriptedPlatform:
    base_url: str = ""
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    binaries: dict[str, bytes] = field(default_factory=dict)
    #: Task id → the Communications about it.
    communications: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: ServiceRequest id → its Task's id (filled from the store by :func:`following`).
    task_of_request: dict[str, str] = field(default_factory=dict)
    hooks: list[Hook] = field(default_factory=list)
    put_hooks: list[PutHook] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def answer(self, path: str, query: Query) -> Reply:
        for hook in self.hooks:
            reply = hook(path, query)
            if reply is not None:
                return reply
        parts = path.strip("/").split("/")[1:]  # after "fhir"
        ids = ",".join(query.get("_id", [])).split(",")
        if parts == ["Task"]:
            return fhir(bundle([self.tasks[i] for i in ids if i in self.tasks]))
        if parts == ["DiagnosticReport"]:
            return fhir(bundle([self.reports[i] for i in ids if i in self.reports]))
        if parts == ["Communication"]:
            if "about" in query:  # an element, not a search parameter of R4: refused as a strict server does
                return outcome(400, 'Unknown search parameter "about" for resource type "Communication"')
            request_id = query.get("based-on", [""])[0].rsplit("/", 1)[-1]
            return fhir(bundle(self.communications.get(self.task_of_request.get(request_id, ""), [])))
        if len(parts) == 2 and parts[0] == "Task" and parts[1] in self.tasks:
            return fhir(self.tasks[parts[1]])
        if len(parts) == 2 and parts[0] == "DiagnosticReport" and parts[1] in self.reports:
            return fhir(self.reports[parts[1]])
        if len(parts) == 2 and parts[0] == "Binary" and parts[1] in self.binaries:
            return 200, {"Content-Type": "application/pdf"}, self.binaries[parts[1]]
        if parts == ["metadata"]:
            return fhir(
                {"resourceType": "CapabilityStatement", "status": "active", "kind": "instance", "fhirVersion": "4.0.1"}
            )
        return outcome(404, "not found")

    def update(self, path: str, if_match: str | None, body: bytes) -> Reply:
        """A ``PUT`` of a Task as a strict server takes it (R4 http.html#concurrency): refused with 412 when
        ``If-Match`` does not name its current version, else stored as its next version and returned."""
        try:
            resource = json.loads(body)
        except ValueError:
            return outcome(400, "the body is not JSON")
        for hook in self.put_hooks:
            reply = hook(path, resource)
            if reply is not None:
                return reply
        parts = path.strip("/").split("/")[1:]
        if len(parts) != 2 or parts[0] != "Task" or parts[1] not in self.tasks:
            return outcome(404, "not found")
        current = self.tasks[parts[1]]
        version = str(current.get("meta", {}).get("versionId", "1"))
        if if_match not in (f'W/"{version}"', f'"{version}"'):
            return outcome(412, f"Task/{parts[1]} is at version {version}")
        meta = {**resource.get("meta", {}), "versionId": str(int(version) + 1), "lastUpdated": "2026-11-21T11:00:00Z"}
        self.tasks[parts[1]] = {**resource, "meta": meta}
        return fhir(self.tasks[parts[1]])


@contextmanager
def scripted_platform() -> Iterator[ScriptedPlatform]:
    platform = ScriptedPlatform()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            platform.requests.append(self.path)
            status, headers, body = platform.answer(url.path, parse_qs(url.query))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_PUT(self) -> None:
            platform.requests.append(f"PUT {self.path}")
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, headers, answer = platform.update(urlsplit(self.path).path, self.headers.get("If-Match"), body)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    platform.base_url = f"http://127.0.0.1:{server.server_address[1]}/fhir"
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def send_to_sandbox(store: Store, folder: Path, count: int, specialty: str = "dermatology") -> list[tuple[str, str]]:
    """``count`` cases made and sent to a sandbox: (case id, Task id) each, the cases now sent."""
    with SandboxServer(folder, answer_after_s=3600.0, run_expert=False, seed=1) as sandbox:
        ids = [make_case(store, specialty, seed=n) for n in range(count)]
        with engine_on(store, sandbox.base_url) as engine:
            assert sorted(engine.run_once(poll=False).sent) == sorted(ids)
    return [(case_id, str(store.platform_info(case_id)["task_id"])) for case_id in ids]


def answer_each(platform: ScriptedPlatform, cases: list[tuple[str, str]]) -> None:
    """Each case's Task completed with its report « Réponse N. » (N its rank) and the report's PDF:
    reports ``rN`` and Binaries ``bN``, for a test to shape one of them otherwise."""
    for n, (case_id, task_id) in enumerate(cases):
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
        platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}.", pdf=f"b{n}")
        platform.binaries[f"b{n}"] = PDF


@contextmanager
def following(store: Store, platform: ScriptedPlatform) -> Iterator[Engine]:
    for task_id, request_id in store.conn.execute("SELECT task_id, request_id FROM cases WHERE task_id IS NOT NULL"):
        platform.task_of_request[str(request_id)] = str(task_id)
    with engine_on(store, platform.base_url, case_budget_s=3.0) as engine:
        yield engine


def on_hold_with_a_question(store: Store, folder: Path, count: int, specialty: str = "dermatology") -> list[str]:
    """``count`` cases sent, then put on hold by the platform with the expert's question « Depuis quand ? »
    (read by one pass of the follower): their ids."""
    cases = send_to_sandbox(store, folder, count, specialty)
    with scripted_platform() as platform:
        for case_id, task_id in cases:
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
            platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()
    return [case_id for case_id, _ in cases]
