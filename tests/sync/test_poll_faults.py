"""The poll against a platform that fails on one resource, or changes one while it is being read
(found by an outside run against a scripted platform): one Task or report the platform cannot give
never holds the other cases back, and nothing changed while a poll runs is narrowed out of the next."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from app import messages as M
from app.answers import missing_words
from app.model import CaseState
from app.moments import parse_date_time
from app.store import Store
from sync.follow import ATTACHMENT_TRIES, BATCH, Follower
from tests.support.http import QuietHandler, serving
from tests.support.scripted_platform import (
    PDF,
    Reply,
    ScriptedPlatform,
    answer_each,
    bundle,
    fhir,
    following,
    outcome,
    report,
    scripted_platform,
    send_to_sandbox,
    task,
)
from tests.sync.sync_helpers import engine_on


def html(status: int) -> Reply:
    """A proxy's error page: no FHIR, a transient fault for the client."""
    return status, {"Content-Type": "text/html"}, b"<html><body>Internal error</body></html>"


def test_one_task_the_platform_always_fails_on_never_stops_the_others_being_followed(
    store: Store, tmp_path: Path
) -> None:
    """The platform fails (500) on one Task, in any search that holds it and read alone. Found from
    outside: when that Task came first in the reads one by one, the poll stopped there, as if the
    platform were not there, at every poll: no case was followed any more, nothing said."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 4)
    bad_case, bad_task = min(cases, key=lambda c: c[1])
    with scripted_platform() as platform:
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}", pdf=f"b{n}")
            platform.binaries[f"b{n}"] = PDF

        def broken(path: str, query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/Task") and bad_task in ",".join(query.get("_id", [])):
                return html(500)
            if path.endswith(f"/Task/{bad_task}"):
                return html(500)
            return None

        platform.hooks.append(broken)
        with following(store, platform) as engine:
            answered = engine.run_once().answered
            others = [c for c, _ in cases if c != bad_case]
            assert sorted(answered) == sorted(others)
            assert store.state(bad_case) == CaseState.SENT
            said = store.platform_info(bad_case)["last_error"]
            assert said in M.CATALOGUE["follow.task_unread"].values()
            assert "500" not in said
            platform.hooks.remove(broken)  # mended: the case is followed, and the note goes
            assert engine.run_once().answered == [bad_case]
    assert all(store.state(c) == CaseState.ANSWERED for c, _ in cases)
    assert store.platform_info(bad_case)["last_error"] is None


def test_a_platform_that_fails_every_task_and_its_metadata_stops_the_poll_at_once(store: Store, tmp_path: Path) -> None:
    """A platform down (500 on everything): the first Task read alone fails, and so does ``metadata``:
    the poll stops there (it does not try every case one by one), and no case is said broken."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    with scripted_platform() as platform:
        for case_id, task_id in cases:
            platform.tasks[task_id] = task(case_id, task_id, "in-progress")
        platform.hooks.append(lambda _path, _q: html(500))
        with following(store, platform) as engine:
            assert engine.run_once().answered == []
        read_alone = {r for r in platform.requests if "/Task/" in r}  # (each with its retries)
    assert len(read_alone) == 1
    assert all(store.platform_info(c)["last_error"] is None for c, _ in cases)


def test_a_case_completed_between_two_batch_searches_is_answered_at_a_later_poll(store: Store, tmp_path: Path) -> None:
    """41 open cases: two batch searches. Between them the expert completes X (first batch, at 10:05:01)
    and then changes Y (second batch, at 10:05:03). Found from outside: the poll's mark became 10:05:03,
    the later polls asked only what changed after it, and X's answer never came."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", BATCH + 1)
    case_of = {t: c for c, t in cases}
    state: dict[str, Any] = {"poll": 0, "batch": 0, "x": None}
    with scripted_platform() as platform:
        for case_id, task_id in cases:
            platform.tasks[task_id] = {
                **task(case_id, task_id, "in-progress"),
                "meta": {"versionId": "2", "lastUpdated": "2026-11-21T10:00:00.000+00:00"},
            }
        platform.reports["rx"] = report("rx", "Carcinome basocellulaire : exérèse", pdf="bx")
        platform.binaries["bx"] = PDF

        def narrowed(path: str, query: dict[str, list[str]]) -> Reply | None:
            """Searches narrowed by ``_lastUpdated`` as a server does; X and Y change during poll 2."""
            if not (path.endswith("/Task") and "_id" in query):
                return None
            ids = ",".join(query["_id"]).split(",")
            state["batch"] += 1
            if state["poll"] == 2 and state["batch"] == 2:  # X completed just before, now Y changes
                y = ids[0]
                platform.tasks[y] = {
                    **platform.tasks[y],
                    "status": "accepted",
                    "meta": {"versionId": "3", "lastUpdated": "2026-11-21T10:05:03.000+00:00"},
                }
            gt = (query.get("_lastUpdated") or [""])[0]
            since = parse_date_time(gt[2:]) if gt.startswith("gt") else None
            found = [
                platform.tasks[i]
                for i in ids
                if i in platform.tasks
                and (since is None or (parse_date_time(platform.tasks[i]["meta"]["lastUpdated"]) or since) > since)
            ]
            reply = fhir(bundle(found))
            if state["poll"] == 2 and state["batch"] == 1:  # just after the first batch was answered
                x = state["x"] = ids[0]
                platform.tasks[x] = {
                    **task(case_of[x], x, "completed", report_ids=("rx",)),
                    "meta": {"versionId": "3", "lastUpdated": "2026-11-21T10:05:01.000+00:00"},
                }
            return reply

        platform.hooks.append(narrowed)
        with following(store, platform) as engine:
            for n in (1, 2, 3, 4):
                state["poll"], state["batch"] = n, 0
                engine.run_once()
            narrowed_by = [r for r in platform.requests if r.startswith("/fhir/Task?") and "_lastUpdated" in r][-1]
    x = state["x"]
    assert store.state(case_of[x]) == CaseState.ANSWERED
    assert store.answer(case_of[x]).conclusion == "Carcinome basocellulaire : exérèse"  # type: ignore[union-attr]
    assert "10%3A05%3A02" in narrowed_by  # the mark moves on once every change before it was seen


def test_a_report_amended_between_two_batch_searches_is_read_at_a_later_poll(store: Store, tmp_path: Path) -> None:
    """The same between the searches of the answered cases' reports: the expert corrects X's report
    (first batch, 10:05:01) once its batch is read, then Y's (second batch, 10:05:03). The correction
    of X must come at a later poll, not be narrowed out for good."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", BATCH + 1)
    state: dict[str, Any] = {"poll": 0, "batch": 0, "x": None}

    def dated(report_id: str, words: str, version: str, when: str) -> dict[str, Any]:
        return {**report(report_id, words), "meta": {"versionId": version, "lastUpdated": f"2026-11-21T{when}+00:00"}}

    with scripted_platform() as platform:
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = dated(f"r{n}", f"Naevus bénin {n}", "1", "10:00:00.000")

        def narrowed(path: str, query: dict[str, list[str]]) -> Reply | None:
            if not (path.endswith("/DiagnosticReport") and "_id" in query) or state["poll"] == 0:
                return None
            ids = ",".join(query["_id"]).split(",")
            state["batch"] += 1
            if state["poll"] == 2 and state["batch"] == 2:
                platform.reports[ids[0]] = dated(ids[0], "Y corrigé", "2", "10:05:03.000")
            gt = (query.get("_lastUpdated") or [""])[0]
            since = parse_date_time(gt[2:]) if gt.startswith("gt") else None
            found = [
                platform.reports[i]
                for i in ids
                if since is None or (parse_date_time(platform.reports[i]["meta"]["lastUpdated"]) or since) > since
            ]
            reply = fhir(bundle(found))
            if state["poll"] == 2 and state["batch"] == 1:
                x = state["x"] = ids[0]
                platform.reports[x] = dated(x, "Mélanome : exérèse urgente", "2", "10:05:01.000")
            return reply

        platform.hooks.append(narrowed)
        with following(store, platform) as engine:
            engine.run_once()
            assert all(store.state(c) == CaseState.ANSWERED for c, _ in cases)
            for n in (1, 2, 3, 4):
                state["poll"], state["batch"] = n, 0
                engine.run_once()
    x_case = cases[int(state["x"][1:])][0]
    assert store.answer(x_case).conclusion == "Mélanome : exérèse urgente"  # type: ignore[union-attr]


def test_one_report_the_platform_always_fails_on_never_hides_the_other_amendments(store: Store, tmp_path: Path) -> None:
    """41 answered cases (two batches of reports). The platform then fails (500) on r0 alone, in any
    search holding it and read alone, and the expert corrects every other report. Found from outside:
    the failed search ended the look for amendments, the later batch never asked, at every poll: no
    correction of any answered case was ever shown."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", BATCH + 1)
    with scripted_platform() as platform:
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Naevus bénin {n}")
        with following(store, platform) as engine:
            engine.run_once()
            assert all(store.state(c) == CaseState.ANSWERED for c, _ in cases)
            for n in range(1, len(cases)):
                platform.reports[f"r{n}"] = report(f"r{n}", f"Mélanome {n} : exérèse", status="amended", version="2")

            def broken(path: str, query: dict[str, list[str]]) -> Reply | None:
                if path.endswith("/DiagnosticReport") and "r0" in ",".join(query.get("_id", [])).split(","):
                    return outcome(500, "HAPI-0389: Failed to parse database resource[DiagnosticReport/r0]")
                if path.endswith("/DiagnosticReport/r0"):
                    return outcome(500, "HAPI-0389: Failed to parse database resource[DiagnosticReport/r0]")
                return None

            platform.hooks.append(broken)
            amended = engine.run_once().answered
    assert sorted(amended) == sorted(case_id for case_id, _ in cases[1:])
    for n, (case_id, _) in enumerate(cases[1:], 1):
        assert store.answer(case_id).conclusion == f"Mélanome {n} : exérèse"  # type: ignore[union-attr]
    assert store.answer(cases[0][0]).conclusion == "Naevus bénin 0"  # type: ignore[union-attr]


def test_a_report_the_platform_always_fails_on_is_said_and_never_freezes_the_poll(store: Store, tmp_path: Path) -> None:
    """Case A's Task is completed but its DiagnosticReport answers 500 at every read; case B is in
    progress. Found from outside: A stayed « sent » for good, « La plateforme est occupée (500) », never
    said answered, and the poll was never whole, so every poll asked every Task unnarrowed, forever."""
    (a, ta), (b, tb) = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        platform.tasks[ta] = task(a, ta, "completed", report_ids=("ra",))
        platform.reports["ra"] = report("ra", "Kératose séborrhéique.", pdf="ba")
        platform.binaries["ba"] = PDF
        platform.tasks[tb] = task(b, tb, "in-progress")

        def broken(path: str, _query: dict[str, list[str]]) -> Reply | None:
            return html(500) if path.endswith("/DiagnosticReport/ra") else None

        platform.hooks.append(broken)
        with following(store, platform) as engine:
            for _ in range(ATTACHMENT_TRIES - 1):
                assert engine.run_once().answered == []
                assert store.state(a) == CaseState.SENT
            assert engine.run_once().answered == [a]
            assert store.state(a) == CaseState.ANSWERED
            said = store.platform_info(a)["last_error"]
            assert said in M.CATALOGUE["follow.answer_unread"].values()
            answer = store.answer(a)
            assert answer is not None and answer.conclusion == "" and missing_words(answer)
            engine.run_once()
            narrowed = [r for r in platform.requests if r.startswith("/fhir/Task?")][-1]
            assert "_lastUpdated" in narrowed  # the poll is whole again: narrowed by its mark
            platform.hooks.remove(broken)  # mended: the answer comes, and the note goes
            assert engine.run_once().answered == [a]
    answer = store.answer(a)
    assert answer is not None and answer.conclusion == "Kératose séborrhéique." and not answer.missing
    assert len(answer.pdf_blobs) == 1
    assert store.platform_info(a)["last_error"] is None


def test_a_report_the_platform_always_fails_on_is_counted_across_separate_sync_runs(
    store: Store, teleavis_home: Path, tmp_path: Path
) -> None:
    """As above, each poll run by a new process on its own connection to the store, as ``teleavis sync
    --once`` run by cron is. Found in review: the failed reads were counted in the process, the count
    started again at every run and never reached its limit: the case stayed « sent » for good."""
    [(a, ta)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[ta] = task(a, ta, "completed", report_ids=("ra",))
        platform.reports["ra"] = report("ra", "Kératose séborrhéique.")

        def broken(path: str, _query: dict[str, list[str]]) -> Reply | None:
            return html(500) if path.endswith("/DiagnosticReport/ra") else None

        platform.hooks.append(broken)
        runs = []
        for _ in range(ATTACHMENT_TRIES):
            with Store.open(teleavis_home) as process, following(process, platform) as engine:
                runs.append(engine.run_once().answered)
                sealed = process.conn.execute("SELECT encrypted FROM settings WHERE key LIKE 'sync.read_failures%'")
                assert all(row[0] for row in sealed)  # (an address may carry a file's title)
    assert runs == [[]] * (ATTACHMENT_TRIES - 1) + [[a]]
    assert store.state(a) == CaseState.ANSWERED
    assert store.platform_info(a)["last_error"] in M.CATALOGUE["follow.answer_unread"].values()


def test_a_case_whose_following_keeps_failing_no_longer_holds_the_mark_for_every_other_case(
    store: Store, teleavis_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A's Task comes back completed, and following it fails at every poll for a reason no rule handles
    (here, a shape the code does not expect); B is answered meanwhile. Found in review: A kept the poll
    from being whole, so the mark never moved again, and every poll asked every Task changed since,
    forever. A is now said on its page and searched whatever its date, alone in its search, until it is
    followed; the mark moves on for the others, and A's answer, older than the mark, still comes. Each
    poll is a new process (``teleavis sync --once`` from cron)."""
    (a, ta), (b, tb) = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        for case_id, task_id in ((a, ta), (b, tb)):
            platform.tasks[task_id] = {
                **task(case_id, task_id, "in-progress"),
                "meta": {"versionId": "2", "lastUpdated": "2026-11-21T10:00:00.000+00:00"},
            }

        def narrowed(path: str, query: dict[str, list[str]]) -> Reply | None:
            """Searches narrowed by ``_lastUpdated`` as a server does."""
            if not (path.endswith("/Task") and "_id" in query):
                return None
            gt = (query.get("_lastUpdated") or [""])[0]
            since = parse_date_time(gt[2:]) if gt.startswith("gt") else None
            return fhir(
                bundle(
                    [
                        platform.tasks[i]
                        for i in ",".join(query["_id"]).split(",")
                        if i in platform.tasks
                        and (
                            since is None
                            or (parse_date_time(platform.tasks[i]["meta"]["lastUpdated"]) or since) > since
                        )
                    ]
                )
            )

        def poll() -> list[str]:
            with Store.open(teleavis_home) as process, following(process, platform) as engine:
                return engine.run_once().answered

        platform.hooks.append(narrowed)
        assert poll() == []
        mirror = Follower.mirror

        def not_expected(follower: Follower, case_id: str, *args: Any, **kwargs: Any) -> bool:
            if case_id == a:
                raise KeyError("a shape not expected")
            return mirror(follower, case_id, *args, **kwargs)

        monkeypatch.setattr(Follower, "mirror", not_expected)
        platform.tasks[ta] = {
            **task(a, ta, "completed", report_ids=("ra",)),
            "meta": {"versionId": "3", "lastUpdated": "2026-11-21T10:05:00.000+00:00"},
        }
        platform.reports["ra"] = report("ra", "Kératose séborrhéique.")
        assert poll() == []
        platform.tasks[tb] = {
            **task(b, tb, "completed", report_ids=("rb",)),
            "meta": {"versionId": "3", "lastUpdated": "2026-11-21T10:10:00.000+00:00"},
        }
        platform.reports["rb"] = report("rb", "Naevus bénin.")
        assert poll() == [b]
        start = len(platform.requests)
        assert poll() == []
        searches = [r for r in platform.requests[start:] if r.startswith("/fhir/Task?")]
        assert store.state(a) == CaseState.IN_PROGRESS
        assert store.platform_info(a)["last_error"] in M.CATALOGUE["follow.unreadable"].values()
        of_a = [r for r in searches if ta in r]
        assert of_a and all(tb not in r and "_lastUpdated" not in r for r in of_a), searches  # A: any date
        of_b = [r for r in searches if tb in r]
        assert of_b and all("_lastUpdated=gt2026-11-21T10%3A09%3A59" in r for r in of_b), searches  # moved on
        monkeypatch.setattr(Follower, "mirror", mirror)  # mended: A's answer comes, older than the mark as it is
        assert poll() == [a]
        start = len(platform.requests)
        poll()
        searches = [r for r in platform.requests[start:] if r.startswith("/fhir/Task?")]
    assert store.answer(a).conclusion == "Kératose séborrhéique."  # type: ignore[union-attr]
    assert store.platform_info(a)["last_error"] is None
    assert searches and all("_lastUpdated" in r for r in searches), searches  # A followed: no longer kept aside


def test_the_same_report_named_twice_in_the_outputs_is_read_once(store: Store, tmp_path: Path) -> None:
    """The Task's outputs name the same report twice, relative and absolute with its version. Found from
    outside: its conclusion was shown twice, and its PDF kept twice."""
    [(a, ta)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        completed = task(a, ta, "completed", report_ids=("r1",))
        completed["output"].append(
            {
                "type": {"text": "Compte rendu (PDF)"},
                "valueReference": {"reference": f"{platform.base_url}/DiagnosticReport/r1/_history/1"},
            }
        )
        platform.tasks[ta] = completed
        platform.reports["r1"] = report("r1", "Kératose séborrhéique, pas de traitement.", pdf="b1")
        platform.binaries["b1"] = PDF
        with following(store, platform) as engine:
            assert engine.run_once().answered == [a]
            assert engine.run_once().answered == []  # read again: the same answer, no amendment
    answer = store.answer(a)
    assert answer is not None and answer.conclusion == "Kératose séborrhéique, pas de traitement."
    assert len(answer.pdf_blobs) == 1 and not answer.amended


def test_a_report_the_platform_trickles_a_byte_at_a_time_never_holds_the_other_answers_back(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside: one case's PDF sent a byte every half second (each in time for the read
    timeout) held the whole poll: no case answered after 40 s, and a real report would have taken a day.
    An answer coming slower than a working link's slowest is given up as a timeout, retried at the next
    poll; the other cases are answered meanwhile."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    platform = ScriptedPlatform()
    answer_each(platform, cases)
    for task_id, request_id in store.conn.execute("SELECT task_id, request_id FROM cases WHERE task_id IS NOT NULL"):
        platform.task_of_request[str(request_id)] = str(task_id)
    done = threading.Event()

    class Trickling(QuietHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            status, headers, body = platform.answer(url.path, parse_qs(url.query))
            if not url.path.endswith("/Binary/b0"):
                self.answer(status, body, content_type=None, headers=headers)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for n in range(len(body)):
                if done.wait(0.5):
                    return
                self.wfile.write(body[n : n + 1])
                self.wfile.flush()

    with serving(Trickling, path="/fhir") as base, engine_on(store, base, case_budget_s=3.0) as engine:
        platform.base_url = base
        answered: list[str] = []
        poll = threading.Thread(target=lambda: answered.extend(engine.run_once().answered), daemon=True)
        started = time.monotonic()
        poll.start()
        poll.join(30.0)
        took = time.monotonic() - started
        done.set()
        engine.client.stop.set()
        poll.join(10.0)
    assert took < 30.0, "the poll was still reading the trickled PDF"
    assert sorted(answered) == sorted(case_id for case_id, _ in cases[1:])
    assert store.state(cases[0][0]) == CaseState.SENT  # read again at the next poll


def test_a_report_served_empty_by_the_way_is_read_again_not_kept_as_having_no_content(
    store: Store, tmp_path: Path
) -> None:
    """Found by a pass through a proxy answering 200 with an empty body: the expert's PDF, declared with its
    size and hash, came empty, and the answer was kept without it for good (« no-content », never asked
    again). Bytes that are not the file declared are not reached yet: the answer waits for the next poll."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 1)
    [(case_id, _task_id)] = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def empty(path: str, _query: dict[str, list[str]]) -> Reply | None:
            return (200, {"Content-Type": "application/pdf"}, b"") if path.endswith("/Binary/b0") else None

        platform.hooks.append(empty)
        with following(store, platform) as engine:
            engine.run_once()
            answer = store.answer(case_id)
            assert answer is None or not answer.missing or answer.missing[0]["reason"] != "no-content", answer
            platform.hooks.remove(empty)
            engine.run_once()
    answer = store.answer(case_id)
    assert store.state(case_id) == CaseState.ANSWERED
    assert answer is not None and len(answer.pdf_blobs) == 1 and not answer.missing, answer
