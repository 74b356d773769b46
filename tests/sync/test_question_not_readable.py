"""The expert asks for more information (Task ``on-hold``) but the platform refuses or fails the search of
its messages (``GET Communication?based-on=…``). Found from outside: the case stayed « sent », not to be
read, and only « La réponse de la plateforme n'a pas pu être lue » was said at every poll: the nurse never
knew the expert was waiting for her."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import messages as M
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from tests.support.scripted_platform import (
    Reply,
    communication,
    following,
    outcome,
    scripted_platform,
    send_to_sandbox,
    task,
)

QUESTION_UNREAD = "L'expert demande des précisions, mais son message n'a pas pu être lu"


@pytest.mark.parametrize("refusal", [403, 503], ids=["refused", "failing"])
def test_on_hold_is_shown_even_when_the_question_cannot_be_read(store: Store, tmp_path: Path, refusal: int) -> None:
    """The case goes on hold and is unread, the platform's business status kept, the note says the
    question could not be read yet; once the search works, the question is read, once."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    refused = {"on": True}

    def messages_refused(path: str, _query: dict[str, list[str]]) -> Reply | None:
        if path.endswith("/Communication") and refused["on"]:
            return outcome(refusal, "Access denied: scope does not permit Communication search")
        return None

    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.tasks[task_id]["businessStatus"] = {"text": "En attente de précisions du demandeur"}
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        platform.hooks.append(messages_refused)
        with following(store, platform) as engine:
            for _ in range(2):
                engine.run_once()
                info = store.platform_info(case_id)
                assert store.state(case_id) == CaseState.ON_HOLD
                assert info["unread"]
                assert info["business_status"] == "En attente de précisions du demandeur"
                assert str(info["last_error"]).startswith(QUESTION_UNREAD)
                assert not [m for m in Outbox(store).messages(case_id) if m.direction == "from-expert"]
            store.mark_read(case_id)
            refused["on"] = False  # the platform answers the search again
            for _ in range(2):
                engine.run_once()
    questions = [m.text for m in Outbox(store).messages(case_id) if m.direction == "from-expert"]
    assert questions == ["Depuis quand ?"]  # read, once
    info = store.platform_info(case_id)
    assert info["unread"]  # the question itself is news
    assert info["last_error"] is None  # the note that it could not be read goes
    assert store.state(case_id) == CaseState.ON_HOLD


def test_the_note_of_a_question_not_read_says_it_in_english_too() -> None:
    assert M.CATALOGUE["follow.question_unread"]["fr"].startswith(QUESTION_UNREAD)
    assert M.CATALOGUE["follow.question_unread"]["en"].startswith("The expert asks for more information")
