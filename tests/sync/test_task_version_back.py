"""A Task read at an older version than the one already followed: a platform behind a load balancer answering
from a replica that lags (its ``meta.versionId`` and ``lastUpdated`` behind what the case holds). Found in
review: taken as news, an answered case went back « in progress » (the expert said to have taken it up again)
and came back answered at the next poll. Such a read is left for a later poll now; one that lasts (the
platform restored from a backup) is taken all the same, the case never left unfollowed."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from app.errors import TeleavisError
from app.model import CaseState
from app.store import Store
from sync.follow import THROTTLED_TRIES, cancel
from tests.support.scripted_platform import (
    Reply,
    answer_each,
    following,
    scripted_platform,
    send_to_sandbox,
    task,
)

BUSY: Reply = (429, {"Content-Type": "application/fhir+json"}, b'{"resourceType": "OperationOutcome"}')


def test_a_task_read_at_an_older_version_does_not_take_an_answer_back(store: Store, tmp_path: Path) -> None:
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    (case_id, task_id), (other, other_task) = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)
        platform.tasks[task_id]["meta"] = {"versionId": "5", "lastUpdated": "2026-11-22T10:00:00Z"}
        with following(store, platform) as engine:
            engine.run_once()
            assert store.state(case_id) == CaseState.ANSWERED
            current = copy.deepcopy(platform.tasks[task_id])
            stale = {**copy.deepcopy(current), "status": "in-progress"}
            stale.pop("output")
            stale["meta"] = {"versionId": "3", "lastUpdated": "2026-11-21T10:00:00Z"}
            platform.tasks[task_id] = stale
            platform.tasks[other_task]["status"] = "in-progress"  # the other case taken back, truly
            platform.tasks[other_task]["meta"] = {"versionId": "9", "lastUpdated": "2026-11-23T10:00:00Z"}
            engine.run_once()
            assert store.state(case_id) == CaseState.ANSWERED, store.platform_info(case_id)
            assert store.platform_info(case_id)["task_version"] == "5"
            assert store.state(other) == CaseState.IN_PROGRESS  # the others followed as ever
            platform.tasks[task_id] = current
            engine.run_once()
    assert store.state(case_id) == CaseState.ANSWERED


def test_a_task_that_stays_at_an_older_version_is_followed_in_the_end(store: Store, tmp_path: Path) -> None:
    """The platform restored from a backup: its versions went back for good. After a few polls, the Task is
    taken as it is, and followed from there."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        answer_each(platform, [(case_id, task_id)])
        platform.tasks[task_id]["meta"] = {"versionId": "5", "lastUpdated": "2026-11-22T10:00:00Z"}
        with following(store, platform) as engine:
            engine.run_once()
        restored = {**copy.deepcopy(platform.tasks[task_id]), "status": "in-progress"}
        restored.pop("output")
        restored["meta"] = {"versionId": "3", "lastUpdated": "2026-11-21T10:00:00Z"}
        platform.tasks[task_id] = restored
        for _ in range(4):
            with following(store, platform) as engine:  # a new process each time: counted in the store
                engine.run_once()
    assert store.state(case_id) == CaseState.IN_PROGRESS
    assert store.platform_info(case_id)["task_version"] == "3"


def test_a_case_set_aside_is_not_taken_back_by_a_task_at_an_older_version(store: Store, tmp_path: Path) -> None:
    """A case the platform kept asking to wait on is followed last (set aside): found in review, that path took
    a Task read at an older version (a replica lagging) as news, and the case went back a step."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "in-progress", version="4")
        with following(store, platform) as engine:
            engine.run_once()
        assert store.state(case_id) == CaseState.IN_PROGRESS
        answer_each(platform, [(case_id, task_id)])  # completed, its report r0 answered 429 below
        platform.tasks[task_id]["meta"] = {"versionId": "6", "lastUpdated": "2026-11-22T10:00:00Z"}

        def busy(path: str, _query: dict[str, list[str]]) -> Reply | None:
            return BUSY if path.endswith("/DiagnosticReport/r0") else None

        platform.hooks.append(busy)
        for _ in range(THROTTLED_TRIES):
            with following(store, platform) as engine:
                engine.run_once()
        assert store.state(case_id) == CaseState.IN_PROGRESS
        platform.hooks.remove(busy)
        stale = task(case_id, task_id, "accepted", version="3")  # the replica, two versions behind
        platform.tasks[task_id] = stale
        with following(store, platform) as engine:
            engine.run_once()
        assert store.state(case_id) == CaseState.IN_PROGRESS, store.platform_info(case_id)
        assert store.platform_info(case_id)["task_version"] == "4"


def test_a_cancel_too_late_does_not_take_the_case_back_to_an_older_version(store: Store, tmp_path: Path) -> None:
    """Cancelling reads the Task, and one already taken by the expert is mirrored as it is read: found in
    review, read from a lagging replica, it took the case back a step."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "in-progress", version="5")
        with following(store, platform) as engine:
            engine.run_once()
            assert store.state(case_id) == CaseState.IN_PROGRESS
            platform.tasks[task_id] = task(case_id, task_id, "accepted", version="4")  # the replica, behind
            with pytest.raises(TeleavisError, match="Trop tard pour annuler"):
                cancel(store, engine.client, case_id, budget_s=3.0)
    assert store.state(case_id) == CaseState.IN_PROGRESS
    assert store.platform_info(case_id)["task_version"] == "5"


def test_a_task_whose_versions_are_not_numbers_is_not_taken_back_by_a_lagging_read(
    store: Store, tmp_path: Path
) -> None:
    """FHIR R4 says only that ``meta.versionId`` is an id: a platform may name its versions « a1b2 », an ETag's
    hash. Found in review: such versions skipped the version-back rule, and a replica lagging behind took an
    answered case back « in progress ». Its ``lastUpdated`` tells the older read now; the same newer read
    under a new name is taken."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    (case_id, task_id), (other, other_task) = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)
        platform.tasks[task_id]["meta"] = {"versionId": "f3e9", "lastUpdated": "2026-11-22T11:00:00+01:00"}
        with following(store, platform) as engine:
            engine.run_once()
            assert store.state(case_id) == CaseState.ANSWERED
            current = copy.deepcopy(platform.tasks[task_id])
            stale = {**copy.deepcopy(current), "status": "in-progress"}
            stale.pop("output")
            stale["meta"] = {"versionId": "a1b2", "lastUpdated": "2026-11-21T10:00:00Z"}
            platform.tasks[task_id] = stale
            platform.tasks[other_task]["status"] = "in-progress"  # the other case taken back, truly
            platform.tasks[other_task]["meta"] = {"versionId": "zz9", "lastUpdated": "2026-11-23T10:00:00Z"}
            engine.run_once()
            assert store.state(case_id) == CaseState.ANSWERED, store.platform_info(case_id)
            assert store.platform_info(case_id)["task_version"] == "f3e9"
            assert store.state(other) == CaseState.IN_PROGRESS  # the others followed as ever
            platform.tasks[task_id] = current
            engine.run_once()
            assert store.state(case_id) == CaseState.ANSWERED
            taken_back = {**copy.deepcopy(stale), "meta": {"versionId": "b7", "lastUpdated": "2026-11-24T10:00:00Z"}}
            platform.tasks[task_id] = taken_back  # truly taken back later: followed at once
            engine.run_once()
    assert store.state(case_id) == CaseState.IN_PROGRESS


def test_a_version_of_digits_no_number_reads_never_stops_the_poll(store: Store, tmp_path: Path) -> None:
    """« ² » is a digit to Python's ``isdigit`` and no number to ``int``: a Task read at such a version (not an
    id R4 allows, as a proxy's mangling gives) must not stop the poll, nor the other case's answer."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    (case_id, task_id), (other, other_task) = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)
        platform.tasks[task_id]["meta"] = {"versionId": "5", "lastUpdated": "2026-11-22T10:00:00Z"}
        platform.tasks[other_task]["status"] = "in-progress"
        platform.tasks[other_task].pop("output")
        with following(store, platform) as engine:
            engine.run_once()
            platform.tasks[task_id]["meta"] = {"versionId": "²", "lastUpdated": "2026-11-23T10:00:00Z"}
            platform.tasks[other_task] = task(other, other_task, "completed", version="3", report_ids=("r1",))
            engine.run_once()
    assert store.state(case_id) == CaseState.ANSWERED
    assert store.state(other) == CaseState.ANSWERED
