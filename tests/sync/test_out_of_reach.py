"""The evening's bad connection: the platform out of reach (no connection can be made) while cases wait.
One case finds it so, after its own retries; the others of the pass are not each retried for their whole
budget (minutes each, the answers' poll waiting behind them), but wait as it does, and all leave once the
platform can be reached again."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from app import clock as app_clock
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.sandbox import SandboxServer
from tests.support.clock import Clock
from tests.support.scripted_platform import Reply, following, scripted_platform, send_to_sandbox
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
    # One case's retries (one budget), not four cases' and the poll's (five budgets, 10 s): the bound leaves
    # room for a loaded machine.
    assert took < 4 * budget, took
    assert summary.sent == [] and sorted(summary.waiting) == sorted(cases)
    for case_id in cases:
        assert store.state(case_id) == CaseState.QUEUED
        assert str(store.platform_info(case_id)["last_error"]).startswith("Plateforme injoignable (réseau)")
    # Their waits, at the tests' fast backoff; the case that met the fault a second behind the others (the
    # platform's faults rotate which case goes first: tests/sync/test_one_case_told_to_wait.py).
    deadline = time.monotonic() + 10
    while len(Outbox(store).due()) < len(cases) and time.monotonic() < deadline:
        time.sleep(0.1)
    with SandboxServer(tmp_path / "sandbox", run_expert=False) as sandbox, engine_on(store, sandbox.base_url) as engine:
        assert sorted(engine.run_once().sent) == sorted(cases)
        assert sandbox.count("Task") == 4
    assert Outbox(store).pending() == []


def test_a_platform_asking_to_wait_with_a_date_is_left_alone_until_then_by_every_case(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: answered 429 with ``Retry-After`` (here an HTTP date, two minutes ahead) on one case,
    the pass went on with the next case at once, and the next, each the platform had asked to wait. The
    contract asks the client to honour it: every case waits until then, saying so, and all leave after."""
    cases = [make_case(store, seed=n) for n in range(3)]
    later = format_datetime(app_clock.utc_now() + timedelta(seconds=120), usegmt=True)
    with SandboxServer(tmp_path / "sandbox", run_expert=False) as sandbox:
        sandbox.inject_fault(429, count=1, retry_after=later)
        with engine_on(store, sandbox.base_url) as engine:
            assert engine.run_once().sent == []
            assert sandbox.count("Task") == 0
            for case_id in cases:
                assert store.state(case_id) == CaseState.QUEUED
                assert str(store.platform_info(case_id)["last_error"]).startswith("La plateforme est occupée (429)")
            clock = Clock()
            for where in ("app.outbox.utc_now", "sync.engine.utc_now"):
                monkeypatch.setattr(where, clock)
            clock.advance(seconds=100)
            assert engine.run_once().sent == []  # not yet
            clock.advance(seconds=30)
            assert sorted(engine.run_once().sent) == sorted(cases)
        assert sandbox.count("Task") == 3


def test_a_poll_answered_429_with_retry_after_is_not_asked_again_before_it(store: Store, tmp_path: Path) -> None:
    """The contract: polling respects Retry-After. Found in review: the poll came back at its own interval
    (doubled), whatever the platform asked."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 1)
    later = format_datetime(app_clock.utc_now() + timedelta(seconds=120), usegmt=True)
    throttled: Reply = (429, {"Retry-After": later, "Content-Type": "application/fhir+json"}, b"{}")
    with scripted_platform() as platform:
        platform.hooks.append(lambda path, _query: throttled if path.endswith("/Task") else None)
        with following(store, platform) as engine:
            engine.poll_interval_s = 0.5
            engine.run_forever(threading.Event(), timeout=3.0)
    assert len([r for r in platform.requests if "/Task?" in r]) == 1, platform.requests
    assert store.state(cases[0][0]) == CaseState.SENT  # nothing lost: followed once the platform answers
