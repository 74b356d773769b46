"""A platform that breaks R4's all-or-nothing transaction: it keeps the case's Task, ServiceRequest and Patient,
refuses its photos (their entries 400 in a ``transaction-response`` answered 200). Held as refused here while its
Task existed there (its id not kept), the case was never followed: the expert's question about the missing photos,
or an answer, never seen unless the nurse sent it again. Its Task looked up by identifier before it is held as
refused, the case is followed as sent, the platform's words said on it, one Task and one ServiceRequest there."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from app.model import CaseState
from app.store import Store
from sync.mapping import CASE_SYSTEM
from sync.sandbox.server import SandboxServer
from tests.support.http import QuietHandler, serving
from tests.sync.sync_helpers import engine_on, make_case

WORDS = "Media.content : type de fichier refusé"


@contextmanager
def photos_refused(sandbox: str) -> Iterator[str]:
    """In front of the sandbox: each transaction goes on without its Media (nor the references to them), the
    rest kept; its answer says each Media refused (400) where it stood, as a server working entry by entry."""

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def _go(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            transaction = self.command == "POST" and self.path.rstrip("/") == "/fhir"
            sent: dict[str, Any] = json.loads(body) if transaction else {}
            media = [n for n, e in enumerate(sent.get("entry", [])) if e["resource"]["resourceType"] == "Media"]
            if transaction and media:
                gone = {sent["entry"][n]["fullUrl"] for n in media}
                kept = [e for n, e in enumerate(sent["entry"]) if n not in media]
                for entry in kept:
                    info = entry["resource"].get("supportingInfo")
                    if info is not None:
                        entry["resource"]["supportingInfo"] = [r for r in info if r.get("reference") not in gone]
                body = json.dumps({**sent, "entry": kept}).encode()
            got = requests.request(
                self.command, sandbox + self.path.removeprefix("/fhir"), data=body, headers=headers, timeout=10
            )
            content, kind = got.content, got.headers.get("Content-Type")
            if transaction and media and got.status_code == 200:
                answer = got.json()
                refused = {
                    "response": {
                        "status": "400 Bad Request",
                        "outcome": {
                            "resourceType": "OperationOutcome",
                            "issue": [{"severity": "error", "code": "invalid", "diagnostics": WORDS}],
                        },
                    }
                }
                for n in media:
                    answer["entry"].insert(n, refused)
                content = json.dumps(answer).encode()
            dropped = ("content-length", "content-type", "content-encoding", "transfer-encoding", "connection")
            kept_headers = {k: v for k, v in got.headers.items() if k.lower() not in dropped}
            self.answer(got.status_code, content, content_type=kind, headers=kept_headers)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _go

    with serving(Handler, path="/fhir") as base:
        yield base


def _on_platform(base: str, resource_type: str, case_id: str) -> list[str]:
    found = requests.get(
        f"{base}/{resource_type}", params={"identifier": f"{CASE_SYSTEM}|{case_id}"}, timeout=10
    ).json()
    return [e["resource"]["id"] for e in found.get("entry", [])]


def test_a_case_whose_task_was_kept_and_photos_refused_is_followed_and_its_question_seen(
    store: Store, tmp_path: Path
) -> None:
    with SandboxServer(
        tmp_path / "sandbox", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=1
    ) as sandbox:
        case_id = make_case(store, seed=0)
        with photos_refused(sandbox.base_url) as base, engine_on(store, base) as engine:
            engine.run_once(poll=False)
            [kept] = _on_platform(sandbox.base_url, "Task", case_id)  # (the platform kept it: the premise)
            assert store.state(case_id) == CaseState.SENT
            assert store.platform_info(case_id)["task_id"] == kept
            assert WORDS in str(store.platform_info(case_id)["last_error"])  # the refusal said on the case

            sandbox.expert.run_until_idle()  # the expert asks there (the photos, say)
            engine.run_once()
            assert store.state(case_id) == CaseState.ON_HOLD  # and the question is seen here
        assert _on_platform(sandbox.base_url, "Task", case_id) == [kept]
        assert len(_on_platform(sandbox.base_url, "ServiceRequest", case_id)) == 1
