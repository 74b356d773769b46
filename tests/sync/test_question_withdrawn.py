"""An expert's question withdrawn (its Communication marked entered in error) while the case stays on
hold: told as a withdrawal, never as a new question."""

from __future__ import annotations

from pathlib import Path

from app.model import QUESTION_WITHDRAWN, CaseState
from app.outbox import Outbox
from app.store import Store
from sync.engine import Engine
from sync.progress import RecordingListener
from tests.support.scripted_platform import communication, scripted_platform, send_to_sandbox, task
from tests.sync.sync_helpers import client_for_url


def test_a_question_withdrawn_on_a_case_on_hold_is_said_withdrawn_not_asked(store: Store, tmp_path: Path) -> None:
    """Found from outside: the expert asked, then withdrew the question (sent by mistake) and the Task
    stayed on hold; the window's notification said « L'expert pose une question sur le dossier », and the
    nurse opened the case for a question she was told to disregard."""
    ((case_id, task_id),) = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.task_of_request[str(store.platform_info(case_id)["request_id"])] = task_id
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication("q1", task_id, "Depuis quand ?")]
        heard = RecordingListener()
        with client_for_url(platform.base_url) as client:
            engine = Engine(store, client, listener=heard, case_budget_s=3.0)
            engine.run_once()
            assert store.state(case_id) == CaseState.ON_HOLD
            assert (case_id, CaseState.ON_HOLD.value, "") in heard.states
            heard.states.clear()
            platform.communications[task_id][0]["status"] = "entered-in-error"
            engine.run_once()
    (message,) = Outbox(store).messages(case_id)
    assert message.withdrawn
    assert heard.states == [(case_id, CaseState.ON_HOLD.value, QUESTION_WITHDRAWN)]
