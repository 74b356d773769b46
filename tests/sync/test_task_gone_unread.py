"""A request the platform deleted is news for the nurse: no answer will come through Teleavis (as for a
request the platform cancelled). Seen from outside: « La demande n'existe plus sur la plateforme » was
said on the case, but the case was not marked to read, so nobody opened it to see the note."""

from __future__ import annotations

from pathlib import Path

from app.model import CaseState
from app.store import Store
from tests.support.scripted_platform import following, scripted_platform, send_to_sandbox


def test_a_task_the_platform_deleted_marks_its_case_unread_once(store: Store, tmp_path: Path) -> None:
    store.settings.set("platform.url", "https://platform.example/fhir")  # a real platform's case
    [(case_id, _task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    assert not store.platform_info(case_id)["unread"]
    with scripted_platform() as platform, following(store, platform) as engine:
        engine.run_once()  # (the platform holds no Task: searched, then read alone: 404)
        info = store.platform_info(case_id)
        assert "n'existe plus sur la plateforme" in str(info["last_error"])
        assert info["unread"]
        assert store.state(case_id) == CaseState.SENT
        store.mark_read(case_id)
        engine.run_once()  # still gone: said, but not news again at every poll
    assert not store.platform_info(case_id)["unread"]
