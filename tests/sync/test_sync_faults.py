"""Exactly once under faults: a fault-injecting proxy between the client and the sandbox."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.model import CaseState
from app.store import Store
from sync.auth import StaticToken
from sync.client import ClientConfig, PlatformClient, RetryPolicy
from sync.engine import Engine
from sync.sandbox import SandboxServer
from tests.sync.faultproxy import FAULTS, FaultProxy
from tests.sync.sync_helpers import make_case


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=7) as server:
        yield server


def drain(engine: Engine, store: Store, deadline_s: float) -> None:
    """Run passes until no case waits any more (each postponed case comes back when due)."""
    end = time.monotonic() + deadline_s
    while engine.outbox.pending() and time.monotonic() < end:
        engine.run_once(poll=False)
        if engine.outbox.pending():
            time.sleep(0.2)


@pytest.mark.slow
def test_twenty_cases_arrive_exactly_once_with_30_percent_of_requests_faulted(
    store: Store, sandbox: SandboxServer
) -> None:
    cases = [make_case(store, ("dermatology", "ophthalmology", "wound-care")[n % 3], seed=n) for n in range(20)]
    with (
        FaultProxy(sandbox.base_url, fault_rate=0.30, seed=2026, stall_s=1.3) as proxy,
        PlatformClient(
            ClientConfig(proxy.base_url, 1.0, 1.0), StaticToken(None), policy=RetryPolicy(base_s=0.05, cap_s=0.5)
        ) as client,
    ):
        engine = Engine(store, client, case_budget_s=20.0)
        drain(engine, store, deadline_s=240.0)
        faults = proxy.stats.faults()
        total = len(proxy.stats.exchanges)
    print(f"\n{total} requests, faults injected: {faults}")
    assert set(faults) == set(FAULTS), "every kind of fault was exercised"
    assert sum(faults.values()) / total > 0.2
    for case_id in cases:
        case = store.get_case(case_id)
        assert case.state == CaseState.SENT, store.platform_info(case_id)["last_error"]
        assert sandbox.count("ServiceRequest", identifier=f"urn:teleavis:case-id|{case_id}") == 1
        assert sandbox.count("Task", identifier=f"urn:teleavis:case-id|{case_id}") == 1
        for image in case.images:
            assert sandbox.count("Media", identifier=f"urn:teleavis:image-id|{image.id}") == 1
            assert sandbox.binary_bytes(image.binary_id or "") == store.image_bytes(image)
    assert sandbox.count("ServiceRequest") == sandbox.count("Task") == 20
    assert store.list_cases(states=[CaseState.NEEDS_ATTENTION.value]) == []
    assert sandbox.count("Patient") == 1  # the same patient every time: conditional on the INS

    # Following goes through the same faults.
    sandbox.expert.run_until_idle()
    with (
        FaultProxy(sandbox.base_url, fault_rate=0.30, seed=7, stall_s=1.3) as proxy,
        PlatformClient(
            ClientConfig(proxy.base_url, 1.0, 1.0), StaticToken(None), policy=RetryPolicy(base_s=0.05, cap_s=0.5)
        ) as client,
    ):
        engine = Engine(store, client, case_budget_s=60.0)
        end = time.monotonic() + 120
        while time.monotonic() < end and any(store.state(c) != CaseState.ANSWERED for c in cases):
            engine.run_once()
    assert all(store.state(c) == CaseState.ANSWERED for c in cases)
    assert all(store.answer(c) and store.answer(c).pdf_blobs for c in cases)  # type: ignore[union-attr]
