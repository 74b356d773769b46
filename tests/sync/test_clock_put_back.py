"""The workstation's clock put back (a clock that ran ahead set right by the network, a flat CMOS battery)
while a case or a reply waits to be tried again: neither waits for the clock to catch up. The waits are
written in the store as moments of the wall clock (a restart, the next ``sync --once`` keep them), so a
moment further ahead than any wait the engine sets can only be a clock that went back."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from app.model import CaseState, utc_now
from app.outbox import Outbox
from app.store import Store
from sync.follow import queue_reply
from sync.sandbox import SandboxServer
from tests.support.clock import Clock
from tests.support.scripted_platform import communication, following, on_hold_with_a_question, task
from tests.sync.faultproxy import FaultProxy
from tests.sync.sync_helpers import engine_on, make_case
from tests.sync.test_reply_backoff import THROTTLED, platform_with_posts


def _clock_put_back(monkeypatch: pytest.MonkeyPatch, **delta: float) -> Clock:
    clock = Clock(utc_now() - timedelta(**delta))
    for where in ("app.outbox.utc_now", "sync.engine.utc_now"):
        monkeypatch.setattr(where, clock)
    return clock


def test_a_case_waiting_to_be_tried_again_goes_when_the_clock_was_put_back(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: a case postponed for a few seconds by a busy platform at 18:00 waited until 18:00
    came again, a day later, once the clock was put back a day."""
    case_id = make_case(store)
    with (
        SandboxServer(tmp_path / "sandbox", run_expert=False) as sandbox,
        FaultProxy(sandbox.base_url, fault_rate=1.0, faults=("503",)) as proxy,
        engine_on(store, proxy.base_url, case_budget_s=0.3) as engine,
    ):
        engine.run_once(poll=False)
        assert store.state(case_id) == CaseState.QUEUED
        proxy.fault_rate = 0.0  # the platform answers again
        _clock_put_back(monkeypatch, days=1)
        assert [row.case_id for row in Outbox(store).due()] == [case_id]
        assert engine.run_once(poll=False).sent == [case_id]
    assert store.state(case_id) == CaseState.SENT


def test_a_reply_waiting_to_be_tried_again_goes_when_the_clock_was_put_back(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    queue_reply(store, case_id, "Depuis 3 semaines.", [])
    with platform_with_posts(lambda _path, _body: THROTTLED) as (platform, posts):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()
            assert len(posts) == 1  # postponed for the 600 s asked
            engine.run_once()
            assert len(posts) == 1
            _clock_put_back(monkeypatch, days=1)
            engine.run_once()
            assert len(posts) == 2  # tried again once, not a day later
            engine.run_forever(threading.Event(), timeout=2.0)
    assert len(posts) == 2  # then waiting again for the 600 s asked, on the clock as it is now


def test_the_poll_comes_when_the_computer_wakes_from_sleep(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: the waits between passes ran on a clock that stops while the computer sleeps (Python's
    monotonic clock, and the wait of a threading event): a laptop closed at 18:00 and opened the next morning
    polled for the expert's answers only once the rest of its interval had passed awake, up to 40 minutes
    after a bad evening's backoff. Measured on the wall clock too, the night counts."""
    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    asleep = [0.0]
    monkeypatch.setattr("sync.engine.wall_clock", lambda: time.time() + asleep[0], raising=False)
    monkeypatch.setattr("sync.engine.AWAKE_SLICE_S", 0.1, raising=False)
    with platform_with_posts(lambda _path, _body: THROTTLED) as (platform, _posts):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        with following(store, platform) as engine:
            engine.poll_interval_s = 300.0

            def night() -> None:
                asleep[0] = 12 * 3600.0  # the wall clock went on, the monotonic one did not

            timer = threading.Timer(0.5, night)
            timer.start()
            try:
                engine.run_forever(threading.Event(), timeout=2.5)
            finally:
                timer.cancel()
    polls = [r for r in platform.requests if "/Task?" in r]
    assert len(polls) == 2, polls  # at the start, then at waking, not five minutes of awake time later
