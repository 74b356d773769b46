"""The platform asking to wait (429, 503) on ONE case's resource, poll after poll.

Found in review: a 429 without Retry-After on one case's report stopped the whole poll, each time; a
platform answering so on that one report kept every case followed after it unread, for good. And a 503
on one Task read alone was said on its case at once, « un défaut … sur cette demande seule », as if the
case were at fault, where the platform was only unavailable for a moment."""

from __future__ import annotations

from pathlib import Path

from app.model import CaseState
from app.store import Store
from sync.follow import THROTTLED_TRIES
from tests.support.scripted_platform import (
    Reply,
    answer_each,
    bundle,
    fhir,
    following,
    scripted_platform,
    send_to_sandbox,
)

BUSY: Reply = (429, {"Content-Type": "application/fhir+json"}, b'{"resourceType": "OperationOutcome"}')
DOWN: Reply = (503, {"Content-Type": "application/fhir+json"}, b'{"resourceType": "OperationOutcome"}')


def test_a_report_always_answered_429_no_longer_keeps_the_cases_after_it_unread(store: Store, tmp_path: Path) -> None:
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    (odd_case, odd_task), *others = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/Task") and "_id" in query:  # the odd case's Task listed first, always
                asked = ",".join(query["_id"]).split(",")
                listed = [odd_task, *(t for _, t in others)]
                return fhir(bundle([platform.tasks[t] for t in listed if t in asked]))
            return BUSY if path.endswith("/DiagnosticReport/r0") else None

        platform.hooks.append(hook)
        for run in range(THROTTLED_TRIES + 1):
            with following(store, platform) as engine:
                before = len(platform.requests)
                engine.run_once()
            if run < THROTTLED_TRIES:  # the platform asked to wait: honoured, nothing said yet
                assert store.platform_info(odd_case)["last_error"] is None
        # Once set aside, the odd case is followed last in its poll: nothing asked after the 429s.
        asked = platform.requests[before:]
        refused = [n for n, r in enumerate(asked) if r.endswith("/DiagnosticReport/r0")]
        assert refused and refused[-1] == len(asked) - 1 and refused == list(range(refused[0], len(asked))), asked
        for case_id, _ in others:
            assert store.state(case_id) == CaseState.ANSWERED, store.platform_info(case_id)
        assert store.state(odd_case) == CaseState.SENT and store.answer(odd_case) is None
        said = str(store.platform_info(odd_case)["last_error"])
        assert said.startswith("La plateforme demande d'attendre"), said
        platform.hooks.remove(hook)
        with following(store, platform) as engine:
            engine.run_once()
    assert store.state(odd_case) == CaseState.ANSWERED
    assert store.platform_info(odd_case)["last_error"] is None


def test_a_task_answered_503_is_not_said_on_its_case_until_it_lasts(store: Store, tmp_path: Path) -> None:
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    (odd_case, odd_task), *others = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/Task") and "_id" in query:  # not in the search: read alone
                asked = ",".join(query["_id"]).split(",")
                return fhir(bundle([platform.tasks[t] for t in asked if t in platform.tasks and t != odd_task]))
            return DOWN if path.endswith(f"/Task/{odd_task}") else None

        platform.hooks.append(hook)
        with following(store, platform) as engine:
            engine.run_once()
        info = store.platform_info(odd_case)
        assert info["last_error"] is None and not info["unread"], info
        for case_id, _ in others:
            assert store.state(case_id) == CaseState.ANSWERED
        for _ in range(THROTTLED_TRIES):
            with following(store, platform) as engine:
                engine.run_once()
        # It lasts: now said, on the platform's side.
        assert str(store.platform_info(odd_case)["last_error"]).startswith("La plateforme n'a pas pu donner")
        platform.hooks.remove(hook)
        with following(store, platform) as engine:
            engine.run_once()
    assert store.state(odd_case) == CaseState.ANSWERED
    assert store.platform_info(odd_case)["last_error"] is None


def test_a_platform_down_answering_503_to_everything_is_not_asked_each_task_alone(store: Store, tmp_path: Path) -> None:
    """Its search failing too, the first Task read alone failing and its metadata: the poll stops there, as
    for any platform not there (each Task read alone, its retries each, would be minutes for nothing)."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    with scripted_platform() as platform:
        answer_each(platform, cases)
        platform.hooks.append(lambda _path, _query: DOWN)
        with following(store, platform) as engine:
            engine.run_once()
        alone = {r.split("?")[0] for r in platform.requests if "/Task/" in r}
        assert len(alone) == 1, platform.requests
    assert all(store.platform_info(c)["last_error"] is None for c, _ in cases)


def test_a_report_answered_503_is_not_said_on_its_case_until_it_lasts(store: Store, tmp_path: Path) -> None:
    """As for one Task read: a 503 (no Retry-After) on the expert's report read is the platform unavailable for a
    moment, not the case at fault. Said once it lasts (not hidden: the answer is then kept without it, said)."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    (odd_case, _odd_task), *others = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def hook(path: str, _query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/DiagnosticReport"):  # searched: r0 not given, read alone
                return fhir(bundle([r for i, r in platform.reports.items() if i != "r0"]))
            return DOWN if path.endswith("/DiagnosticReport/r0") else None

        platform.hooks.append(hook)
        with following(store, platform) as engine:
            engine.run_once()
        info = store.platform_info(odd_case)
        assert info["last_error"] is None and not info["unread"], info
        assert store.state(odd_case) == CaseState.SENT
        for case_id, _ in others:
            assert store.state(case_id) == CaseState.ANSWERED
        for _ in range(THROTTLED_TRIES):
            with following(store, platform) as engine:
                engine.run_once()
        # It lasts: now said (the answer kept without its report, or the platform unavailable on it).
        assert store.platform_info(odd_case)["last_error"] is not None
        platform.hooks.remove(hook)
        for _ in range(2):
            with following(store, platform) as engine:
                engine.run_once()
    answer = store.answer(odd_case)
    assert store.state(odd_case) == CaseState.ANSWERED and answer is not None and not answer.missing, answer
    assert store.platform_info(odd_case)["last_error"] is None
