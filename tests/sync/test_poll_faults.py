"""The poll against a platform that fails on one resource, or changes one while it is being read
(found by an outside run against a scripted platform): one Task or report the platform cannot give
never holds the other cases back, and nothing changed while a poll runs is narrowed out of the next."""

from __future__ import annotations

from pathlib import Path

from app import messages as M
from app.model import CaseState
from app.store import Store
from tests.support.scripted_platform import (
    PDF,
    Reply,
    following,
    report,
    scripted_platform,
    send_to_sandbox,
    task,
)


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
