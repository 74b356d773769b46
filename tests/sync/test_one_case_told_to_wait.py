"""A platform that answers ONE case's transaction « busy, come back later » (503 or 429 with Retry-After) every
time, the other cases' at once (its validation of that case's content failing, say): the wait is honoured once
for every case, as a busy platform's must be, but never holds the other cases back for good. Found from
outside: that one case was tried first at every pass, and every other case waited behind it, never sent."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.model import CaseState
from app.store import Store
from sync.follow import queue_reply
from sync.sandbox import SandboxServer
from tests.sync.faultproxy import Exchange, FaultProxy
from tests.sync.sync_helpers import engine_on, make_case

_BUSY = b'{"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "transient"}]}'


@pytest.mark.parametrize("status", [503, 429])
def test_one_case_always_told_to_wait_never_holds_the_other_cases_back(
    status: int, store: Store, tmp_path: Path
) -> None:
    with SandboxServer(tmp_path / "p", answer_after_s=3600.0, run_expert=False, seed=1) as sandbox:
        odd, *others = [make_case(store, seed=n) for n in range(3)]  # (the odd one queued first)
        told: list[float] = []
        posted: list[tuple[float, bytes]] = []

        def before(exchange: Exchange) -> tuple[int, dict[str, str], bytes] | None:
            if exchange.method != "POST" or not exchange.path.rstrip("/").endswith("/fhir"):
                return None
            posted.append((time.monotonic(), exchange.body))
            if odd.encode() in exchange.body:
                told.append(time.monotonic())
                return status, {"Retry-After": "1", "Content-Type": "application/fhir+json"}, _BUSY
            return None

        with FaultProxy(sandbox.base_url, before=before) as proxy, engine_on(store, proxy.base_url) as engine:
            engine.run_once(poll=False)
            # The first time, the platform's wait is every case's: the others are not posted at once after it.
            assert [store.state(case_id) for case_id in others] == [CaseState.QUEUED] * 2
            end = time.monotonic() + 20
            while time.monotonic() < end and any(store.state(c) != CaseState.SENT for c in others):
                engine.run_once(poll=False)
                time.sleep(0.2)
        assert [store.state(case_id) for case_id in others] == [CaseState.SENT] * 2
        for case_id in [odd, *others]:
            count = sandbox.count("ServiceRequest", identifier=f"urn:teleavis:case-id|{case_id}")
            assert count == (0 if case_id == odd else 1), case_id
        # The platform's wait was never cut short: nothing posted within a second after it asked for one.
        for moment in told[:-1]:
            assert not [at for at, _body in posted if moment < at < moment + 0.95], (told, posted)
        # The odd case still waits, saying why in plain words.
        assert store.state(odd) == CaseState.QUEUED
        words = store.platform_info(odd).get("last_error") or ""
        assert f"occupée ({status})" in words and "nouvel essai automatique" in words, words


def test_one_case_always_told_to_wait_never_holds_the_answers_of_the_others_back(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "p", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        others = [make_case(store, seed=n) for n in range(2)]
        odd: list[str] = []

        def before(exchange: Exchange) -> tuple[int, dict[str, str], bytes] | None:
            if odd and exchange.method == "POST" and odd[0].encode() in exchange.body:
                return 503, {"Retry-After": "1", "Content-Type": "application/fhir+json"}, _BUSY
            return None

        with FaultProxy(sandbox.base_url, before=before) as proxy, engine_on(store, proxy.base_url) as engine:
            assert sorted(engine.run_once(poll=False).sent) == sorted(others)
            sandbox.expert.run_until_idle()  # the two answered on the platform
            odd.append(make_case(store, seed=7))
            for _ in range(3):  # passes further apart than the platform's wait, as the timer's are
                engine.run_once()
                time.sleep(1.2)
        assert [store.state(case_id) for case_id in others] == [CaseState.ANSWERED] * 2
        assert store.state(odd[0]) == CaseState.QUEUED


def test_one_reply_always_told_to_wait_never_holds_the_other_replies_back(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=5) as sandbox:
        cases = [make_case(store, seed=n) for n in range(3)]
        odd: list[str] = []

        def before(exchange: Exchange) -> tuple[int, dict[str, str], bytes] | None:
            if odd and exchange.method == "POST" and odd[0].encode() in exchange.body:
                return 503, {"Retry-After": "1", "Content-Type": "application/fhir+json"}, _BUSY
            return None

        with FaultProxy(sandbox.base_url, before=before) as proxy, engine_on(store, proxy.base_url) as engine:
            engine.run_once()
            sandbox.expert.run_until_idle()
            engine.run_once()
            assert [store.state(case_id) for case_id in cases] == [CaseState.ON_HOLD] * 3
            messages = [queue_reply(store, case_id, f"Précision {n}.", []) for n, case_id in enumerate(cases)]
            odd.append(messages[0])  # (the odd one written first)
            sent = engine.run_once().replies_sent
            assert sent == 0  # the platform's wait honoured for every reply, once
            end = time.monotonic() + 20
            while time.monotonic() < end and sent < 2:
                time.sleep(1.2)
                sent += engine.run_once().replies_sent
        assert sent == 2
        for message_id in messages:
            count = sandbox.count("Communication", identifier=f"urn:teleavis:message-id|{message_id}")
            assert count == (0 if message_id == odd[0] else 1), message_id
        words = store.platform_info(cases[0]).get("last_error") or ""
        assert "occupée (503)" in words, words
