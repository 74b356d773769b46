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
