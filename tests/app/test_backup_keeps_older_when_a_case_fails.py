"""A backup made over a case that no longer opens says to keep the older backups (one of them may hold the case
whole: 1518e71). Found in review: the scheduled backup (7 kept) and ``backup FOLDER --keep N`` then removed
those very backups, the oldest first: a week later no backup held the case whole any more, while each backup
said to keep them. While a case does not open, no older backup is removed; said, and pruned again once every
case opens."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.backup import KEEP_SCHEDULED, run_scheduled_backup
from app.model import utc_now
from app.store import Store
from tests.app.test_doctor_cases import _two_cases_one_altered
from tests.support.cli import run_inprocess
from tests.sync.sync_helpers import make_case


def test_the_scheduled_backup_removes_no_older_backup_while_a_case_does_not_open(
    teleavis_home: Path, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    now = utc_now()
    with Store.open(teleavis_home) as store:
        store.settings.set("backup.folder", str(usb))
        make_case(store, seed=1)
        for day in range(KEEP_SCHEDULED):  # a week of sound backups
            run_scheduled_backup(store, now + timedelta(days=day))
    whole = sorted(usb.iterdir())
    assert len(whole) == KEEP_SCHEDULED
    _two_cases_one_altered(teleavis_home)  # (two more cases: one no longer opens)
    with Store.open(teleavis_home) as store:
        for day in range(KEEP_SCHEDULED, KEEP_SCHEDULED + 3):
            info = run_scheduled_backup(store, now + timedelta(days=day))
            assert info.not_opening, info
    assert all(path.exists() for path in whole), sorted(usb.iterdir())
    assert len(list(usb.iterdir())) == KEEP_SCHEDULED + 3


def test_backup_keep_removes_nothing_while_a_case_does_not_open(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    with Store.open(teleavis_home) as store:
        make_case(store, seed=1)
    first = run_inprocess(capsys, "backup", str(usb))
    assert first.code == 0, first.err
    older = Path(first.out.strip())
    _healthy, altered = _two_cases_one_altered(teleavis_home)
    made = run_inprocess(capsys, "backup", str(usb), "--keep", "1")
    assert made.code == 0, made.err
    assert older.exists(), made.err
    assert altered[:8] in made.err and "sauvegarde retirée" not in made.err, made.err
    assert "aucune ancienne sauvegarde n'a été retirée" in made.err.lower(), made.err
    with Store.open(teleavis_home) as store:
        store.settings.set("language", "en")
    english = run_inprocess(capsys, "backup", str(usb), "--keep", "1")
    assert english.code == 0 and older.exists(), english.err
    assert "no older backup was removed" in english.err.lower(), english.err
