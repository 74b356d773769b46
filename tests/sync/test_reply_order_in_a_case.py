"""A case's replies leave in the order the nurse wrote them. Found in review: the first reply of a case
stopped by a fault of its own (a 503 without Retry-After, tried again after a backoff), the next reply of the
same case was posted at once, and the expert read « voici la photo demandée » before the words it followed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from app.model import utc_now
from app.outbox import Outbox
from app.store import Store
from sync.follow import queue_reply
from tests.support.scripted_platform import Reply, communication, following, on_hold_with_a_question, task
from tests.sync.test_reply_backoff import THROTTLED, accepted, platform_with_posts

UNAVAILABLE: Reply = (
    503,
    {"Content-Type": "application/fhir+json"},
    json.dumps({"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "transient"}]}).encode(),
)


def said(body: bytes) -> list[str]:
    """The words of the Communications a transaction carries."""
    return [
        part.get("contentString", "")
        for entry in json.loads(body)["entry"]
        if entry["resource"]["resourceType"] == "Communication"
        for part in entry["resource"].get("payload", [])
    ]


def test_a_cases_later_reply_waits_while_its_earlier_one_waits(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first reply answered 503 (no Retry-After: its own backoff), the second of the same case waits behind
    it; at the next pass, both due, they go in the order written, each once. Another case's reply is not held."""
    case_id, other = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    queue_reply(store, case_id, "La lésion saigne depuis hier.", [])
    queue_reply(store, case_id, "Voici la précision demandée : 2 cm.", [])
    queue_reply(store, other, "Depuis 3 semaines.", [])
    failing = True
    received: list[str] = []

    def post(path: str, body: bytes) -> Reply:
        words = said(body)
        if failing and "La lésion saigne depuis hier." in words:
            return UNAVAILABLE
        received.extend(words)
        return accepted(path, body)

    with platform_with_posts(post) as (platform, _posts):
        for each in (case_id, other):
            task_id = str(store.platform_info(each)["task_id"])
            platform.tasks[task_id] = task(each, task_id, "on-hold")
            platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once(poll=False)
        assert received == ["Depuis 3 semaines."], "the later reply of the case waits behind the earlier one"
        with following(store, platform) as engine:  # the next pass, the first's backoff not over
            assert engine.run_once(poll=False).replies_sent == 0
        assert received == ["Depuis 3 semaines."], "the later reply does not go while the earlier one waits"
        failing = False
        later = utc_now() + timedelta(hours=1)  # every backoff passed: both due
        monkeypatch.setattr("sync.engine.utc_now", lambda: later)
        with following(store, platform) as engine:
            assert engine.run_once(poll=False).replies_sent == 2
    assert received == ["Depuis 3 semaines.", "La lésion saigne depuis hier.", "Voici la précision demandée : 2 cm."]
    assert not Outbox(store).queued_replies()


def test_a_cases_later_reply_waits_for_the_retry_after_its_earlier_one_was_told(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first reply answered 429 Retry-After: 600, the second of its case is not posted at the next pass either,
    its earlier one still waiting (the second had no wait of its own); once it is over, the case's replies go in
    the order written, each once."""
    case_id, other = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    queue_reply(store, case_id, "La lésion saigne depuis hier.", [])
    queue_reply(store, case_id, "Voici la précision demandée : 2 cm.", [])
    queue_reply(store, other, "Depuis 3 semaines.", [])
    throttled = True
    received: list[str] = []

    def post(path: str, body: bytes) -> Reply:
        if throttled:
            return THROTTLED
        received.extend(said(body))
        return accepted(path, body)

    with platform_with_posts(post) as (platform, posts):
        for each in (case_id, other):
            task_id = str(store.platform_info(each)["task_id"])
            platform.tasks[task_id] = task(each, task_id, "on-hold")
            platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once(poll=False)
        assert len(posts) == 1  # the first reply, told to wait; the others wait with it
        throttled = False
        start = utc_now()
        monkeypatch.setattr("sync.engine.utc_now", lambda: start + timedelta(seconds=300))
        with following(store, platform) as engine:
            engine.run_once(poll=False)
        assert received == [], "no reply of the case goes before the one told to wait"
        monkeypatch.setattr("sync.engine.utc_now", lambda: start + timedelta(seconds=700))
        with following(store, platform) as engine:
            assert engine.run_once(poll=False).replies_sent == 3
    ours = [words for words in received if words != "Depuis 3 semaines."]
    assert ours == ["La lésion saigne depuis hier.", "Voici la précision demandée : 2 cm."]
    assert sorted(received) == sorted([*ours, "Depuis 3 semaines."])
    assert not Outbox(store).queued_replies()
