"""An answer withdrawn on the platform (its report deleted, or amended to « entered-in-error », or the request
handed back to another expert), marked withdrawn here; then a backup taken before the withdrawal is restored, and
brings the answer back as if it stood. The next poll must mark it withdrawn again, and say it again (the case
unread, the news « withdrawn »): she may have read the answer as standing since the restore.

Checked in review. The restore brings back the poll's marks of the backup's time with it (app/backup.py restores the
whole database): the Tasks and reports changed since are read again, and the daily roll call of the reports (the
only way a report deleted without its Task changing is found) is due at once, the backup's last one being older
than the one that found the deletion."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.answers import status_words
from app.backup import restore_backup, write_backup
from app.model import AnswerNews, CaseState
from app.store import Store
from sync import follow
from sync.progress import RecordingListener
from tests.conftest import PASSPHRASE
from tests.support.clock import Clock
from tests.support.scripted_platform import (
    ScriptedPlatform,
    answer_each,
    following,
    outcome,
    report,
    scripted_platform,
    send_to_sandbox,
    task,
)
from tests.sync.sync_helpers import setup_site


def _withdraw(platform: ScriptedPlatform, how: str, case_id: str, task_id: str) -> None:
    if how.startswith("deleted"):
        del platform.reports["r0"]  # searches leave it out, a read answers 410
        platform.hooks.append(
            lambda path, _q: outcome(410, "supprimé") if path.endswith("/DiagnosticReport/r0") else None
        )
        if how == "deleted-task-touched":
            platform.tasks[task_id]["meta"] = {"versionId": "3", "lastUpdated": "2026-11-22T10:00:00Z"}
    elif how == "entered-in-error":
        platform.reports["r0"] = report("r0", "Réponse 0.", status="entered-in-error", version="2", pdf="b0")
    else:  # handed back to be taken by another expert, its report taken off the Task
        platform.tasks[task_id] = task(case_id, task_id, "accepted", version="3")


def _said_withdrawn(store: Store, case_id: str) -> bool:
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion.startswith("Réponse ")  # kept, never silently removed
    return "retiré" in status_words(answer, "fr", state=store.state(case_id).value)


@pytest.mark.parametrize("how", ["deleted", "deleted-task-touched", "entered-in-error", "handed-back"])
def test_an_answer_withdrawn_after_the_backup_is_said_withdrawn_again_once_it_is_restored(
    teleavis_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    clock = Clock()
    monkeypatch.setattr(follow, "utc_now", clock)
    archive = tmp_path / "avant.tvbak"
    with Store.open(teleavis_home) as store:
        setup_site(store)
        cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    (odd, odd_task), (other, _) = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)
        with Store.open(teleavis_home) as store, following(store, platform) as engine:
            engine.run_once()
            assert store.state(odd) == CaseState.ANSWERED
            store.mark_read(odd)
            store.mark_read(other)
            clock.advance(hours=1)
            write_backup(store, archive)  # before the withdrawal
            _withdraw(platform, how, odd, odd_task)
            # Found at the next day's roll call of the reports (deleted alone), else at the next poll: then the
            # restore comes before the roll call is due again, the Tasks and reports alone can say it.
            for _ in range(3 if how == "deleted" else 1):
                clock.advance(hours=12 if how == "deleted" else 1)
                engine.run_once()
            assert _said_withdrawn(store, odd)
        restore_backup(archive, teleavis_home, PASSPHRASE, force=True)
        with Store.open(teleavis_home) as store:
            assert not _said_withdrawn(store, odd) and store.platform_info(odd)["unread"] == 0  # as backed up
            with following(store, platform) as engine:
                listener = RecordingListener()
                engine.listener = engine.follower.listener = listener
                clock.advance(minutes=5)
                engine.run_once()
            assert _said_withdrawn(store, odd)
            assert store.platform_info(odd)["unread"] == 1  # said again: she may have read it as standing
            assert [s for s in listener.states if s[0] == odd][-1][2] == AnswerNews.WITHDRAWN
            assert store.platform_info(other)["unread"] == 0 and not _said_withdrawn(store, other)
