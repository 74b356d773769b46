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


def test_an_answered_case_whose_task_the_platform_deleted_keeps_its_answer_and_alarms_nobody(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside: a platform deleting a request after it was answered (its own retention, a
    clean-up) turned the case unread with « aucune réponse ne viendra par Teleavis. Appelez la
    plateforme » beside the answer it showed: a nurse called the platform for an answer she had, for every
    answered case still followed. The answer stays; the note says that its changes will no longer come,
    and it is not news."""
    from sync.sandbox import SandboxServer
    from tests.sync.sync_helpers import engine_on, make_case

    store.settings.set("platform.url", "https://platform.example/fhir")  # a real platform's case
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        case_id = make_case(store, "dermatology", seed=0)
        with engine_on(store, sandbox.base_url) as engine:
            engine.run_once()
            sandbox.expert.run_until_idle()
            engine.run_once()
    assert store.state(case_id) == CaseState.ANSWERED
    conclusion = store.answer(case_id).conclusion
    store.mark_read(case_id)
    # Each followed case read alone (no poll mark yet, as after its following failed, or a first poll).
    store.settings.set("sync.poll_mark", None)
    with scripted_platform() as platform, following(store, platform) as engine:
        engine.run_once()  # (the platform holds no Task now: searched, then read alone: 404)
    info = store.platform_info(case_id)
    said = str(info["last_error"])
    assert "la réponse reçue reste" in said and "aucune réponse ne viendra" not in said, said
    assert not info["unread"]
    assert store.state(case_id) == CaseState.ANSWERED and store.answer(case_id).conclusion == conclusion
