"""The expert's questions on a case on hold, told to the window as they come: a second one, and one
withdrawn (its Communication marked entered in error), told as a withdrawal, never as a new question."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.model import QUESTION_WITHDRAWN, CaseState
from app.outbox import Outbox
from app.store import Store
from sync.engine import Engine
from sync.progress import RecordingListener
from tests.support.scripted_platform import ScriptedPlatform, communication, scripted_platform, send_to_sandbox, task
from tests.sync.sync_helpers import client_for_url


@contextmanager
def asked(store: Store, tmp_path: Path) -> Iterator[tuple[ScriptedPlatform, Engine, RecordingListener, str, str]]:
    """A case sent, on hold on a scripted platform with one question (« Depuis quand ? »), read by an
    engine whose news ``heard`` keeps: the platform, the engine, the news, the case's and Task's ids."""
    ((case_id, task_id),) = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.task_of_request[str(store.platform_info(case_id)["request_id"])] = task_id
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication("q1", task_id, "Depuis quand ?")]
        heard = RecordingListener()
        with client_for_url(platform.base_url) as client:
            engine = Engine(store, client, listener=heard, case_budget_s=3.0)
            engine.run_once()
            yield platform, engine, heard, case_id, task_id


def test_a_question_withdrawn_on_a_case_on_hold_is_said_withdrawn_not_asked(store: Store, tmp_path: Path) -> None:
    """Found from outside: the expert asked, then withdrew the question (sent by mistake) and the Task
    stayed on hold; the window's notification said « L'expert pose une question sur le dossier », and the
    nurse opened the case for a question she was told to disregard."""
    with asked(store, tmp_path) as (platform, engine, heard, case_id, task_id):
        assert store.state(case_id) == CaseState.ON_HOLD
        assert (case_id, CaseState.ON_HOLD.value, "") in heard.states
        heard.states.clear()
        platform.communications[task_id][0]["status"] = "entered-in-error"
        engine.run_once()
    (message,) = Outbox(store).messages(case_id)
    assert message.withdrawn
    assert heard.states == [(case_id, CaseState.ON_HOLD.value, QUESTION_WITHDRAWN)]


def test_a_second_question_that_comes_with_a_new_task_version_is_told(store: Store, tmp_path: Path) -> None:
    """Found from outside: the expert asked a second question before the nurse answered the first, and
    the platform changed the Task with it (its business status); the question was kept unread but told
    nowhere: no notification, and the case open on screen did not show it."""
    with asked(store, tmp_path) as (platform, engine, heard, case_id, task_id):
        assert store.mark_read(case_id)
        heard.states.clear()
        second = communication("q2", task_id, "Et sa taille ?")
        second["sent"] = "2026-11-21T11:00:00+01:00"
        platform.communications[task_id].append(second)
        platform.tasks[task_id] = task(case_id, task_id, "on-hold", version="3")
        engine.run_once()
    assert [m.text for m in Outbox(store).messages(case_id)] == ["Depuis quand ?", "Et sa taille ?"]
    assert store.platform_info(case_id)["unread"] == 1
    assert heard.states == [(case_id, CaseState.ON_HOLD.value, "")]
