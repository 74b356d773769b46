"""A Task read at an older version than the case holds (a replica lagging, or a platform numbering its versions
from 0 after the 1 the transaction gave) is left for later polls (``VERSION_BACK_TRIES``). Found by the one odd
case property (tests/sync/test_one_odd_case.py, a Task at version 0 « completed »): the case stayed « sent » for
those polls without a word. It says why now, and the words go once the Task reads right."""

from __future__ import annotations

import copy
from pathlib import Path

from app import messages as M
from app.model import CaseState
from app.store import Store
from tests.support.scripted_platform import answer_each, following, scripted_platform, send_to_sandbox


def test_a_task_read_behind_says_so_until_it_reads_right(store: Store, tmp_path: Path) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        answer_each(platform, [(case_id, task_id)])
        platform.tasks[task_id]["status"] = "in-progress"
        platform.tasks[task_id]["meta"] = {"versionId": "5", "lastUpdated": "2026-11-22T10:00:00Z"}
        current = copy.deepcopy(platform.tasks[task_id])
        with following(store, platform) as engine:
            engine.run_once()
            assert store.state(case_id) == CaseState.IN_PROGRESS
            stale = {**copy.deepcopy(current), "status": "completed"}
            stale["meta"] = {"versionId": "3", "lastUpdated": "2026-11-21T10:00:00Z"}
            platform.tasks[task_id] = stale
            engine.run_once()
            assert store.state(case_id) == CaseState.IN_PROGRESS
            said = store.platform_info(case_id)["last_error"]
            assert said in M.CATALOGUE["follow.task_behind"].values(), said
            assert store.platform_info(case_id)["unread"] == 0  # said, not news
            platform.tasks[task_id] = current  # the replica caught up: the same version as held
            engine.run_once()
    assert store.state(case_id) == CaseState.IN_PROGRESS
    assert store.platform_info(case_id)["last_error"] is None
