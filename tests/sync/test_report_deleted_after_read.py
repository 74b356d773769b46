"""The expert's DiagnosticReport deleted on the platform after the answer was read (R4 ``DELETE``: read alone it
answers 404 or 410, and no search gives it any more). Found left alone last session: the answer kept showing here
as if it stood, nothing said. The expert or the platform withdrew it: the nurse is told once (the case unread
again, the news « withdrawn »), the answer kept with words saying it was withdrawn, never silently removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.answers import status_words
from app.model import AnswerNews, CaseState
from app.store import Store
from sync import follow
from sync.progress import RecordingListener
from tests.support.clock import Clock
from tests.support.scripted_platform import (
    Reply,
    answer_each,
    bundle,
    fhir,
    following,
    outcome,
    scripted_platform,
    send_to_sandbox,
    task,
)


@pytest.mark.parametrize("status", [404, 410])
@pytest.mark.parametrize("task_touched", [False, True], ids=["task-unchanged", "task-changed"])
def test_a_report_deleted_after_it_was_read_is_said_withdrawn_once(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: int, task_touched: bool
) -> None:
    clock = Clock()
    monkeypatch.setattr(follow, "utc_now", clock)
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    (odd, odd_task), (other, _) = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)
        with following(store, platform) as engine:
            engine.run_once()
            assert store.state(odd) == CaseState.ANSWERED
            store.mark_read(odd)
            store.mark_read(other)
            listener = RecordingListener()
            engine.listener = engine.follower.listener = listener

            del platform.reports["r0"]  # deleted: searches leave it out, a read answers 404 or 410
            platform.hooks.append(
                lambda path, _q: outcome(status, "supprimé") if path.endswith("/DiagnosticReport/r0") else None
            )
            if task_touched:
                platform.tasks[odd_task]["meta"] = {"versionId": "3", "lastUpdated": "2026-11-22T10:00:00Z"}
            for _ in range(3):
                clock.advance(hours=12)
                engine.run_once()
    answer = store.answer(odd)
    assert store.state(odd) == CaseState.ANSWERED and answer is not None
    assert answer.conclusion == "Réponse 0.", "never silently removed"
    words = status_words(answer, "fr", state=CaseState.ANSWERED.value)
    assert "retiré" in words, words
    assert store.platform_info(odd)["unread"] == 1
    assert [s for s in listener.states if s[0] == odd] == [(odd, CaseState.ANSWERED.value, AnswerNews.WITHDRAWN)]
    assert store.platform_info(other)["unread"] == 0  # the other answer stands, nothing said on it
    kept = store.answer(other)
    assert kept is not None and status_words(kept, "fr", state=CaseState.ANSWERED.value) == ""


def test_a_report_a_search_leaves_out_but_that_reads_is_not_said_withdrawn(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server leaving a report out of its searches (a filter of its own) while it reads well: nothing said."""
    clock = Clock()
    monkeypatch.setattr(follow, "utc_now", clock)
    cases = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def no_reports_in_searches(path: str, _q: dict[str, list[str]]) -> Reply | None:
            return fhir(bundle([])) if path.endswith("/DiagnosticReport") else None

        platform.hooks.append(no_reports_in_searches)
        with following(store, platform) as engine:
            engine.run_once()
            store.mark_read(cases[0][0])
            for _ in range(3):
                clock.advance(hours=12)
                engine.run_once()
    answer = store.answer(cases[0][0])
    assert answer is not None and store.platform_info(cases[0][0])["unread"] == 0
    assert status_words(answer, "fr", state=CaseState.ANSWERED.value) == ""


def test_a_task_pointing_to_a_new_report_not_there_yet_is_no_withdrawal(store: Store, tmp_path: Path) -> None:
    """The Task changed to name a new report the platform does not serve yet (404): the answer read stands."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        answer_each(platform, [(case_id, task_id)])
        with following(store, platform) as engine:
            engine.run_once()
            store.mark_read(case_id)
            platform.tasks[task_id] = task(case_id, task_id, "completed", version="3", report_ids=("r9",))
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == "Réponse 0." and not answer.platform_withdrawn
    assert status_words(answer, "fr", state=CaseState.ANSWERED.value) == ""


def test_the_reports_are_searched_whatever_their_date_once_a_day_not_at_each_poll(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every answered report comes down whole in that search: on links paid by the megabyte, once a day."""
    clock = Clock()
    monkeypatch.setattr(follow, "utc_now", clock)
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        answer_each(platform, cases)
        with following(store, platform) as engine:
            engine.run_once()
            engine.run_once()
            before = len(platform.requests)
            for _ in range(5):
                clock.advance(hours=4)
                engine.run_once()
            searches = [r for r in platform.requests[before:] if r.startswith("/fhir/DiagnosticReport?")]
            assert searches and all("_lastUpdated" in r for r in searches), searches
            clock.advance(hours=5)
            engine.run_once()
            last = [r for r in platform.requests if r.startswith("/fhir/DiagnosticReport?")][-1]
    assert "_lastUpdated" not in last, last


def test_reports_the_platform_no_longer_serves_at_all_are_not_each_said_withdrawn(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: the reports' address answering 404 whatever is asked (moved behind the platform's
    gateway, a FHIR proxy answering for it), its search refused so, each report read alone answered 404 too,
    and every answered case said at once « n'est plus sur la plateforme (retiré) : ne vous y fiez pas », all
    unread. A report is said deleted only when a search that read well left it out and, read alone, it is
    gone: as a deletion leaves it."""
    clock = Clock()
    monkeypatch.setattr(follow, "utc_now", clock)
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        answer_each(platform, cases)
        with following(store, platform) as engine:
            engine.run_once()
            for case_id, _ in cases:
                store.mark_read(case_id)
            platform.hooks.append(lambda path, _q: outcome(404, "introuvable") if "/DiagnosticReport" in path else None)
            for _ in range(2):
                clock.advance(hours=25)
                engine.run_once()
    for case_id, _ in cases:
        answer = store.answer(case_id)
        assert answer is not None and not answer.platform_withdrawn, case_id
        assert store.platform_info(case_id)["unread"] == 0
