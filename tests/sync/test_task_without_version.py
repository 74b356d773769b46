"""A Task the platform serves without ``meta.versionId`` (R4 makes ``meta`` optional; some servers leave it out
of their searches). Found left alone last session: an answered case's Task so served was taken as changed at every
poll, its report read again each time (one more request per answered case, every five minutes, on a link paid by
the megabyte). Its report unchanged, the answer is neither news again nor told again, and it is not read again."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import CaseState
from app.store import Store
from sync.progress import RecordingListener
from tests.support.scripted_platform import answer_each, following, scripted_platform, send_to_sandbox


@pytest.mark.parametrize("report_meta", [True, False], ids=["report-versioned", "report-without-meta"])
def test_an_answer_whose_task_has_no_version_is_not_read_nor_told_again(
    store: Store, tmp_path: Path, report_meta: bool
) -> None:
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    (odd, odd_task), (other, _) = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)
        del platform.tasks[odd_task]["meta"]
        if not report_meta:
            del platform.reports["r0"]["meta"]
        with following(store, platform) as engine:
            assert sorted(engine.run_once().answered) == sorted([odd, other])
            store.mark_read(odd)
            listener = RecordingListener()
            engine.listener = listener
            engine.follower.listener = listener
            before = len(platform.requests)
            for _ in range(3):
                assert engine.run_once().answered == []
            later = platform.requests[before:]
        answer = store.answer(odd)
    assert store.state(odd) == CaseState.ANSWERED and answer is not None and answer.conclusion == "Réponse 0."
    assert store.platform_info(odd)["unread"] == 0
    assert [s for s in listener.states if s[0] == odd] == []
    assert [r for r in later if r.startswith(("/fhir/DiagnosticReport/", "/fhir/Binary/"))] == [], later


def test_a_task_without_version_that_changes_is_still_followed(store: Store, tmp_path: Path) -> None:
    """Not read again while it stays the same, but read as soon as it says something else."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        answer_each(platform, [(case_id, task_id)])
        platform.tasks[task_id]["status"] = "in-progress"
        del platform.tasks[task_id]["meta"]
        with following(store, platform) as engine:
            engine.run_once()
            assert store.state(case_id) == CaseState.IN_PROGRESS
            engine.run_once()
            platform.tasks[task_id]["status"] = "completed"
            assert engine.run_once().answered == [case_id]
    answer = store.answer(case_id)
    assert store.state(case_id) == CaseState.ANSWERED and answer is not None and answer.conclusion == "Réponse 0."
