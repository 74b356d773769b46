"""A backup made over a case that no longer opens says to keep the older backups (one of them may hold the case
whole: 1518e71). Found in review: the scheduled backup (7 kept) and ``backup FOLDER --keep N`` then removed
those very backups, the oldest first: a week later no backup held the case whole any more. Then (note 36) none
was removed at all while a case did not open, and the drive filled in time. Now the older backups are pruned as
usual, but the newest one in which each case that no longer opens still opened is never removed: each backup
records which cases did not open (in its manifest, and in the data's own list of the backups it wrote)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from app.backup import KEEP_SCHEDULED, run_scheduled_backup
from app.model import iso, utc_now
from app.store import Store
from tests.support.cli import run_inprocess
from tests.sync.sync_helpers import make_case


def _two_cases_made_yesterday(home: Path) -> tuple[str, str]:
    with Store.open(home) as store:
        store.settings.set("language", "fr")
        healthy = make_case(store, seed=1)
        doomed = make_case(store, seed=2)
    with sqlite3.connect(home / "teleavis.db", isolation_level=None) as raw:  # (made before any backup below)
        raw.execute("UPDATE cases SET created_at=?", (iso(utc_now() - timedelta(days=1)),))
    return healthy, doomed


def _alter(home: Path, healthy: str, doomed: str) -> None:
    with sqlite3.connect(home / "teleavis.db", isolation_level=None) as raw:
        (sealed,) = raw.execute("SELECT content FROM cases WHERE id=?", (healthy,)).fetchone()
        raw.execute("UPDATE cases SET content=? WHERE id=?", (sealed, doomed))  # another case's sealed content


def test_the_scheduled_backup_prunes_but_keeps_the_last_one_holding_the_broken_case_whole(
    teleavis_home: Path, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    now = utc_now()
    healthy, doomed = _two_cases_made_yesterday(teleavis_home)
    with Store.open(teleavis_home) as store:
        store.settings.set("backup.folder", str(usb))
        for day in range(3):  # sound backups
            run_scheduled_backup(store, now + timedelta(days=day))
    sound = sorted(usb.iterdir())
    _alter(teleavis_home, healthy, doomed)
    with Store.open(teleavis_home) as store:
        for day in range(3, 3 + KEEP_SCHEDULED + 3):  # ten days more with the case not opening
            info = run_scheduled_backup(store, now + timedelta(days=day))
            assert info.not_opening == (doomed,), info
    left = sorted(usb.iterdir())
    assert sound[-1] in left, left  # the last one made while the case still opened
    assert not any(path in left for path in sound[:-1]), left  # older ones go as usual
    assert len(left) == KEEP_SCHEDULED + 1, left  # the drive does not fill


def test_the_scheduled_backup_keeps_none_for_a_case_no_backup_held_whole(teleavis_home: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    now = utc_now()
    with Store.open(teleavis_home) as store:
        store.settings.set("backup.folder", str(usb))
        for day in range(KEEP_SCHEDULED):  # a week of backups made before the cases were
            run_scheduled_backup(store, now + timedelta(days=day))
    with Store.open(teleavis_home) as store:
        healthy, doomed = make_case(store, seed=1), make_case(store, seed=2)
    _alter(teleavis_home, healthy, doomed)
    with Store.open(teleavis_home) as store:
        for day in range(KEEP_SCHEDULED, KEEP_SCHEDULED + 3):
            assert run_scheduled_backup(store, now + timedelta(days=day)).not_opening
    assert len(list(usb.iterdir())) == KEEP_SCHEDULED


def test_backup_keep_keeps_the_last_backup_holding_the_broken_case_whole(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    healthy, doomed = _two_cases_made_yesterday(teleavis_home)
    first = run_inprocess(capsys, "backup", str(usb))
    second = run_inprocess(capsys, "backup", str(usb))
    assert first.code == second.code == 0, (first.err, second.err)
    whole = Path(second.out.strip())
    _alter(teleavis_home, healthy, doomed)
    made = [run_inprocess(capsys, "backup", str(usb), "--keep", "1") for _ in range(3)]
    assert all(m.code == 0 for m in made), [m.err for m in made]
    left = sorted(usb.iterdir())
    assert left == sorted([whole, Path(made[-1].out.strip())]), left
    assert doomed[:8] in made[-1].err and whole.name in made[-1].err, made[-1].err
    assert "encore" in made[-1].err, made[-1].err
    with Store.open(teleavis_home) as store:
        store.settings.set("language", "en")
    english = run_inprocess(capsys, "backup", str(usb), "--keep", "1")
    assert english.code == 0 and whole.exists(), english.err
    assert "still opened" in english.err, english.err


def test_backup_keep_into_a_folder_given_relative(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder as a cron line may give it, relative: the backups it lists are absolute, what each recorded
    of its cases must be found under the same name (else every older one looked like an older release's)."""
    (tmp_path / "usb").mkdir()
    monkeypatch.chdir(tmp_path)
    healthy, doomed = _two_cases_made_yesterday(teleavis_home)
    whole = Path(run_inprocess(capsys, "backup", "usb/").out.strip())
    _alter(teleavis_home, healthy, doomed)
    made = [run_inprocess(capsys, "backup", "usb/", "--keep", "1") for _ in range(3)]
    assert all(m.code == 0 for m in made), [m.err for m in made]
    left = sorted(p.name for p in (tmp_path / "usb").iterdir())
    assert left == sorted([whole.name, Path(made[-1].out.strip()).name]), left


def test_backup_keep_keeps_an_older_whole_one_when_the_last_whole_one_was_removed_by_hand(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: the newest backup in which the case opened, removed by hand (space freed, a damaged
    file thrown away), was still taken as the one holding it; the older one still there that held it whole
    was removed, and then no backup held the case whole. (A night apart each: one in the same second would
    take the removed one's name.)"""
    from app import backup

    usb = tmp_path / "usb"
    usb.mkdir()
    healthy, doomed = _two_cases_made_yesterday(teleavis_home)
    start = utc_now()

    def night(n: int) -> str:
        monkeypatch.setattr(backup, "utc_now", lambda: start + timedelta(days=n))
        made = run_inprocess(capsys, "backup", str(usb), *(["--keep", "1"] if n >= 2 else []))
        assert made.code == 0, made.err
        return made.out.strip()

    older, newer = Path(night(0)), Path(night(1))
    _alter(teleavis_home, healthy, doomed)
    newer.unlink()  # by hand
    last = night(2)
    assert sorted(usb.iterdir()) == sorted([older, Path(last)])
    night(3)
    assert older.exists()


def test_the_scheduled_backup_keeps_an_older_whole_one_when_the_last_whole_one_was_removed_by_hand(
    teleavis_home: Path, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    now = utc_now()
    healthy, doomed = _two_cases_made_yesterday(teleavis_home)
    with Store.open(teleavis_home) as store:
        store.settings.set("backup.folder", str(usb))
        for day in range(3):  # sound backups
            run_scheduled_backup(store, now + timedelta(days=day))
    sound = sorted(usb.iterdir())
    _alter(teleavis_home, healthy, doomed)
    with Store.open(teleavis_home) as store:
        for day in range(3, 3 + KEEP_SCHEDULED - 2):  # the oldest sound one is the next to go
            run_scheduled_backup(store, now + timedelta(days=day))
        assert sound[-2].exists()
        sound[-1].unlink()  # by hand
        for day in range(3 + KEEP_SCHEDULED - 2, 3 + KEEP_SCHEDULED + 3):
            run_scheduled_backup(store, now + timedelta(days=day))
    left = sorted(usb.iterdir())
    assert sound[-2] in left, left  # now the last one still there holding the case whole
    assert len(left) == KEEP_SCHEDULED + 1, left


def test_a_creation_time_moved_ahead_with_the_damage_does_not_unkeep_the_whole_one(
    teleavis_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: the case's creation time is read from its row in clear, the very row changed outside
    Teleavis; moved ahead with the damage, every backup looked written before the case was made, and all but
    the last 7 went, the one holding it whole with them. Its creation as the audit log recorded it counts too."""
    usb = tmp_path / "usb"
    usb.mkdir()
    now = utc_now()
    from app import audit

    with monkeypatch.context() as clock:  # (its audit entry too made yesterday, as its row says)
        clock.setattr(audit, "utc_now", lambda: now - timedelta(days=1))
        healthy, doomed = _two_cases_made_yesterday(teleavis_home)
    with Store.open(teleavis_home) as store:
        store.settings.set("backup.folder", str(usb))
        for day in range(3):
            run_scheduled_backup(store, now + timedelta(days=day))
    sound = sorted(usb.iterdir())
    _alter(teleavis_home, healthy, doomed)
    with sqlite3.connect(teleavis_home / "teleavis.db", isolation_level=None) as raw:
        raw.execute("UPDATE cases SET created_at=? WHERE id=?", (iso(now + timedelta(days=3650)), doomed))
    with Store.open(teleavis_home) as store:
        for day in range(3, 3 + KEEP_SCHEDULED + 3):
            assert run_scheduled_backup(store, now + timedelta(days=day)).not_opening == (doomed,)
    left = sorted(usb.iterdir())
    assert sound[-1] in left, left
    assert len(left) == KEEP_SCHEDULED + 1, left


def test_backup_keep_names_only_a_backup_it_kept_beyond_keep(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found in review: « Gardée au-delà de --keep » was said of the whole one though --keep kept it anyway (among
    the last N), and of one on another drive, which this --keep never touches."""
    usb, other = tmp_path / "usb", tmp_path / "other"
    usb.mkdir()
    other.mkdir()
    healthy, doomed = _two_cases_made_yesterday(teleavis_home)
    whole = Path(run_inprocess(capsys, "backup", str(usb)).out.strip())
    _alter(teleavis_home, healthy, doomed)
    within = run_inprocess(capsys, "backup", str(usb), "--keep", "3")
    assert within.code == 0 and whole.exists(), within.err
    assert "au-delà" not in within.err, within.err
    elsewhere = run_inprocess(capsys, "backup", str(other), "--keep", "1")
    assert elsewhere.code == 0 and whole.exists(), elsewhere.err
    assert "au-delà" not in elsewhere.err, elsewhere.err


def test_backup_keep_says_an_earlier_release_s_backup_may_hold_the_case(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One written by an earlier release (which recorded nothing of its cases) is kept as it may be the one: found
    in review, stderr said of it « la dernière sauvegarde où le dossier s'ouvrait encore », which nothing knows."""
    usb = tmp_path / "usb"
    usb.mkdir()
    healthy, doomed = _two_cases_made_yesterday(teleavis_home)
    earlier = Path(run_inprocess(capsys, "backup", str(usb)).out.strip())
    with Store.open(teleavis_home) as store:  # as an earlier release left it: nothing recorded of its cases
        seen = dict(store.settings.get("state.backup.cases_seen"))
        del seen[str(earlier)]
        store.settings.set("state.backup.cases_seen", seen)
    _alter(teleavis_home, healthy, doomed)
    made = run_inprocess(capsys, "backup", str(usb), "--keep", "1")
    assert made.code == 0 and earlier.exists(), made.err
    assert earlier.name in made.err and "version antérieure" in made.err, made.err
    assert "s'ouvrait encore" not in made.err, made.err


def test_a_damaged_record_of_the_backups_cases_neither_fails_the_backup_nor_unkeeps_one(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found in review: what the backups recorded of their cases, changed outside Teleavis with the rest, made every
    backup fail once written (« modified outside Teleavis »), a ``backup FILE`` too: none could be made while data
    was damaged, when it matters most. It is now as if nothing was recorded (each older backup kept while a case
    does not open), and recorded afresh."""
    usb = tmp_path / "usb"
    usb.mkdir()
    healthy, doomed = _two_cases_made_yesterday(teleavis_home)
    whole = Path(run_inprocess(capsys, "backup", str(usb)).out.strip())
    _alter(teleavis_home, healthy, doomed)
    with sqlite3.connect(teleavis_home / "teleavis.db", isolation_level=None) as raw:
        raw.execute("UPDATE settings SET value='{}' WHERE key='state.backup.cases_seen'")
    single = run_inprocess(capsys, "backup", str(tmp_path / "one.tvbak"))
    assert single.code == 0, single.err
    made = [run_inprocess(capsys, "backup", str(usb), "--keep", "1") for _ in range(2)]
    assert all(m.code == 0 for m in made), [m.err for m in made]
    assert whole.exists()
