"""Replies to the expert arrive exactly once whatever odd answer comes back in place of the platform's:
an HTML page, a 200 holding an OperationOutcome, an empty 200, an answer cut half-way, a reset after the
platform processed the request (a fault-injecting proxy between the client and the sandbox)."""

from __future__ import annotations

import time
from pathlib import Path

from app.model import CaseState
from app.store import NewImage, Store
from sync.auth import StaticToken
from sync.client import ClientConfig, PlatformClient
from sync.engine import Engine
from sync.follow import queue_reply
from sync.sandbox import SandboxServer
from tests.sync.faultproxy import ODD_SUCCESSES, FaultProxy
from tests.sync.sync_helpers import FAST, image_records, jpeg, make_case

ODD = (*ODD_SUCCESSES, "html", "truncate", "reset-after")


def test_replies_with_their_photos_arrive_exactly_once_through_odd_answers(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=5) as server:
        cases = [make_case(store, seed=n) for n in range(4)]
        with PlatformClient(ClientConfig(server.base_url, 2.0, 10.0), StaticToken(None), policy=FAST) as client:
            engine = Engine(store, client, case_budget_s=10.0)
            engine.run_once()
            server.expert.run_until_idle()
            engine.run_once()
        assert all(store.state(c) == CaseState.ON_HOLD for c in cases)
        messages = {}
        for n, case_id in enumerate(cases):
            [record] = image_records("dermatology", 1)
            messages[case_id] = queue_reply(
                store, case_id, f"Précision {n}.", [NewImage(record, jpeg(seed=40 + n), None)]
            )
        with (
            FaultProxy(server.base_url, fault_rate=0.4, seed=11, faults=ODD) as proxy,
            PlatformClient(ClientConfig(proxy.base_url, 1.0, 2.0), StaticToken(None), policy=FAST) as client,
        ):
            engine = Engine(store, client, case_budget_s=15.0)
            end = time.monotonic() + 120
            sent = 0
            while time.monotonic() < end and sent < len(cases):
                sent += engine.run_once().replies_sent
                time.sleep(0.1)
            faults = proxy.stats.faults()
        assert sent == len(cases), (sent, faults)
        assert set(faults) >= set(ODD_SUCCESSES), faults
        for case_id, message_id in messages.items():
            found = server.count("Communication", identifier=f"urn:teleavis:message-id|{message_id}")
            assert found == 1, (case_id, found)
            assert store.state(case_id) != CaseState.NEEDS_ATTENTION
        replies_media = [m for m in server.resources("Media") if m.get("identifier")]
        ids = [i["value"] for m in replies_media for i in m["identifier"] if i["system"] == "urn:teleavis:image-id"]
        assert len(ids) == len(set(ids))  # no image twice


def test_answers_are_read_whole_through_odd_answers_and_nothing_alarming_stays_said(
    store: Store, tmp_path: Path
) -> None:
    with SandboxServer(tmp_path / "p", answer_after_s=0.0, run_expert=False, seed=6) as server:
        cases = [make_case(store, seed=n) for n in range(5)]
        with PlatformClient(ClientConfig(server.base_url, 2.0, 10.0), StaticToken(None), policy=FAST) as client:
            assert sorted(Engine(store, client, case_budget_s=10.0).run_once(poll=False).sent) == sorted(cases)
        server.expert.run_until_idle()
        with (
            FaultProxy(server.base_url, fault_rate=0.4, seed=12, faults=ODD) as proxy,
            PlatformClient(ClientConfig(proxy.base_url, 1.0, 2.0), StaticToken(None), policy=FAST) as client,
        ):
            engine = Engine(store, client, case_budget_s=15.0)
            end = time.monotonic() + 120
            while time.monotonic() < end and any(store.state(c) != CaseState.ANSWERED for c in cases):
                engine.run_once()
            faults = proxy.stats.faults()
        assert set(faults) >= set(ODD_SUCCESSES), faults
        for case_id in cases:
            assert store.state(case_id) == CaseState.ANSWERED, store.platform_info(case_id)["last_error"]
            answer = store.answer(case_id)
            assert answer is not None and answer.pdf_blobs and not answer.missing, answer
        with PlatformClient(ClientConfig(server.base_url, 2.0, 10.0), StaticToken(None), policy=FAST) as client:
            Engine(store, client, case_budget_s=10.0).run_once()  # the link mended: every note said goes
        assert [store.platform_info(c)["last_error"] for c in cases] == [None] * len(cases)


def test_cases_with_their_photos_arrive_exactly_once_through_odd_answers(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "p", answer_after_s=0.0, run_expert=False, seed=8) as server:
        cases = [make_case(store, ("dermatology", "ophthalmology")[n % 2], seed=n) for n in range(6)]
        with (
            FaultProxy(server.base_url, fault_rate=0.4, seed=13, faults=ODD) as proxy,
            PlatformClient(ClientConfig(proxy.base_url, 1.0, 2.0), StaticToken(None), policy=FAST) as client,
        ):
            engine = Engine(store, client, case_budget_s=15.0)
            end = time.monotonic() + 120
            while time.monotonic() < end and engine.outbox.pending():
                engine.run_once(poll=False)
                time.sleep(0.1)
            faults = proxy.stats.faults()
        assert set(faults) >= set(ODD_SUCCESSES), faults
        for case_id in cases:
            case = store.get_case(case_id)
            assert case.state == CaseState.SENT, store.platform_info(case_id)["last_error"]
            assert server.count("Task", identifier=f"urn:teleavis:case-id|{case_id}") == 1
            for image in case.images:
                assert server.count("Media", identifier=f"urn:teleavis:image-id|{image.id}") == 1
                assert server.binary_bytes(image.binary_id or "") == store.image_bytes(image)
