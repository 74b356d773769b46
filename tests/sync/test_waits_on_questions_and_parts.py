"""The platform asking to wait (429, or 503 with Retry-After) while the expert's questions are searched, or
while an answer's missing part is asked for again. Found in review: the follower logged it and went on at once
to the next case, asking the platform that had just said to wait (its Retry-After not honoured), where the
Task and report reads already hold the poll, and set the case aside once it lasts."""

from __future__ import annotations

import threading
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from app import clock
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.follow import THROTTLED_TRIES
from tests.support.scripted_platform import (
    Reply,
    answer_each,
    bundle,
    communication,
    fhir,
    following,
    on_hold_with_a_question,
    report,
    scripted_platform,
    task,
)


def _wait_reply(status: int = 429) -> Reply:
    later = format_datetime(clock.utc_now() + timedelta(seconds=120), usegmt=True)
    return (
        status,
        {"Content-Type": "application/fhir+json", "Retry-After": later},
        b'{"resourceType": "OperationOutcome"}',
    )


def _questions(store: Store, case_id: str) -> list[str]:
    return [m.text for m in Outbox(store).messages(case_id) if m.direction == "from-expert"]


def test_a_search_of_questions_answered_429_holds_the_poll_then_its_case_waits_and_others_go_on(
    store: Store, tmp_path: Path
) -> None:
    case_ids = on_hold_with_a_question(store, tmp_path / "sandbox", 3)
    tasks = {c: str(store.platform_info(c)["task_id"]) for c in case_ids}
    throttled: dict[str, str] = {}  # the request whose questions the platform always asks to wait on
    with scripted_platform() as platform:
        for case_id, task_id in tasks.items():
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
            platform.communications[task_id] = [
                communication(f"q-{task_id}", task_id, "Depuis quand ?"),
                {**communication(f"q2-{task_id}", task_id, "Et la taille ?"), "sent": "2026-11-21T11:00:00+01:00"},
            ]

        def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/Communication"):
                request = query.get("based-on", [""])[0]
                throttled.setdefault("request", request)  # the first asked: always asked to wait
                if request == throttled["request"]:
                    return _wait_reply()
            return None

        platform.hooks.append(hook)
        with following(store, platform) as engine:
            engine.run_once()
            asked = platform.requests
            refused = [n for n, r in enumerate(asked) if "/Communication" in r]
            # Nothing asked of the platform after it said to wait, in this poll...
            assert refused and refused[0] == len(asked) - 1, asked
            before = len(platform.requests)
            engine.poll_interval_s = 0.5
            engine.run_forever(threading.Event(), timeout=2.0)
            # ... nor before its Retry-After.
            assert len(platform.requests) == before, platform.requests[before:]
        odd = next(c for c in case_ids if throttled["request"].endswith(str(store.platform_info(c)["request_id"])))
        assert store.platform_info(odd)["last_error"] is None  # the platform is busy, not the case at fault
        for _ in range(THROTTLED_TRIES):
            with following(store, platform) as engine:
                engine.run_once()
        for case_id in case_ids:
            if case_id != odd:  # the others go on
                assert _questions(store, case_id) == ["Depuis quand ?", "Et la taille ?"], case_id
        assert _questions(store, odd) == ["Depuis quand ?"]
        assert str(store.platform_info(odd)["last_error"]).startswith("La plateforme demande d'attendre")
        platform.hooks.remove(hook)
        with following(store, platform) as engine:
            engine.run_once()
    assert _questions(store, odd) == ["Depuis quand ?", "Et la taille ?"]
    assert store.state(odd) == CaseState.ON_HOLD
    assert store.platform_info(odd)["last_error"] is None


def test_a_missing_part_asked_again_answered_429_asks_nothing_more_before_its_retry_after(
    store: Store, tmp_path: Path
) -> None:
    from tests.support.scripted_platform import send_to_sandbox

    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    with scripted_platform() as platform:
        answer_each(platform, cases)
        pdfs = dict(platform.binaries)
        platform.binaries.clear()  # not on the platform yet (404): each answer kept without its PDF
        with following(store, platform) as engine:
            engine.run_once()
        for case_id, _ in cases:
            answer = store.answer(case_id)
            assert store.state(case_id) == CaseState.ANSWERED and answer is not None and answer.missing
        platform.binaries.update(pdfs)

        def hook(path: str, _query: dict[str, list[str]]) -> Reply | None:
            return _wait_reply(503) if "/Binary/" in path else None

        platform.hooks.append(hook)
        with following(store, platform) as engine:
            before = len(platform.requests)
            engine.run_once()
            asked = platform.requests[before:]
            binaries = [n for n, r in enumerate(asked) if "/Binary/" in r]
            assert len(binaries) == 1 and binaries[0] == len(asked) - 1, asked  # nothing asked after the wait
            before = len(platform.requests)
            engine.poll_interval_s = 0.5
            engine.run_forever(threading.Event(), timeout=2.0)
            assert len(platform.requests) == before, platform.requests[before:]
        for case_id, _ in cases:  # nothing alarming said: the platform is busy
            assert store.platform_info(case_id)["last_error"] is None, store.platform_info(case_id)
        platform.hooks.remove(hook)
        with following(store, platform) as engine:
            engine.follower._asked_again.clear()
            engine.run_once()
    for case_id, _ in cases:
        answer = store.answer(case_id)
        assert answer is not None and not answer.missing, answer


def test_a_first_question_whose_search_is_answered_429_puts_the_case_on_hold_and_holds_the_poll(
    store: Store, tmp_path: Path
) -> None:
    """The Task moved on hold, the search of its question answered 429: the case is on hold all the same (the
    expert waits for the nurse), its question said not read yet; nothing more is asked before the Retry-After,
    and the question is read at a later poll."""
    from tests.support.scripted_platform import send_to_sandbox

    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    throttled: dict[str, str] = {}
    with scripted_platform() as platform:
        for case_id, task_id in cases:
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
            platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]

        def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/Communication"):
                request = query.get("based-on", [""])[0]
                throttled.setdefault("request", request)
                if request == throttled["request"]:
                    return _wait_reply()
            return None

        platform.hooks.append(hook)
        with following(store, platform) as engine:
            engine.run_once()
            asked = platform.requests
            searched = [n for n, r in enumerate(asked) if "/Communication" in r]
            assert searched and searched[0] == len(asked) - 1, asked  # nothing asked after the wait
        odd = next(c for c, _ in cases if throttled["request"].endswith(str(store.platform_info(c)["request_id"])))
        info = store.platform_info(odd)
        assert store.state(odd) == CaseState.ON_HOLD and info["unread"], info
        assert str(info["last_error"]).startswith("L'expert demande des précisions"), info
        platform.hooks.remove(hook)
        with following(store, platform) as engine:
            engine.run_once()
    for case_id, _ in cases:
        assert store.state(case_id) == CaseState.ON_HOLD
        assert _questions(store, case_id) == ["Depuis quand ?"], case_id
        assert store.platform_info(case_id)["last_error"] is None


def test_an_answer_whose_missing_part_the_platform_always_asks_to_wait_on_no_longer_holds_the_others(
    store: Store, tmp_path: Path
) -> None:
    from tests.support.scripted_platform import send_to_sandbox

    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    refused: dict[str, str] = {}
    with scripted_platform() as platform:
        answer_each(platform, cases)
        pdfs = dict(platform.binaries)
        platform.binaries.clear()
        with following(store, platform) as engine:
            engine.run_once()
        platform.binaries.update(pdfs)

        def hook(path: str, _query: dict[str, list[str]]) -> Reply | None:
            if "/Binary/" in path:
                refused.setdefault("path", path)  # the first asked: always asked to wait
                return _wait_reply() if path == refused["path"] else None
            return None

        platform.hooks.append(hook)
        with following(store, platform) as engine:
            for _ in range(2):
                engine.follower._asked_again.clear()  # (each poll its turn to be asked again)
                engine.run_once()
    complete = [c for c, _ in cases if (answer := store.answer(c)) is not None and not answer.missing]
    assert len(complete) == 2, [store.answer(c) for c, _ in cases]  # the others went on


def test_a_cancel_too_late_says_so_when_the_platform_asks_to_wait_on_the_question(store: Store, tmp_path: Path) -> None:
    """The wait on a question's search stops the poll only: a cancel met by the expert's question says it is too
    late (the case on hold, its question to be read), never « busy, retrying » for a cancel that will not come."""
    from app.errors import TeleavisError
    from sync.client import PlatformClient
    from sync.follow import cancel
    from tests.support.scripted_platform import send_to_sandbox

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        platform.hooks.append(lambda path, _query: _wait_reply() if path.endswith("/Communication") else None)
        with (
            following(store, platform),
            PlatformClient.from_store(store, base_url=platform.base_url) as client,
            pytest.raises(TeleavisError, match=r"^Trop tard pour annuler"),
        ):
            cancel(store, client, case_id, budget_s=3.0)
    assert store.state(case_id) == CaseState.ON_HOLD


def test_a_daily_read_back_of_the_tasks_answered_429_asks_nothing_more_in_the_poll(
    store: Store, tmp_path: Path
) -> None:
    """The Tasks written last, read back once a day (their audit heads), answered 429: the questions and the
    reports were then asked at once all the same."""
    from tests.support.scripted_platform import send_to_sandbox

    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    (done_case, done_task), *held = cases
    with scripted_platform() as platform:
        answer_each(platform, [(done_case, done_task)])
        with following(store, platform) as engine:
            engine.run_once()
        assert store.state(done_case) == CaseState.ANSWERED
        for case_id, task_id in held:
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
            platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()  # on hold, their questions read
        for _case_id, task_id in held:
            platform.communications[task_id].append(
                {**communication(f"q2-{task_id}", task_id, "Et la taille ?"), "sent": "2026-11-21T11:00:00+01:00"}
            )
        store.settings.set("sync.witness_at", None)  # a day later: read back now

        def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
            asked = ",".join(query.get("_id", [])).split(",")
            if path.endswith("/Task") and asked == [done_task]:  # the read back
                return _wait_reply()
            if path.endswith("/Task"):  # the poll: the answered case's Task unchanged since the mark
                return fhir(bundle([platform.tasks[t] for t in asked if t in platform.tasks and t != done_task]))
            return None

        platform.hooks.append(hook)
        with following(store, platform) as engine:
            before = len(platform.requests)
            engine.run_once()
            asked = platform.requests[before:]
        refused = [n for n, r in enumerate(asked) if "/Task?" in r and f"_id={done_task}&" in r]
        assert refused and refused[-1] == len(asked) - 1, asked  # nothing asked after the wait


def test_an_answer_whose_questions_search_is_answered_429_asks_nothing_more_in_the_poll(
    store: Store, tmp_path: Path
) -> None:
    """Cases that held a question, answered now: the search of the first one's questions answered 429. Its answer
    is kept (the wait kept for the engine), but the next cases' reports, files and questions were then asked at
    once all the same (found in review), before the Retry-After the platform had just given."""
    from tests.support.scripted_platform import PDF

    case_ids = on_hold_with_a_question(store, tmp_path / "sandbox", 3)
    throttled: dict[str, str] = {}
    with scripted_platform() as platform:
        for n, case_id in enumerate(case_ids):
            task_id = str(store.platform_info(case_id)["task_id"])
            platform.tasks[task_id] = task(case_id, task_id, "completed", version="3", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}.", pdf=f"b{n}")
            platform.binaries[f"b{n}"] = PDF
            platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]

        def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/Communication"):
                request = query.get("based-on", [""])[0]
                throttled.setdefault("request", request)  # the first asked: asked to wait
                if request == throttled["request"]:
                    return _wait_reply()
            return None

        platform.hooks.append(hook)
        with following(store, platform) as engine:
            before = len(platform.requests)
            engine.run_once()
            asked = platform.requests[before:]
        refused = [n for n, r in enumerate(asked) if "/Communication" in r]
        assert refused and refused[0] == len(asked) - 1, asked  # nothing asked after the wait
        platform.hooks.remove(hook)
        with following(store, platform) as engine:
            engine.run_once()
    for case_id in case_ids:  # the others read at the next poll, the mark not past them
        answer = store.answer(case_id)
        assert store.state(case_id) == CaseState.ANSWERED and answer is not None and not answer.missing, case_id


def test_a_case_set_aside_is_not_kept_from_its_questions_for_good_by_another_the_platform_always_refuses(
    store: Store, tmp_path: Path
) -> None:
    """Two cases on hold set aside (the platform kept asking to wait on the search of their questions): found in
    review, those set aside were searched in the database's order, the first refused stopping the others, so the
    one listed first, refused at every poll, kept the other's second question unread for good. Least asked first
    now, as the Tasks set aside are."""
    first, second = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    tasks = {c: str(store.platform_info(c)["task_id"]) for c in (first, second)}
    requests = {c: f"ServiceRequest/{store.platform_info(c)['request_id']}" for c in (first, second)}
    refused: set[str] = set()
    with scripted_platform() as platform:
        for case_id, task_id in tasks.items():
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
            platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]

        def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/Communication") and query.get("based-on", [""])[0] in refused:
                return _wait_reply()
            return None

        platform.hooks.append(hook)
        for refused_now in (second, first):  # each set aside in turn
            refused.clear()
            refused.add(requests[refused_now])
            for _ in range(THROTTLED_TRIES):
                with following(store, platform) as engine:
                    engine.run_once()
        platform.communications[tasks[second]].append(
            {
                **communication(f"q2-{tasks[second]}", tasks[second], "Et la taille ?"),
                "sent": "2026-11-21T11:00:00+01:00",
            }
        )
        for _ in range(3):  # the first still refused at every poll
            with following(store, platform) as engine:
                engine.run_once()
    assert _questions(store, second) == ["Depuis quand ?", "Et la taille ?"]
    assert _questions(store, first) == ["Depuis quand ?"]


def test_the_daily_read_back_is_not_asked_after_the_platform_asked_to_wait_in_the_same_poll(
    store: Store, tmp_path: Path
) -> None:
    """The Tasks written last are read back once a day (their audit heads). Due in a poll where the platform had
    just answered 429 on a case's questions (its answer kept, the wait kept for the engine), the read back was
    asked all the same, one more request before the Retry-After. It waits for the next poll now, its day not
    counted as done."""
    from tests.support.scripted_platform import PDF, send_to_sandbox

    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    (done_case, done_task), *held = cases
    with scripted_platform() as platform:
        answer_each(platform, [(done_case, done_task)])
        for case_id, task_id in held:
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
            platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()  # the first answered, the others on hold with their question
        for n, (case_id, task_id) in enumerate(held):
            platform.tasks[task_id] = task(case_id, task_id, "completed", version="3", report_ids=(f"h{n}",))
            platform.reports[f"h{n}"] = report(f"h{n}", f"Réponse {n}.", pdf=f"hb{n}")
            platform.binaries[f"hb{n}"] = PDF
        store.settings.set("sync.witness_at", None)  # a day later: the read back due in this poll

        def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/Communication"):
                return _wait_reply()
            asked = ",".join(query.get("_id", [])).split(",")
            if path.endswith("/Task") and asked != [done_task]:  # the poll: the answered case's Task unchanged
                return fhir(bundle([platform.tasks[t] for t in asked if t in platform.tasks and t != done_task]))
            return None

        platform.hooks.append(hook)
        with following(store, platform) as engine:
            before = len(platform.requests)
            engine.run_once()
            asked = platform.requests[before:]
        waited = [n for n, r in enumerate(asked) if "/Communication" in r]
        assert waited and waited[0] == len(asked) - 1, asked  # nothing asked after the wait, the read back neither
        assert store.settings.get("sync.witness_at") is None  # read back at the next poll
        platform.hooks.remove(hook)
        with following(store, platform) as engine:
            engine.run_once()
            assert store.settings.get("sync.witness_at") is not None


def test_an_answer_whose_missing_part_is_always_refused_does_not_hold_the_others_across_runs(
    store: Store, tmp_path: Path
) -> None:
    """As above, each poll a new process (``teleavis sync --once`` from cron): which answer the platform asked
    to wait on last was kept in the process only, so each run asked the same one first, was told to wait, and
    the others' missing parts were never asked again. Kept in the store now."""
    from tests.support.scripted_platform import send_to_sandbox

    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    refused: dict[str, str] = {}
    with scripted_platform() as platform:
        answer_each(platform, cases)
        pdfs = dict(platform.binaries)
        platform.binaries.clear()
        with following(store, platform) as engine:
            engine.run_once()
        platform.binaries.update(pdfs)

        def hook(path: str, _query: dict[str, list[str]]) -> Reply | None:
            if "/Binary/" in path:
                refused.setdefault("path", path)  # the first asked: always asked to wait
                return _wait_reply() if path == refused["path"] else None
            return None

        platform.hooks.append(hook)
        for _ in range(2):
            with following(store, platform) as engine:  # a new process each time
                engine.run_once()
    complete = [c for c, _ in cases if (answer := store.answer(c)) is not None and not answer.missing]
    assert len(complete) == 2, [store.answer(c) for c, _ in cases]  # the others went on
