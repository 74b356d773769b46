"""A poll the platform fails (a 429 or a 503 without Retry-After, a gateway's error) waits for the poll's
interval, backing off, before the next one. Found from outside: the wait was counted from the last poll that
succeeded, never from the one that failed, so a window started while the platform answered so polled again at
once, pass after pass, every twentieth of a second, for as long as it lasted."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.store import Store
from tests.support.scripted_platform import Reply, answer_each, following, scripted_platform, send_to_sandbox


@pytest.mark.parametrize("status", [429, 503, 502])
def test_a_failed_poll_is_not_tried_again_at_once(store: Store, tmp_path: Path, status: int) -> None:
    cases = send_to_sandbox(store, tmp_path / "sandbox", 1)
    failing: Reply = (status, {"Content-Type": "application/fhir+json"}, b'{"resourceType": "OperationOutcome"}')
    with scripted_platform() as platform:
        answer_each(platform, cases)
        platform.hooks.append(lambda _path, _query: failing)  # everything: the platform down behind its gateway
        with following(store, platform) as engine:
            engine.poll_interval_s = 60.0
            engine.case_budget_s = 0.3  # (a poll's own retries: a moment)
            polls: list[int] = []
            poll = engine.follower.poll

            def counted(budget_s: float | None = None) -> list[str]:
                polls.append(1)
                return poll(budget_s)

            engine.follower.poll = counted  # type: ignore[method-assign]
            engine.run_forever(threading.Event(), timeout=3.0)
    assert len(polls) == 1, len(polls)


def test_a_case_sent_after_an_outage_ends_the_polls_backing_off(store: Store, tmp_path: Path) -> None:
    """Found in review: the polls backing off after failing (up to 8 intervals, 40 minutes at the default)
    went on once the platform took a case again, so the expert's answer to the cases already sent was read
    up to 40 minutes late. A case (or a reply) the platform takes ends the backing off."""
    from sync.sandbox import SandboxServer
    from tests.sync.sync_helpers import engine_on, make_case

    with SandboxServer(tmp_path / "sandbox", answer_after_s=3600.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, "dermatology", seed=0)
        with engine_on(store, sandbox.base_url) as engine:
            engine._poll_failures = 3  # the platform down for a while: the polls every 8 intervals
            assert engine._poll_interval() == 8 * engine.poll_interval_s
            assert engine.run_once(poll=False).sent == [case_id]
            assert engine._poll_interval() == engine.poll_interval_s
