"""Two cases' questions under the same Communication id (ids are the server's: a training platform and the
real one each count from 1, a platform restored from a backup): each is its own case's. Found by a hunt for
« one odd resource »: the second case's question, its id already known under the first, was silently left
out, the case on hold with no question to answer."""

from __future__ import annotations

from pathlib import Path

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from tests.support.scripted_platform import communication, following, scripted_platform, send_to_sandbox, task


def _asked(store: Store, case_id: str) -> list[str]:
    return [m.text for m in Outbox(store).messages(case_id) if m.direction == "from-expert" and not m.withdrawn]


def test_a_question_whose_id_is_another_cases_question_is_still_shown(store: Store, tmp_path: Path) -> None:
    (a_case, a_task), (b_case, b_task) = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        platform.tasks[a_task] = task(a_case, a_task, "on-hold")
        platform.communications[a_task] = [communication("1", a_task, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()
            platform.tasks[b_task] = task(b_case, b_task, "on-hold")
            platform.communications[b_task] = [communication("1", b_task, "Quelle taille ?")]
            engine.run_once()
            engine.run_once()
    assert _asked(store, a_case) == ["Depuis quand ?"]
    assert store.state(b_case) == CaseState.ON_HOLD
    assert _asked(store, b_case) == ["Quelle taille ?"]
    assert store.platform_info(b_case)["unread"]
