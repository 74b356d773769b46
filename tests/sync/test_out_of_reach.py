"""The evening's bad connection: the platform out of reach (no connection can be made) while cases wait.
One case finds it so, after its own retries; the others of the pass are not each retried for their whole
budget (minutes each, the answers' poll waiting behind them), but wait as it does, and all leave once the
platform can be reached again."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import engine_on, make_case


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_cases_wait_together_while_the_platform_is_out_of_reach_then_all_leave(store: Store, tmp_path: Path) -> None:
    """Found in review: with the link down, each queued case was retried for its whole budget (two minutes
    each in the window, ten cases twenty minutes), then the poll for as long, and again at the next pass."""
    cases = [make_case(store, seed=n) for n in range(4)]
    budget = 2.0
    with engine_on(store, f"http://127.0.0.1:{_closed_port()}/fhir", case_budget_s=budget) as engine:
        started = time.monotonic()
        summary = engine.run_once()
        took = time.monotonic() - started
    assert took < 2 * budget, took  # one case's retries, not four cases' and the poll's
    assert summary.sent == [] and sorted(summary.waiting) == sorted(cases)
    for case_id in cases:
        assert store.state(case_id) == CaseState.QUEUED
        assert str(store.platform_info(case_id)["last_error"]).startswith("Plateforme injoignable (réseau)")
    time.sleep(0.5)  # (their wait, at the tests' fast backoff)
    with SandboxServer(tmp_path / "sandbox", run_expert=False) as sandbox, engine_on(store, sandbox.base_url) as engine:
        assert sorted(engine.run_once().sent) == sorted(cases)
        assert sandbox.count("Task") == 4
    assert Outbox(store).pending() == []
