"""A transaction the platform did not answer in time may still be in its hands: found by an outside
conformance pass against a FHIR server whose conditional creates are not serialised (two transactions
checked side by side both find nothing and both create). The case was looked up a moment after the
read timeout, not found (the platform was still recording it), and posted again: two requests, two
Tasks, for one case. The lookup now waits twice the read timeout."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.auth import StaticToken
from sync.client import ClientConfig, PlatformClient, RetryPolicy
from sync.engine import Engine
from tests.support.cli import ROOT
from tests.support.http import QuietHandler, serving
from tests.sync.sync_helpers import make_case

#: How long the platform takes over the first transaction (the client's read timeout is half a second).
RECORDING_S = 0.9


@dataclass
class SlowPlatform:
    """Records a case's transaction RECORDING_S after it came (the first one), answering too late; its
    conditional creates look for a match when a transaction comes, not when it is recorded."""

    tasks: dict[str, str] = field(default_factory=dict)  # case id -> Task id
    #: The first transaction recorded at once, and the connection cut before its answer (a link's cut).
    cut_first: bool = False
    created: int = 0
    posts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def transaction(self, bundle: dict[str, Any]) -> dict[str, Any] | None:
        case_id = next(
            e["resource"]["identifier"][0]["value"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task"
        )
        with self.lock:
            self.posts += 1
            first, matched = self.posts == 1, case_id in self.tasks
        if first and not self.cut_first:
            time.sleep(RECORDING_S)
        with self.lock:
            if not matched:
                self.created += 1
                self.tasks[case_id] = f"t{self.created}"
            task_id = self.tasks[case_id]
        if first and self.cut_first:
            return None
        entries = []
        for n, entry in enumerate(bundle["entry"]):
            kind = entry["resource"]["resourceType"]
            resource_id = task_id if kind == "Task" else f"{kind.lower()}-{task_id}-{n}"
            status = "200 OK" if matched else "201 Created"
            entries.append({"response": {"status": status, "location": f"{kind}/{resource_id}/_history/1"}})
        return {"resourceType": "Bundle", "type": "transaction-response", "entry": entries}

    def search_tasks(self, identifier: str) -> dict[str, Any]:
        case_id = identifier.rsplit("|", 1)[-1]
        with self.lock:
            task_id = self.tasks.get(case_id)
        found = [] if task_id is None else [self._task(case_id, task_id)]
        entries = [{"resource": task, "search": {"mode": "match"}} for task in found]
        return {"resourceType": "Bundle", "type": "searchset", "entry": entries}

    @staticmethod
    def _task(case_id: str, task_id: str) -> dict[str, Any]:
        return {
            "resourceType": "Task",
            "id": task_id,
            "meta": {"versionId": "1", "lastUpdated": "2026-12-04T10:00:00Z"},
            "identifier": [{"system": "urn:teleavis:case-id", "value": case_id}],
            "status": "requested",
            "intent": "order",
            "focus": {"reference": f"ServiceRequest/sr-{task_id}"},
        }


@contextmanager
def slow_platform(*, cut_first: bool = False) -> Iterator[tuple[SlowPlatform, str]]:
    platform = SlowPlatform(cut_first=cut_first)
    binaries = iter(range(1, 1000))

    class Handler(QuietHandler):
        def fhir(self, document: dict[str, Any], status: int = 200) -> None:
            self.answer(status, json.dumps(document).encode(), content_type="application/fhir+json; fhirVersion=4.0")

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path.endswith("/metadata"):
                self.fhir({"resourceType": "CapabilityStatement", "status": "active", "fhirVersion": "4.0.1"})
            elif url.path.endswith("/Task"):
                self.fhir(platform.search_tasks(parse_qs(url.query)["identifier"][0]))
            else:
                missing = {"severity": "error", "code": "not-found"}
                self.fhir({"resourceType": "OperationOutcome", "issue": [missing]}, 404)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlsplit(self.path).path
            if path.endswith("/Binary"):
                self.answer(201, headers={"Location": f"Binary/b{next(binaries)}/_history/1"})
            elif path.endswith("/Patient/_search"):
                self.fhir({"resourceType": "Bundle", "type": "searchset", "entry": []})
            else:
                reply = platform.transaction(json.loads(body))
                if reply is None:
                    self.close_connection = True  # cut: no answer at all
                    return
                with contextlib.suppress(OSError):  # the client gave up waiting: recorded all the same
                    self.fhir(reply)

    handler: type[BaseHTTPRequestHandler] = Handler
    with serving(handler, path="/fhir") as base_url:
        yield platform, base_url


def test_a_transaction_the_platform_is_still_recording_is_not_posted_again_as_a_second_case(store: Store) -> None:
    case_id = make_case(store)
    with (
        slow_platform() as (platform, base_url),
        PlatformClient(
            ClientConfig(base_url, 2.0, 0.5), StaticToken(None), policy=RetryPolicy(base_s=0.02, cap_s=0.2)
        ) as client,
    ):
        Engine(store, client, case_budget_s=10.0).run_once(poll=False)
        time.sleep(RECORDING_S)  # (whatever happened, the platform is done with it)
        assert platform.created == 1, "one case on the platform, not two"
        assert store.state(case_id) == CaseState.SENT
        assert store.platform_info(case_id)["task_id"] == "t1"
        assert platform.posts == 1


def test_a_transaction_cut_before_its_answer_is_looked_up_at_once(store: Store) -> None:
    """The wait is for a platform slow to answer, not for a cut (a link cut every few seconds, as through
    a satellite): a platform that had the whole request answers the lookup at once, and the case is sent
    in the same pass, once, not held for twice the read timeout (20 s here, past the pass's budget)."""
    case_id = make_case(store)
    with (
        slow_platform(cut_first=True) as (platform, base_url),
        PlatformClient(
            ClientConfig(base_url, 2.0, 10.0), StaticToken(None), policy=RetryPolicy(base_s=0.02, cap_s=0.2)
        ) as client,
    ):
        Engine(store, client, case_budget_s=5.0).run_once(poll=False)
        assert store.state(case_id) == CaseState.SENT
        assert (platform.created, platform.posts) == (1, 1)


@pytest.mark.parametrize("reduced_chosen", [False, True])
def test_a_transaction_posted_by_a_process_that_died_is_not_posted_again_while_it_may_be_recorded(
    store: Store, reduced_chosen: bool
) -> None:
    """Found in review: a sync killed while the platform was recording its case's transaction (the window
    closed by force, the computer's power cut) left the case claimed; the next process, started at once,
    looked it up at once, did not find it (still being recorded) and posted it again: a second case on a
    platform whose conditional creates run side by side. The claim holds the case as a timeout does:
    twice the read timeout, from when it was posted."""
    with slow_platform() as (platform, base_url):
        store.settings.set("platform.url", base_url)
        store.settings.set("platform.timeout_s", "1")  # the wait: 2 s, past the platform's 0.9 s
        case_id = make_case(store)
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        child = subprocess.Popen(
            [sys.executable, "-c", "from app.main import main; main(['sync', '--once'])"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=ROOT,
        )
        try:
            deadline = time.monotonic() + 60
            while platform.posts == 0 and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            assert platform.posts == 1, "the child posted its case's transaction"
        finally:
            child.kill()  # while the platform records it
            child.wait()
        if reduced_chosen:  # the nurse, on a slow link, as the window starts again: it waits all the same
            Outbox(store).set_reduced(case_id)
        with PlatformClient(
            ClientConfig(base_url, 2.0, 1.0), StaticToken(None), policy=RetryPolicy(base_s=0.02, cap_s=0.2)
        ) as client:
            engine = Engine(store, client, case_budget_s=10.0)
            engine.run_once(poll=False)  # at once: the platform is still recording it
            assert platform.posts == 1, "not posted again while it may be being recorded"
            time.sleep(2.2)
            engine.run_once(poll=False)
        assert (platform.created, platform.posts) == (1, 1), "one case on the platform, found by its identifier"
        assert store.state(case_id) == CaseState.SENT
        assert store.platform_info(case_id)["task_id"] == "t1"
