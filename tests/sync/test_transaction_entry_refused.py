"""A transaction answered 200 whose ``transaction-response`` says one entry failed (its ``response.status`` a
4xx with its OperationOutcome), as a server treating the Bundle entry by entry answers. R4 makes a transaction
all or nothing, but found in review: the case was marked « sent » on the Task and the ServiceRequest alone,
its refused photo never on the platform, and the expert never saw it, nothing said. The platform's words are
said on such a case now; its Task being there, it is followed (its expert's answer or question seen here:
tests/sync/test_refused_yet_kept.py), the other cases sent as ever; an entry failing for a moment (5xx) is
sent again."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.sandbox.server import SandboxServer
from tests.support.http import QuietHandler, serving
from tests.sync.sync_helpers import engine_on, make_case

Rewrite = Callable[[dict[str, Any], dict[str, Any]], None]


@contextmanager
def before(sandbox: str, rewrite: Rewrite) -> Iterator[str]:
    """A platform in front of the sandbox answering as it does, each transaction-response given to ``rewrite``
    (with the Bundle sent) before it goes back."""

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def _go(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            got = requests.request(
                self.command, sandbox + self.path.removeprefix("/fhir"), data=body, headers=headers, timeout=10
            )
            content, kind = got.content, got.headers.get("Content-Type")
            if self.command == "POST" and self.path.rstrip("/") == "/fhir" and got.status_code == 200:
                answer = got.json()
                rewrite(json.loads(body), answer)
                content = json.dumps(answer).encode()
            dropped = ("content-length", "content-type", "content-encoding", "transfer-encoding", "connection")
            kept = {k: v for k, v in got.headers.items() if k.lower() not in dropped}
            self.answer(got.status_code, content, content_type=kind, headers=kept)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _go

    with serving(Handler, path="/fhir") as base:
        yield base


def _fail_media_of(case_id: str, status: str, words: str) -> Rewrite:
    def rewrite(sent: dict[str, Any], answer: dict[str, Any]) -> None:
        ours = any(
            e["resource"]["resourceType"] == "Task" and e["resource"]["identifier"][0]["value"] == case_id
            for e in sent["entry"]
        )
        if not ours:
            return
        for entry, got in zip(sent["entry"], answer["entry"], strict=True):
            if entry["resource"]["resourceType"] == "Media":
                outcome = {
                    "resourceType": "OperationOutcome",
                    "issue": [{"severity": "error", "code": "invalid", "diagnostics": words}],
                }
                got.clear()
                got["response"] = {"status": status, "outcome": outcome}
                return

    return rewrite


def test_a_transaction_entry_refused_is_said_on_its_case_and_the_others_are_sent(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "sandbox", answer_after_s=3600.0, run_expert=False, seed=1) as sandbox:
        odd, other = make_case(store, seed=0), make_case(store, seed=1)
        words = "Media.content.hash : empreinte invalide"
        with (
            before(sandbox.base_url, _fail_media_of(odd, "400 Bad Request", words)) as base,
            engine_on(store, base) as engine,
        ):
            engine.run_once(poll=False)
    assert store.state(other) == CaseState.SENT, (store.platform_info(other), Outbox(store).row(other))
    assert store.state(odd) == CaseState.SENT, store.state(odd)  # (its Task is there: followed)
    said = str(store.platform_info(odd)["last_error"])
    assert "refuse" in said and words in said, said


def test_a_transaction_entry_failing_for_a_moment_is_sent_again(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "sandbox", answer_after_s=3600.0, run_expert=False, seed=1) as sandbox:
        odd, other = make_case(store, seed=0), make_case(store, seed=1)
        with (
            before(sandbox.base_url, _fail_media_of(odd, "500 Internal Server Error", "busy")) as base,
            engine_on(store, base) as engine,
        ):
            engine.run_once(poll=False)
        assert store.state(other) == CaseState.SENT
        assert store.state(odd) == CaseState.QUEUED, store.state(odd)
        with engine_on(store, sandbox.base_url) as engine:
            store.conn.execute("UPDATE outbox SET next_attempt_at='2000-01-01T00:00:00+00:00'")
            engine.run_once(poll=False)
    assert store.state(odd) == CaseState.SENT
