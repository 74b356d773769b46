"""A platform asking to slow down (429, with or without ``Retry-After``) while one Task is read alone during
the poll (its search failed). Found in review: the case was said « cannot be read now », as if the platform
could not give its Task, and the other Tasks were read one by one at once, each the platform had asked to wait."""

from __future__ import annotations

import threading
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from app import clock
from app.model import CaseState
from app.store import Store
from tests.support.scripted_platform import Reply, answer_each, following, scripted_platform, send_to_sandbox
from tests.sync.test_poll_faults import html


@pytest.mark.parametrize("retry_after", [True, False], ids=["retry-after", "bare"])
def test_a_task_read_alone_answered_429_holds_the_poll_and_says_nothing_on_the_case(
    store: Store, tmp_path: Path, retry_after: bool
) -> None:
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    bad_case, bad_task = min(cases, key=lambda c: c[1])
    headers = {"Content-Type": "application/fhir+json"}
    if retry_after:
        headers["Retry-After"] = format_datetime(clock.utc_now() + timedelta(seconds=120), usegmt=True)
    throttled: Reply = (429, headers, b"{}")
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def slow_down(path: str, query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/Task") and bad_task in ",".join(query.get("_id", [])):
                return html(500)  # its search fails: its Tasks are read one by one, this one first
            return throttled if path.endswith(f"/Task/{bad_task}") else None

        platform.hooks.append(slow_down)
        with following(store, platform) as engine:
            engine.run_once()
            assert store.platform_info(bad_case)["last_error"] is None  # nothing alarming said
            assert store.state(bad_case) == CaseState.SENT
            read_alone = {r for r in platform.requests if "/Task/" in r}
            assert read_alone == {f"/fhir/Task/{bad_task}"}  # the others not read one by one at once
            if retry_after:  # nothing asked again before its Retry-After
                asked = len(platform.requests)
                engine.poll_interval_s = 0.5
                engine.run_forever(threading.Event(), timeout=2.0)
                assert len(platform.requests) == asked, platform.requests[asked:]
            platform.hooks.remove(slow_down)
        with following(store, platform) as engine:  # a later run, once the platform answers again
            engine.run_once()
    print(platform.requests, [(store.state(c), store.platform_info(c)["last_error"]) for c, _ in cases])
    assert all(store.state(c) == CaseState.ANSWERED for c, _ in cases)


def test_a_report_read_answered_429_holds_the_poll_and_counts_no_failed_read(store: Store, tmp_path: Path) -> None:
    """The same for the expert's report read after its Task: the platform asking to slow down is no failed
    read of that report (three of which keep the answer without it)."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    later = format_datetime(clock.utc_now() + timedelta(seconds=120), usegmt=True)
    throttled: Reply = (429, {"Content-Type": "application/fhir+json", "Retry-After": later}, b"{}")
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def slow_down(path: str, _query: dict[str, list[str]]) -> Reply | None:
            return throttled if "/DiagnosticReport" in path else None

        platform.hooks.append(slow_down)
        with following(store, platform) as engine:
            engine.run_once()
            asked = len(platform.requests)
            engine.poll_interval_s = 0.5
            engine.run_forever(threading.Event(), timeout=2.0)
            assert len(platform.requests) == asked, platform.requests[asked:]
        for _ in range(3):  # later runs, the platform still asking to wait: no failed read counted
            with following(store, platform) as engine:
                engine.run_once()
        assert all(store.state(c) == CaseState.SENT for c, _ in cases)
        assert all(store.platform_info(c)["last_error"] is None for c, _ in cases)
        platform.hooks.remove(slow_down)
        with following(store, platform) as engine:
            engine.run_once()
    for case_id, _ in cases:
        answer = store.answer(case_id)
        assert store.state(case_id) == CaseState.ANSWERED and answer is not None and not answer.missing, answer
